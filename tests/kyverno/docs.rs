//! Examples from the Kyverno documentation, each with the outcome the
//! documentation states; the page is cited above every test.

use crate::kyverno::common::*;

// "Validate Rules", Basic Validations
// (https://kyverno.io/docs/writing-policies/validate/#basic-validations):
// `purpose: production` is allowed, `development` and no labels are blocked,
// and the message names the path.
#[test]
fn namespace_purpose_label() {
    let p = json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": { "name": "require-ns-purpose-label" },
        "spec": {
            "validationFailureAction": "Enforce",
            "rules": [ {
                "name": "require-ns-purpose-label",
                "match": { "any": [ { "resources": { "kinds": ["Namespace"] } } ] },
                "validate": {
                    "message": "You must have label `purpose` with value `production` set on all new namespaces.",
                    "pattern": { "metadata": { "labels": { "purpose": "production" } } },
                },
            } ],
        },
    });
    let ns = |labels: Value| {
        json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": { "name": "prod-bus-app1", "labels": labels },
        })
    };
    let r = &results(&p, &ns(json!({ "purpose": "production" })))[0];
    assert_eq!(r.outcome, Outcome::Pass);
    assert_eq!(r.action, FailureAction::Enforce);
    let o = outcome(&p, &ns(json!({ "purpose": "development" })), "require-ns-purpose-label");
    assert_eq!(
        o,
        Outcome::Fail {
            message: "validation error: You must have label `purpose` with value `production` set on all new namespaces. rule require-ns-purpose-label failed at path /metadata/labels/purpose/".to_owned(),
            path: Some("/metadata/labels/purpose/".to_owned()),
        }
    );
    assert_fail(&outcome(&p, &ns(json!({})), "require-ns-purpose-label"));
}

// "Validate Rules", Wildcards: all containers need requests and limits
// (https://kyverno.io/docs/writing-policies/validate/#wildcards).
#[test]
fn all_containers_need_requests_and_limits() {
    let pattern = json!({ "spec": { "containers": [ {
        "name": "*",
        "resources": {
            "limits": { "memory": "?*" },
            "requests": { "memory": "?*", "cpu": "?*" },
        },
    } ] } });
    let full = pod_container(json!({ "name": "a", "image": "x", "resources": {
        "limits": { "memory": "1Gi" }, "requests": { "memory": "512Mi", "cpu": "100m" },
    } }));
    assert_pass(&check(pattern.clone(), &full));
    let no_cpu = pod_container(json!({ "name": "a", "image": "x", "resources": {
        "limits": { "memory": "1Gi" }, "requests": { "memory": "512Mi" },
    } }));
    assert_fail_at(&check(pattern, &no_cpu), "/spec/containers/0/resources/requests/cpu/");
}

// "Validate Rules", Wildcards: the `app` label on Deployment, StatefulSet and
// DaemonSet templates (https://kyverno.io/docs/writing-policies/validate/#wildcards).
#[test]
fn check_label_app_on_controllers() {
    let p = pattern_policy(
        "check-label-app",
        &["Deployment", "StatefulSet", "DaemonSet"],
        json!({
            "spec": { "template": { "metadata": { "labels": { "app": "?*" } } } },
        }),
    );
    for kind in ["Deployment", "StatefulSet", "DaemonSet"] {
        assert_pass(&outcome(&p, &controller(kind, json!({ "app": "web" }), json!({})), "check-label-app"));
        assert_fail_at(
            &outcome(&p, &controller(kind, json!({ "other": "x" }), json!({})), "check-label-app"),
            "/spec/template/metadata/labels/app/",
        );
    }
    // Not a Pod rule: nothing is generated, and a Job does not match.
    let job = controller("Job", json!({}), json!({}));
    assert_eq!(results(&p, &job).len(), 1);
    assert_eq!(outcome(&p, &job, "check-label-app"), Outcome::Skip(SkipReason::NotMatched));
}

// "Validate Rules", Operators: replicas >= 2
// (https://kyverno.io/docs/writing-policies/validate/#operators).
#[test]
fn replica_count_operator() {
    let p = pattern_policy("validate-replica-count", &["Deployment"], json!({ "spec": { "replicas": ">=2" } }));
    let with = |n: Value| {
        let mut d = controller("Deployment", json!({}), json!({}));
        d["spec"]["replicas"] = n;
        d
    };
    assert_pass(&outcome(&p, &with(json!(2)), "validate-replica-count"));
    assert_pass(&outcome(&p, &with(json!(5)), "validate-replica-count"));
    assert_fail_at(&outcome(&p, &with(json!(1)), "validate-replica-count"), "/spec/replicas/");
}

