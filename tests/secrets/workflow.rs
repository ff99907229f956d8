//! keygen → set → generate → build: the store, the Secret objects, Flux
//! decryption, missing values, and the shared database password.

use std::fs;

use super::{Project, STACK, real_sops_decrypt, text};

#[test]
fn keygen_writes_a_0600_identity_and_prints_its_recipient() {
    let project = Project::new(&[]);
    let (path, recipient) = project.keygen("k");
    assert!(recipient.starts_with("age1"), "{recipient}");
    let content = fs::read_to_string(&path).unwrap();
    assert!(content.contains(&format!("# public key: {recipient}")));
    assert!(content.lines().any(|l| l.starts_with("AGE-SECRET-KEY-1")));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "mode {mode:o}");
    }
    // Never overwritten.
    let again = project.expect(2, &["secrets", "keygen", "--out", path.to_str().unwrap()], b"", &[]);
    assert!(text(&again.stderr).contains("already exists"));
    assert_eq!(fs::read_to_string(&path).unwrap(), content);
}

#[test]
fn keygen_defaults_to_the_sops_location() {
    let project = Project::new(&[]);
    let out = project.ok(&["secrets", "keygen"], b"", &[]);
    let recipient = text(&out.stdout).trim().to_owned();
    let default = project.path().join("home/.config/sops/age/keys.txt");
    assert!(fs::read_to_string(default).unwrap().contains(&recipient));
    // …where the other commands find it without flags.
    project.write_stack(STACK, &[&recipient]);
    project.ok(&["secrets", "set", "a/tokens", "api"], b"v", &[]);
    project.ok(&["secrets", "generate"], b"", &[]);
    project.ok(&["secrets", "show", "a/tokens"], b"", &[]);
}

#[test]
fn build_reads_the_store_without_any_key() {
    let (project, identity) = Project::seeded("api-value");
    for name in ["tokens", "db-credentials"] {
        let store = project.read(&format!("secrets/a/{name}.sops.yaml"));
        assert!(store.contains("mac_only_encrypted: true"), "{store}");
        assert!(store.contains("encrypted_regex: \"^(data|stringData)$\""));
        let out = project.read(&format!("out/clusters/c/a/secret-{name}.yaml"));
        assert!(!out.starts_with('#'), "no comment header: {out}");
        assert!(out.contains("app.kubernetes.io/part-of: s"), "{out}");
        assert!(out.trim_end().ends_with("version: \"3.13.2\""), "sops last: {out}");
        let path = project.path().join(format!("out/clusters/c/a/secret-{name}.yaml"));
        if let Some(decrypted) = real_sops_decrypt(&path, &identity) {
            assert!(decrypted.status.success(), "{}", text(&decrypted.stderr));
        }
    }
    let flux = project.read("out/clusters/c/flux-system/kustomization-a.yaml");
    assert!(flux.contains("decryption:\n    provider: sops\n    secretRef:\n      name: sops-age"), "{flux}");
    let listing = project.read("out/clusters/c/a/kustomization.yaml");
    assert!(listing.contains("secret-tokens.yaml") && listing.contains("secret-db-credentials.yaml"));
    project.ok(&["build", "--check"], b"", &[]);
}

#[test]
fn components_without_secrets_get_no_decryption() {
    let (project, _) = Project::seeded("v");
    let flux = project.read("out/clusters/c/flux-system/kustomization-a.yaml");
    assert!(flux.contains("decryption"));
    let stack = STACK.replace(
        "    namespace \"a\" {",
        "    namespace \"b\" {\n        app \"x\" image=\"x:1\"\n    }\n    namespace \"a\" {",
    );
    let recipient = project.read("stack.kdl");
    let recipient = recipient.split('"').find(|s| s.starts_with("age1")).unwrap().to_owned();
    project.write_stack(&stack, &[&recipient]);
    project.ok(&["build"], b"", &[]);
    let flux_b = project.read("out/clusters/c/flux-system/kustomization-b.yaml");
    assert!(!flux_b.contains("decryption"), "{flux_b}");
}

