//! `match` and `exclude` (<https://kyverno.io/docs/writing-policies/match-exclude/>):
//! kinds in their GVK forms, names and namespaces with wildcards, selectors,
//! `any`/`all`, the legacy `resources` form, and namespaced `Policy`.

use crate::kyverno::common::*;

/// Whether a deny-everything rule with this `match` block selects `r`.
fn selects(block: Value, r: &Value) -> bool {
    let p = cluster_policy("p", json!([ { "name": "r", "match": block, "validate": { "deny": {} } } ]));
    match outcome(&p, r, "r") {
        Outcome::Fail { .. } => true,
        Outcome::Skip(SkipReason::NotMatched) => false,
        other => panic!("{other:?}"),
    }
}

fn kinds(kinds: &[&str], r: &Value) -> bool {
    selects(json!({ "any": [ { "resources": { "kinds": kinds } } ] }), r)
}

fn resource(api: &str, kind: &str, name: &str, ns: Option<&str>) -> Value {
    let mut r = json!({ "apiVersion": api, "kind": kind, "metadata": { "name": name } });
    if let Some(ns) = ns {
        r["metadata"]["namespace"] = json!(ns);
    }
    r
}

// "Selecting Resources": Kind, Version/Kind, Group/Version/Kind, and
// wildcards `*`, `*/Kind`, `Group/*/Kind`; a subresource never matches the
// object itself (https://kyverno.io/docs/writing-policies/match-exclude/#resource-filters).
#[test]
fn kind_forms() {
    let d = resource("apps/v1", "Deployment", "web", Some("a"));
    let p = resource("v1", "Pod", "web", Some("a"));
    let np = resource("networking.k8s.io/v1", "NetworkPolicy", "np", Some("a"));
    let crd = resource("crd.antrea.io/v1alpha1", "NetworkPolicy", "np", Some("a"));
    assert!(kinds(&["Deployment"], &d));
    assert!(kinds(&["apps/v1/Deployment"], &d));
    assert!(kinds(&["apps/*/Deployment"], &d));
    assert!(kinds(&["v1/Deployment"], &d));
    assert!(kinds(&["*/Deployment"], &d));
    assert!(kinds(&["*"], &d));
    assert!(kinds(&["Pod", "Deployment"], &d));
    assert!(!kinds(&["batch/v1/Deployment"], &d));
    assert!(!kinds(&["apps/v2/Deployment"], &d));
    assert!(!kinds(&["Pod"], &d));
    assert!(!kinds(&["Deploy*"], &p));
    assert!(kinds(&["Deploy*"], &d));
    assert!(kinds(&["v1/Pod"], &p));
    assert!(!kinds(&["Pod/status"], &p));
    assert!(!kinds(&["Pod.status"], &p));
    assert!(kinds(&["networking.k8s.io/v1/NetworkPolicy"], &np));
    assert!(!kinds(&["networking.k8s.io/v1/NetworkPolicy"], &crd));
    assert!(kinds(&["crd.antrea.io/v1alpha1/NetworkPolicy"], &crd));
    assert!(kinds(&["NetworkPolicy"], &crd));
}

// "Match statements": names and namespaces with wildcards `*` and `?`
// (https://kyverno.io/docs/writing-policies/match-exclude/#match-statements).
#[test]
fn names_and_namespaces() {
    let r = resource("v1", "Service", "prod-api", Some("dev1"));
    let m = |f: Value| selects(json!({ "any": [ { "resources": f } ] }), &r);
    assert!(m(json!({ "kinds": ["Service"], "names": ["prod-*", "staging"] })));
    assert!(!m(json!({ "kinds": ["Service"], "names": ["staging"] })));
    assert!(m(json!({ "kinds": ["Service"], "name": "prod-ap?" })));
    assert!(!m(json!({ "kinds": ["Service"], "name": "prod-ap?", "names": ["x"] })));
    assert!(m(json!({ "kinds": ["Service"], "namespaces": ["dev*"] })));
    assert!(m(json!({ "kinds": ["Service"], "namespaces": ["de??", "prod"] })));
    assert!(!m(json!({ "kinds": ["Service"], "namespaces": ["dev"] })));
    // AND across fields.
    assert!(!m(json!({ "kinds": ["Pod"], "names": ["prod-*"] })));
    // A Namespace's own name counts as its namespace.
    let ns = resource("v1", "Namespace", "dev1", None);
    assert!(selects(json!({ "any": [ { "resources": { "kinds": ["Namespace"], "namespaces": ["dev*"] } } ] }), &ns));
    // A cluster-scoped object is in no namespace.
    let node = resource("v1", "Node", "n1", None);
    assert!(!selects(json!({ "any": [ { "resources": { "kinds": ["Node"], "namespaces": ["dev*"] } } ] }), &node));
    // generateName stands in for a missing name.
    let generated =
        json!({ "apiVersion": "v1", "kind": "Pod", "metadata": { "generateName": "job-", "namespace": "a" } });
    assert!(selects(json!({ "any": [ { "resources": { "kinds": ["Pod"], "names": ["job-*"] } } ] }), &generated));
}

