//! `stackc lsp` driven over stdio like an editor: the handshake, diagnostics
//! on open and on change (the same as `stackc build --format json`),
//! completion, hover, definition, references, symbols, formatting and
//! shutdown, on the two-cluster `examples/environments` stack.

mod client;
mod units;

use std::path::Path;

use serde_json::{Value, json};

use client::Client;

/// A copy of `examples/environments` (stack and store) in a tempdir.
fn environments() -> (tempfile::TempDir, String) {
    let example = crate::support::root().join("examples/environments");
    let dir = tempfile::tempdir().unwrap();
    copy(&example, dir.path());
    let source = std::fs::read_to_string(dir.path().join("stack.kdl")).unwrap();
    (dir, source)
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn uri(dir: &Path) -> String {
    format!("file://{}", dir.join("stack.kdl").display())
}

/// `stackc build --check --format json` on `source` beside the same store:
/// its diagnostics as (code, message, line, column).
fn build_diagnostics(dir: &Path, source: &str) -> Vec<(String, String, u64, u64)> {
    let copy_dir = tempfile::tempdir().unwrap();
    copy(dir, copy_dir.path());
    std::fs::write(copy_dir.path().join("stack.kdl"), source).unwrap();
    let out = crate::support::stackc(copy_dir.path(), &["build", "--check", "--format", "json"]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = report["diagnostics"].as_array().unwrap();
    let mut found: Vec<_> = list
        .iter()
        .map(|d| {
            let (line, column) = (d["line"].as_u64().unwrap(), d["column"].as_u64().unwrap());
            (d["code"].as_str().unwrap().to_owned(), d["message"].as_str().unwrap().to_owned(), line, column)
        })
        .collect();
    found.sort();
    found
}

/// Published diagnostics in the same terms (1-based line and column; the
/// message's first line, the hint follows it).
fn lsp_diagnostics(published: &[Value]) -> Vec<(String, String, u64, u64)> {
    let mut found: Vec<_> = published
        .iter()
        .map(|d| {
            let start = &d["range"]["start"];
            let message = d["message"].as_str().unwrap().lines().next().unwrap().to_owned();
            let position = (start["line"].as_u64().unwrap() + 1, start["character"].as_u64().unwrap() + 1);
            (d["code"].as_str().unwrap().to_owned(), message, position.0, position.1)
        })
        .collect();
    found.sort();
    found
}

/// The position (line, UTF-16 character) of the `n`-th byte after the
/// first occurrence of `needle`.
fn position(source: &str, needle: &str, after: usize) -> Value {
    let offset = source.find(needle).unwrap_or_else(|| panic!("`{needle}` in the stack")) + after;
    let line = source[..offset].matches('\n').count();
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": source[line_start..offset].encode_utf16().count()})
}

fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

fn labels(items: &Value) -> Vec<String> {
    let list = items.as_array().or_else(|| items["items"].as_array()).cloned().unwrap_or_default();
    list.iter().map(|i| i["label"].as_str().unwrap().to_owned()).collect()
}

fn change(client: &mut Client, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

#[test]
fn a_session_on_a_two_cluster_stack() {
    let (dir, source) = environments();
    let uri = uri(dir.path());
    let (mut client, init) = Client::start(dir.path(), &["utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["capabilities"]["textDocumentSync"], 2, "incremental sync");
    let document = json!({"uri": uri, "languageId": "kdl", "version": 1, "text": source});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new(), "the example builds clean");

    // An unknown property (the model stage), then an undeclared connection
    // target and an override of a workload no namespace declares (the
    // checks of the whole stack, per cluster): what `stackc build` says.
    let unknown = source.replace("replicas=3 {", "replicas=3 colour=\"red\" {");
    change(&mut client, &uri, 2, &unknown);
    let published = client.diagnostics(&uri, 2);
    assert_eq!(lsp_diagnostics(&published), build_diagnostics(dir.path(), &unknown));
    assert_eq!(published[0]["code"], "unknown-property");
    let broken = source
        .replace("connects-to \"db\"", "connects-to \"dbb\"")
        .replace("override \"wiki/db\" size", "override \"wiki/cache\" size");
    change(&mut client, &uri, 5, &broken);
    let published = client.diagnostics(&uri, 5);
    let expected = build_diagnostics(dir.path(), &broken);
    assert!(expected.len() >= 2, "{expected:?}");
    assert_eq!(lsp_diagnostics(&published), expected);
    assert!(published.iter().all(|d| d["source"] == "stackc" && d["severity"] == 1), "{published:?}");
    assert!(published.iter().any(|d| d["message"].as_str().unwrap().contains("\nhelp: ")), "hints follow");

    // Fixed again: the diagnostics are cleared.
    change(&mut client, &uri, 6, &source);
    assert_eq!(client.diagnostics(&uri, 6), Vec::<Value>::new());

    // Completion: nodes inside a namespace, properties of an app, a
    // connection's target and a Secret, a database engine.
    let nodes = client.request("textDocument/completion", at(&uri, position(&source, "namespace \"wiki\" {\n", 19)));
    for node in ["app", "database", "secret", "release"] {
        assert!(labels(&nodes).contains(&node.to_owned()), "{node} in {:?}", labels(&nodes));
    }
    assert!(!labels(&nodes).contains(&"cluster".to_owned()));
    let props = client.request("textDocument/completion", at(&uri, position(&source, "app \"web\" ", 10)));
    assert!(labels(&props).contains(&"replicas".to_owned()) && labels(&props).contains(&"api-access".to_owned()));
    let targets = client.request("textDocument/completion", at(&uri, position(&source, "connects-to \"db\"", 13)));
    assert_eq!(labels(&targets), ["web", "db"]);
    let secrets =
        client.request("textDocument/completion", at(&uri, position(&source, "secret=\"db-credentials\"", 8)));
    assert_eq!(labels(&secrets), ["db-credentials"], "the database's implicit Secret");
    let keys = client.request("textDocument/completion", at(&uri, position(&source, "key=\"password\"", 5)));
    assert_eq!(labels(&keys), ["password"]);
    let engines = client.request("textDocument/completion", at(&uri, position(&source, "engine=\"postgresql\"", 8)));
    assert_eq!(labels(&engines), ["postgresql", "redis"]);
    let gitops = client.request("textDocument/completion", at(&uri, position(&source, "engine \"flux\"", 8)));
    assert_eq!(labels(&gitops), ["flux", "argocd", "kustomize"]);
    let classes = client.request("textDocument/completion", at(&uri, position(&source, "override \"wiki/db\"", 10)));
    assert_eq!(labels(&classes), ["wiki/web", "wiki/db"]);

    // Hover: a reference says what it points at; a property what it means.
    let hover = client.request("textDocument/hover", at(&uri, position(&source, "connects-to \"db\"", 14)));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("database \"db\" engine=\"postgresql\""), "{text}");
    let hover = client.request("textDocument/hover", at(&uri, position(&source, "replicas=3", 2)));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("The number of pods"), "{hover}");
    let hover = client.request("textDocument/hover", at(&uri, position(&source, "database \"db\"", 2)));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("PostgreSQL and Redis databases"), "{hover}");

    // Definition and references of the database, across both clusters'
    // overrides and the app's connection.
    let definition = client.request("textDocument/definition", at(&uri, position(&source, "connects-to \"db\"", 14)));
    assert_eq!(definition[0]["range"]["start"], position(&source, "database \"db\"", 9));
    let mut params = at(&uri, position(&source, "database \"db\"", 10));
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request("textDocument/references", params);
    let lines: Vec<u64> =
        references.as_array().unwrap().iter().map(|r| r["range"]["start"]["line"].as_u64().unwrap()).collect();
    let line = |needle: &str| position(&source, needle, 0)["line"].as_u64().unwrap();
    assert_eq!(lines, [line("override \"wiki/db\""), line("connects-to \"db\""), line("database \"db\"")]);

    // The outline, and formatting through `stackc fmt`.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let names: Vec<&str> = symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["production", "staging", "letsencrypt", "wiki"]);
    let wiki = &symbols.as_array().unwrap()[3]["children"];
    assert_eq!(labels_of(wiki), ["web", "db"]);
    let messy = source.replacen("    namespace \"wiki\" {", "namespace   \"wiki\"   {", 1);
    change(&mut client, &uri, 7, &messy);
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
    );
    assert_eq!(edits.as_array().unwrap().len(), 1);
    assert_eq!(edits[0]["newText"], source.as_str(), "the example is in fmt's layout");

    assert!(client.shutdown().success());
    assert!(!dir.path().join("out").exists(), "the server writes nothing");
}

