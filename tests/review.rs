//! `stackc diff`: every change to the rendered tree is in the review, grouped
//! by meaning, with what has no group under "Other changes: these files".

use std::fs;

use proptest::prelude::*;

use crate::support::{gen_stack, project, stackc};

const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        git url="ssh://git@example.org/acme/gitops" branch="main" interval="10m"
    }
    platform {
        engine "flux"
    }
    namespace "a" {
        app "web" image="ghcr.io/acme/web:1.0" {
            port "http" 8080
            env "RUN_MIGRATIONS" "1"
            resources { limits cpu="500m" memory="512Mi" }
            volume "data" mount="/data" size="1Gi"
        }
    }
}
"#;

/// The markdown review of `old` → `new`, in a project whose store holds the
/// Secrets the platform reads.
fn diff(old: &str, new: &str) -> String {
    let dir = project(new);
    fs::write(dir.path().join("old.kdl"), old).unwrap();
    let out = stackc(dir.path(), &["diff", "old.kdl", "stack.kdl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn assert_has(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "missing {e:?}\n---\n{text}");
    }
}

#[test]
fn an_env_value_change_is_in_the_review() {
    let text = diff(STACK, &STACK.replace(r#""RUN_MIGRATIONS" "1""#, r#""RUN_MIGRATIONS" "0""#));
    assert!(!text.contains("No change"), "{text}");
    assert_has(
        &text,
        &[
            "### Workloads changed\n\n- `a/web` env RUN_MIGRATIONS: `\"1\"` → `\"0\"`",
            "### Files: workloads\n\n- changed `clusters/c/a/deployment-web.yaml`",
        ],
    );
}

#[test]
fn limits_size_and_env_changed_together_are_each_in_the_review() {
    let new = STACK
        .replace(r#""RUN_MIGRATIONS" "1""#, r#""RUN_MIGRATIONS" "0""#)
        .replace(r#"memory="512Mi""#, r#"memory="1Gi""#)
        .replace(r#"size="1Gi""#, r#"size="2Gi""#);
    let text = diff(STACK, &new);
    assert_has(
        &text,
        &[
            "- `a/web` env RUN_MIGRATIONS: `\"1\"` → `\"0\"`",
            "- `a/web` resources limits.memory: `512Mi` → `1Gi`",
            "- `a/web` volume data: `PVC 1Gi at /data` → `PVC 2Gi at /data`",
            "- changed `clusters/c/a/deployment-web.yaml`",
            "- changed `clusters/c/a/persistentvolumeclaim-web-data.yaml`",
        ],
    );
}

#[test]
fn replicas_command_and_removed_env_are_in_the_review() {
    let new = STACK
        .replace("        env \"RUN_MIGRATIONS\" \"1\"\n", "")
        .replace(r#"image="ghcr.io/acme/web:1.0""#, r#"image="ghcr.io/acme/web:1.0" replicas=3"#);
    let text = diff(STACK, &new);
    assert_has(&text, &["- `a/web` env RUN_MIGRATIONS: `\"1\"` → `(none)`", "- `a/web` replicas: `1` → `3`"]);
}

#[test]
fn a_change_without_a_semantic_group_lists_its_files() {
    let text = diff(STACK, &STACK.replace(r#"interval="10m""#, r#"interval="5m""#));
    assert!(!text.contains("No change"), "{text}");
    assert_has(&text, &["### Other changes: these files\n\n- changed `clusters/c/flux-system/"]);
}

#[test]
fn a_declared_secret_is_in_the_review() {
    let new = STACK.replace(
        "    namespace \"a\" {\n",
        "    namespace \"a\" {\n        secret \"api\" {\n            key \"token\" generated=#true\n        }\n",
    );
    let dir = project(&new);
    fs::write(dir.path().join("old.kdl"), STACK).unwrap();
    let out = stackc(dir.path(), &["diff", "old.kdl", "stack.kdl"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_has(&text, &["### Secrets declared\n\n- `a/api`"]);
    // Without a stored value NEW does not build: the review says the files
    // were not compared instead of claiming there is nothing else.
    assert_has(&text, &["**Rendered files not compared:** `stack.kdl` does not build here"]);
}

#[test]
fn an_unchanged_stack_has_no_change_at_all() {
    let text = diff(STACK, STACK);
    assert_has(
        &text,
        &["No change to connections, exposure, egress, workloads, the mesh, Secrets or any rendered file."],
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// For random pairs of generated stacks, every file `build --check`
    /// reports is in the review, as added, changed or removed.
    #[test]
    fn every_file_build_check_reports_is_in_the_review(
        a in (1usize..25, any::<u64>()),
        b in (1usize..25, any::<u64>()),
    ) {
        let (old, new) = (gen_stack::stack_kdl(a.0, a.1), gen_stack::stack_kdl(b.0, b.1));
        let dir = project(&old);
        let built = stackc(dir.path(), &["build"]);
        prop_assert_eq!(built.status.code(), Some(0), "{}", String::from_utf8_lossy(&built.stderr));
        fs::write(dir.path().join("old.kdl"), &old).unwrap();
        fs::write(dir.path().join("stack.kdl"), &new).unwrap();
        let check = stackc(dir.path(), &["build", "--check"]);
        let review = stackc(dir.path(), &["diff", "old.kdl", "stack.kdl"]);
        let review = String::from_utf8_lossy(&review.stdout);
        let mut reported = 0;
        for line in String::from_utf8_lossy(&check.stdout).lines() {
            let Some((mark, path)) = line.split_once(": out/") else { continue };
            reported += 1;
            let entry = format!("- {mark} `{path}`");
            prop_assert!(review.contains(&entry), "{} missing\n---\n{}", entry, review);
        }
        prop_assert_eq!(reported > 0, old != new);
    }
}