// "Validate Rules", Anchors, conditional: "If a hostPath volume exists and
// is set to /var/run/docker.sock, the label allow-docker must equal true"
// (https://kyverno.io/docs/writing-policies/validate/#anchors-and-child-elements-conditional-and-equality).
// Outcomes as in Kyverno's own tests (pkg/engine/validate, test-37..42).
#[test]
fn conditional_anchor_docker_sock() {
    let pattern = json!({
        "metadata": { "labels": { "allow-docker": "true" } },
        "(spec)": { "(volumes)": [ { "(hostPath)": { "path": "/var/run/docker.sock" } } ] },
    });
    let p = |labels: Value, volumes: Option<Value>| {
        let mut spec = json!({ "containers": [ { "image": "nginx", "name": "nginx" } ] });
        if let Some(v) = volumes {
            spec["volumes"] = v;
        }
        pod("nginx", labels, spec)
    };
    let sock = json!([ { "name": "s", "hostPath": { "path": "/var/run/docker.sock" } } ]);
    assert_anchor_skip(&check(pattern.clone(), &p(json!({ "run": "nginx" }), None)));
    assert_fail_at(
        &check(pattern.clone(), &p(json!({ "run": "nginx" }), Some(sock.clone()))),
        "/metadata/labels/allow-docker/",
    );
    let other = json!([ { "name": "s", "hostPath": { "path": "/randome/value" } } ]);
    assert_anchor_skip(&check(pattern.clone(), &p(json!({ "run": "nginx" }), Some(other))));
    assert_pass(&check(pattern.clone(), &p(json!({ "allow-docker": "true" }), Some(sock.clone()))));
    assert_fail(&check(pattern, &p(json!({ "allow-docker": "false" }), Some(sock))));
}

// "Validate Rules", Anchors, equality: "If a hostPath volume exists, it must
// not be set to /var/run/docker.sock"
// (https://kyverno.io/docs/writing-policies/validate/#anchors-and-child-elements-conditional-and-equality).
#[test]
fn equality_anchor_docker_sock() {
    let pattern = json!({ "=(spec)": { "=(volumes)": [ { "=(hostPath)": { "path": "!/var/run/docker.sock" } } ] } });
    let with = |volumes: Value| pod("p", json!({}), json!({ "containers": [], "volumes": volumes }));
    assert_pass(&check(pattern.clone(), &pod("p", json!({}), json!({ "containers": [] }))));
    assert_pass(&check(pattern.clone(), &with(json!([ { "name": "e", "emptyDir": {} } ]))));
    assert_pass(&check(pattern.clone(), &with(json!([ { "name": "h", "hostPath": { "path": "/data" } } ]))));
    assert_fail_at(
        &check(
            pattern,
            &with(
                json!([ { "name": "e", "emptyDir": {} }, { "name": "h", "hostPath": { "path": "/var/run/docker.sock" } } ]),
            ),
        ),
        "/spec/volumes/1/hostPath/path/",
    );
}

// "Validate Rules", Existence anchor: at least one container uses
// nginx:latest (https://kyverno.io/docs/writing-policies/validate/#existence-anchor-at-least-one).
#[test]
fn existence_anchor_at_least_one_nginx() {
    let pattern = json!({ "spec": { "^(containers)": [ { "image": "nginx:latest" } ] } });
    let two = |a: &str, b: &str| {
        pod(
            "p",
            json!({}),
            json!({ "containers": [
        { "name": "a", "image": a }, { "name": "b", "image": b },
    ] }),
        )
    };
    assert_pass(&check(pattern.clone(), &two("busybox:1", "nginx:latest")));
    assert_fail_at(&check(pattern.clone(), &two("busybox:1", "nginx:1.27")), "/spec/containers/");
    // Contrast with the wildcard form: every container must match.
    let every = json!({ "spec": { "containers": [ { "name": "*", "image": "nginx:latest" } ] } });
    assert_fail_at(&check(every, &two("busybox:1", "nginx:latest")), "/spec/containers/0/image/");
}

