//! The CLI contract: exit codes, `--check` drift detection, owned files,
//! atomic failure.

use std::fs;

use crate::support::{project, root, snapshot_dir, stackc};

const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33"
    platform {
        engine "flux" install-manifest="gotk-components.yaml"
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
        }
        app "api" image="y:1" {
            port "http" 8080
        }
    }
}
"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn build_then_check_is_clean() {
    let dir = project(STACK);
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = stackc(dir.path(), &["build", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "");
}

#[test]
fn check_reports_added_changed_and_removed_files() {
    let dir = project(STACK);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    let web = dir.path().join("out/clusters/c/a/deployment-web.yaml");
    fs::write(&web, "edited by hand\n").unwrap();
    fs::remove_file(dir.path().join("out/clusters/c/a/service-api.yaml")).unwrap();
    fs::write(
        dir.path().join("stack.kdl"),
        STACK.replace("        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n        }\n", ""),
    )
    .unwrap();
    let before = snapshot_dir(dir.path());
    let out = stackc(dir.path(), &["build", "--check"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("changed: out/clusters/c/a/deployment-web.yaml"), "{stdout}");
    assert!(stdout.contains("removed: out/clusters/c/a/deployment-api.yaml"), "{stdout}");
    assert_eq!(before, snapshot_dir(dir.path()), "--check wrote something");
    // Restore the stack with api: the deleted service shows as added.
    fs::write(dir.path().join("stack.kdl"), STACK).unwrap();
    let stdout = text(&stackc(dir.path(), &["build", "--check"]).stdout);
    assert!(stdout.contains("added: out/clusters/c/a/service-api.yaml"), "{stdout}");
}

#[test]
fn rebuild_removes_stale_owned_files_and_keeps_foreign_ones() {
    let dir = project(STACK);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    let gotk = dir.path().join("out/clusters/c/flux-system/gotk-components.yaml");
    fs::write(&gotk, "# flux install --export\n").unwrap();
    let notes = dir.path().join("out/clusters/c/a/NOTES.md");
    fs::write(&notes, "mine\n").unwrap();
    fs::write(
        dir.path().join("stack.kdl"),
        STACK.replace("        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n        }\n", ""),
    )
    .unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!dir.path().join("out/clusters/c/a/deployment-api.yaml").exists());
    assert_eq!(fs::read_to_string(&gotk).unwrap(), "# flux install --export\n");
    assert_eq!(fs::read_to_string(&notes).unwrap(), "mine\n");
}

#[test]
fn refuses_to_overwrite_a_file_it_did_not_write() {
    let dir = project(STACK);
    let foreign = dir.path().join("out/clusters/c/a/deployment-web.yaml");
    fs::create_dir_all(foreign.parent().unwrap()).unwrap();
    fs::write(&foreign, "hand-written\n").unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("was not written by stackc"), "{}", text(&out.stderr));
    assert_eq!(fs::read_to_string(&foreign).unwrap(), "hand-written\n");
    assert!(!dir.path().join("out/.stackc-owned").exists());
}

#[test]
fn input_errors_exit_2_and_leave_out_untouched() {
    let dir = project(STACK);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    let before = snapshot_dir(dir.path());
    fs::write(dir.path().join("stack.kdl"), STACK.replace("port \"http\" 8080", "port \"http\" \"eighty\"")).unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("wrong-type"), "{}", text(&out.stderr));
    let mut after = snapshot_dir(dir.path());
    after.retain(|(p, _)| p != std::path::Path::new("stack.kdl"));
    let mut before_out = before.clone();
    before_out.retain(|(p, _)| p != std::path::Path::new("stack.kdl"));
    assert_eq!(before_out, after);
    assert_eq!(stackc(dir.path(), &["build", "--check"]).status.code(), Some(2));
}

#[test]
fn missing_stack_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read `stack.kdl`"));
}

