//! Variables and the `JMESPath` subset
//! (<https://kyverno.io/docs/writing-policies/variables/>,
//! <https://kyverno.io/docs/writing-policies/jmespath/>): what is read, and
//! that everything outside the subset is an error naming the expression.

use crate::kyverno::common::*;

fn web_pod() -> Value {
    let mut p = pod(
        "web",
        json!({ "app.kubernetes.io/name": "web", "tier": "front" }),
        json!({
            "initContainers": [ { "name": "init", "image": "busybox:1" } ],
            "containers": [
                { "name": "a", "image": "nginx:1.27", "ports": [ { "containerPort": 80 }, { "containerPort": 443 } ] },
                { "name": "b", "image": "redis:7", "ports": [ { "containerPort": 6379 } ], "securityContext": null },
                { "name": "c", "image": "sidecar:2", "ports": [], "securityContext": { "runAsUser": 1 } },
            ],
            "hostNetwork": false,
        }),
    );
    p["metadata"]["namespace"] = json!("apps");
    p
}

/// Whether `{{ expr }}` Equals `value` on [`web_pod`].
fn is(expr: &str, value: Value) -> bool {
    let c = json!({ "all": [ { "key": format!("{{{{ {expr} }}}}"), "operator": "Equals", "value": value } ] });
    match deny(c, &web_pod()) {
        Outcome::Fail { .. } => true,
        Outcome::Pass => false,
        other => panic!("{expr}: {other:?}"),
    }
}

// "Variables from AdmissionReview requests" and "Flattening Arrays"
// (https://kyverno.io/docs/writing-policies/jmespath/#flattening-arrays).
#[test]
fn paths_projections_and_functions() {
    assert!(is("request.object.metadata.name", json!("web")));
    assert!(is("request.namespace", json!("apps")));
    assert!(is("request.object.metadata.labels.\"app.kubernetes.io/name\"", json!("web")));
    assert!(is("request.object.spec.containers[].image", json!(["nginx:1.27", "redis:7", "sidecar:2"])));
    assert!(is("request.object.spec.containers[*].name", json!(["a", "b", "c"])));
    assert!(is("request.object.spec.containers[0].image", json!("nginx:1.27")));
    assert!(is("request.object.spec.containers[-1].name", json!("c")));
    assert!(is("request.object.spec.containers[5] || 'none'", json!("none")));
    // Projections drop missing fields; `[]` flattens.
    assert!(is("request.object.spec.containers[].ports[].containerPort", json!([80, 443, 6379])));
    assert!(is("request.object.spec.containers[*].ports[*].containerPort", json!([[80, 443], [6379], []])));
    // Null values are dropped from projections too.
    assert!(is("request.object.spec.containers[].securityContext", json!([{ "runAsUser": 1 }])));
    assert!(is("length(request.object.spec.containers)", json!(3)));
    assert!(is("request.object.spec.containers[].ports[] | length(@)", json!(3)));
    assert!(is("length(request.object.metadata.name)", json!(3)));
    assert!(is("length(request.object.metadata.labels)", json!(2)));
    assert!(is(
        "request.object.spec.containers[0]",
        json!({
            "name": "a", "image": "nginx:1.27", "ports": [ { "containerPort": 80 }, { "containerPort": 443 } ],
        })
    ));
}

// "Non-Existence Checks": `|| ''` supplies a default
// (https://kyverno.io/docs/writing-policies/jmespath/#non-existence-checks).
#[test]
fn or_defaults() {
    assert!(is("request.object.metadata.labels.team || 'none'", json!("none")));
    assert!(is("request.object.metadata.labels.tier || 'none'", json!("front")));
    assert!(is("request.object.spec.hostNetwork || `false`", json!(false)));
    // `false`, `[]` and null are false too.
    assert!(is("request.object.spec.hostNetwork || 'set'", json!("set")));
    assert!(is("request.object.spec.containers[2].ports || 'none'", json!("none")));
    assert!(is("request.object.spec.containers[1].securityContext || 'none'", json!("none")));
    assert!(is("request.object.metadata.labels.team || `{}`", json!({})));
    assert!(is("request.object.spec.volumes || `[]` | length(@)", json!(0)));
    assert!(is("'a \\'b'", json!("a 'b")));
}

// A variable inside other text is spliced in as text; a lone one keeps its
// type (https://kyverno.io/docs/writing-policies/jmespath/#formatting).
#[test]
fn interpolation() {
    let c = json!({ "all": [ { "key": "{{request.namespace}}/{{ request.object.metadata.name }}", "operator": "Equals", "value": "apps/web" } ] });
    assert_fail(&deny(c, &web_pod()));
    let c = json!({ "all": [ { "key": "n={{ length(request.object.spec.containers) }}", "operator": "Equals", "value": "n=3" } ] });
    assert_fail(&deny(c, &web_pod()));
    let c = json!({ "all": [ { "key": "{{ length(request.object.spec.containers) }}", "operator": "Equals", "value": 3 } ] });
    assert_fail(&deny(c, &web_pod()));
    // Values hold variables too.
    let c = json!({ "all": [ { "key": "web", "operator": "AnyIn", "value": ["{{ request.object.metadata.name }}", "x"] } ] });
    assert_fail(&deny(c, &web_pod()));
}