#[test]
fn a_missing_value_is_an_error_with_the_command_to_run() {
    let project = Project::new(&[]);
    let (_, recipient) = project.keygen("a");
    project.write_stack(STACK, &[&recipient]);
    let out = project.expect(2, &["build"], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("missing-secret"), "{stderr}");
    assert!(stderr.contains("stackc secrets generate"), "{stderr}");
    assert!(!project.path().join("out").exists());

    project.ok(&["secrets", "generate"], b"", &[]);
    let out = project.expect(2, &["build"], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("key `api` of Secret `a/tokens` has no value"), "{stderr}");
    assert!(stderr.contains("run `stackc secrets set a/tokens api`"), "{stderr}");
}

#[test]
fn set_refuses_undeclared_names_empty_values_and_a_stack_without_recipients() {
    let project = Project::new(&[]);
    let out = project.expect(2, &["secrets", "set", "a/tokens", "api"], b"v", &[]);
    assert!(text(&out.stderr).contains("lists no `age-recipient`"));
    let (_, recipient) = project.keygen("a");
    project.write_stack(STACK, &[&recipient]);
    for (args, message) in [
        (["secrets", "set", "a/nope", "api"], "declares no Secret `a/nope`"),
        (["secrets", "set", "a/tokens", "apii"], "declares no key `apii`"),
        (["secrets", "set", "tokens", "api"], "is not NAMESPACE/NAME"),
    ] {
        let out = project.expect(2, &args, b"v", &[]);
        assert!(text(&out.stderr).contains(message), "{}", text(&out.stderr));
    }
    let out = project.expect(2, &["secrets", "set", "a/tokens", "api"], b"\n", &[]);
    assert!(text(&out.stderr).contains("empty"));
    assert!(!project.path().join("secrets").exists());
}

#[test]
fn set_reads_stdin_and_strips_one_trailing_newline() {
    let (project, identity) = Project::seeded("first line\nsecond line\n\n");
    let out = project.ok(&["secrets", "show", "a/tokens", "--identity", identity.to_str().unwrap()], b"", &[]);
    // `show` prints values raw, keys sorted: the value keeps its inner and
    // all but the last trailing newline.
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("api=first line\nsecond line\n\nsession="), "{stdout:?}");
}

#[test]
fn generate_fills_generated_keys_once_and_the_app_shares_the_database_password() {
    let (project, identity) = Project::seeded("v");
    let before = super::snapshot_dir(&project.path().join("secrets"));
    let out = project.ok(&["secrets", "generate"], b"", &[]);
    assert!(text(&out.stderr).contains("nothing to do"));
    assert_eq!(before, super::snapshot_dir(&project.path().join("secrets")));

    let db = project.show("a/db-credentials", &identity);
    let tokens = project.show("a/tokens", &identity);
    for (key, value) in db.iter().chain(tokens.iter().filter(|(k, _)| k == "session")) {
        assert_eq!(value.len(), 43, "{key}");
        assert!(value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{key}");
    }
    assert_ne!(db[0].1, tokens.iter().find(|(k, _)| k == "session").unwrap().1);

    let deployment = project.read("out/clusters/c/a/deployment-web.yaml");
    let statefulset = project.read("out/clusters/c/a/statefulset-db.yaml");
    let reference = "secretKeyRef:\n                  name: db-credentials\n                  key: password";
    assert!(deployment.contains(reference), "{deployment}");
    assert!(statefulset.contains(reference), "{statefulset}");
}

#[test]
fn a_declared_credentials_secret_must_hold_the_password() {
    let project = Project::new(&["age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd"]);
    let stack = STACK.replace(
        "        secret \"tokens\" {",
        "        secret \"db-credentials\" {\n            key \"user\"\n        }\n        secret \"tokens\" {",
    );
    project.write_stack(&stack, &["age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd"]);
    let out = project.expect(2, &["build"], b"", &[]);
    assert!(
        text(&out.stderr).contains("database `db` reads key `password` of Secret `db-credentials`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_kept_secret_without_keys_is_an_error() {
    let recipient = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";
    let project = Project::new(&[recipient]);
    let stack = STACK.replace("        secret \"tokens\" {", "        secret \"empty\"\n        secret \"tokens\" {");
    project.write_stack(&stack, &[recipient]);
    let out = project.expect(2, &["build"], b"", &[]);
    assert!(text(&out.stderr).contains("Secret `empty` declares no keys"), "{}", text(&out.stderr));
}
