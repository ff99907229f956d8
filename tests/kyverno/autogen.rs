//! Rules Kyverno generates for Pod controllers
//! (<https://kyverno.io/docs/writing-policies/autogen/>), beyond the
//! documented examples in `docs.rs`.

use crate::kyverno::common::*;

fn names(p: &Value) -> Vec<String> {
    Policy::parse(p).expect("parses").rules.into_iter().map(|r| r.name).collect()
}

const IMAGE: &str = r#"{"spec": {"containers": [{"image": "good/*"}]}}"#;

fn image_pattern() -> Value {
    serde_json::from_str(IMAGE).expect("JSON")
}

fn bad() -> Value {
    json!({ "containers": [ { "name": "a", "image": "bad/x" } ] })
}

// The legacy `match.resources` form is rewritten too, and every controller
// kind is covered.
#[test]
fn legacy_match_form() {
    let p = cluster_policy(
        "p",
        json!([ {
        "name": "r",
        "match": { "resources": { "kinds": ["Pod"] } },
        "validate": { "pattern": image_pattern() },
    } ]),
    );
    assert_eq!(names(&p), ["r", "autogen-r", "autogen-cronjob-r"]);
    for kind in ["DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"] {
        assert_fail(&outcome(&p, &controller(kind, json!({}), bad()), "autogen-r"));
    }
    assert_fail(&outcome(&p, &controller("CronJob", json!({}), bad()), "autogen-cronjob-r"));
}

// A rule whose exclude names other kinds than Pod is not generated; one
// whose exclude names Pod is, with the exclusion moved to the controllers.
#[test]
fn exclude_kinds() {
    let with_exclude = |exclude: Value| {
        cluster_policy(
            "p",
            json!([ {
        "name": "r",
        "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] },
        "exclude": exclude,
        "validate": { "pattern": image_pattern() },
    } ]),
        )
    };
    let other = with_exclude(json!({ "any": [ { "resources": { "kinds": ["Service"] } } ] }));
    assert_eq!(names(&other), ["r"]);
    let pods = with_exclude(json!({ "any": [ { "resources": { "kinds": ["Pod"], "namespaces": ["legacy"] } } ] }));
    assert_eq!(names(&pods), ["r", "autogen-r", "autogen-cronjob-r"]);
    let mut d = controller("Deployment", json!({}), bad());
    assert_fail(&outcome(&pods, &d, "autogen-r"));
    d["metadata"]["namespace"] = json!("legacy");
    assert_eq!(outcome(&pods, &d, "autogen-r"), Outcome::Skip(SkipReason::Excluded));
    let mut c = controller("CronJob", json!({}), bad());
    c["metadata"]["namespace"] = json!("legacy");
    assert_eq!(outcome(&pods, &c, "autogen-cronjob-r"), Outcome::Skip(SkipReason::Excluded));
}

// Only `any` filters that name Pod get the controller kinds.
#[test]
fn only_pod_filters_are_rewritten() {
    let p = cluster_policy(
        "p",
        json!([ {
        "name": "r",
        "match": { "any": [
            { "resources": { "kinds": ["Pod"], "namespaces": ["apps"] } },
            { "resources": { "kinds": ["ConfigMap"] } },
        ] },
        "validate": { "deny": {} },
    } ]),
    );
    let policy = Policy::parse(&p).expect("parses");
    assert_eq!(policy.rules.len(), 3);
    let cm = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c", "namespace": "x" } });
    let r = policy.evaluate(&cm).expect("evaluates");
    // The ConfigMap filter stays in the controllers' rule; the CronJob rule
    // sets every filter to CronJob.
    let failed: Vec<&str> = r.iter().filter(|r| r.is_fail()).map(|r| r.rule.as_str()).collect();
    assert_eq!(failed, ["r", "autogen-r"]);
    let d = controller("Deployment", json!({}), json!({}));
    assert_fail(&policy.evaluate(&d).expect("evaluates")[1].outcome);
}

// One rule filtering on names disables generation for the whole policy, and
// rules not matching Pods are left alone.
#[test]
fn generation_is_per_policy() {
    let p = cluster_policy(
        "p",
        json!([
            { "name": "a", "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] }, "validate": { "pattern": image_pattern() } },
            { "name": "b", "match": { "any": [ { "resources": { "kinds": ["Pod"], "names": ["x-*"] } } ] }, "validate": { "pattern": image_pattern() } },
        ]),
    );
    assert_eq!(names(&p), ["a", "b"]);
    let p = cluster_policy(
        "p",
        json!([
            { "name": "a", "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] }, "validate": { "pattern": image_pattern() } },
            { "name": "s", "match": { "any": [ { "resources": { "kinds": ["Service"] } } ] }, "validate": { "deny": {} } },
            { "name": "autogen-old", "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] }, "validate": { "deny": {} } },
        ]),
    );
    assert_eq!(names(&p), ["a", "s", "autogen-old", "autogen-a", "autogen-cronjob-a"]);
}

// anyPattern and deny rules are generated too; deny variables are moved to
// the template (`request.object.spec` → `request.object.spec.template.spec`).
#[test]
fn any_pattern_and_deny() {
    let p = cluster_policy(
        "p",
        json!([
            rule(
                "any",
                &["Pod"],
                json!({ "anyPattern": [
            { "spec": { "hostNetwork": false } },
            { "spec": { "containers": [ { "image": "good/*" } ] } },
        ] })
            ),
            rule(
                "deny",
                &["Pod"],
                json!({ "deny": { "conditions": { "any": [
            { "key": "{{ request.object.spec.containers[].image }}", "operator": "AnyNotIn", "value": ["good/*"] },
        ] } } })
            ),
        ]),
    );
    let good = json!({ "containers": [ { "name": "a", "image": "good/x" } ] });
    for (kind, rule) in [("StatefulSet", "autogen-"), ("CronJob", "autogen-cronjob-")] {
        assert_pass(&outcome(&p, &controller(kind, json!({}), good.clone()), &format!("{rule}any")));
        assert_pass(&outcome(&p, &controller(kind, json!({}), good.clone()), &format!("{rule}deny")));
        assert_fail(&outcome(&p, &controller(kind, json!({}), bad()), &format!("{rule}any")));
        assert_fail(&outcome(&p, &controller(kind, json!({}), bad()), &format!("{rule}deny")));
    }
}

// Generated rule names are cut to 63 characters, as Kyverno does.
#[test]
fn long_names_are_truncated() {
    let long = "r".repeat(60);
    let p = pattern_policy(&long, &["Pod"], image_pattern());
    let n = names(&p);
    assert_eq!(n[1].len(), 63);
    assert_eq!(n[2], format!("autogen-cronjob-{}", "r".repeat(47)));
}

// Pod metadata patterns apply to the template's metadata, not the
// controller's (https://kyverno.io/docs/writing-policies/autogen/#exclusion-by-metadata).
#[test]
fn metadata_patterns_read_the_template() {
    let p = pattern_policy("labels", &["Pod"], json!({ "metadata": { "labels": { "app": "?*" } } }));
    let mut d = controller("Deployment", json!({}), json!({}));
    d["metadata"]["labels"] = json!({ "app": "web" });
    assert_fail_at(&outcome(&p, &d, "autogen-labels"), "/spec/template/metadata/labels/app/");
    let d = controller("Deployment", json!({ "app": "web" }), json!({}));
    assert_pass(&outcome(&p, &d, "autogen-labels"));
}