// "Match statements": label selectors, wildcards in matchLabels keys and
// values (https://kyverno.io/docs/writing-policies/match-exclude/#match-statements).
#[test]
fn selectors() {
    let r = pod("p", json!({ "app.kubernetes.io/name": "web", "tier": "front" }), json!({}));
    let m = |s: Value| selects(json!({ "any": [ { "resources": { "kinds": ["Pod"], "selector": s } } ] }), &r);
    assert!(m(json!({ "matchLabels": { "tier": "front" } })));
    assert!(!m(json!({ "matchLabels": { "tier": "back" } })));
    assert!(m(json!({ "matchLabels": { "app.kubernetes.io/*": "w*" } })));
    assert!(!m(json!({ "matchLabels": { "app.kubernetes.io/*": "x*" } })));
    assert!(m(json!({ "matchLabels": { "tier": "fr?nt" } })));
    assert!(m(json!({ "matchExpressions": [ { "key": "tier", "operator": "In", "values": ["front", "mid"] } ] })));
    assert!(!m(json!({ "matchExpressions": [ { "key": "tier", "operator": "NotIn", "values": ["front"] } ] })));
    assert!(m(json!({ "matchExpressions": [ { "key": "team", "operator": "NotIn", "values": ["a"] } ] })));
    assert!(m(json!({ "matchExpressions": [ { "key": "tier", "operator": "Exists" } ] })));
    assert!(m(json!({ "matchExpressions": [ { "key": "team", "operator": "DoesNotExist" } ] })));
    assert!(!m(json!({ "matchExpressions": [ { "key": "team", "operator": "Exists" } ] })));
    assert!(m(json!({})));
    assert!(!m(
        json!({ "matchLabels": { "tier": "front" }, "matchExpressions": [ { "key": "team", "operator": "Exists" } ] })
    ));
}

// "Match statements": `any` is OR, `all` is AND; the deprecated direct
// `resources` form is one filter; an empty filter matches nothing
// (https://kyverno.io/docs/writing-policies/match-exclude/).
#[test]
fn any_all_and_legacy() {
    let r = resource("v1", "Service", "web", Some("prod"));
    assert!(selects(
        json!({ "any": [ { "resources": { "kinds": ["Pod"] } }, { "resources": { "kinds": ["Service"] } } ] }),
        &r
    ));
    assert!(!selects(
        json!({ "all": [ { "resources": { "kinds": ["Pod"] } }, { "resources": { "kinds": ["Service"] } } ] }),
        &r
    ));
    assert!(selects(
        json!({ "all": [ { "resources": { "kinds": ["Service"] } }, { "resources": { "namespaces": ["prod"] } } ] }),
        &r
    ));
    assert!(selects(json!({ "resources": { "kinds": ["Service"], "namespaces": ["prod"] } }), &r));
    assert!(!selects(json!({ "resources": { "kinds": ["Service"], "namespaces": ["dev"] } }), &r));
    assert!(!selects(json!({ "resources": {} }), &r));
    assert!(!selects(json!({ "any": [ { "resources": {} } ] }), &r));
    assert!(!selects(json!({}), &r));
    // The object is being created: CREATE must be among the operations.
    assert!(selects(json!({ "any": [ { "resources": { "kinds": ["Service"], "operations": ["CREATE"] } } ] }), &r));
    assert!(!selects(json!({ "any": [ { "resources": { "kinds": ["Service"], "operations": ["DELETE"] } } ] }), &r));
}