fn labels_of(symbols: &Value) -> Vec<String> {
    symbols.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap().to_owned()).collect()
}

#[test]
fn a_stack_that_does_not_parse_gets_its_syntax_error_and_keeps_completion() {
    let (dir, source) = environments();
    let uri = uri(dir.path());
    let (mut client, init) = Client::start(dir.path(), &["utf-8", "utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let document = json!({"uri": uri, "languageId": "kdl", "version": 1, "text": source});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());
    // Typing a new connection: the text does not parse, and completion
    // still offers the targets of the last version that did.
    let typing = source.replacen("connects-to \"db\"", "connects-to \"db\"\n            connects-to \"", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": typing}]}),
    );
    let published = client.diagnostics(&uri, 2);
    assert_eq!(lsp_diagnostics(&published), build_diagnostics(dir.path(), &typing));
    assert_eq!(published[0]["code"], "syntax");
    let cursor = position(&typing, "connects-to \"\n", 13);
    let targets = client.request("textDocument/completion", at(&uri, cursor));
    assert_eq!(labels(&targets), ["web", "db"]);
    assert_eq!(client.request("textDocument/hover", at(&uri, position(&typing, "database", 1))), Value::Null);
    // The port of a connection: the target's (a database's is its engine's).
    let typing = source.replacen("connects-to \"db\"", "connects-to \"db\" port=\"", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": typing}]}),
    );
    let ports = client.request("textDocument/completion", at(&uri, position(&typing, "port=\"\n", 6)));
    assert_eq!(labels(&ports), ["postgresql"]);
    let expose = client.request("textDocument/completion", at(&uri, position(&typing, "port=\"http\"", 6)));
    assert_eq!(labels(&expose), ["http"], "an exposure's port is one of the app's");
    assert!(client.shutdown().success());
}

#[test]
fn the_seed_stack_completes_releases_repositories_issuers_and_storage_classes() {
    let root = crate::support::root();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(root.join("stack.kdl"), dir.path().join("stack.kdl")).unwrap();
    for sub in ["secrets", "templates"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        copy(&root.join(sub), &dir.path().join(sub));
    }
    let source = std::fs::read_to_string(dir.path().join("stack.kdl")).unwrap();
    let uri = uri(dir.path());
    let (mut client, _) = Client::start(dir.path(), &["utf-16"]);
    let document = json!({"uri": uri, "languageId": "kdl", "version": 1, "text": source});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    assert_eq!(lsp_diagnostics(&client.diagnostics(&uri, 1)), build_diagnostics(dir.path(), &source));
    let complete = |client: &mut Client, text: &str, needle: &str, after: usize| {
        labels(&client.request("textDocument/completion", at(&uri, position(text, needle, after))))
    };
    assert_eq!(complete(&mut client, &source, "release=\"authentik\"", 9), ["authentik"]);
    assert_eq!(complete(&mut client, &source, "repository=\"goauthentik\"", 12), ["goauthentik"]);
    let definition =
        client.request("textDocument/definition", at(&uri, position(&source, "repository=\"goauthentik\"", 13)));
    assert_eq!(definition[0]["range"]["start"], position(&source, "helm-repository \"goauthentik\"", 16));
    let typing = source
        .replacen("mount=\"/data/data\" size=\"1Gi\"", "mount=\"/data/data\" size=\"1Gi\" storage-class=\"", 1)
        .replacen("expose \"links.acme.io\" port=\"http\"", "expose \"links.acme.io\" port=\"http\" issuer=\"", 1);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": typing}]}),
    );
    assert_eq!(complete(&mut client, &typing, "storage-class=\"\n", 15), ["local-path"]);
    assert_eq!(complete(&mut client, &typing, "issuer=\"\n", 8), ["letsencrypt"]);
    assert!(client.shutdown().success());
}

/// A copy of `examples/<name>` in a tempdir.
fn example(name: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy(&crate::support::root().join("examples").join(name), dir.path());
    let source = std::fs::read_to_string(dir.path().join("stack.kdl")).unwrap();
    (dir, source)
}

#[test]
fn jobs_and_overrides_are_navigable() {
    let (dir, source) = example("social");
    let uri = uri(dir.path());
    let (mut client, _) = Client::start(dir.path(), &["utf-16"]);
    let document = json!({"uri": uri, "languageId": "kdl", "version": 1, "text": source});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    let errors: Vec<Value> = client.diagnostics(&uri, 1).into_iter().filter(|d| d["severity"] == 1).collect();
    assert_eq!(errors, Vec::<Value>::new(), "the example builds");

    // `image-of="web"` goes to the app whose image the cron job borrows.
    let found = client.request("textDocument/definition", at(&uri, position(&source, "image-of=\"web", 11)));
    let target = found.as_array().map_or(&found, |l| &l[0]);
    assert_eq!(target["range"]["start"], position(&source, "app \"web\"", 4));
    // Completing it offers the namespace's apps, not the job itself.
    let offered = labels(&client.request("textDocument/completion", at(&uri, position(&source, "image-of=\"", 10))));
    assert!(offered.contains(&"web".to_owned()) && offered.contains(&"media".to_owned()), "{offered:?}");
    assert!(!offered.contains(&"media-cleanup".to_owned()), "{offered:?}");
    // Nothing connects to a job, so `connects-to` does not offer one.
    let offered =
        labels(&client.request("textDocument/completion", at(&uri, position(&source, "connects-to \"streaming", 13))));
    assert!(offered.contains(&"streaming".to_owned()), "{offered:?}");
    assert!(!offered.contains(&"media-cleanup".to_owned()), "{offered:?}");
    // The job is in the outline.
    let symbols = client.request("textDocument/documentSymbol", json!({"textDocument": {"uri": uri}}));
    let social = symbols.as_array().unwrap().iter().find(|s| s["name"] == "social").unwrap();
    let names: Vec<&str> = social["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"media-cleanup"), "{names:?}");
    assert!(client.shutdown().success());
}

#[test]
fn an_override_names_the_volumes_and_hosts_of_its_workload() {
    let (dir, source) = environments();
    let uri = uri(dir.path());
    let (mut client, _) = Client::start(dir.path(), &["utf-16"]);
    let document = json!({"uri": uri, "languageId": "kdl", "version": 1, "text": source});
    client.notify("textDocument/didOpen", json!({"textDocument": document}));
    client.diagnostics(&uri, 1);

    // `volume "uploads"` inside `override "wiki/web"` is the app's volume.
    let found = client.request("textDocument/definition", at(&uri, position(&source, "volume \"uploads\" size", 9)));
    let target = found.as_array().map_or(&found, |l| &l[0]);
    assert_eq!(target["range"]["start"], position(&source, "volume \"uploads\" mount", 7));
    let uses = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": position(&source, "volume \"uploads\" mount", 9),
               "context": {"includeDeclaration": true}}),
    );
    assert_eq!(uses.as_array().unwrap().len(), 2, "{uses}");
    // Completion inside the override offers the volumes of that workload.
    let typed = source.replace("volume \"uploads\" size=\"1Gi\"", "volume \"");
    change(&mut client, &uri, 2, &typed);
    client.diagnostics(&uri, 2);
    let typing = "replicas=1 host=\"wiki.staging.acme.io\" {\n            volume \"";
    let offered = labels(&client.request("textDocument/completion", at(&uri, position(&typed, typing, typing.len()))));
    assert_eq!(offered, ["uploads"]);
    assert!(client.shutdown().success());
}
