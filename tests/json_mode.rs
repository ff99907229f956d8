//! `stackc build --format json`: one JSON document on stdout for every
//! outcome (diagnostics, drift, a written build, an error that has no place
//! in the stack), nothing on stderr; its shape is documented in
//! docs/editors.md.

use std::fs;

use crate::support::{project, stackc};

const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        git url="ssh://git@example.org/s" branch="main"
    }
    platform {
        engine "flux" install-manifest="gotk-components.yaml"
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
        }
    }
}
"#;

/// Run stackc in `dir` and read its one JSON document; stderr must be empty.
fn document(dir: &std::path::Path, args: &[&str]) -> (i32, serde_json::Value) {
    let out = stackc(dir, args);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "", "{args:?} wrote to stderr");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: not one JSON document ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), json)
}

#[test]
fn a_build_reports_what_it_wrote() {
    let dir = project(STACK);
    let (code, json) = document(dir.path(), &["build", "--format", "json"]);
    assert_eq!(code, 0);
    assert_eq!(json["version"], 1);
    assert_eq!(json["command"], "build");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["exit"], 0);
    assert!(json["files"]["added"].as_array().unwrap().iter().any(|p| p == "out/clusters/c/a/deployment-web.yaml"));
    assert!(json["summary"]["files"].as_u64().unwrap() > 0);
    assert_eq!(json["diagnostics"], serde_json::json!([]));
}

#[test]
fn check_lists_the_drift() {
    let dir = project(STACK);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    fs::write(dir.path().join("out/clusters/c/a/deployment-web.yaml"), "edited by hand\n").unwrap();
    let (code, json) = document(dir.path(), &["build", "--check", "--format", "json"]);
    assert_eq!(code, 1);
    assert_eq!(json["status"], "drift");
    assert_eq!(json["command"], "build --check");
    assert_eq!(json["files"]["changed"], serde_json::json!(["out/clusters/c/a/deployment-web.yaml"]));
    assert_eq!(json["files"]["added"], serde_json::json!([]));
    let messages = json["messages"].as_array().unwrap();
    assert!(
        messages.iter().any(|m| m["severity"] == "info" && m["message"].as_str().unwrap().contains("is out of date"))
    );
}

#[test]
fn diagnostics_and_their_related_places() {
    let dir = project(&STACK.replace(
        "        app \"web\" image=\"x:1\" {",
        "        app \"web\" image=\"y:1\"\n        app \"web\" image=\"x:1\" {",
    ));
    let (code, json) = document(dir.path(), &["build", "--check", "--format", "json"]);
    assert_eq!(code, 2);
    assert_eq!(json["status"], "error");
    let d = &json["diagnostics"][0];
    assert_eq!(d["code"], "duplicate-name");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(10), Some(13)));
    assert_eq!(d["related"], serde_json::json!([{"line": 9, "column": 13, "label": "first declared here"}]));
}

#[test]
fn an_error_outside_the_stack_is_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let (code, json) = document(dir.path(), &["build", "--format", "json"]);
    assert_eq!(code, 2);
    assert_eq!(json["status"], "error");
    assert_eq!(json["messages"][0]["severity"], "error");
    assert!(json["messages"][0]["message"].as_str().unwrap().starts_with("cannot read `stack.kdl`"), "{json}");
}
