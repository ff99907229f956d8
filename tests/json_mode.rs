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

/// `STACK` with a duplicate app: a diagnostic at line 10.
fn broken() -> String {
    STACK.replace(
        "        app \"web\" image=\"x:1\" {",
        "        app \"web\" image=\"y:1\"\n        app \"web\" image=\"x:1\" {",
    )
}

/// The envelope every command's document has.
fn envelope(json: &serde_json::Value, command: &str, status: &str, exit: i32) {
    assert_eq!(json["version"], 1, "{json}");
    assert_eq!(json["command"], command, "{json}");
    assert_eq!(json["status"], status, "{json}");
    assert_eq!(json["exit"], exit, "{json}");
    assert!(json["diagnostics"].is_array() && json["messages"].is_array(), "{json}");
}

#[test]
fn a_build_document_is_the_same_every_time() {
    let documents: Vec<_> = (0..2).map(|_| document(project(STACK).path(), &["build", "--format", "json"])).collect();
    assert_eq!(documents[0], documents[1]);
    let text = documents[0].1.to_string();
    assert!(!text.contains(" ms"), "a time in the document: {text}");
}

#[test]
fn every_command_reports_diagnostics_in_its_document() {
    let dir = project(&broken());
    for (args, command) in [
        (&["graph", "--format", "json"][..], "graph"),
        (&["verify", "--format", "json"][..], "verify"),
        (&["explain", "--format", "json", "a/web", "a/web:8080"][..], "explain"),
    ] {
        let (code, json) = document(dir.path(), args);
        assert_eq!(code, 2, "{args:?}");
        envelope(&json, command, "error", 2);
        assert_eq!(json["diagnostics"][0]["code"], "duplicate-name", "{json}");
        assert_eq!(json["diagnostics"][0]["line"], 10, "{json}");
    }
    fs::write(dir.path().join("good.kdl"), STACK).unwrap();
    let (code, json) = document(dir.path(), &["diff", "good.kdl", "stack.kdl", "--format", "json"]);
    assert_eq!(code, 2);
    envelope(&json, "diff", "error", 2);
    assert_eq!(json["diagnostics"][0]["file"], "stack.kdl", "{json}");
}

#[test]
fn every_command_reports_an_error_outside_the_stack_as_a_message() {
    let dir = project(STACK);
    for (args, command, starts) in [
        (&["graph", "--format", "json", "--stack", "none.kdl"][..], "graph", "cannot read `none.kdl`"),
        (&["graph", "--format", "json", "--cluster", "qa"][..], "graph", "the stack has no cluster `qa`"),
        (&["verify", "--format", "json", "--cluster", "qa"][..], "verify", "the stack has no cluster `qa`"),
        (
            &["explain", "--format", "json", "a/wbe", "a/web"][..],
            "explain",
            "unknown endpoint `a/wbe`; did you mean `a/web`?",
        ),
        (&["explain", "--format", "json", "a/web", "a/web:smtp"][..], "explain", "`smtp` is not a port"),
        (&["diff", "none.kdl", "stack.kdl", "--format", "json"][..], "diff", "`none.kdl` is neither a file"),
    ] {
        let (code, json) = document(dir.path(), args);
        assert_eq!(code, 2, "{args:?}");
        envelope(&json, command, "error", 2);
        assert_eq!(json["messages"][0]["severity"], "error");
        let message = json["messages"][0]["message"].as_str().unwrap();
        assert!(message.starts_with(starts), "{args:?}: {message}");
    }
}

#[test]
fn every_command_reports_its_result_in_its_document() {
    let dir = project(STACK);
    let (code, graph) = document(dir.path(), &["graph", "--format", "json"]);
    assert_eq!(code, 0);
    envelope(&graph, "graph", "ok", 0);
    assert!(graph["nodes"].as_array().unwrap().iter().any(|n| n["id"] == "a/web"), "{graph}");
    assert!(graph["edges"].is_array() && graph["external_edges"].is_array());

    let (code, verify) = document(dir.path(), &["verify", "--format", "json"]);
    assert_eq!(code, 0);
    envelope(&verify, "verify", "ok", 0);
    assert_eq!(verify["proven"][0]["cluster"], "c");
    assert!(verify["proven"][0]["workloads"].as_u64() > Some(0), "{verify}");

    let (code, explain) = document(dir.path(), &["explain", "--format", "json", "a/web", "a/web:http"]);
    assert_eq!(code, 0);
    envelope(&explain, "explain", "ok", 0);
    let verdict = &explain["verdicts"][0];
    assert_eq!((verdict["port"].as_u64(), verdict["protocol"].as_str()), (Some(8080), Some("TCP")));
    assert_eq!(verdict["allowed"], false, "{explain}");

    fs::write(dir.path().join("new.kdl"), STACK.replace("x:1", "x:2")).unwrap();
    let (code, diff) = document(dir.path(), &["diff", "stack.kdl", "new.kdl", "--format", "json"]);
    assert_eq!(code, 0);
    envelope(&diff, "diff", "ok", 0);
    assert!(diff["workloads_changed"].to_string().contains("x:2"), "{diff}");
}