// "Validate Rules", Global Anchor: images from corp.reg.com need the
// imagePullSecret my-registry-secret; the documented Pod is blocked
// (https://kyverno.io/docs/writing-policies/validate/#global-anchor).
#[test]
fn global_anchor_corp_registry() {
    let pattern = json!({ "spec": {
        "containers": [ { "name": "*", "<(image)": "corp.reg.com/*" } ],
        "imagePullSecrets": [ { "name": "my-registry-secret" } ],
    } });
    let with = |image: &str, secret: &str| {
        let mut p = pod(
            "static-web",
            json!({ "role": "myrole" }),
            json!({
                "containers": [ { "name": "web", "image": image, "ports": [ { "name": "web", "containerPort": 80, "protocol": "TCP" } ] } ],
            }),
        );
        p["spec"]["imagePullSecrets"] = json!([ { "name": secret } ]);
        p
    };
    assert_fail_at(
        &check(pattern.clone(), &with("corp.reg.com/nginx", "other-secret")),
        "/spec/imagePullSecrets/0/name/",
    );
    assert_pass(&check(pattern.clone(), &with("corp.reg.com/nginx", "my-registry-secret")));
    assert_anchor_skip(&check(pattern, &with("docker.io/nginx", "other-secret")));
}

// "Validate Rules", anyPattern with negation anchors: without a flux
// annotation, both patterns hold
// (https://kyverno.io/docs/writing-policies/validate/#anypattern); with
// one of them, the other pattern still holds, as the page explains.
#[test]
fn any_pattern_with_negations() {
    let p = cluster_policy(
        "flux",
        json!([rule(
            "flux",
            &["Pod"],
            json!({
                "message": "Cannot use Flux v1 annotation.",
                "anyPattern": [
                    { "metadata": { "=(annotations)": { "X(fluxcd.io/*)": "*?" } } },
                    { "metadata": { "=(annotations)": { "X(flux.weave.works/*)": "*?" } } },
                ],
            })
        )]),
    );
    let with = |annotations: Value| {
        let mut p = pod_container(json!({ "name": "a", "image": "x" }));
        p["metadata"]["annotations"] = annotations;
        p
    };
    assert_pass(&outcome(&p, &with(json!({ "team": "a" })), "flux"));
    assert_pass(&outcome(&p, &with(json!({ "fluxcd.io/automated": "true" })), "flux"));
    let both = with(json!({ "fluxcd.io/automated": "true", "flux.weave.works/tag": "x" }));
    let o = outcome(&p, &both, "flux");
    assert_eq!(
        o,
        Outcome::Fail {
            message: "validation error: Cannot use Flux v1 annotation. rule flux[0] failed at path /metadata/annotations/fluxcd.io/automated/ rule flux[1] failed at path /metadata/annotations/flux.weave.works/tag/".to_owned(),
            path: Some("/metadata/annotations/fluxcd.io/automated/".to_owned()),
        }
    );
}

// "Validate Rules", Deny rules: deny if team = eng or unit = green
// (https://kyverno.io/docs/writing-policies/validate/#deny-rules).
#[test]
fn deny_any_team_or_unit() {
    let conditions = json!({ "any": [
        { "key": "{{ request.object.data.team }}", "operator": "Equals", "value": "eng", "message": "The expression team = eng failed." },
        { "key": "{{ request.object.data.unit }}", "operator": "Equals", "value": "green", "message": "The expression unit = green failed." },
    ] });
    let cm = |team: &str, unit: &str| {
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": { "name": "c", "namespace": "default" },
            "data": { "team": team, "unit": unit },
        })
    };
    let any = deny_policy("d", &["ConfigMap"], conditions.clone());
    assert_fail(&outcome(&any, &cm("eng", "red"), "d"));
    assert_fail(&outcome(&any, &cm("ops", "green"), "d"));
    assert_pass(&outcome(&any, &cm("ops", "red"), "d"));
    // "Placing these two conditions under an all block instead would require
    // that both of them be true to produce the deny behavior."
    let all = deny_policy("d", &["ConfigMap"], json!({ "all": conditions["any"] }));
    assert_pass(&outcome(&all, &cm("eng", "red"), "d"));
    assert_fail(&outcome(&all, &cm("eng", "green"), "d"));
}

