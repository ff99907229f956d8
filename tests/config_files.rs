//! Files mounted into apps (issue 14): inline ones in a ConfigMap with a
//! content hash on the pod template, secret ones from a Secret key, each
//! mounted alone; every misuse as a diagnostic.

use serde_json::{Value, json};

use crate::support::compile;

fn stack(children: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\" {{\n{children}\n        }}\n        secret \"tokens\" external=#true\n    }}\n}}\n"
    )
}

fn objects(source: &str) -> Vec<(String, String, Value)> {
    let analyzed = stackc::analyze(source, &stackc::secrets::SecretStore::default()).unwrap().remove(0);
    analyzed
        .derived
        .components
        .iter()
        .flat_map(|c| &c.objects)
        .filter_map(|o| o.tree().map(|t| (o.kind.to_owned(), o.name.clone(), t.clone())))
        .collect()
}

fn find<'a>(objects: &'a [(String, String, Value)], kind: &str, name: &str) -> &'a Value {
    objects.iter().find(|(k, n, _)| k == kind && n == name).map(|(.., t)| t).unwrap_or_else(|| panic!("{kind} {name}"))
}

const FILES: &str = "            file \"/etc/app/config.yaml\" content=\"level: info\\n\"\n            file \"/etc/app/token\" secret=\"tokens\" key=\"api\"";

#[test]
fn inline_files_in_a_config_map_secret_files_from_the_secret() {
    let objects = objects(&stack(FILES));
    let config = find(&objects, "ConfigMap", "web-files");
    assert_eq!(config["data"], json!({"etc_app_config.yaml": "level: info\n"}));
    let pod = &find(&objects, "Deployment", "web")["spec"]["template"];
    let volumes = &pod["spec"]["volumes"];
    assert_eq!(
        volumes,
        &json!([
            {"name": "stackc-files", "configMap": {"name": "web-files"}},
            {"name": "stackc-secret-0", "secret": {"secretName": "tokens", "items": [{"key": "api", "path": "api"}]}},
        ])
    );
    assert_eq!(
        pod["spec"]["containers"][0]["volumeMounts"],
        json!([
            {"name": "stackc-files", "mountPath": "/etc/app/config.yaml", "subPath": "etc_app_config.yaml", "readOnly": true},
            {"name": "stackc-secret-0", "mountPath": "/etc/app/token", "subPath": "api", "readOnly": true},
        ])
    );
    // The secret file's value is in no ConfigMap.
    assert!(!config.to_string().contains("tokens"));
    assert_eq!(pod["metadata"]["annotations"]["stackc.dev/files-sha256"].as_str().map(str::len), Some(64));
}

#[test]
fn a_changed_file_changes_the_pod_template() {
    let hash = |content: &str| {
        let objects = objects(&stack(&format!("            file \"/etc/app/config.yaml\" content=\"{content}\"")));
        find(&objects, "Deployment", "web")["spec"]["template"]["metadata"]["annotations"].clone()
    };
    assert_eq!(hash("a"), hash("a"));
    assert_ne!(hash("a"), hash("b"));
}

#[test]
fn secret_files_alone_need_no_config_map() {
    let objects = objects(&stack("            file \"/etc/app/token\" secret=\"tokens\" key=\"api\""));
    assert!(objects.iter().all(|(kind, ..)| kind != "ConfigMap"));
    let pod = &find(&objects, "Deployment", "web")["spec"]["template"];
    assert!(pod["metadata"].get("annotations").is_none());
}

macro_rules! file_errors {
    ($($name:ident: $children:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let errors = compile(&stack($children)).expect_err("the stack must be rejected");
                insta::assert_snapshot!(stringify!($name), errors);
            }
        )*
    };
}

file_errors! {
    file_path_relative: "            file \"etc/app.yaml\" content=\"x\"";
    file_path_climbs: "            file \"/etc/../root/.ssh/authorized_keys\" content=\"x\"";
    file_path_twice: "            file \"/etc/app.yaml\" content=\"x\"\n            file \"/etc/app.yaml\" content=\"y\"";
    file_content_and_secret: "            file \"/etc/app.yaml\" content=\"x\" secret=\"tokens\" key=\"api\"";
    file_secret_without_key: "            file \"/etc/token\" secret=\"tokens\"";
    file_without_source: "            file \"/etc/app.yaml\"";
    file_from_undeclared_secret: "            file \"/etc/token\" secret=\"tokenz\" key=\"api\"";
}

#[test]
fn files_on_release_apps_are_the_charts() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" {\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\"\n        app \"x\" release=\"x\" workload=\"x\" {\n            pods \"app.kubernetes.io/name\"=\"x\"\n            file \"/etc/x.yaml\" content=\"x\"\n        }\n    }\n}\n";
    insta::assert_snapshot!("file_on_release_app", compile(source).expect_err("rejected"));
}

#[test]
fn files_larger_than_a_config_map() {
    let big = "x".repeat(600 * 1024);
    let source =
        stack(&format!("            file \"/etc/a\" content=\"{big}\"\n            file \"/etc/b\" content=\"{big}\""));
    let errors = compile(&source).expect_err("rejected");
    assert!(errors.contains("a ConfigMap holds at most 1 MiB"), "{errors}");
}
