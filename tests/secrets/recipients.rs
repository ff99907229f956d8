//! Recipients: `build --check` reports Secrets encrypted to recipients the
//! stack no longer lists; `rotate` re-encrypts to the current list.

use super::{Project, STACK, text};

#[test]
fn check_reports_recipient_drift_and_rotate_fixes_it() {
    let (project, old_key) = Project::seeded("v");
    let (new_key, new_recipient) = project.keygen("b");

    // The stack now lists only the new recipient.
    project.write_stack(STACK, &[&new_recipient]);
    let out = project.expect(1, &["build", "--check"], b"", &[]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("stale-recipients: secrets/a/tokens.sops.yaml"), "{stdout}");
    assert!(stdout.contains("stale-recipients: secrets/a/db-credentials.sops.yaml"));
    assert!(text(&out.stderr).contains("run `stackc secrets rotate`"));
    // A plain build still works (no key needed) and warns.
    let out = project.ok(&["build"], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("stale-recipients"), "{stderr}");
    assert!(stderr.contains(&new_recipient));

    // rotate needs an identity that can decrypt the current files.
    let out = project.expect(2, &["secrets", "rotate"], b"", &[]);
    assert!(text(&out.stderr).contains("no age identity found"));
    let out = project.expect(2, &["secrets", "rotate", "--identity", new_key.to_str().unwrap()], b"", &[]);
    assert!(text(&out.stderr).contains("none of the given age identities"), "{}", text(&out.stderr));

    let before = project.show("a/tokens", &old_key);
    project.ok(&["secrets", "rotate", "--identity", old_key.to_str().unwrap()], b"", &[]);
    project.ok(&["build"], b"", &[]);
    project.ok(&["build", "--check"], b"", &[]);
    assert_eq!(project.show("a/tokens", &new_key), before);
    // A new data key: the old identity opens nothing any more.
    let out = project.expect(2, &["secrets", "show", "a/tokens", "--identity", old_key.to_str().unwrap()], b"", &[]);
    assert!(text(&out.stderr).contains("none of the given age identities"));
    assert!(
        !project
            .read("secrets/a/tokens.sops.yaml")
            .contains(&project.read("keys/a.agekey").lines().nth(1).unwrap()["# public key: ".len()..])
    );
}

#[test]
fn adding_a_recipient_with_set_keeps_the_data_key() {
    let (project, key_a) = Project::seeded("v");
    let (key_b, recipient_b) = project.keygen("b");
    let recipient_a = project.read("keys/a.agekey").lines().nth(1).unwrap()["# public key: ".len()..].to_owned();
    project.write_stack(STACK, &[&recipient_a, &recipient_b]);
    project.ok(&["secrets", "set", "a/tokens", "api", "--identity", key_a.to_str().unwrap()], b"v2", &[]);
    // tokens is now readable by b; db-credentials still only by a (drift).
    assert!(project.show("a/tokens", &key_b).contains(&("api".into(), "v2".into())));
    let out = project.expect(1, &["build", "--check"], b"", &[]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("stale-recipients: secrets/a/db-credentials.sops.yaml"), "{stdout}");
    assert!(!stdout.contains("stale-recipients: secrets/a/tokens.sops.yaml"), "{stdout}");
}

#[test]
fn identities_come_from_the_sops_environment_variables() {
    let (project, key) = Project::seeded("v");
    let identity = std::fs::read_to_string(&key).unwrap();
    let from_file = project.ok(&["secrets", "show", "a/tokens"], b"", &[("SOPS_AGE_KEY_FILE", key.as_path())]);
    let key_text = std::path::PathBuf::from(identity.trim());
    let from_text = project.ok(&["secrets", "show", "a/tokens"], b"", &[("SOPS_AGE_KEY", key_text.as_path())]);
    assert_eq!(from_file.stdout, from_text.stdout);
    assert!(text(&from_file.stdout).contains("api=v"));

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let out = project.ok(&["secrets", "show", "a/tokens", "--identity", key.to_str().unwrap()], b"", &[]);
        assert!(text(&out.stderr).contains("can be read by others"), "{}", text(&out.stderr));
    }
}