// "Validate Rules", Deny rules: `deny: {}` denies every matching resource,
// here NetworkPolicies named `*-default`
// (https://kyverno.io/docs/writing-policies/validate/#prevent-changing-networkpolicy-resources).
#[test]
fn empty_deny_blocks_every_match() {
    let p = cluster_policy(
        "deny-netpol-changes",
        json!([ {
        "name": "deny-netpol-changes",
        "match": { "any": [ { "resources": { "kinds": ["NetworkPolicy"], "names": ["*-default"] } } ] },
        "validate": { "message": "Changing default network policies is not allowed.", "deny": {} },
    } ]),
    );
    let np = |name: &str| {
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": { "name": name, "namespace": "apps" }, "spec": { "podSelector": {} },
        })
    };
    assert_eq!(
        outcome(&p, &np("allow-default"), "deny-netpol-changes"),
        Outcome::Fail { message: "Changing default network policies is not allowed.".to_owned(), path: None }
    );
    assert_eq!(outcome(&p, &np("allow-web"), "deny-netpol-changes"), Outcome::Skip(SkipReason::NotMatched));
}

// "Preconditions": only NodePort Services must use externalTrafficPolicy
// Local (https://kyverno.io/docs/writing-policies/preconditions/).
#[test]
fn preconditions_nodeport_traffic_policy() {
    let p = cluster_policy(
        "nodeport",
        json!([ {
        "name": "validate-nodeport-trafficpolicy",
        "match": { "any": [ { "resources": { "kinds": ["Service"] } } ] },
        "preconditions": { "all": [ { "key": "{{ request.object.spec.type }}", "operator": "Equals", "value": "NodePort" } ] },
        "validate": {
            "message": "All NodePort Services must use an externalTrafficPolicy of Local.",
            "pattern": { "spec": { "externalTrafficPolicy": "Local" } },
        },
    } ]),
    );
    let svc = |kind: &str, policy: &str| {
        json!({
            "apiVersion": "v1", "kind": "Service", "metadata": { "name": "s", "namespace": "a" },
            "spec": { "type": kind, "externalTrafficPolicy": policy },
        })
    };
    let rule = "validate-nodeport-trafficpolicy";
    assert_eq!(outcome(&p, &svc("ClusterIP", "Cluster"), rule), Outcome::Skip(SkipReason::Preconditions));
    assert_pass(&outcome(&p, &svc("NodePort", "Local"), rule));
    assert_fail_at(&outcome(&p, &svc("NodePort", "Cluster"), rule), "/spec/externalTrafficPolicy/");
}

// "Preconditions", any and all: labels color=blue OR app=busybox, AND
// animal=cow AND env=qa, with `|| ''` for missing labels; the documented
// Deployment is validated and fails for want of a `*foxes*` container
// (https://kyverno.io/docs/writing-policies/preconditions/#any-and-all-statements).
#[test]
fn preconditions_any_and_all() {
    let p = cluster_policy(
        "any-all-preconditions",
        json!([ {
        "name": "any-all-rule",
        "match": { "any": [ { "resources": { "kinds": ["Deployment"] } } ] },
        "preconditions": {
            "any": [
                { "key": "{{ request.object.metadata.labels.color || '' }}", "operator": "Equals", "value": "blue" },
                { "key": "{{ request.object.metadata.labels.app || '' }}", "operator": "Equals", "value": "busybox" },
            ],
            "all": [
                { "key": "{{ request.object.metadata.labels.animal || '' }}", "operator": "Equals", "value": "cow" },
                { "key": "{{ request.object.metadata.labels.env || '' }}", "operator": "Equals", "value": "qa" },
            ],
        },
        "validate": {
            "message": "Foxes must be used based on this label combination.",
            "pattern": { "spec": { "template": { "spec": { "containers": [ { "name": "*foxes*" } ] } } } },
        },
    } ]),
    );
    let busybox = |labels: Value| {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "busybox", "labels": labels },
            "spec": { "replicas": 1, "template": { "metadata": { "labels": { "app": "busybox" } }, "spec": {
                "containers": [ { "image": "busybox:1.28", "name": "busybox", "command": ["sleep", "9999"] } ],
            } } },
        })
    };
    let documented =
        json!({ "app": "busybox", "color": "red", "animal": "cow", "food": "pizza", "car": "jeep", "env": "qa" });
    assert_fail_at(&outcome(&p, &busybox(documented), "any-all-rule"), "/spec/template/spec/containers/0/name/");
    let not_qa = json!({ "app": "busybox", "animal": "cow", "env": "prod" });
    assert_eq!(outcome(&p, &busybox(not_qa), "any-all-rule"), Outcome::Skip(SkipReason::Preconditions));
    // Without `|| ''` a missing label is an error, as the JMESPath page warns
    // (https://kyverno.io/docs/writing-policies/jmespath/#non-existence-checks).
    let strict = deny_policy(
        "d",
        &["Deployment"],
        json!({ "any": [
        { "key": "{{ request.object.metadata.labels.color }}", "operator": "Equals", "value": "blue" },
    ] }),
    );
    assert_error(&outcome(&strict, &busybox(json!({ "app": "busybox" })), "d"));
}

