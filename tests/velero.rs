//! Velero backups: one Schedule per namespace holding PVCs, selecting
//! exactly the workloads whose claims it must capture.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::{compile, compile_in, render_diagnostics, root};

/// Every object of a tree, parsed (hidden tooling directories left out).
fn objects(tree: &stackc::render::Tree) -> Vec<Value> {
    tree.files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml") && !path.split('/').any(|c| c.starts_with('.')))
        .filter_map(|(_, bytes)| serde_yaml_ng::from_slice::<Value>(bytes).ok())
        .filter(|o| o.get("kind").is_some())
        .collect()
}

/// The labels of every PVC the cluster will hold, by namespace: the
/// PersistentVolumeClaims stackc writes, and the claims each StatefulSet's
/// controller makes, which carry the StatefulSet's selector labels.
fn claims(objects: &[Value]) -> BTreeMap<String, Vec<BTreeMap<String, String>>> {
    let labels = |v: &Value| -> BTreeMap<String, String> { serde_json::from_value(v.clone()).unwrap_or_default() };
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for o in objects {
        let ns = o["metadata"]["namespace"].as_str().unwrap_or_default().to_owned();
        match o["kind"].as_str() {
            Some("PersistentVolumeClaim") => out.entry(ns).or_default().push(labels(&o["metadata"]["labels"])),
            Some("StatefulSet") => {
                for _ in o["spec"]["volumeClaimTemplates"].as_array().into_iter().flatten() {
                    out.entry(ns.clone()).or_default().push(labels(&o["spec"]["selector"]["matchLabels"]));
                }
            }
            _ => {}
        }
    }
    out
}

fn schedules(objects: &[Value]) -> Vec<&Value> {
    objects.iter().filter(|o| o["apiVersion"] == "velero.io/v1" && o["kind"] == "Schedule").collect()
}

fn matches(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    selector["matchLabels"]
        .as_object()
        .is_some_and(|m| !m.is_empty() && m.iter().all(|(k, v)| labels.get(k).map(String::as_str) == v.as_str()))
}

fn multi_namespace() -> Vec<Value> {
    let dir = root().join("examples/multi-namespace");
    let source = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
    objects(&compile_in(&dir, &source).unwrap())
}

#[test]
fn each_namespace_with_claims_has_exactly_one_schedule_selecting_all_of_them() {
    let objects = multi_namespace();
    let claims = claims(&objects);
    let namespaces: BTreeSet<String> = objects
        .iter()
        .filter(|o| o["kind"] == "Namespace")
        .filter_map(|o| o["metadata"]["name"].as_str().map(str::to_owned))
        .collect();
    let schedules = schedules(&objects);
    assert!(claims.len() >= 2, "the example must hold claims in two namespaces: {claims:?}");
    for ns in &namespaces {
        let covering: Vec<_> = schedules
            .iter()
            .filter(|s| s["spec"]["template"]["includedNamespaces"].as_array().unwrap().iter().any(|n| n == ns))
            .collect();
        match claims.get(ns) {
            Some(claims) => {
                assert_eq!(covering.len(), 1, "namespace {ns} needs exactly one Schedule");
                let selectors = covering[0]["spec"]["template"]["orLabelSelectors"].as_array().unwrap();
                for claim in claims {
                    assert!(
                        selectors.iter().any(|s| matches(s, claim)),
                        "{ns}: no selector selects the claim {claim:?}"
                    );
                }
                assert_eq!(covering[0]["metadata"]["namespace"], "velero");
            }
            None => assert!(covering.is_empty(), "namespace {ns} holds no PVC but has a Schedule"),
        }
    }
    assert_eq!(schedules.len(), claims.len());
}