// A missing key is not resolved: the rule is an error, not a pass
// (https://kyverno.io/docs/writing-policies/jmespath/#non-existence-checks).
#[test]
fn unresolved_variables_are_errors() {
    for expr in [
        "request.object.metadata.labels.team",
        "request.object.spec.nothing.deeper",
        "length(request.object.metadata.name.x)",
        "length(request.object.spec.containers[0].ports[0].containerPort)",
    ] {
        let c = json!({ "all": [ { "key": format!("{{{{ {expr} }}}}"), "operator": "Equals", "value": "x" } ] });
        let o = deny(c, &web_pod());
        assert_error(&o);
        let Outcome::Error { message } = o else { unreachable!() };
        assert!(message.contains(expr), "{message}");
    }
    // Also in preconditions and patterns.
    let mut p =
        pattern_policy("p", &["Pod"], json!({ "metadata": { "name": "{{ request.object.metadata.annotations.x }}" } }));
    assert_error(&outcome(&p, &web_pod(), "p"));
    p["spec"]["rules"][0]["validate"]["pattern"] = json!({});
    p["spec"]["rules"][0]["preconditions"] =
        json!([ { "key": "{{ request.object.status.phase }}", "operator": "Equals", "value": "x" } ]);
    assert_error(&outcome(&p, &web_pod(), "p"));
}

/// The `Unsupported` error for a policy using `{{ expr }}`.
fn unsupported(expr: &str) -> String {
    let p = deny_policy(
        "d",
        &["Pod"],
        json!({ "any": [ { "key": format!("{{{{ {expr} }}}}"), "operator": "Equals", "value": "x" } ] }),
    );
    match parse_error(&p) {
        KyvernoError::Unsupported { path, what } => {
            assert_eq!(path, "spec.rules[0].validate.deny.conditions.any[0].key");
            assert!(what.contains(expr), "{what} names {expr}");
            what
        }
        other => panic!("{expr}: {other:?}"),
    }
}

// Outside the subset: never a silent pass.
#[test]
fn unsupported_expressions() {
    assert!(unsupported("request.object.spec.containers[?name == 'a'].image").contains("filter"));
    assert!(unsupported("to_upper(request.object.metadata.name)").contains("to_upper"));
    assert!(unsupported("request.operation").contains("request.operation"));
    assert!(unsupported("serviceAccountName").contains("serviceAccountName"));
    assert!(unsupported("element.name").contains("element.name"));
    assert!(unsupported("@").contains('@'));
    assert!(unsupported("request.object.spec.[initContainers, containers][].image").contains("multi-select"));
    assert!(unsupported("request.object.metadata.labels.*").contains("wildcard"));
    assert!(unsupported("request.object.spec.containers[0:2]").contains("slices"));
    assert!(unsupported("request.object.metadata.name == 'x'").contains("comparisons"));
    assert!(unsupported("request.object.a && request.object.b").contains("&&"));
    assert!(unsupported("!request.object.a").contains('!'));
    let what = unsupported("request.object.metadata.{n: name}");
    assert!(what.contains("hash"), "{what}");
    unsupported("length(request.object.a, request.object.b)");
    unsupported("request.object.metadata.name.");
    // Nested variables.
    let p = deny_policy(
        "d",
        &["Pod"],
        json!({ "any": [ { "key": "{{ add('{{ request.object.a }}', `1`) }}", "operator": "Equals", "value": "x" } ] }),
    );
    assert!(matches!(parse_error(&p), KyvernoError::Unsupported { .. }));
    // Unterminated.
    let p = deny_policy(
        "d",
        &["Pod"],
        json!({ "any": [ { "key": "{{ request.object.a", "operator": "Equals", "value": "x" } ] }),
    );
    assert!(matches!(parse_error(&p), KyvernoError::Invalid { .. }));
}

// An escaped `\{{` is text, not a variable.
#[test]
fn escaped_braces_are_text() {
    let c = json!({ "all": [ { "key": "\\{{ x }}", "operator": "Equals", "value": "\\{{ x }}" } ] });
    assert_fail(&deny(c, &web_pod()));
}

// Messages with variables outside the subset keep their text.
#[test]
fn messages_keep_unsupported_variables() {
    let mut p = deny_policy("d", &["Pod"], json!({}));
    p["spec"]["rules"][0]["validate"]["message"] =
        json!("by {{ request.userInfo.username }}: {{ request.object.metadata.name }}");
    assert_eq!(
        outcome(&p, &web_pod(), "d"),
        Outcome::Fail {
            message: "by {{ request.userInfo.username }}: {{ request.object.metadata.name }}".to_owned(),
            path: None
        }
    );
}