// "Combining match and exclude": `exclude.any` removes what one filter
// matches, `exclude.all` what every filter matches
// (https://kyverno.io/docs/writing-policies/match-exclude/#combining-match-and-exclude).
#[test]
fn exclusions() {
    let p = |exclude: Value| {
        cluster_policy(
            "p",
            json!([ {
        "name": "r",
        "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] },
        "exclude": exclude,
        "validate": { "deny": {} },
    } ]),
        )
    };
    let mut r = pod("web", json!({ "tier": "front" }), json!({}));
    r["metadata"]["namespace"] = json!("kube-system");
    let excluded = |e: Value| outcome(&p(e), &r, "r") == Outcome::Skip(SkipReason::Excluded);
    assert!(excluded(
        json!({ "any": [ { "resources": { "namespaces": ["kube-*"] } }, { "resources": { "names": ["x"] } } ] })
    ));
    assert!(!excluded(
        json!({ "all": [ { "resources": { "namespaces": ["kube-*"] } }, { "resources": { "names": ["x"] } } ] })
    ));
    assert!(excluded(
        json!({ "all": [ { "resources": { "namespaces": ["kube-*"] } }, { "resources": { "names": ["w*"] } } ] })
    ));
    assert!(excluded(json!({ "resources": { "selector": { "matchLabels": { "tier": "front" } } } })));
    assert!(!excluded(json!({ "resources": { "selector": { "matchLabels": { "tier": "back" } } } })));
    assert!(!excluded(json!({ "any": [ { "resources": {} } ] })));
}

// A namespaced `Policy` applies only in its own namespace
// (https://kyverno.io/docs/writing-policies/policy-settings/).
#[test]
fn namespaced_policy() {
    let mut p = pattern_policy("p", &["Pod"], json!({ "metadata": { "labels": { "app": "?*" } } }));
    p["kind"] = json!("Policy");
    p["metadata"]["namespace"] = json!("apps");
    let mut r = pod("web", json!({}), json!({}));
    assert_eq!(outcome(&p, &r, "p"), Outcome::Skip(SkipReason::NotMatched));
    r["metadata"]["namespace"] = json!("apps");
    assert_fail(&outcome(&p, &r, "p"));
    let policy = Policy::parse(&p).expect("parses");
    assert_eq!(policy.namespace.as_deref(), Some("apps"));
}

// namespaceSelector: ignored for Namespaces, matched against no labels for
// cluster-scoped objects, and an error when the namespace is unknown.
#[test]
fn namespace_selector() {
    let p = cluster_policy(
        "p",
        json!([ {
        "name": "r",
        "match": { "any": [ { "resources": { "kinds": ["*"], "namespaceSelector": { "matchLabels": { "env": "prod" } } } } ] },
        "validate": { "deny": {} },
    } ]),
    );
    let policy = Policy::parse(&p).expect("parses");
    let ctx = Context::new().namespace("prod", [("env", "prod")]).namespace("dev", [("env", "dev")]);
    let run = |r: &Value| policy.evaluate_in(r, &ctx).map(|r| r[0].outcome.clone());
    assert_fail(&run(&resource("v1", "ConfigMap", "c", Some("prod"))).expect("known"));
    assert_eq!(run(&resource("v1", "ConfigMap", "c", Some("dev"))), Ok(Outcome::Skip(SkipReason::NotMatched)));
    assert_fail(&run(&resource("v1", "Namespace", "dev", None)).expect("namespace"));
    assert_eq!(run(&resource("v1", "Node", "n", None)), Ok(Outcome::Skip(SkipReason::NotMatched)));
    assert!(matches!(run(&resource("v1", "ConfigMap", "c", Some("qa"))), Err(KyvernoError::NamespaceLabels { .. })));
    // The automatic kubernetes.io/metadata.name label.
    let by_name = cluster_policy(
        "p",
        json!([ {
        "name": "r",
        "match": { "any": [ { "resources": { "kinds": ["ConfigMap"], "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": "dev" } } } } ] },
        "validate": { "deny": {} },
    } ]),
    );
    let policy = Policy::parse(&by_name).expect("parses");
    assert_fail(&policy.evaluate_in(&resource("v1", "ConfigMap", "c", Some("dev")), &ctx).expect("known")[0].outcome);
    // Without a context, an unrelated kind never needs the labels.
    assert_eq!(
        outcome(&p, &resource("v1", "Namespace", "x", None), "r").clone(),
        Outcome::Fail { message: "validation error: rule r failed".to_owned(), path: None }
    );
}
