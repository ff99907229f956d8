//! A `kyverno test` suite beside the generated policies, so users can run
//! the Kyverno CLI in their own CI: one directory per namespace under
//! `kyverno-policies/.kyverno-test/` (hidden, so no engine applies it),
//! holding the policies, that namespace's objects and the expected result
//! of every rule that applies to them, as stackc's own evaluator found.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::yaml::to_yaml;
use crate::derive::{Derived, Object};
use crate::verify::PolicyReport;

/// Files of the suite (path → bytes); empty when the stack has no policies.
#[must_use]
pub fn files(derived: &Derived, report: &PolicyReport) -> Vec<(String, Vec<u8>)> {
    let Some(policies_dir) = derived.components.iter().find(|c| c.name == "kyverno-policies") else {
        return Vec::new();
    };
    let policies: Vec<&Object> = policies_dir.objects.iter().filter(|o| o.kind == "ClusterPolicy").collect();
    if policies.is_empty() {
        return Vec::new();
    }
    let mut by_namespace: BTreeMap<String, Vec<&Object>> = BTreeMap::new();
    for object in derived.components.iter().flat_map(|c| &c.objects) {
        if report
            .results
            .iter()
            .any(|r| r.kind == object.kind && r.name == object.name && r.namespace == object.namespace)
        {
            by_namespace
                .entry(object.namespace.clone().unwrap_or_else(|| "cluster".to_owned()))
                .or_default()
                .push(object);
        }
    }
    let policy_docs = multi_doc(policies.iter().map(|o| &o.body));
    let mut out = Vec::new();
    for (namespace, objects) in by_namespace {
        let dir = format!("{}/.kyverno-test/{namespace}", policies_dir.dir);
        let results: Vec<Value> = report
            .results
            .iter()
            .filter(|r| r.namespace.as_deref().unwrap_or("cluster") == namespace)
            .map(|r| {
                json!({
                    "policy": r.policy,
                    "rule": r.rule,
                    "kind": r.kind,
                    "resources": [r.name],
                    "result": if r.pass { "pass" } else { "fail" },
                })
            })
            .collect();
        let test = json!({
            "apiVersion": "cli.kyverno.io/v1alpha1",
            "kind": "Test",
            "metadata": {"name": format!("stackc-{namespace}")},
            "policies": ["policies.yaml"],
            "resources": ["resources.yaml"],
            "results": results,
        });
        out.push((format!("{dir}/kyverno-test.yaml"), to_yaml(&test).into_bytes()));
        out.push((format!("{dir}/policies.yaml"), policy_docs.clone().into_bytes()));
        out.push((format!("{dir}/resources.yaml"), multi_doc(objects.iter().map(|o| &o.body)).into_bytes()));
    }
    out
}

fn multi_doc<'a>(docs: impl Iterator<Item = &'a Value>) -> String {
    docs.map(to_yaml).collect::<Vec<_>>().join("---\n")
}
