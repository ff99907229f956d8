//! Redis with `password=#true` (issue 14): the server requires the password
//! of the implicit `<name>-credentials` Secret, reads it from an env var and
//! stdin (never its arguments), its probe authenticates from the same env
//! var, and apps read it with `env ... secret= key=`. Without it Redis is
//! unchanged (docs/decisions/0013-redis-password-opt-in.md).

use serde_json::Value;

use crate::support::{compile, compile_in, root};

fn example() -> stackc::Analyzed {
    let dir = root().join("examples/selfhosted");
    let source = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
    let mut store = stackc::secrets::load_store(&dir).unwrap();
    stackc::secrets::project_files::load(&dir, &source, &mut store);
    stackc::analyze(&source, &store).unwrap().remove(0)
}

fn object(analyzed: &stackc::Analyzed, kind: &str, name: &str) -> Value {
    analyzed
        .derived
        .components
        .iter()
        .flat_map(|c| &c.objects)
        .find(|o| o.kind == kind && o.name == name)
        .and_then(stackc::derive::Object::tree)
        .cloned()
        .unwrap_or_else(|| panic!("{kind} {name}"))
}

#[test]
fn the_server_and_its_probe_read_the_password_from_the_credentials_secret() {
    let analyzed = example();
    let set = object(&analyzed, "StatefulSet", "cache");
    let c = &set["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(
        c["env"],
        serde_json::json!([{"name": "REDISCLI_AUTH", "valueFrom": {"secretKeyRef": {"name": "cache-credentials", "key": "password"}}}])
    );
    assert_eq!(c["args"][0], "sh");
    assert_eq!(c["args"][1], "-c");
    let script = c["args"][2].as_str().unwrap();
    assert_eq!(
        script,
        "exec docker-entrypoint.sh redis-server - --appendonly yes <<EOF\nrequirepass $REDISCLI_AUTH\nEOF\n"
    );
    // The kubelet expands `$(VAR)` in args, which would put the value in argv:
    // the script names the variable only in the shell's form.
    assert!(!script.contains("$(REDISCLI_AUTH)"));
    assert_eq!(c["readinessProbe"]["exec"]["command"], serde_json::json!(["redis-cli", "ping"]));
    // The implicit Secret is written from the store, encrypted.
    let secret = object(&analyzed, "Secret", "cache-credentials");
    assert!(secret["sops"].is_object(), "the credentials stay encrypted in the tree");
}

#[test]
fn apps_read_the_same_password() {
    let analyzed = example();
    for app in ["monitor", "notifier"] {
        let d = object(&analyzed, "Deployment", app);
        let env = d["spec"]["template"]["spec"]["containers"][0]["env"].as_array().unwrap().clone();
        assert!(
            env.iter().any(|e| e["valueFrom"]["secretKeyRef"]
                == serde_json::json!({"name": "cache-credentials", "key": "password"})),
            "{app}: {env:?}"
        );
    }
}

#[test]
fn redis_without_password_is_unchanged() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    namespace \"a\" {\n        database \"cache\" engine=\"redis\" version=\"8\" size=\"1Gi\" password=#false\n    }\n}\n";
    let tree = compile(source).unwrap();
    let text = crate::support::tree_text(&tree);
    assert!(text.contains("- \"--appendonly\"\n            - \"no\""), "{text}");
    assert!(!text.contains("REDISCLI_AUTH") && !text.contains("cache-credentials"));
}

fn rejected(source: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    compile_in(dir.path(), source).expect_err("the stack must be rejected")
}

#[test]
fn password_without_stored_value() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    namespace \"a\" {\n        database \"cache\" engine=\"redis\" version=\"8\" size=\"1Gi\" password=#true\n    }\n}\n";
    insta::assert_snapshot!("redis_password_without_stored_value", rejected(source));
}

#[test]
fn password_on_postgresql() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    namespace \"a\" {\n        database \"db\" engine=\"postgresql\" version=\"17\" size=\"1Gi\" password=#true\n    }\n}\n";
    insta::assert_snapshot!("password_on_postgresql", rejected(source));
}

#[test]
fn password_not_a_boolean() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    namespace \"a\" {\n        database \"cache\" engine=\"redis\" version=\"8\" size=\"1Gi\" password=\"yes\"\n    }\n}\n";
    insta::assert_snapshot!("password_not_a_boolean", rejected(source));
}
