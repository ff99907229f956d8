//! Fitting the ecosystem: `init`, completions, the man page, and the
//! pre-commit hooks, each run the way users run them.

use std::fs;
use std::process::Command;

use crate::support::{root, stackc};

#[test]
fn init_writes_a_stack_that_builds_on_the_first_try() {
    let dir = tempfile::tempdir().unwrap();
    let out = stackc(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(fs::read_to_string(dir.path().join(".gitignore")).unwrap().contains("*.agekey"));
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stackc(dir.path(), &["build", "--check"]).status.code(), Some(0));
    // Never overwrites.
    let out = stackc(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn init_in_a_directory_says_to_cd_there() {
    let dir = tempfile::tempdir().unwrap();
    let out = stackc(dir.path(), &["init", "cluster"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("next: `cd cluster && stackc build`"));
    let out = stackc(&dir.path().join("cluster"), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish"] {
        let out = stackc(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("build") && text.contains("check"), "{shell}");
    }
    let out = stackc(dir.path(), &["man"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains(".TH stackc 1"));
}

/// Every hook of `.pre-commit-hooks.yaml`, run as pre-commit runs it: the
/// `entry` in the repository root, with the installed `stackc` on PATH.
#[test]
fn pre_commit_hooks_run_on_a_sample_repository() {
    let hooks: serde_json::Value =
        serde_yaml_ng::from_str(&fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap()).unwrap();
    let entry = |id: &str| -> Vec<String> {
        let hook = hooks.as_array().unwrap().iter().find(|h| h["id"] == id).unwrap();
        assert_eq!(hook["pass_filenames"], false);
        hook["entry"].as_str().unwrap().split_whitespace().map(str::to_owned).collect()
    };
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_stackc")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let run = |dir: &std::path::Path, argv: &[String]| {
        Command::new(&argv[0]).args(&argv[1..]).current_dir(dir).env("PATH", &path).output().unwrap()
    };
    let repo = tempfile::tempdir().unwrap();
    assert!(stackc(repo.path(), &["init"]).status.success());
    let check = entry("stackc-check");
    let build = entry("stackc-build");
    // Nothing rendered yet: the check hook fails the commit.
    assert_eq!(run(repo.path(), &check).status.code(), Some(1));
    // The build hook renders; then the check hook passes.
    assert!(run(repo.path(), &build).status.success());
    assert_eq!(run(repo.path(), &check).status.code(), Some(0));
    // An edit to the stack without re-rendering fails the check again.
    let stack = repo.path().join("stack.kdl");
    fs::write(&stack, fs::read_to_string(&stack).unwrap().replace("version=\"8\"", "version=\"7\"")).unwrap();
    let out = run(repo.path(), &check);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("changed: out/clusters/production/hello/statefulset-cache.yaml")
    );
}

const SMALL: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        api-server "10.0.0.1"
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
            connects-to "db"
        }
        database "db" engine="redis" version="8" size="1Gi"
    }
}
"#;

fn changed() -> String {
    SMALL
        .replace("x:1", "x:2")
        .replace("            connects-to \"db\"\n", "            internet 443\n")
        .replace("app \"web\" image", "app \"web\" api-access=#true image")
}

#[test]
fn diff_summarizes_a_change_for_review() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("old.kdl"), SMALL).unwrap();
    fs::write(dir.path().join("new.kdl"), changed()).unwrap();
    let out = stackc(dir.path(), &["diff", "old.kdl", "new.kdl"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "### Connections closed (policies tightened)\n\n- `a/web` → `a/db` TCP 6379 (declared)",
        "### Internet egress opened\n\n- `a/web` → internet TCP 443",
        "### API server access granted\n\n- `a/web`",
        "- `a/web` image: `x:1` → `x:2`",
    ] {
        assert!(text.contains(expected), "{expected}\n---\n{text}");
    }
    let out = stackc(dir.path(), &["diff", "old.kdl", "new.kdl", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["closed"][0]["to"], "a/db");
    assert_eq!(json["internet_added"][0], serde_json::json!(["a/web", 443]));
    assert_eq!(json["opened"], serde_json::json!([]));
    let same = stackc(dir.path(), &["diff", "old.kdl", "old.kdl"]);
    assert!(String::from_utf8_lossy(&same.stdout).contains("No change"));
}

#[test]
fn diff_reads_git_revisions() {
    let dir = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(dir.path()).output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    git(&["init", "-q"]);
    fs::write(dir.path().join("stack.kdl"), SMALL).unwrap();
    git(&["add", "stack.kdl"]);
    git(&["-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "v1"]);
    fs::write(dir.path().join("stack.kdl"), changed()).unwrap();
    let out = stackc(dir.path(), &["diff", "HEAD"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("## stackc diff: `HEAD` → `stack.kdl`"));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Internet egress opened"));
    let out = stackc(dir.path(), &["diff", "no-such-rev"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every manager of `stackc renovate` finds its dependency in the seed
/// stack, with the version written there (Renovate's regexes are RE2, like
/// regex-lite's).
#[test]
fn renovate_managers_find_every_image_and_chart_version() {
    let out = stackc(&root(), &["renovate"]);
    assert_eq!(out.status.code(), Some(0));
    let config: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let stack = fs::read_to_string(root().join("stack.kdl")).unwrap();
    let mut found = std::collections::BTreeMap::new();
    for manager in config["customManagers"].as_array().unwrap() {
        let mut hits = 0;
        for pattern in manager["matchStrings"].as_array().unwrap() {
            let re = regex_lite::Regex::new(pattern.as_str().unwrap()).unwrap();
            for caps in re.captures_iter(&stack) {
                hits += 1;
                let dep = caps
                    .name("depName")
                    .map_or_else(|| manager["depNameTemplate"].as_str().unwrap().to_owned(), |m| m.as_str().to_owned());
                found.insert(dep, caps["currentValue"].to_owned());
            }
        }
        assert!(hits > 0, "no match for {}", manager["description"]);
    }
    for (dep, version) in [
        ("ghcr.io/goauthentik/ldap", "2025.10.1"),
        ("ghcr.io/linkwarden/linkwarden", "v2.13.1"),
        ("authentik", "2025.10.1"),
        ("traefik", "37.1.2"),
        ("cert-manager", "v1.19.1"),
        ("linkerd-control-plane", "2025.10.7"),
        ("kyverno", "3.5.2"),
    ] {
        assert_eq!(found.get(dep).map(String::as_str), Some(version), "{dep}: {found:?}");
    }
}