// "Preconditions", Operators: quantities compare across scales
// (https://kyverno.io/docs/writing-policies/preconditions/#operators).
#[test]
fn preconditions_quantities() {
    let p = cluster_policy(
        "resource-quantities",
        json!([ {
        "name": "memory-limit",
        "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] },
        "preconditions": { "any": [ {
            "key": "{{request.object.spec.containers[0].resources.requests.memory}}",
            "operator": "LessThan", "value": "1Gi",
        } ] },
        "validate": { "deny": {} },
    } ]),
    );
    let with = |memory: &str| {
        pod_container(json!({ "name": "a", "image": "x", "resources": { "requests": { "memory": memory } } }))
    };
    assert_fail(&outcome(&p, &with("512Mi"), "memory-limit"));
    assert_fail(&outcome(&p, &with("1000M"), "memory-limit"));
    assert_eq!(outcome(&p, &with("2Gi"), "memory-limit"), Outcome::Skip(SkipReason::Preconditions));
    assert_eq!(outcome(&p, &with("1024Mi"), "memory-limit"), Outcome::Skip(SkipReason::Preconditions));
}

// "Preconditions", Wildcard Matches: NotEquals with a wildcard value
// (https://kyverno.io/docs/writing-policies/preconditions/#wildcard-matches).
#[test]
fn preconditions_wildcard_not_equals() {
    let ingress = |host: &str| {
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": { "name": "i", "namespace": "a" },
            "spec": { "rules": [ { "host": host } ] },
        })
    };
    let p = deny_policy(
        "host",
        &["Ingress"],
        json!({ "all": [
        { "key": "{{request.object.spec.rules[0].host}}", "operator": "NotEquals", "value": "*.mycompany.com" },
    ] }),
    );
    assert_pass(&outcome(&p, &ingress("app.mycompany.com"), "host"));
    assert_fail(&outcome(&p, &ingress("app.other.com"), "host"));
}

// "Auto-Gen Rules": the documented policy yields `autogen-validate-registries`
// for Deployments and `autogen-cronjob-validate-registries` for CronJobs
// (https://kyverno.io/docs/writing-policies/autogen/).
#[test]
fn autogen_documented_rules() {
    let p = cluster_policy(
        "restrict-image-registries",
        json!([ {
        "name": "validate-registries",
        "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] },
        "validate": {
            "failureAction": "Enforce",
            "message": "Images may only come from our internal enterprise registry.",
            "pattern": { "spec": { "containers": [ { "image": "registry.domain.com/*" } ] } },
        },
    } ]),
    );
    let policy = Policy::parse(&p).expect("parses");
    let names: Vec<(&str, &str, Option<Autogen>)> =
        policy.rules.iter().map(|r| (r.name.as_str(), r.source.as_str(), r.autogen)).collect();
    assert_eq!(
        names,
        [
            ("validate-registries", "validate-registries", None),
            ("autogen-validate-registries", "validate-registries", Some(Autogen::PodControllers)),
            ("autogen-cronjob-validate-registries", "validate-registries", Some(Autogen::CronJob)),
        ]
    );
    let good = json!({ "containers": [ { "name": "a", "image": "registry.domain.com/app:1" } ] });
    let bad = json!({ "containers": [ { "name": "a", "image": "docker.io/app:1" } ] });
    for kind in ["DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"] {
        assert_pass(&outcome(&p, &controller(kind, json!({}), good.clone()), "autogen-validate-registries"));
        let r = results(&p, &controller(kind, json!({}), bad.clone()));
        let failed: Vec<&str> = r.iter().filter(|r| r.is_fail()).map(|r| r.rule.as_str()).collect();
        assert_eq!(failed, ["autogen-validate-registries"], "{kind}");
        assert_eq!(r[1].action, FailureAction::Enforce);
    }
    assert_fail_at(
        &outcome(&p, &controller("CronJob", json!({}), bad), "autogen-cronjob-validate-registries"),
        "/spec/jobTemplate/spec/template/spec/containers/0/image/",
    );
}