#[test]
fn json_diagnostics_carry_code_line_and_column() {
    let dir = project(&STACK.replace("image=\"x:1\"", "imgae=\"x:1\""));
    let out = stackc(dir.path(), &["build", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stderr), "", "JSON mode prints one document on stdout");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let first = json["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "unknown-property").unwrap();
    assert_eq!(first["code"], "unknown-property");
    assert_eq!(first["line"], 7);
    assert_eq!(first["column"], 19);
    assert_eq!(first["help"], "did you mean `image`?");
}

#[test]
fn the_repository_out_is_current() {
    let out = stackc(&root(), &["build", "--check"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn graph_json_has_the_documented_shape() {
    let out = stackc(&root(), &["graph", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let edges = json["edges"].as_array().unwrap();
    assert!(edges.iter().any(|e| e["from"] == "authentik/authentik-server"
        && e["to"] == "authentik/postgres"
        && e["port"] == 5432
        && e["protocol"] == "TCP"));
    assert!(
        edges.iter().any(|e| e["from"] == "traefik/traefik" && e["to"] == "linkwarden/linkwarden" && e["port"] == 3000)
    );
    let node = json["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "authentik/authentik-worker").unwrap();
    assert_eq!(node["labels"]["app.kubernetes.io/component"], "worker");
}

#[test]
fn schema_is_json_schema() {
    let out = stackc(&root(), &["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(json["$schema"].as_str().unwrap().contains("json-schema.org"));
    assert!(json["properties"]["namespace"].is_object());
}

#[test]
fn a_templates_directory_overrides_formatting() {
    let dir = project(STACK);
    fs::create_dir(dir.path().join("templates")).unwrap();
    fs::write(
        dir.path().join("templates/object.yaml.j2"),
        "# {{ object.kind }} {{ object.metadata.name }} (house format)\n{{ yaml }}\n",
    )
    .unwrap();
    fs::write(dir.path().join("templates/service.yaml.j2"), "# a Service\n{{ yaml }}\n").unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let deployment = fs::read_to_string(dir.path().join("out/clusters/c/a/deployment-web.yaml")).unwrap();
    assert!(deployment.starts_with("# Deployment web (house format)\napiVersion: apps/v1\n"), "{deployment}");
    let service = fs::read_to_string(dir.path().join("out/clusters/c/a/service-web.yaml")).unwrap();
    assert!(service.starts_with("# a Service\napiVersion: v1\n"), "{service}");
}

#[test]
fn a_template_that_changes_structure_is_rejected() {
    let dir = project(STACK);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    let before = snapshot_dir(dir.path());
    fs::create_dir(dir.path().join("templates")).unwrap();
    // Pasting a value into YAML by hand instead of serializing it.
    fs::write(dir.path().join("templates/deployment.yaml.j2"), "{{ yaml }}\nextra: {{ object.metadata.name }}\n")
        .unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("template `deployment.yaml.j2` changed the structure"), "{stderr}");
    let mut after = snapshot_dir(dir.path());
    after.retain(|(p, _)| !p.starts_with("templates"));
    assert_eq!(before, after);
    fs::write(dir.path().join("templates/deployment.yaml.j2"), "{{ yaml }\n").unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("template `deployment.yaml.j2` failed"), "{}", text(&out.stderr));
}

/// The schema is JSON Schema 2020-12 and documents every node and property
/// (an enum variant's single property is documented on the variant).
#[test]
fn schema_describes_every_property() {
    fn walk(node: &serde_json::Value, path: &str, missing: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    let variant = props.len() == 1 && map.contains_key("description");
                    for (key, value) in props {
                        if value.get("description").is_none() && !variant {
                            missing.push(format!("{path}.{key}"));
                        }
                        walk(value, &format!("{path}.{key}"), missing);
                    }
                }
                for (key, value) in map.iter().filter(|(k, _)| *k != "properties") {
                    walk(value, &format!("{path}/{key}"), missing);
                }
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| walk(v, path, missing)),
            _ => {}
        }
    }
    let out = stackc(&root(), &["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    let mut missing = Vec::new();
    walk(&schema, "", &mut missing);
    assert!(missing.is_empty(), "undocumented: {missing:?}");
    assert!(schema["$defs"]["App"]["properties"]["connects-to"].is_object(), "names follow the KDL nodes");
}

#[test]
fn explain_suggests_the_closest_endpoint() {
    let out = stackc(&root(), &["explain", "linkwarden/linkwardn", "linkwarden/postgres"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: unknown endpoint `linkwarden/linkwardn`; did you mean `linkwarden/linkwarden`?\n"
    );
}

/// The schema describes the KDL a person writes: defaults are not required,
/// names are kebab-case, an app's `image=` is a property of the app, ports
/// are 1–65535 (issue 20 item 3).
#[test]
fn schema_describes_the_kdl_people_write() {
    fn names(node: &serde_json::Value, out: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    out.extend(props.keys().cloned());
                }
                map.values().for_each(|v| names(v, out));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| names(v, out)),
            _ => {}
        }
    }
    let out = stackc(&root(), &["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let defs = &schema["$defs"];
    assert_eq!(defs["Git"]["required"], serde_json::json!(["url"]));
    assert_eq!(defs["App"]["required"], serde_json::json!(["name"]));
    assert_eq!(defs["Port"]["required"], serde_json::json!(["name", "number"]));
    assert_eq!(defs["Namespace"]["required"], serde_json::json!(["name"]));
    assert_eq!(schema["required"], serde_json::json!(["name", "cluster"]));
    let app = &defs["App"]["properties"];
    assert!(app["image"].is_object() && app["release"].is_object() && app["service-account"].is_object());
    assert!(app.get("source").is_none());
    assert_eq!(defs["Env"]["properties"]["value"]["type"], "string");
    assert_eq!(defs["Port"]["properties"]["number"]["minimum"], 1);
    assert_eq!(defs["Dns"]["properties"]["port"]["minimum"], 1);
    assert_eq!(defs["InternetEgress"]["properties"]["ports"]["items"]["minimum"], 1);
    assert_eq!(defs["PortRef"]["anyOf"][1]["minimum"], 1);
    assert_eq!(defs["Expose"]["properties"]["service-port"]["minimum"], 1);
    assert_eq!(defs["GitOpsEngine"]["properties"]["name"]["enum"], serde_json::json!(["flux", "argocd", "kustomize"]));
    assert!(defs["Resources"]["properties"]["requests"]["properties"]["cpu"].is_object());
    let mut all = Vec::new();
    names(&schema, &mut all);
    let snake: Vec<&String> = all.iter().filter(|n| n.contains('_')).collect();
    assert!(snake.is_empty(), "not KDL names: {snake:?}");
}
