//! Release apps' ServiceAccounts: the account a stack names for a chart's
//! pods is set in the chart's values, so the identity Linkerd admits is the
//! one the pods run as (issue 18, item 3).

use serde_json::Value;

use crate::support::{compile, compile_in, root};

fn yaml(tree: &stackc::render::Tree, path: &str) -> Value {
    let bytes = tree.files.get(path).unwrap_or_else(|| panic!("{path} is not rendered"));
    serde_yaml_ng::from_slice(bytes).expect("rendered YAML parses")
}

#[test]
fn seed_authentik_server_and_worker_run_as_the_account_the_policies_admit() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let tree = compile_in(&root(), &source).unwrap();
    let release = yaml(&tree, "clusters/production/authentik/helmrelease-authentik.yaml");
    let values = &release["spec"]["values"];
    // goauthentik/helm authentik-2025.10.1 charts/authentik/templates/server/deployment.yaml:46-48
    // and templates/worker/deployment.yaml:46-47 read these two values.
    assert_eq!(values["server"]["serviceAccountName"], "authentik", "{values:#}");
    assert_eq!(values["worker"]["serviceAccountName"], "authentik", "{values:#}");
    let clients = yaml(&tree, "clusters/production/authentik/meshtlsauthentication-postgres-postgresql-clients.yaml");
    let admitted: Vec<&Value> =
        clients["spec"]["identityRefs"].as_array().unwrap().iter().map(|r| &r["name"]).collect();
    assert_eq!(admitted, [&values["server"]["serviceAccountName"]]);
}

fn release_stack(app: &str, values: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {{\n        linkerd version=\"2025.10.7\"\n    }}\n    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" mesh=#true {{\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\" {{\n            values {{\n{values}\n            }}\n        }}\n        {app} {{\n            pods \"app.kubernetes.io/name\"=\"x\"\n            connects-to \"db\"\n        }}\n        database \"db\" engine=\"redis\" version=\"8\" size=\"1Gi\"\n    }}\n}}\n"
    )
}

#[test]
fn the_named_values_path_is_set_in_the_release() {
    let source = release_stack(
        "app \"x\" release=\"x\" workload=\"x\" service-account=\"x-sa\" service-account-value=\"controller.serviceAccount.name\"",
        "                controller {\n                    replicas 2\n                }",
    );
    let tree = compile(&source).unwrap();
    let release = yaml(&tree, "clusters/c/a/helmrelease-x.yaml");
    assert_eq!(release["spec"]["values"]["controller"]["serviceAccount"]["name"], "x-sa");
    assert_eq!(release["spec"]["values"]["controller"]["replicas"], 2, "existing values are kept");
}

#[test]
fn values_naming_the_same_account_are_accepted() {
    let source = release_stack(
        "app \"x\" release=\"x\" workload=\"x\" service-account=\"x-sa\" service-account-value=\"sa\"",
        "                sa \"x-sa\"",
    );
    compile(&source).unwrap();
}

#[test]
fn a_service_account_nothing_sets_is_an_error() {
    let source = release_stack("app \"x\" release=\"x\" workload=\"x\" service-account=\"x-sa\"", "");
    insta::assert_snapshot!("service_account_not_set", compile(&source).unwrap_err());
}

#[test]
fn values_naming_another_account_are_an_error() {
    let source = release_stack(
        "app \"x\" release=\"x\" workload=\"x\" service-account=\"x-sa\" service-account-value=\"server.serviceAccountName\"",
        "                server {\n                    serviceAccountName \"default\"\n                }",
    );
    insta::assert_snapshot!("service_account_conflicts_with_values", compile(&source).unwrap_err());
}

#[test]
fn a_values_path_through_a_scalar_or_without_an_account_is_an_error() {
    let through = release_stack(
        "app \"x\" release=\"x\" workload=\"x\" service-account=\"x-sa\" service-account-value=\"server.name\"",
        "                server \"big\"",
    );
    let text = compile(&through).unwrap_err();
    assert!(text.contains("invalid-value") && text.contains("not a map"), "{text}");
    let without = release_stack("app \"x\" release=\"x\" workload=\"x\" service-account-value=\"sa\"", "");
    let text = compile(&without).unwrap_err();
    assert!(text.contains("missing-value") && text.contains("needs `service-account`"), "{text}");
    let empty = release_stack(
        "app \"x\" release=\"x\" workload=\"x\" service-account=\"x-sa\" service-account-value=\"a..b\"",
        "",
    );
    let text = compile(&empty).unwrap_err();
    assert!(text.contains("not a values path"), "{text}");
}

#[test]
fn seed_ldap_outpost_runs_the_version_of_its_server() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let tree = compile_in(&root(), &source).unwrap();
    let release = yaml(&tree, "clusters/production/authentik/helmrelease-authentik.yaml");
    let outpost = yaml(&tree, "clusters/production/authentik/deployment-ldap-outpost.yaml");
    // goauthentik/helm authentik-2025.10.1 charts/authentik/Chart.yaml:3-4: the chart version is
    // the server's appVersion; the 2025.10 release notes: "the version of the authentik instance
    // and of any outposts must be the same".
    let chart = release["spec"]["chart"]["spec"]["version"].as_str().unwrap();
    let image = outpost["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap();
    assert_eq!(image.rsplit_once(':').map(|(_, tag)| tag), Some(chart), "{image} vs chart {chart}");
}

#[test]
fn seed_authentik_logs_in_as_the_role_its_database_creates() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let tree = compile_in(&root(), &source).unwrap();
    let values = yaml(&tree, "clusters/production/authentik/helmrelease-authentik.yaml")["spec"]["values"]["authentik"]
        ["postgresql"]
        .clone();
    let set = yaml(&tree, "clusters/production/authentik/statefulset-postgres.yaml");
    let env = set["spec"]["template"]["spec"]["containers"][0]["env"].as_array().unwrap().clone();
    let var = |name: &str| env.iter().find(|e| e["name"] == name).and_then(|e| e["value"].as_str()).map(str::to_owned);
    // docker-library/postgres 18/trixie/docker-entrypoint.sh:237-238: initdb creates the role
    // POSTGRES_USER (default `postgres`) and the database POSTGRES_DB (default: the user).
    let user = var("POSTGRES_USER").unwrap_or_else(|| "postgres".to_owned());
    let database = var("POSTGRES_DB").unwrap_or_else(|| user.clone());
    assert_eq!(values["user"], user.as_str(), "{values}");
    assert_eq!(values["name"], database.as_str(), "{values}");
}