// "Auto-Gen Rules": `pod-policies.kyverno.io/autogen-controllers` picks the
// controllers, `none` disables (https://kyverno.io/docs/writing-policies/autogen/).
#[test]
fn autogen_controllers_annotation() {
    let with = |annotation: &str| {
        let mut p = pattern_policy("r", &["Pod"], json!({ "spec": { "containers": [ { "image": "a/*" } ] } }));
        p["metadata"]["annotations"] = json!({ "pod-policies.kyverno.io/autogen-controllers": annotation });
        Policy::parse(&p).expect("parses")
    };
    assert_eq!(with("none").rules.len(), 1);
    let dj = with("Deployment,Job");
    assert_eq!(dj.rules.len(), 2);
    let bad = json!({ "containers": [ { "name": "a", "image": "b/c" } ] });
    for (kind, fails) in [("Deployment", true), ("Job", true), ("StatefulSet", false), ("CronJob", false)] {
        let r = dj.evaluate(&controller(kind, json!({}), bad.clone())).expect("evaluates");
        assert_eq!(r.iter().any(RuleResult::is_fail), fails, "{kind}");
    }
    let cron = with("CronJob");
    assert_eq!(cron.rules.len(), 2);
    assert_eq!(cron.rules[1].name, "autogen-cronjob-r");
}

// "Auto-Gen Rules": no rules are generated when a filter uses `names`,
// `selector` or `annotations`, or when a rule matches Pods and other kinds
// (https://kyverno.io/docs/writing-policies/autogen/).
#[test]
fn autogen_skipped_for_names_selectors_and_mixed_kinds() {
    let base = |resources: Value| {
        cluster_policy(
            "p",
            json!([ {
        "name": "r",
        "match": { "any": [ { "resources": resources } ] },
        "validate": { "pattern": { "spec": { "containers": [ { "image": "a/*" } ] } } },
    } ]),
        )
    };
    for resources in [
        json!({ "kinds": ["Pod"], "names": ["web-*"] }),
        json!({ "kinds": ["Pod"], "selector": { "matchLabels": { "app": "web" } } }),
        json!({ "kinds": ["Pod"], "annotations": { "a": "b" } }),
        json!({ "kinds": ["Pod", "Deployment"] }),
    ] {
        let p = Policy::parse(&base(resources.clone())).expect("parses");
        assert_eq!(p.rules.len(), 1, "{resources}");
    }
    // An exclusion by annotation on Pods (the documented example) too.
    let mut p = base(json!({ "kinds": ["Pod"] }));
    p["spec"]["rules"][0]["exclude"] =
        json!({ "any": [ { "resources": { "annotations": { "policy.test/require-requests-limits": "skip" } } } ] });
    assert_eq!(Policy::parse(&p).expect("parses").rules.len(), 1);
}

// "Auto-Gen Rules": variables on `request.object.metadata` and `.spec` are
// translated to the Pod template; `request."object"` is not
// (https://kyverno.io/docs/writing-policies/autogen/#exclusion-by-metadata).
#[test]
fn autogen_translates_variables() {
    let p = cluster_policy(
        "require-requests-limits",
        json!([ {
        "name": "validate-resources",
        "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] },
        "preconditions": { "all": [ {
            "key": "{{ request.\"object\".metadata.annotations.\"policy.test.io/require-requests-limits\" || '' }}",
            "operator": "NotEquals", "value": "skip",
        } ] },
        "validate": {
            "failureAction": "Enforce",
            "message": "CPU and memory resource requests and limits are required.",
            "pattern": { "spec": { "containers": [ { "resources": {
                "requests": { "memory": "?*", "cpu": "?*" }, "limits": { "memory": "?*" },
            } } ] } },
        },
    } ]),
    );
    let bare = json!({ "containers": [ { "name": "a", "image": "x" } ] });
    let mut d = controller("Deployment", json!({}), bare);
    assert_fail(&outcome(&p, &d, "autogen-validate-resources"));
    // The annotation is read on the Deployment itself, not on its template.
    d["metadata"]["annotations"] = json!({ "policy.test.io/require-requests-limits": "skip" });
    assert_eq!(outcome(&p, &d, "autogen-validate-resources"), Outcome::Skip(SkipReason::Preconditions));

    let q = deny_policy(
        "team",
        &["Pod"],
        json!({ "any": [
        { "key": "{{ request.object.metadata.labels.team || '' }}", "operator": "Equals", "value": "" },
    ] }),
    );
    assert_fail(&outcome(&q, &controller("StatefulSet", json!({}), json!({})), "autogen-team"));
    assert_pass(&outcome(&q, &controller("StatefulSet", json!({ "team": "a" }), json!({})), "autogen-team"));
    assert_pass(&outcome(&q, &controller("CronJob", json!({ "team": "a" }), json!({})), "autogen-cronjob-team"));
    assert_fail(&outcome(&q, &controller("CronJob", json!({}), json!({})), "autogen-cronjob-team"));
}

