//! Apps with several replicas (issue 14): a PodDisruptionBudget and a soft
//! spread across nodes by default, both overridable with `availability`.

use crate::support::compile;

fn stack(app: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"a\" {{\n{app}\n    }}\n}}\n"
    )
}

/// The YAML of the tree's file whose name contains `part`, if any.
fn file(app: &str, part: &str) -> Option<serde_json::Value> {
    let tree = compile(&stack(app)).expect("the stack compiles");
    tree.files
        .iter()
        .find(|(path, _)| path.contains(part))
        .map(|(_, bytes)| serde_yaml_ng::from_slice(bytes).expect("YAML"))
}

fn spread(app: &str) -> serde_json::Value {
    file(app, "deployment-web").expect("a Deployment")["spec"]["template"]["spec"]["topologySpreadConstraints"].clone()
}

fn errors(app: &str) -> String {
    compile(&stack(app)).expect_err("the stack must be rejected")
}

#[test]
fn several_replicas_get_a_budget_and_a_soft_spread() {
    let app = "        app \"web\" image=\"x:1\" replicas=2";
    let budget = file(app, "poddisruptionbudget-web").expect("a PodDisruptionBudget");
    assert_eq!(budget["spec"]["maxUnavailable"], 1);
    assert_eq!(budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"], "web");
    let spread = spread(app);
    assert_eq!(spread[0]["whenUnsatisfiable"], "ScheduleAnyway", "{spread}");
    assert_eq!(spread[0]["topologyKey"], "kubernetes.io/hostname");
    assert_eq!(spread[0]["maxSkew"], 1);
    assert_eq!(spread[0]["labelSelector"]["matchLabels"], budget["spec"]["selector"]["matchLabels"]);
}

#[test]
fn one_replica_gets_neither() {
    let app =
        "        app \"web\" image=\"x:1\" {\n            availability spread=\"hard\" max-unavailable=1\n        }";
    assert!(file(app, "poddisruptionbudget-").is_none());
    assert!(spread(app).is_null());
}

#[test]
fn availability_overrides_both() {
    let app = "        app \"web\" image=\"x:1\" replicas=4 {\n            availability max-unavailable=2 spread=\"hard\"\n        }";
    assert_eq!(file(app, "poddisruptionbudget-web").expect("a budget")["spec"]["maxUnavailable"], 2);
    assert_eq!(spread(app)[0]["whenUnsatisfiable"], "DoNotSchedule");
    let off = "        app \"web\" image=\"x:1\" replicas=2 {\n            availability budget=#false spread=\"off\"\n        }";
    assert!(file(off, "poddisruptionbudget-").is_none());
    assert!(spread(off).is_null());
}

#[test]
fn max_unavailable_zero() {
    insta::assert_snapshot!(
        "availability_max_unavailable_zero",
        errors("        app \"web\" image=\"x:1\" replicas=2 {\n            availability max-unavailable=0\n        }")
    );
}

#[test]
fn max_unavailable_not_fewer_than_replicas() {
    insta::assert_snapshot!(
        "availability_max_unavailable_all_replicas",
        errors("        app \"web\" image=\"x:1\" replicas=2 {\n            availability max-unavailable=2\n        }")
    );
}

#[test]
fn unknown_spread() {
    insta::assert_snapshot!(
        "availability_unknown_spread",
        errors("        app \"web\" image=\"x:1\" replicas=2 {\n            availability spread=\"sfot\"\n        }")
    );
}

#[test]
fn availability_on_a_release_app() {
    let body = "        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\"\n        app \"x\" release=\"x\" workload=\"x\" {\n            pods \"app.kubernetes.io/name\"=\"x\"\n            availability max-unavailable=1\n        }";
    let source = stack(body).replace(
        "    namespace \"a\"",
        "    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\"",
    );
    insta::assert_snapshot!("availability_on_a_release_app", compile(&source).expect_err("rejected"));
}
