//! A `kyverno test` suite beside the generated policies, so users can run
//! the Kyverno CLI in their own CI: one directory per namespace under
//! `kyverno-policies/.kyverno-test/` (hidden, so no engine applies it),
//! holding the policies, that namespace's objects and the expected result
//! of every rule that applies to them, as stackc's own evaluator found.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::yaml::to_yaml;
use crate::derive::{Body, Derived, Object};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::verify::PolicyReport;

/// Files of the suite (path → bytes); empty when the stack has no policies.
/// An object a build keeps only as a file (see [`crate::derive::Seal`]) is
/// written from `sealed`: its YAML document by `<dir>/<file name>`.
///
/// # Errors
/// An object with rule results that has neither its tree nor a document
/// in `sealed` (a compiler bug).
pub fn files(
    derived: &Derived,
    report: &PolicyReport,
    sealed: &BTreeMap<String, String>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let Some(policies_dir) = derived.components.iter().find(|c| c.name == "kyverno-policies") else {
        return Ok(Vec::new());
    };
    let policies: Vec<&Object> = policies_dir.objects.iter().filter(|o| o.kind == "ClusterPolicy").collect();
    if policies.is_empty() {
        return Ok(Vec::new());
    }
    let checked: BTreeSet<(&str, Option<&str>, &str)> =
        report.results.iter().map(|r| (r.kind, r.namespace.as_deref(), r.name.as_str())).collect();
    let mut d = Diagnostics::default();
    let mut by_namespace: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for c in &derived.components {
        for object in &c.objects {
            if !checked.contains(&(object.kind, object.namespace.as_deref(), object.name.as_str())) {
                continue;
            }
            let document = match &object.body {
                Body::Tree(tree) => Some(to_yaml(tree)),
                Body::Rendered => sealed.get(&format!("{}/{}", c.dir, object.file_name())).cloned(),
            };
            let Some(document) = document else {
                d.push(Diagnostic::error(
                    Code::Internal,
                    object.origin,
                    format!("the Kyverno test suite lost {} `{}` (a bug in stackc)", object.kind, object.name),
                ));
                continue;
            };
            by_namespace
                .entry(object.namespace.clone().unwrap_or_else(|| "cluster".to_owned()))
                .or_default()
                .push(document);
        }
    }
    if d.has_errors() {
        return Err(d);
    }
    let policy_docs = policies.iter().filter_map(|o| o.tree()).map(to_yaml).collect::<Vec<_>>().join("---\n");
    let mut out = Vec::new();
    for (namespace, documents) in by_namespace {
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
        out.push((format!("{dir}/resources.yaml"), documents.join("---\n").into_bytes()));
    }
    Ok(out)
}
