//! Store files made by the sops CLI (`../shared/testdata/sops/generated`,
//! encrypted to key A by sops 3.11) are accepted: relabelled without a key
//! when `mac_only_encrypted`, copied when already exactly what stackc would
//! write, and otherwise refused with the hint to rotate.

use std::fs;

use serde_json::json;
use stackc::secrets::sops::{OsRng, encrypt};

use super::{Project, real_sops_decrypt, text};
use crate::sops::common::{RECIPIENT_A, testdata};
use crate::support::snapshot_dir;

const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        RECIPIENTS
    }
    platform {
        engine "flux"
    }
    namespace "shop" {
        app "web" image="x:1" {
            env "PASSWORD" secret="db-credentials" key="password"
        }
        secret "db-credentials" {
            KEYS
        }
    }
}
"#;

const KEYS: &[&str] = &["password", "ca.crt", "username", "port", "url", "config.yaml", "empty"];

fn project(store_file: &str, keys: &[&str]) -> Project {
    let project = Project::new(&[]);
    let keys: Vec<String> = keys.iter().map(|k| format!("key \"{k}\"")).collect();
    project.write_stack(&STACK.replace("KEYS", &keys.join("\n            ")), &[RECIPIENT_A]);
    let dir = project.path().join("secrets/shop");
    fs::create_dir_all(&dir).unwrap();
    fs::write(dir.join("db-credentials.sops.yaml"), store_file).unwrap();
    project
}

fn key_a() -> std::path::PathBuf {
    testdata().join("generated/key-a.agekey")
}

#[test]
fn a_mac_only_file_from_sops_builds_without_a_key() {
    let file = fs::read_to_string(testdata().join("generated/k8s-secret.maconly.enc.yaml")).unwrap();
    let project = project(&file, KEYS);
    project.ok(&["build"], b"", &[]);
    let out = project.read("out/clusters/c/shop/secret-db-credentials.yaml");
    assert!(out.contains("app.kubernetes.io/part-of: s"), "{out}");
    assert!(!out.contains("stackc.dev/source"), "stackc's metadata only: {out}");
    let path = project.path().join("out/clusters/c/shop/secret-db-credentials.yaml");
    if let Some(decrypted) = real_sops_decrypt(&path, &key_a()) {
        assert!(decrypted.status.success(), "{}", text(&decrypted.stderr));
        assert!(text(&decrypted.stdout).contains("username: admin"));
    }
    let values = project.show("shop/db-credentials", &key_a());
    assert!(values.contains(&("username".into(), "admin".into())), "{values:?}");
    assert!(values.contains(&("password".into(), "c3VwZXJzZWNyZXQ=".into())), "data as stored");
}

#[test]
fn a_full_mac_file_needs_rotate_unless_it_is_already_stackcs_output() {
    let file = fs::read_to_string(testdata().join("generated/k8s-secret.enc.yaml")).unwrap();
    let project = project(&file, KEYS);
    let before = snapshot_dir(project.path());
    let out = project.expect(2, &["build"], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cannot use store file `secrets/shop/db-credentials.sops.yaml`"), "{stderr}");
    assert!(stderr.contains("mac_only_encrypted is off"), "{stderr}");
    assert!(stderr.contains("stackc secrets rotate"), "{stderr}");
    assert_eq!(before, snapshot_dir(project.path()));

    let values = project.show("shop/db-credentials", &key_a());
    project.ok(&["secrets", "rotate", "--identity", key_a().to_str().unwrap()], b"", &[]);
    assert!(project.read("secrets/shop/db-credentials.sops.yaml").contains("mac_only_encrypted: true"));
    assert_eq!(project.show("shop/db-credentials", &key_a()), values);
    project.ok(&["build"], b"", &[]);
}

#[test]
fn a_full_mac_file_equal_to_the_output_is_copied_unchanged() {
    let document = json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "db-credentials",
            "namespace": "shop",
            "labels": {"app.kubernetes.io/managed-by": "stackc", "app.kubernetes.io/part-of": "s"},
        },
        "type": "Opaque",
        "stringData": {"password": "copied-as-is"},
    });
    let mut options = stackc::secrets::store_options("2025-01-02T03:04:05Z".to_owned());
    options.mac_only_encrypted = false;
    let encrypted = encrypt(&[document], &[RECIPIENT_A.to_owned()], &options, &mut OsRng).unwrap();
    let yaml = stackc::render::yaml::to_yaml(&encrypted[0]);
    let project = project(&yaml, &["password"]);
    project.ok(&["build"], b"", &[]);
    assert_eq!(project.read("out/clusters/c/shop/secret-db-credentials.yaml"), yaml);
}
