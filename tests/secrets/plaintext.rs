//! Never plaintext: known values are planted through `stackc secrets set`
//! (stdin), then every command runs, successful or failing, and nothing it
//! writes or prints holds a planted value — except `show`'s own stdout.
//! `Debug` of the store and option types holds none either; and the
//! repository's own tree and snapshots hold none of the demo values.

use std::path::Path;

use super::{Project, STACK, snapshot_dir, text};
use crate::support::root;

const PLANTED: &str = "pl4nted-s3cret-Value-7781";
const SECOND: &str = "another-planted-secret-0042";

fn assert_clean(what: &str, bytes: &[u8], secrets: &[&str]) {
    let haystack = text(bytes);
    for secret in secrets {
        assert!(!haystack.contains(secret), "{what} contains a planted value:\n{haystack}");
    }
}

#[test]
fn no_command_prints_or_writes_a_planted_value() {
    let (project, identity) = Project::seeded(PLANTED);
    let generated: Vec<String> = project
        .show("a/db-credentials", &identity)
        .into_iter()
        .chain(project.show("a/tokens", &identity))
        .filter(|(k, _)| k != "api")
        .map(|(_, v)| v)
        .collect();
    let mut secrets: Vec<&str> = vec![PLANTED, SECOND];
    secrets.extend(generated.iter().map(String::as_str));

    let id = identity.to_str().unwrap();
    let (other, other_recipient) = project.keygen("other");
    let other = other.to_str().unwrap().to_owned();
    let env = [("SOPS_AGE_KEY_FILE", identity.as_path())];
    let mut runs: Vec<(Vec<&str>, &[u8], bool)> = vec![
        (vec!["secrets", "set", "a/tokens", "api"], SECOND.as_bytes(), true),
        (vec!["secrets", "set", "a/tokens", "nope"], PLANTED.as_bytes(), false),
        (vec!["secrets", "set", "a/nope", "api"], PLANTED.as_bytes(), false),
        (vec!["secrets", "set", "a/tokens", "api", "--identity", &other], PLANTED.as_bytes(), false),
        (vec!["secrets", "generate"], b"", true),
        (vec!["build"], b"", true),
        (vec!["build", "--check"], b"", true),
        (vec!["build", "--format", "json"], b"", true),
        (vec!["graph", "--format", "json"], b"", true),
        (vec!["secrets", "show", "a/tokens", "--identity", &other], b"", false),
        (vec!["secrets", "show", "a/nope", "--identity", id], b"", false),
        (vec!["secrets", "rotate", "--identity", &other], b"", false),
        (vec!["secrets", "rotate", "--identity", id], b"", true),
        (vec!["build"], b"", true),
    ];
    for (args, stdin, ok) in runs.drain(..) {
        let out = project.run(&args, stdin, &env);
        assert_eq!(out.status.success(), ok, "{args:?}: {}", text(&out.stderr));
        assert_clean(&format!("stdout of {args:?}"), &out.stdout, &secrets);
        assert_clean(&format!("stderr of {args:?}"), &out.stderr, &secrets);
    }
    // Drift and missing-value diagnostics too.
    project.write_stack(&STACK.replace("key \"api\"", "key \"api\"\n            key \"more\""), &[&other_recipient]);
    for args in [vec!["build"], vec!["build", "--check"]] {
        let out = project.run(&args, b"", &env);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_clean(&format!("stderr of {args:?}"), &out.stderr, &secrets);
    }

    // Every file stackc wrote (store, out/), but not the identities.
    for (path, bytes) in snapshot_dir(project.path()) {
        if !path.starts_with("keys") && !path.starts_with("home") {
            assert_clean(&path.display().to_string(), &bytes, &secrets);
        }
    }
    // `show` itself prints the value, for a person who holds the key.
    let out = project.ok(&["secrets", "show", "a/tokens", "--identity", id], b"", &[]);
    assert!(text(&out.stdout).contains(&format!("api={SECOND}")));
}

#[test]
fn debug_output_holds_no_value() {
    let (project, identity) = Project::seeded(PLANTED);
    let store = stackc::secrets::load_store(project.path()).unwrap();
    let source = project.read("stack.kdl");
    let options =
        stackc::CompileOptions { render: Default::default(), secrets: store.clone(), repository: String::new() };
    let compiled = stackc::compile(&source, &options).unwrap();
    let stack = stackc::resolve(&source).unwrap().remove(0);
    let p = stackc::secrets::Project::new(project.path(), stack);
    let ids = stackc::secrets::IdentitySources { flag: Some(identity.clone()), ..Default::default() };
    let identities = ids.require(&mut |_| {}).unwrap();
    let plain = stackc::secrets::show(&p, &"a/tokens".parse().unwrap(), &identities).unwrap();
    assert_eq!(plain.string_data["api"], PLANTED);
    let key_text = std::fs::read_to_string(&identity).unwrap();
    let secret_key = key_text.lines().find(|l| l.starts_with("AGE-SECRET-KEY")).unwrap();
    let with_key = stackc::secrets::IdentitySources { key: Some(key_text.clone()), ..Default::default() };
    for debug in [
        format!("{store:?}"),
        format!("{options:?}"),
        format!("{compiled:?}"),
        format!("{plain:?}"),
        format!("{identities:?}"),
        format!("{with_key:?}"),
    ] {
        assert!(!debug.contains(PLANTED), "{debug}");
        assert!(!debug.contains(secret_key), "{debug}");
    }
}

#[test]
fn the_repository_tree_and_snapshots_hold_no_demo_value() {
    // The demo values of the seed store, decrypted with the committed demo key.
    let stack = stackc::resolve(&std::fs::read_to_string(root().join("stack.kdl")).unwrap()).unwrap().remove(0);
    let project = stackc::secrets::Project::new(&root(), stack);
    let identities =
        stackc::secrets::IdentitySources { flag: Some(root().join("examples/keys/demo.agekey")), ..Default::default() }
            .require(&mut |_| {})
            .unwrap();
    let ids: Vec<_> = project.declared().map(|(id, _)| id).collect();
    let mut values = Vec::new();
    for id in ids {
        let plain = stackc::secrets::show(&project, &id, &identities).unwrap();
        // Linkerd's trust anchor certificate is public: it is stored beside
        // the store in clear text on purpose (`secrets/linkerd/trust-anchor.crt`).
        let public = |k: &String| id.to_string() == "linkerd/linkerd-identity" && k == "ca.crt";
        values.extend(plain.string_data.into_iter().filter(|(k, _)| !public(k)).map(|(_, v)| v));
    }
    // The demo trust anchor's private key never leaves its file.
    let anchor = std::fs::read_to_string(root().join("examples/keys/demo-trust-anchor.pem")).unwrap();
    values.push(anchor[anchor.find("-----BEGIN PRIVATE KEY-----").unwrap()..].to_owned());
    assert!(values.len() >= 5, "{}", values.len());
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    for dir in ["out", "tests/snapshots", "secrets"] {
        for (path, bytes) in snapshot_dir(&root().join(dir)) {
            assert_clean(&Path::new(dir).join(path).display().to_string(), &bytes, &values);
        }
    }
}
