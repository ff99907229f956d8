//! Zero churn: an unchanged store rebuilds to the same bytes; one changed
//! value changes only its Secret's files; relabelling needs no key.

use std::path::PathBuf;

use super::{Project, STACK, real_sops_decrypt, snapshot_dir, text};

fn changed(before: &[(PathBuf, Vec<u8>)], after: &[(PathBuf, Vec<u8>)]) -> Vec<String> {
    let mut paths: Vec<String> =
        after.iter().filter(|entry| !before.contains(entry)).map(|(p, _)| p.display().to_string()).collect();
    paths.extend(
        before
            .iter()
            .filter(|(p, _)| !after.iter().any(|(q, _)| q == p))
            .map(|(p, _)| format!("removed {}", p.display())),
    );
    paths.sort();
    paths
}

#[test]
fn a_rebuild_with_unchanged_values_is_byte_identical() {
    let (project, _) = Project::seeded("v");
    let before = snapshot_dir(project.path());
    project.ok(&["build"], b"", &[]);
    assert_eq!(before, snapshot_dir(project.path()));
    project.ok(&["build", "--check"], b"", &[]);
}

#[test]
fn changing_one_value_changes_only_that_secrets_files() {
    let (project, identity) = Project::seeded("old-api-value");
    let before = snapshot_dir(project.path());
    let env = [("SOPS_AGE_KEY_FILE", identity.as_path())];
    project.ok(&["secrets", "set", "a/tokens", "api"], b"new-api-value", &env);
    project.ok(&["build"], b"", &[]);
    let after = snapshot_dir(project.path());
    assert_eq!(changed(&before, &after), ["out/clusters/c/a/secret-tokens.yaml", "secrets/a/tokens.sops.yaml"]);
    // Only the value and the MAC changed; the other value kept its ciphertext.
    let old = text(&before.iter().find(|(p, _)| p.ends_with("secrets/a/tokens.sops.yaml")).unwrap().1);
    let new = project.read("secrets/a/tokens.sops.yaml");
    let line = |t: &str, key: &str| t.lines().find(|l| l.trim_start().starts_with(key)).unwrap().to_owned();
    assert_eq!(line(&old, "session:"), line(&new, "session:"));
    assert_ne!(line(&old, "api:"), line(&new, "api:"));
    assert_ne!(line(&old, "mac:"), line(&new, "mac:"));
    assert!(project.show("a/tokens", &identity).contains(&("api".into(), "new-api-value".into())));

    // Setting the same value again changes nothing at all.
    let before = snapshot_dir(project.path());
    project.ok(&["secrets", "set", "a/tokens", "api"], b"new-api-value", &env);
    project.ok(&["build"], b"", &[]);
    assert_eq!(changed(&before, &snapshot_dir(project.path())), Vec::<String>::new());
}

#[test]
fn relabelling_needs_no_identity_and_keeps_every_ciphertext() {
    let (project, identity) = Project::seeded("v");
    let old = project.read("out/clusters/c/a/secret-tokens.yaml");
    let recipient = project.read("stack.kdl");
    let recipient = recipient.split('"').find(|s| s.starts_with("age1")).unwrap().to_owned();
    project.write_stack(&STACK.replace("stack \"s\"", "stack \"renamed\""), &[&recipient]);
    // No identity anywhere in the environment.
    project.ok(&["build"], b"", &[]);
    let new = project.read("out/clusters/c/a/secret-tokens.yaml");
    assert!(new.contains("app.kubernetes.io/part-of: renamed"), "{new}");
    let from = |t: &str| t[t.find("type:").unwrap()..].to_owned();
    assert_eq!(from(&old), from(&new), "values and sops block unchanged");
    let path = project.path().join("out/clusters/c/a/secret-tokens.yaml");
    if let Some(out) = real_sops_decrypt(&path, &identity) {
        assert!(out.status.success(), "MAC still verifies: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("part-of: renamed"));
    }
}

#[test]
fn renaming_a_secret_and_its_store_file_needs_no_identity() {
    let (project, identity) = Project::seeded("v");
    let recipient = project.read("stack.kdl");
    let recipient = recipient.split('"').find(|s| s.starts_with("age1")).unwrap().to_owned();
    project.write_stack(&STACK.replace("\"tokens\"", "\"api-tokens\""), &[&recipient]);
    std::fs::rename(
        project.path().join("secrets/a/tokens.sops.yaml"),
        project.path().join("secrets/a/api-tokens.sops.yaml"),
    )
    .unwrap();
    project.ok(&["build"], b"", &[]);
    let new = project.read("out/clusters/c/a/secret-api-tokens.yaml");
    assert!(new.contains("name: api-tokens"), "{new}");
    assert!(!project.path().join("out/clusters/c/a/secret-tokens.yaml").exists());
    let path = project.path().join("out/clusters/c/a/secret-api-tokens.yaml");
    if let Some(out) = real_sops_decrypt(&path, &identity) {
        assert!(out.status.success(), "MAC still verifies: {}", text(&out.stderr));
    }
}