#[test]
fn schedule_settings_follow_the_stack() {
    let objects = multi_namespace();
    let by_ns = |ns: &str| schedules(&objects).into_iter().find(|s| s["metadata"]["name"] == ns).unwrap().clone();
    let (data, backend) = (by_ns("data"), by_ns("backend"));
    assert_eq!(data["spec"]["schedule"], "0 */6 * * *", "the namespace's own backup-schedule");
    assert_eq!(backend["spec"]["schedule"], "0 3 * * *", "the platform's default schedule");
    for s in [&data, &backend] {
        let t = &s["spec"]["template"];
        assert_eq!((&t["ttl"], &t["storageLocation"]), (&Value::from("168h"), &Value::from("minio")));
        assert_eq!((&t["defaultVolumesToFsBackup"], &t["snapshotVolumes"]), (&Value::from(true), &Value::from(false)));
    }
    let hooks = data["spec"]["template"]["hooks"]["resources"].as_array().unwrap();
    assert_eq!(hooks.len(), 1, "only the PostgreSQL database gets a pre-backup hook");
    assert_eq!(hooks[0]["labelSelector"]["matchLabels"]["app.kubernetes.io/name"], "orders-db");
    assert_eq!(hooks[0]["pre"][0]["exec"]["container"], "orders-db");
    assert!(backend["spec"]["template"].get("hooks").is_none());
}

/// A stack with Velero and two namespaces that hold a claim each.
fn stack(velero: &str, a: &str, b: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {{\n        {velero}\n    }}\n    namespace \"a\" {a} {{\n        app \"web\" image=\"x:1\" {{\n            volume \"data\" mount=\"/data\" size=\"1Gi\"\n        }}\n    }}\n    namespace \"b\" {b} {{\n        database \"cache\" engine=\"redis\" version=\"8\" size=\"1Gi\"\n    }}\n}}\n"
    )
}

#[test]
fn a_namespace_opts_out_and_snapshots_replace_fs_backup() {
    let tree = compile(&stack("velero volume-backup=\"snapshot\"", "backup=#false", "")).unwrap();
    let objects = objects(&tree);
    let schedules = schedules(&objects);
    assert_eq!(schedules.len(), 1);
    assert_eq!(schedules[0]["metadata"]["name"], "b");
    let t = &schedules[0]["spec"]["template"];
    assert_eq!((&t["snapshotVolumes"], &t["defaultVolumesToFsBackup"]), (&Value::from(true), &Value::from(false)));
    assert!(t.get("storageLocation").is_none(), "without storage-location Velero uses its default location");
}

#[test]
fn velero_with_nothing_to_back_up_warns_and_writes_no_schedule() {
    let source = stack("velero", "backup=#false", "backup=#false");
    let options = stackc::CompileOptions::default();
    let compiled = stackc::compile(&source, &options).expect("a warning does not stop the build");
    assert!(compiled.tree.files.keys().all(|p| !p.contains("/velero/")));
    insta::assert_snapshot!(
        "velero_nothing_to_back_up",
        render_diagnostics(&compiled.clusters[0].derived.warnings, &source)
    );
}

macro_rules! velero_diagnostics {
    ($($name:ident: $velero:expr, $a:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let source = stack($velero, $a, "");
                let text = compile(&source).expect_err("the stack must be rejected");
                insta::assert_snapshot!(stringify!($name), text);
            }
        )*
    };
}

velero_diagnostics! {
    velero_cron_with_four_fields: "velero schedule=\"0 3 * *\"", "";
    velero_cron_out_of_range: "velero", "backup-schedule=\"0 25 * * *\"";
    velero_bad_ttl: "velero ttl=\"30d\"", "";
    velero_unknown_property: "velero schedul=\"0 3 * * *\" volume-backup=\"snapshots\"", "";
    velero_backup_schedule_without_velero: "flux", "backup-schedule=\"@daily\"";
    velero_backup_schedule_on_opted_out_namespace: "velero", "backup=#false backup-schedule=\"@daily\"";
}

#[test]
fn a_bad_schedule_exits_2_and_writes_nothing() {
    let dir = crate::support::project(&stack("velero schedule=\"0 3 * *\"", "", ""));
    let output = crate::support::stackc(dir.path(), &["build"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid-value") && stderr.contains("stack.kdl:4:16"), "{stderr}");
    assert!(!dir.path().join("out").exists());
}