// "Selecting Resources": a Service named staging OR any Service in prod
// (https://kyverno.io/docs/writing-policies/match-exclude/#match-statements).
#[test]
fn match_any_names_or_namespaces() {
    let p = cluster_policy(
        "no-lb",
        json!([ {
        "name": "no-LoadBalancer",
        "match": { "any": [
            { "resources": { "kinds": ["Service"], "names": ["staging"], "operations": ["CREATE"] } },
            { "resources": { "kinds": ["Service"], "namespaces": ["prod"], "operations": ["CREATE"] } },
        ] },
        "validate": { "pattern": { "spec": { "type": "!LoadBalancer" } } },
    } ]),
    );
    let svc = |name: &str, ns: &str| {
        json!({
            "apiVersion": "v1", "kind": "Service", "metadata": { "name": name, "namespace": ns },
            "spec": { "type": "LoadBalancer" },
        })
    };
    assert_fail(&outcome(&p, &svc("staging", "dev"), "no-LoadBalancer"));
    assert_fail(&outcome(&p, &svc("web", "prod"), "no-LoadBalancer"));
    assert_eq!(outcome(&p, &svc("web", "dev"), "no-LoadBalancer"), Outcome::Skip(SkipReason::NotMatched));
}

// "Selecting Resources": all kinds (`*`) need the app.kubernetes.io/name
// label (https://kyverno.io/docs/writing-policies/match-exclude/#match-statements).
#[test]
fn match_all_kinds() {
    let p = pattern_policy(
        "check-for-labels",
        &["*"],
        json!({ "metadata": { "labels": { "app.kubernetes.io/name": "?*" } } }),
    );
    let cm = |labels: Value| json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c", "labels": labels } });
    assert_pass(&outcome(&p, &cm(json!({ "app.kubernetes.io/name": "web" })), "check-for-labels"));
    assert_fail(&outcome(&p, &cm(json!({})), "check-for-labels"));
    // `*` is not just Pod: nothing is generated.
    assert_eq!(Policy::parse(&p).expect("parses").rules.len(), 1);
}

// "Selecting Resources": a Deployment or StatefulSet labelled app=critical
// (https://kyverno.io/docs/writing-policies/match-exclude/#match-a-deployment-or-statefulset-with-a-specific-label).
#[test]
fn match_kinds_and_selector() {
    let p = cluster_policy(
        "critical",
        json!([ {
        "name": "match-critical-app",
        "match": { "any": [ { "resources": {
            "kinds": ["Deployment", "StatefulSet"],
            "operations": ["CREATE", "UPDATE"],
            "selector": { "matchLabels": { "app": "critical" } },
        } } ] },
        "validate": { "deny": {} },
    } ]),
    );
    let with = |kind: &str, app: &str| {
        let mut c = controller(kind, json!({}), json!({}));
        c["metadata"]["labels"] = json!({ "app": app });
        c
    };
    assert_fail(&outcome(&p, &with("Deployment", "critical"), "match-critical-app"));
    assert_fail(&outcome(&p, &with("StatefulSet", "critical"), "match-critical-app"));
    assert_eq!(outcome(&p, &with("Deployment", "web"), "match-critical-app"), Outcome::Skip(SkipReason::NotMatched));
    assert_eq!(
        outcome(&p, &with("DaemonSet", "critical"), "match-critical-app"),
        Outcome::Skip(SkipReason::NotMatched)
    );
}

