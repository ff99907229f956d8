//! What the secrets commands say when they refuse or replace something.

use super::{Project, text};

#[test]
fn keygen_on_an_existing_identity_says_how_to_read_it_or_write_another() {
    let project = Project::new(&[]);
    let (path, _) = project.keygen("a");
    let before = std::fs::read(&path).unwrap();
    let out = project.expect(2, &["secrets", "keygen", "--out", path.to_str().unwrap()], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("already exists; stackc never overwrites an identity"), "{stderr}");
    assert!(stderr.contains(&format!("its recipient: `grep 'public key' {}`", path.display())), "{stderr}");
    assert!(stderr.contains("`stackc secrets keygen --out NEW.agekey`"), "{stderr}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn set_says_when_it_replaces_a_generated_value() {
    let (project, key) = Project::seeded("api-1");
    let identity = [("SOPS_AGE_KEY_FILE", key.as_path())];
    let out = project.ok(&["secrets", "set", "a/tokens", "session"], b"chosen", &identity);
    assert!(text(&out.stderr).contains("replaced the generated value of a/tokens session"), "{}", text(&out.stderr));
    // A key set by hand is replaced without the notice.
    let out = project.ok(&["secrets", "set", "a/tokens", "api"], b"api-2", &identity);
    assert!(!text(&out.stderr).contains("generated value"), "{}", text(&out.stderr));
}

#[test]
fn a_hint_never_breaks_its_command_across_lines() {
    let stack = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        age-recipient "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"
    }
    platform {
        engine "flux"
    }
    namespace "authentik-production" {
        app "web" image="ghcr.io/acme/web:1.0" {
            env "DB" secret="authentik-database-credentials" key="postgresql-password"
        }
        secret "authentik-database-credentials" {
            key "postgresql-password"
        }
    }
}
"#;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.kdl"), stack).unwrap();
    let out = crate::support::stackc(dir.path(), &["build"]);
    let stderr = text(&out.stderr);
    let command = "`stackc secrets set authentik-production/authentik-database-credentials postgresql-password`";
    assert!(stderr.lines().any(|l| l.contains(command)), "{stderr}");
}
