//! The seed's stored values that embed another: Linkwarden's
//! `database-url` must log in as the role, to the database, with the
//! password its PostgreSQL StatefulSet creates (decrypted with the demo
//! identity, which the seed is encrypted to on purpose).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::support::root;

fn decrypt(secret: &str) -> BTreeMap<String, String> {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let stack = stackc::resolve(&source).unwrap().remove(0);
    let project = stackc::secrets::Project::new(&root(), stack);
    let identity = root().join("examples/keys/demo.agekey");
    let ids = stackc::secrets::IdentitySources::from_env(Some(identity)).require(&mut |_| {}).unwrap();
    let plain = stackc::secrets::show(&project, &project.id(secret).unwrap(), &ids).unwrap();
    plain.string_data.into_iter().collect()
}

fn object(path: &str) -> Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(root().join("out").join(path)).unwrap()).unwrap()
}

#[test]
fn the_seed_database_url_logs_in_as_its_database_creates() {
    let url = decrypt("linkwarden/linkwarden-secrets").remove("database-url").expect("database-url is stored");
    let password = decrypt("linkwarden/postgres-credentials").remove("password").unwrap();
    let rest = url.strip_prefix("postgresql://").expect("a postgresql:// URL");
    let (login, rest) = rest.split_once('@').unwrap();
    let (host_port, database) = rest.split_once('/').unwrap();
    let (user, url_password) = login.split_once(':').unwrap();
    let (host, port) = host_port.split_once(':').unwrap();

    // The StatefulSet sets neither POSTGRES_USER nor POSTGRES_DB, so initdb creates role and
    // database `postgres` (docker-library/postgres 16/bookworm/docker-entrypoint.sh:237-238).
    let statefulset = object("clusters/production/linkwarden/statefulset-postgres.yaml");
    let env = statefulset.pointer("/spec/template/spec/containers/0/env").and_then(Value::as_array).unwrap();
    assert!(!env.iter().any(|e| matches!(e["name"].as_str(), Some("POSTGRES_USER" | "POSTGRES_DB"))));
    assert_eq!((user, database), ("postgres", "postgres"));
    assert!(url_password == password, "database-url's password is not postgres-credentials' password");
    // Generated values are URL-safe base64 (src/secrets/edit.rs), so the URL needs no escaping.
    assert!(password.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));

    let service = object("clusters/production/linkwarden/service-postgres.yaml");
    assert_eq!(service.pointer("/metadata/name").and_then(Value::as_str), Some(host));
    let ports = service.pointer("/spec/ports").and_then(Value::as_array).unwrap();
    assert!(ports.iter().any(|p| p["port"].as_u64().map(|p| p.to_string()).as_deref() == Some(port)));
}