// "Selecting Resources": Deployments in Namespaces labelled type=connector
// or type=compute (https://kyverno.io/docs/writing-policies/match-exclude/#match-deployments-in-namespaces-using-labels).
#[test]
fn match_namespace_selector() {
    let p = cluster_policy(
        "ns",
        json!([ {
        "name": "check-min-replicas",
        "match": { "any": [ { "resources": {
            "kinds": ["Deployment"],
            "namespaceSelector": { "matchExpressions": [ { "key": "type", "operator": "In", "values": ["connector", "compute"] } ] },
        } } ] },
        "validate": { "pattern": { "spec": { "replicas": ">=2" } } },
    } ]),
    );
    let policy = Policy::parse(&p).expect("parses");
    let ctx = Context::new().namespace("apps", [("type", "compute")]).namespace("web", [("type", "frontend")]);
    let mut d = controller("Deployment", json!({}), json!({}));
    d["spec"]["replicas"] = json!(1);
    let r = policy.evaluate_in(&d, &ctx).expect("evaluates");
    assert_fail_at(&r[0].outcome, "/spec/replicas/");
    d["metadata"]["namespace"] = json!("web");
    let r = policy.evaluate_in(&d, &ctx).expect("evaluates");
    assert_eq!(r[0].outcome, Outcome::Skip(SkipReason::NotMatched));
    d["metadata"]["namespace"] = json!("unknown");
    assert_eq!(policy.evaluate_in(&d, &ctx), Err(KyvernoError::NamespaceLabels { namespace: "unknown".to_owned() }));
}

// "Selecting Resources": match and exclude are ANDed; Pods in kube-system
// are excluded (https://kyverno.io/docs/writing-policies/match-exclude/#exclude-kube-system-namespace).
#[test]
fn exclude_kube_system() {
    let p = cluster_policy(
        "p",
        json!([ {
        "name": "match-pods-except-admin",
        "match": { "any": [ { "resources": { "kinds": ["Pod"], "operations": ["CREATE", "UPDATE"] } } ] },
        "exclude": { "any": [ { "resources": { "namespaces": ["kube-system"] } } ] },
        "validate": { "deny": {} },
    } ]),
    );
    let mut pod = pod_container(json!({}));
    assert_fail(&outcome(&p, &pod, "match-pods-except-admin"));
    pod["metadata"]["namespace"] = json!("kube-system");
    assert_eq!(outcome(&p, &pod, "match-pods-except-admin"), Outcome::Skip(SkipReason::Excluded));
}

// "Selecting Resources": Pods with an annotation, matched with wildcards
// (https://kyverno.io/docs/writing-policies/match-exclude/#match-all-pods-using-annotations).
#[test]
fn match_annotations() {
    let p = cluster_policy(
        "p",
        json!([ {
        "name": "match-pod-annotations",
        "match": { "any": [ { "resources": { "annotations": { "imageregistry": "https://hub.docker.com/" }, "kinds": ["Pod"] } } ] },
        "validate": { "deny": {} },
    } ]),
    );
    let mut pod = pod_container(json!({}));
    assert_eq!(outcome(&p, &pod, "match-pod-annotations"), Outcome::Skip(SkipReason::NotMatched));
    pod["metadata"]["annotations"] = json!({ "imageregistry": "https://hub.docker.com/" });
    assert_fail(&outcome(&p, &pod, "match-pod-annotations"));
}

// "Validate Rules", Validation Failure Action Overrides: Enforce in
// default, Audit in test, the policy's action elsewhere
// (https://kyverno.io/docs/writing-policies/validate/#validation-failure-action-overrides).
#[test]
fn failure_action_overrides() {
    let mut p = pattern_policy("check-label-app", &["Pod"], json!({ "metadata": { "labels": { "app": "?*" } } }));
    p["spec"]["validationFailureAction"] = json!("Audit");
    p["spec"]["validationFailureActionOverrides"] = json!([
        { "action": "Enforce", "namespaces": ["default"] },
        { "action": "Audit", "namespaces": ["test"] },
    ]);
    let in_ns = |ns: &str| {
        let mut pod = pod_container(json!({}));
        pod["metadata"]["namespace"] = json!(ns);
        results(&p, &pod)[0].action
    };
    assert_eq!(in_ns("default"), FailureAction::Enforce);
    assert_eq!(in_ns("test"), FailureAction::Audit);
    assert_eq!(in_ns("other"), FailureAction::Audit);
}
