//! Anchors (<https://kyverno.io/docs/writing-policies/validate/#anchors>):
//! conditional `(k)`, equality `=(k)`, existence `^(k)`, negation `X(k)` and
//! global `<(k)`, with the cases of Kyverno's own tests
//! (`pkg/engine/validate/validate_test.go`,
//! `TestConditionalAnchorWithMultiplePatterns` and `Test_global_anchor`).

use crate::kyverno::common::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum S {
    Pass,
    Fail,
    Skip,
}

fn status(pattern: &str, resource: &str) -> S {
    let pattern: Value = serde_json::from_str(pattern).expect("pattern JSON");
    let mut resource: Value = serde_json::from_str(resource).expect("resource JSON");
    resource["apiVersion"] = json!("v1");
    resource["kind"] = json!("Pod");
    match check(pattern, &resource) {
        Outcome::Pass => S::Pass,
        Outcome::Fail { .. } => S::Fail,
        Outcome::Skip(SkipReason::Anchor { .. }) => S::Skip,
        other => panic!("unexpected {other:?}"),
    }
}

const LATEST: &str =
    r#"{"spec": {"containers": [{"name": "*","(image)": "*:latest | !*:*","imagePullPolicy": "!Always"}]}}"#;

/// Containers as (name, image, imagePullPolicy).
type Containers<'a> = &'a [(&'a str, &'a str, &'a str)];

fn containers(list: Containers) -> String {
    let items: Vec<String> =
        list.iter().map(|(n, i, p)| format!(r#"{{"name": "{n}","image": "{i}", "imagePullPolicy": "{p}"}}"#)).collect();
    format!(r#"{{"spec": {{"containers": [{}]}}}}"#, items.join(","))
}

// Kyverno test-1..22: "if the image is :latest or untagged, the pull policy
// must not be Always"; a container the condition does not select is
// skipped, and a rule none of whose containers is selected is skipped.
#[test]
#[allow(clippy::too_many_lines)]
fn conditional_on_image_tag() {
    use S::{Fail, Pass, Skip};
    let cases: [(Containers, S); 21] = [
        (&[("nginx", "nginx:1.2.3", "Always")], Skip),
        (&[("nginx", "nginx:latest", "Always")], Fail),
        (&[("nginx", "nginx", "Always")], Fail),
        (&[("nginx", "nginx", "Never")], Pass),
        (&[("nginx", "nginx:latest", "Never")], Pass),
        (&[("nginx", "nginx:1.2.3", "Never")], Skip),
        (&[("nginx", "nginx", "Always"), ("busybox", "busybox:1.28", "Always")], Fail),
        (&[("nginx", "nginx:latest", "Always"), ("busybox", "busybox:1.28", "Always")], Fail),
        (&[("nginx", "nginx:1.2.3", "Always"), ("busybox", "busybox:1.28", "Always")], Skip),
        (&[("nginx", "nginx", "Never"), ("busybox", "busybox:1.28", "Always")], Pass),
        (&[("nginx", "nginx:latest", "Never"), ("busybox", "busybox:1.28", "Always")], Pass),
        (&[("nginx", "nginx:1.2.3", "Never"), ("busybox", "busybox:1.28", "Always")], Skip),
        (&[("busybox", "busybox:1.28", "Always"), ("nginx", "nginx", "Always")], Fail),
        (&[("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:latest", "Always")], Fail),
        (&[("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:1.2.3", "Always")], Skip),
        (&[("busybox", "busybox:1.28", "Always"), ("nginx", "nginx", "Never")], Pass),
        (&[("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:latest", "Never")], Pass),
        (&[("busybox", "busybox:1.28", "Always"), ("nginx", "nginx:1.2.3", "Never")], Skip),
        (&[("busybox", "busybox", "Always"), ("nginx", "nginx", "Always")], Fail),
        (&[("busybox", "busybox:latest", "Always"), ("nginx", "nginx:latest", "Always")], Fail),
        (&[("busybox", "busybox:1.2.3", "Always"), ("nginx", "nginx:latest", "IfNotPresent")], Pass),
    ];
    for (i, (list, want)) in cases.into_iter().enumerate() {
        assert_eq!(status(LATEST, &containers(list)), want, "test-{}", i + 1);
    }
    // test-22: the alternatives in the other order.
    let p = r#"{"spec": {"containers": [{"name": "*","(image)": "!*:* | *:latest","imagePullPolicy": "!Always"}]}}"#;
    assert_eq!(status(p, &containers(&[("nginx", "nginx:latest", "Always")])), S::Fail);
}

// Kyverno Test_global_anchor and test-24, 26, 28, 29, 31..34, 36: a global
// anchor that does not hold skips; one that holds applies the rest.
#[test]
fn global_anchors() {
    let p = r#"{"spec": {"containers": [{"name": "*","<(image)": "*:latest","imagePullPolicy": "!Always"}]}}"#;
    assert_eq!(status(p, &containers(&[("nginx", "nginx:v1", "Always")])), S::Skip);
    assert_eq!(status(p, &containers(&[("nginx", "nginx:latest", "Always")])), S::Fail);
    assert_eq!(status(p, &containers(&[("nginx", "nginx:latest", "IfNotPresent")])), S::Pass);
    assert_eq!(
        status(p, &containers(&[("nginx", "nginx:latest", "IfNotPresent"), ("nginx", "nginx:v2", "IfNotPresent")])),
        S::Pass
    );
    let env = r#"{"spec": {"containers": [{"name": "*","<(image)": "nginx", "env": [{"<(name)": "foo", "<(value)": "bar" }],"imagePullPolicy": "!Always"}]}}"#;
    let r = r#"{"spec": {"containers": [{"name": "nginx","image": "nginx", "env": [{"name": "foo", "value": "bar" }],"imagePullPolicy": "Always"}]}}"#;
    assert_eq!(status(env, r), S::Fail);
    let env = r#"{"spec": {"containers": [{"name": "*", "env": [{"<(name)": "foo", "<(value)": "bar" }],"imagePullPolicy": "!Always"}]}}"#;
    let r = r#"{"spec": {"containers": [{"name": "nginx","image": "nginx", "env": [{"name": "foo", "value": "bar" }],"imagePullPolicy": "IfNotpresent"}]}}"#;
    assert_eq!(status(env, r), S::Pass);
    let r = r#"{"spec": {"containers": [{"name": "nginx","image": "nginx", "env": [{"name": "foo", "value": "bar" }],"imagePullPolicy": "Always"}]}}"#;
    assert_eq!(status(env, r), S::Fail);
    let meta = r#"{"metadata": {"<(name)": "nginx"},"spec": {"imagePullSecrets": [{"name": "regcred"}]}}"#;
    let r = r#"{"metadata": {"name": "nginx"},"spec": {"containers": [{"name": "nginx","image": "nginx:latest"}], "imagePullSecrets": [{"name": "cred"}]}}"#;
    assert_eq!(status(meta, r), S::Fail);
    let labels = r#"{"metadata": {"labels": {"<(foo)": "bar"}},"spec": {"containers": [{"name": "nginx","image": "!*:latest"}]}}"#;
    let r = r#"{"metadata": {"name": "nginx","labels": {"foo": "bar"}},"spec": {"containers": [{"name": "nginx","image": "nginx"}]}}"#;
    assert_eq!(status(labels, r), S::Pass);
    let r = r#"{"metadata": {"name": "nginx","labels": {"foo": "bar"}},"spec": {"containers": [{"name": "nginx","image": "nginx:latest"}]}}"#;
    assert_eq!(status(labels, r), S::Fail);
    let secret = r#"{"spec": {"containers": [{"name": "*","<(image)": "nginx"}],"imagePullSecrets": [{"name": "my-registry-secret"}]}}"#;
    let r = r#"{"spec": {"containers": [{"name": "nginx","image": "nginx"}], "imagePullSecrets": [{"name": "cred"}]}}"#;
    assert_eq!(status(secret, r), S::Fail);
    let r = r#"{"spec": {"containers": [{"name": "nginx","image": "nginx"}], "imagePullSecrets": [{"name": "my-registry-secret"}]}}"#;
    assert_eq!(status(secret, r), S::Pass);
}

// The documented global anchor semantics ("if the condition is false, the
// rule is skipped", https://kyverno.io/docs/writing-policies/validate/#global-anchor)
// also where Kyverno's test table labels the case "fail" without checking
// it (test-23, 25, 30, 35): those contradict its checked
// check_global_anchor_skip case, and the documentation wins here.
#[test]
fn global_anchor_that_does_not_hold_skips_the_rule() {
    let p = r#"{"spec": {"containers": [{"name": "*","<(image)": "*:latest","imagePullPolicy": "!Always"}]}}"#;
    assert_eq!(status(p, &containers(&[("nginx", "nginx", "Always")])), S::Skip);
    let meta = r#"{"metadata": {"<(name)": "nginx"},"spec": {"imagePullSecrets": [{"name": "regcred"}]}}"#;
    let r = r#"{"metadata": {"name": "somename"},"spec": {"containers": [{"name": "nginx","image": "nginx:latest"}], "imagePullSecrets": [{"name": "cred"}]}}"#;
    assert_eq!(status(meta, r), S::Skip);
}

// Kyverno test-37..54: conditional and equality anchors nested in maps and
// lists (docker.sock, cache volumes, istio-init).
#[test]
fn nested_conditional_and_equality() {
    let cache = r#"{"spec": {"=(volumes)": [{"(name)": "!cache-volume","=(emptyDir)": {"sizeLimit": "?*"}}]}}"#;
    assert_eq!(status(cache, r#"{"spec": {"volumes": [{"name": "cache-volume","emptyDir": {}}]}}"#), S::Skip);
    let istio = r#"{"spec": {"=(initContainers)": [{"(name)": "!istio-init", "=(securityContext)": {"=(runAsUser)": ">0"}}], "=(containers)": [{"=(securityContext)": {"=(runAsUser)": ">0"}}]}}"#;
    let cases = [
        (
            r#"{"spec": {"initContainers": [{"name": "nginx", "securityContext": {"runAsUser": 1000}}], "containers": [{"name": "nginx", "image": "nginx"}]}}"#,
            S::Pass,
        ),
        (
            r#"{"spec": {"initContainers": [{"name": "nginx", "securityContext": {"runAsUser": 0}}], "containers": [{"name": "nginx", "image": "nginx"}]}}"#,
            S::Fail,
        ),
        (
            r#"{"spec": {"initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 0}}], "containers": [{"securityContext": {"runAsUser": 1000}}]}}"#,
            S::Pass,
        ),
        (
            r#"{"spec": {"initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 1000}}], "containers": [{"securityContext": {"runAsUser": 0}}]}}"#,
            S::Fail,
        ),
        (r#"{"spec": {"containers": [{"securityContext": {"runAsUser": 1000}}]}}"#, S::Pass),
        (r#"{"spec": {"containers": [{"securityContext": {"runAsUser": 0}}]}}"#, S::Fail),
        (
            r#"{"spec": {"initContainers": [{"name": "istio-init", "securityContext": {"runAsUser": 0}}], "containers": [{"name": "nginx", "image": "nginx"}]}}"#,
            S::Pass,
        ),
    ];
    for (i, (r, want)) in cases.into_iter().enumerate() {
        assert_eq!(status(istio, r), want, "test-{}", 44 + i);
    }
    let sockets = r#"{"spec": {"=(volumes)": [{"(name)": "!credential-socket&!istio-data&!istio-envoy&!workload-certs&!workload-socket","=(emptyDir)": {"sizeLimit": "?*"}}]}}"#;
    let cases = [
        (r#"{"spec": {"volumes": [{"name": "credential-socket","emptyDir": {"sizeLimit": "1Gi"}}]}}"#, S::Skip),
        (r#"{"spec": {"volumes": [{"name": "cache-volume","emptyDir": {"sizeLimit": "1Gi"}}]}}"#, S::Pass),
        (r#"{"spec": {"volumes": [{"name": "cache-volume"}]}}"#, S::Pass),
        (r#"{"spec": {"volumes": [{"name": "cache-volume","emptyDir": {}}]}}"#, S::Fail),
    ];
    for (i, (r, want)) in cases.into_iter().enumerate() {
        assert_eq!(status(sockets, r), want, "test-{}", 51 + i);
    }
}

// Kyverno TestValidateMapElement_TwoElementsInArrayOnePass: an existence
// anchor holds when one element matches, even if another is skipped.
#[test]
fn existence_with_nested_conditions() {
    let p = r#"{"spec": {"^(list)": [{"(name)": "nirmata-*", "object": [{"(key1)": "value*", "key2": "value*"}]}]}}"#;
    let r = r#"{"spec": {"list": [
        {"name": "nirmata-1", "object": [{"key1": "value1", "key2": "value2"}]},
        {"name": "nirmata-1", "object": [{"key1": "not_value", "key2": "not_value"}]}
    ]}}"#;
    assert_eq!(status(p, r), S::Pass);
    let r = r#"{"spec": {"list": [{"name": "nirmata-1", "object": [{"key1": "value1", "key2": "bad"}]}]}}"#;
    assert_eq!(status(p, r), S::Fail);
}

// "Conditional": missing key means the condition does not hold.
#[test]
fn conditional_on_a_missing_key_skips() {
    let p = json!({ "spec": { "containers": [ { "(securityContext)": { "privileged": true }, "name": "privileged-*" } ] } });
    let plain = pod_container(json!({ "name": "web", "image": "x" }));
    assert_anchor_skip(&check(p.clone(), &plain));
    let privileged = pod_container(json!({ "name": "web", "securityContext": { "privileged": true } }));
    assert_fail_at(&check(p.clone(), &privileged), "/spec/containers/0/name/");
    let named = pod_container(json!({ "name": "privileged-web", "securityContext": { "privileged": true } }));
    assert_pass(&check(p, &named));
}

// "Equality": absent passes, present must match, also for maps.
#[test]
fn equality() {
    let p = json!({ "spec": { "=(hostNetwork)": false } });
    let with = |spec: Value| pod("p", json!({}), spec);
    assert_pass(&check(p.clone(), &with(json!({ "containers": [] }))));
    assert_pass(&check(p.clone(), &with(json!({ "containers": [], "hostNetwork": false }))));
    assert_fail_at(&check(p, &with(json!({ "containers": [], "hostNetwork": true }))), "/spec/hostNetwork/");
}

// "Negation": the key may not be present, whatever its value.
#[test]
fn negation() {
    let p = json!({ "spec": { "X(hostNetwork)": "null" } });
    let with = |spec: Value| pod("p", json!({}), spec);
    assert_pass(&check(p.clone(), &with(json!({ "containers": [] }))));
    assert_fail_at(&check(p.clone(), &with(json!({ "containers": [], "hostNetwork": false }))), "/spec/hostNetwork/");
    assert_fail_at(&check(p, &with(json!({ "containers": [], "hostNetwork": null }))), "/spec/hostNetwork/");
}

// A negation inside a conditional's "if" is part of the condition: it skips
// rather than fails.
#[test]
fn negation_inside_a_condition_skips() {
    let p = json!({ "(spec)": { "X(hostNetwork)": "null" }, "metadata": { "labels": { "net": "pod" } } });
    let host = pod("p", json!({}), json!({ "hostNetwork": true }));
    assert_anchor_skip(&check(p.clone(), &host));
    assert_fail_at(&check(p, &pod("p", json!({}), json!({}))), "/metadata/labels/net/");
}

// "Existence": every pattern element needs one matching resource element;
// on something that is not a list it fails; an absent key passes.
#[test]
fn existence() {
    let p = json!({ "spec": { "^(containers)": [ { "image": "nginx:*" }, { "image": "redis:*" } ] } });
    let with = |images: &[&str]| {
        let list: Vec<Value> = images.iter().map(|i| json!({ "name": "c", "image": i })).collect();
        pod("p", json!({}), json!({ "containers": list }))
    };
    assert_pass(&check(p.clone(), &with(&["redis:7", "nginx:1", "busybox:1"])));
    assert_fail_at(&check(p.clone(), &with(&["nginx:1", "busybox:1"])), "/spec/containers/");
    assert_pass(&check(p.clone(), &pod("p", json!({}), json!({}))));
    assert_fail_at(&check(p, &pod("p", json!({}), json!({ "containers": { "a": 1 } }))), "/spec/containers/");
}

// An anchored key is trimmed, and only `(..)` with a modifier of `<=X^+`
// is an anchor: other parentheses are literal keys.
#[test]
fn anchor_syntax() {
    let p = json!({ "spec": { " =(hostPID) ": false } });
    assert_pass(&check(p.clone(), &pod("p", json!({}), json!({}))));
    assert_fail(&check(p, &pod("p", json!({}), json!({ "hostPID": true }))));
    let literal = json!({ "metadata": { "annotations": { "Y(a)": "b" } } });
    let mut annotated = pod("p", json!({}), json!({}));
    annotated["metadata"]["annotations"] = json!({ "Y(a)": "b" });
    assert_pass(&check(literal.clone(), &annotated));
    annotated["metadata"]["annotations"] = json!({ "a": "b" });
    assert_fail(&check(literal, &annotated));
}
