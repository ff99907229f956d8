//! The policies of the seed cluster: the four `ClusterPolicies` stackc writes
//! today (exactly as `derive::kyverno` shapes them, see
//! `out/clusters/production/kyverno-policies/`), and the other policies the
//! seed asks for, in the shapes of the Kyverno policy library
//! (<https://kyverno.io/policies/>). Each has an accepted and a rejected
//! object, and the Pod rules are checked on Pod controllers (autogen).

use crate::kyverno::common::*;

/// A `ClusterPolicy` as stackc writes it: one Pod rule, platform namespaces
/// excluded, `failureAction: Audit`.
fn seed(name: &str, message: &str, pattern: Value) -> Value {
    json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {
            "name": name,
            "labels": { "app.kubernetes.io/managed-by": "stackc", "app.kubernetes.io/part-of": "k3s-gitops" },
        },
        "spec": {
            "background": true,
            "rules": [ {
                "name": name,
                "match": { "any": [ { "resources": { "kinds": ["Pod"] } } ] },
                "exclude": { "any": [ { "resources": { "namespaces": [
                    "cert-manager", "flux-system", "kube-node-lease", "kube-public",
                    "kube-system", "kyverno", "linkerd", "traefik",
                ] } } ] },
                "validate": { "failureAction": "Audit", "message": message, "pattern": pattern },
            } ],
        },
    })
}

fn limits() -> Value {
    seed(
        "require-resource-limits",
        "Every container sets CPU and memory limits.",
        json!({"spec": {"containers": [{"resources": {"limits": {"cpu": "?*", "memory": "?*"}}}]}}),
    )
}

fn privileged() -> Value {
    seed(
        "disallow-privileged-containers",
        "Privileged containers are not allowed.",
        json!({"spec": {"containers": [{"=(securityContext)": {"=(privileged)": "false"}}]}}),
    )
}

fn labels() -> Value {
    seed(
        "require-pod-labels",
        "Pods carry the app.kubernetes.io/name label.",
        json!({"metadata": {"labels": {"app.kubernetes.io/name": "?*"}}}),
    )
}

fn registries() -> Value {
    seed(
        "restrict-image-registries",
        "Images come only from the registries this stack uses.",
        json!({"spec": {"containers": [{"image": "docker.io/* | ghcr.io/*"}]}}),
    )
}

/// A Pod in `namespace` with the stackc identity label and these containers.
fn workload_pod(namespace: &str, containers: Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": "web-0",
            "namespace": namespace,
            "labels": { "app.kubernetes.io/name": "web" },
        },
        "spec": { "containers": containers },
    })
}

fn good_container() -> Value {
    json!({
        "name": "web",
        "image": "ghcr.io/goauthentik/server:2025.10.1",
        "resources": { "limits": { "cpu": "500m", "memory": "256Mi" } },
        "securityContext": { "privileged": false, "runAsNonRoot": true },
    })
}

// Kyverno "Validate Rules", wildcards: `?*` requires a non-empty value
// (https://kyverno.io/docs/writing-policies/validate/#wildcards).
#[test]
fn resource_limits_accept_and_reject() {
    let p = limits();
    assert_pass(&outcome(&p, &workload_pod("apps", json!([good_container()])), "require-resource-limits"));
    let mut no_memory = good_container();
    no_memory["resources"]["limits"] = json!({ "cpu": "1" });
    let o = outcome(&p, &workload_pod("apps", json!([good_container(), no_memory])), "require-resource-limits");
    assert_fail_at(&o, "/spec/containers/1/resources/limits/memory/");
    let Outcome::Fail { message, .. } = o else { unreachable!() };
    assert_eq!(
        message,
        "validation error: Every container sets CPU and memory limits. rule require-resource-limits failed at path /spec/containers/1/resources/limits/memory/"
    );
    // An empty limit is no limit.
    let mut empty = good_container();
    empty["resources"]["limits"]["cpu"] = json!("");
    assert_fail_at(
        &outcome(&p, &workload_pod("apps", json!([empty])), "require-resource-limits"),
        "/spec/containers/0/resources/limits/cpu/",
    );
    // No resources at all.
    let bare = json!({ "name": "web", "image": "docker.io/nginx:1.27" });
    assert_fail_at(
        &outcome(&p, &workload_pod("apps", json!([bare])), "require-resource-limits"),
        "/spec/containers/0/resources/",
    );
}

// Numbers are values too: `cpu: 2` has a value (`?*` matches its text).
#[test]
fn resource_limits_accept_numeric_quantities() {
    let mut c = good_container();
    c["resources"]["limits"]["cpu"] = json!(2);
    assert_pass(&outcome(&limits(), &workload_pod("apps", json!([c])), "require-resource-limits"));
}

// Match/exclude: the platform namespaces are excluded
// (https://kyverno.io/docs/writing-policies/match-exclude/#exclude-kube-system-namespace).
#[test]
fn platform_namespaces_are_excluded() {
    let bare = json!({ "name": "coredns", "image": "registry.k8s.io/coredns:1.11" });
    let o = outcome(&limits(), &workload_pod("kube-system", json!([bare])), "require-resource-limits");
    assert_eq!(o, Outcome::Skip(SkipReason::Excluded));
    let o = outcome(&registries(), &workload_pod("traefik", json!([bare])), "restrict-image-registries");
    assert_eq!(o, Outcome::Skip(SkipReason::Excluded));
}

// Equality anchors: `=(securityContext)` / `=(privileged)` only apply when
// present (https://kyverno.io/docs/writing-policies/validate/#anchors); the
// string "false" matches the boolean false.
#[test]
fn privileged_accept_and_reject() {
    let p = privileged();
    let rule = "disallow-privileged-containers";
    assert_pass(&outcome(&p, &workload_pod("apps", json!([good_container()])), rule));
    let plain = json!({ "name": "web", "image": "docker.io/nginx:1.27" });
    assert_pass(&outcome(&p, &workload_pod("apps", json!([plain])), rule));
    let no_flag = json!({ "name": "web", "image": "x", "securityContext": { "runAsUser": 1000 } });
    assert_pass(&outcome(&p, &workload_pod("apps", json!([no_flag])), rule));
    let mut bad = good_container();
    bad["securityContext"]["privileged"] = json!(true);
    assert_fail_at(
        &outcome(&p, &workload_pod("apps", json!([good_container(), bad])), rule),
        "/spec/containers/1/securityContext/privileged/",
    );
}

// Patterns with `|`: any alternative may match
// (https://kyverno.io/docs/writing-policies/validate/#operators).
#[test]
fn registries_accept_and_reject() {
    let p = registries();
    let rule = "restrict-image-registries";
    for image in ["docker.io/library/postgres:18", "ghcr.io/goauthentik/ldap:2025.10.1"] {
        let c = json!({ "name": "c", "image": image });
        assert_pass(&outcome(&p, &workload_pod("apps", json!([c])), rule));
    }
    for image in ["quay.io/prometheus/prometheus:v3", "postgres:18", "docker.io", "evil.io/docker.io/x"] {
        let c = json!({ "name": "c", "image": image });
        assert_fail_at(&outcome(&p, &workload_pod("apps", json!([c])), rule), "/spec/containers/0/image/");
    }
}

// `metadata.labels` with a dotted key (the key is literal in a pattern).
#[test]
fn labels_accept_and_reject() {
    let p = labels();
    let rule = "require-pod-labels";
    assert_pass(&outcome(&p, &workload_pod("apps", json!([good_container()])), rule));
    let mut unlabeled = workload_pod("apps", json!([good_container()]));
    unlabeled["metadata"]["labels"] = json!({ "app": "web" });
    assert_fail_at(&outcome(&p, &unlabeled, rule), "/metadata/labels/app.kubernetes.io/name/");
    unlabeled["metadata"].as_object_mut().expect("metadata").remove("labels");
    assert_fail_at(&outcome(&p, &unlabeled, rule), "/metadata/labels/");
}

// Auto-gen (https://kyverno.io/docs/writing-policies/autogen/): the Pod rule
// is applied to the Pod template of Deployments, StatefulSets and CronJobs.
#[test]
fn seed_rules_apply_to_controllers() {
    let good = json!({ "containers": [good_container()] });
    let bad = json!({ "containers": [{ "name": "web", "image": "quay.io/x:1" }] });
    let identity = json!({ "app.kubernetes.io/name": "web" });
    for kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"] {
        let ok = controller(kind, identity.clone(), good.clone());
        for p in [limits(), privileged(), labels(), registries()] {
            for r in results(&p, &ok) {
                assert!(!r.is_violation(), "{kind}: {r}");
            }
        }
        let o = outcome(&limits(), &controller(kind, identity.clone(), bad.clone()), "autogen-require-resource-limits");
        assert_fail_at(&o, "/spec/template/spec/containers/0/resources/");
        let o = outcome(
            &registries(),
            &controller(kind, identity.clone(), bad.clone()),
            "autogen-restrict-image-registries",
        );
        assert_fail_at(&o, "/spec/template/spec/containers/0/image/");
        let o = outcome(&labels(), &controller(kind, json!({}), good.clone()), "autogen-require-pod-labels");
        assert_fail_at(&o, "/spec/template/metadata/labels/app.kubernetes.io/name/");
    }
    let cron = controller("CronJob", identity, bad);
    let o = outcome(&limits(), &cron, "autogen-cronjob-require-resource-limits");
    assert_fail_at(&o, "/spec/jobTemplate/spec/template/spec/containers/0/resources/");
    // The Pod rule itself and the other controllers' rule do not match.
    assert_eq!(outcome(&limits(), &cron, "require-resource-limits"), Outcome::Skip(SkipReason::NotMatched));
    assert_eq!(outcome(&limits(), &cron, "autogen-require-resource-limits"), Outcome::Skip(SkipReason::NotMatched));
}

#[test]
fn autogen_rules_keep_the_exclusions() {
    let bare = json!({ "containers": [{ "name": "web", "image": "quay.io/x:1" }] });
    let mut d = controller("Deployment", json!({}), bare);
    d["metadata"]["namespace"] = json!("kyverno");
    assert_eq!(outcome(&limits(), &d, "autogen-require-resource-limits"), Outcome::Skip(SkipReason::Excluded));
}

// Disallow Latest Tag (https://kyverno.io/policies/best-practices/disallow-latest-tag/),
// in its pattern form: a tag is required and it is not `latest`.
#[test]
fn latest_tag_pattern() {
    let p = cluster_policy(
        "disallow-latest-tag",
        json!([
            rule(
                "require-image-tag",
                &["Pod"],
                json!({
                    "message": "An image tag is required.",
                    "pattern": { "spec": { "containers": [ { "image": "*:*" } ] } },
                })
            ),
            rule(
                "validate-image-tag",
                &["Pod"],
                json!({
                    "message": "Using a mutable image tag e.g. 'latest' is not allowed.",
                    "pattern": { "spec": { "containers": [ { "image": "!*:latest" } ] } },
                })
            ),
        ]),
    );
    let tagged = pod_container(json!({ "name": "c", "image": "nginx:1.27" }));
    assert_pass(&outcome(&p, &tagged, "require-image-tag"));
    assert_pass(&outcome(&p, &tagged, "validate-image-tag"));
    assert!(results(&p, &tagged).iter().all(|r| !r.is_violation()));
    let latest = pod_container(json!({ "name": "c", "image": "nginx:latest" }));
    assert_pass(&outcome(&p, &latest, "require-image-tag"));
    assert_fail_at(&outcome(&p, &latest, "validate-image-tag"), "/spec/containers/0/image/");
    let untagged = pod_container(json!({ "name": "c", "image": "nginx" }));
    assert_fail_at(&outcome(&p, &untagged, "require-image-tag"), "/spec/containers/0/image/");
    assert_pass(&outcome(&p, &untagged, "validate-image-tag"));
}

// The same with deny conditions over a projection
// (https://kyverno.io/docs/writing-policies/jmespath/#flattening-arrays).
#[test]
fn latest_tag_deny() {
    let p = deny_policy(
        "require-tag",
        &["Pod"],
        json!({ "any": [
            { "key": "{{ request.object.spec.containers[].image }}", "operator": "AnyNotIn", "value": ["*:*"] },
            { "key": "{{ request.object.spec.containers[].image }}", "operator": "AnyIn", "value": ["*:latest"] },
        ] }),
    );
    let two = |a: &str, b: &str| {
        pod(
            "p",
            json!({}),
            json!({ "containers": [
        { "name": "a", "image": a }, { "name": "b", "image": b },
    ] }),
        )
    };
    assert_pass(&outcome(&p, &two("nginx:1.27", "ghcr.io/x/y:2"), "require-tag"));
    assert_fail(&outcome(&p, &two("nginx:1.27", "busybox"), "require-tag"));
    assert_fail(&outcome(&p, &two("nginx:latest", "busybox:1"), "require-tag"));
}

/// Require runAsNonRoot, from "Validate Rules", anyPattern
/// (<https://kyverno.io/docs/writing-policies/validate/#anypattern>).
fn run_as_non_root() -> Value {
    cluster_policy(
        "require-run-as-non-root",
        json!([rule(
            "check-containers",
            &["Pod"],
            json!({
                "message": "Running as root is not allowed.",
                "anyPattern": [
                    { "spec": {
                        "securityContext": { "runAsNonRoot": true },
                        "containers": [ { "=(securityContext)": { "=(runAsNonRoot)": true } } ],
                        "=(initContainers)": [ { "=(securityContext)": { "=(runAsNonRoot)": true } } ],
                    } },
                    { "spec": {
                        "containers": [ { "securityContext": { "runAsNonRoot": true } } ],
                        "=(initContainers)": [ { "securityContext": { "runAsNonRoot": true } } ],
                    } },
                ],
            })
        )]),
    )
}

#[test]
fn run_as_non_root_pod_level_or_every_container() {
    let p = run_as_non_root();
    let rule = "check-containers";
    let pod_level = pod(
        "p",
        json!({}),
        json!({
            "securityContext": { "runAsNonRoot": true },
            "containers": [ { "name": "a", "image": "x" } ],
        }),
    );
    assert_pass(&outcome(&p, &pod_level, rule));
    let containers = pod(
        "p",
        json!({}),
        json!({ "containers": [
        { "name": "a", "image": "x", "securityContext": { "runAsNonRoot": true } },
        { "name": "b", "image": "y", "securityContext": { "runAsNonRoot": true } },
    ] }),
    );
    assert_pass(&outcome(&p, &containers, rule));
    let one_missing = pod(
        "p",
        json!({}),
        json!({ "containers": [
        { "name": "a", "image": "x", "securityContext": { "runAsNonRoot": true } },
        { "name": "b", "image": "y" },
    ] }),
    );
    let o = outcome(&p, &one_missing, rule);
    assert_fail(&o);
    let Outcome::Fail { message, .. } = o else { unreachable!() };
    assert_eq!(
        message,
        "validation error: Running as root is not allowed. rule check-containers[0] failed at path /spec/securityContext/ rule check-containers[1] failed at path /spec/containers/1/securityContext/"
    );
    // Pod level true, but a container overrides it with false.
    let overridden = pod(
        "p",
        json!({}),
        json!({
            "securityContext": { "runAsNonRoot": true },
            "containers": [ { "name": "a", "image": "x", "securityContext": { "runAsNonRoot": false } } ],
        }),
    );
    assert_fail(&outcome(&p, &overridden, rule));
    // And on a StatefulSet, through autogen.
    let sts = controller(
        "StatefulSet",
        json!({}),
        json!({
            "securityContext": { "runAsNonRoot": true }, "containers": [ { "name": "a", "image": "x" } ],
        }),
    );
    assert_pass(&outcome(&p, &sts, "autogen-check-containers"));
    let sts = controller("StatefulSet", json!({}), json!({ "containers": [ { "name": "a", "image": "x" } ] }));
    assert_fail(&outcome(&p, &sts, "autogen-check-containers"));
}

// Restrict Seccomp (https://kyverno.io/policies/pod-security/restricted/restrict-seccomp-strict/):
// RuntimeDefault at the Pod level, and containers may only repeat it.
fn seccomp() -> Value {
    pattern_policy(
        "require-seccomp",
        &["Pod"],
        json!({ "spec": {
        "securityContext": { "seccompProfile": { "type": "RuntimeDefault" } },
        "containers": [ { "=(securityContext)": { "=(seccompProfile)": { "=(type)": "RuntimeDefault" } } } ],
    } }),
    )
}

#[test]
fn seccomp_runtime_default() {
    let ok = pod(
        "p",
        json!({}),
        json!({
            "securityContext": { "seccompProfile": { "type": "RuntimeDefault" } },
            "containers": [ { "name": "a", "image": "x" } ],
        }),
    );
    assert_pass(&outcome(&seccomp(), &ok, "require-seccomp"));
    let unconfined = pod(
        "p",
        json!({}),
        json!({
            "securityContext": { "seccompProfile": { "type": "RuntimeDefault" } },
            "containers": [ { "name": "a", "image": "x", "securityContext": { "seccompProfile": { "type": "Unconfined" } } } ],
        }),
    );
    assert_fail_at(
        &outcome(&seccomp(), &unconfined, "require-seccomp"),
        "/spec/containers/0/securityContext/seccompProfile/type/",
    );
    let none = pod("p", json!({}), json!({ "containers": [ { "name": "a", "image": "x" } ] }));
    assert_fail_at(&outcome(&seccomp(), &none, "require-seccomp"), "/spec/securityContext/");
}

// Disallow hostPath (https://kyverno.io/policies/pod-security/baseline/disallow-host-path/):
// `X(hostPath)` under `=(volumes)`.
#[test]
fn no_host_path() {
    let p = pattern_policy(
        "disallow-host-path",
        &["Pod"],
        json!({
            "spec": { "=(volumes)": [ { "X(hostPath)": "null" } ] },
        }),
    );
    let rule = "disallow-host-path";
    let no_volumes = pod("p", json!({}), json!({ "containers": [] }));
    assert_pass(&outcome(&p, &no_volumes, rule));
    let empty_dir = pod("p", json!({}), json!({ "containers": [], "volumes": [ { "name": "tmp", "emptyDir": {} } ] }));
    assert_pass(&outcome(&p, &empty_dir, rule));
    let host = pod(
        "p",
        json!({}),
        json!({ "containers": [], "volumes": [
        { "name": "tmp", "emptyDir": {} },
        { "name": "sock", "hostPath": { "path": "/var/run/docker.sock" } },
    ] }),
    );
    assert_fail_at(&outcome(&p, &host, rule), "/spec/volumes/1/hostPath/");
}

fn service(kind: &str) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": { "name": "web", "namespace": "apps" },
        "spec": { "type": kind, "ports": [ { "port": 80 } ] },
    })
}

// Restrict Service types with deny conditions
// (https://kyverno.io/docs/writing-policies/validate/#deny-rules).
#[test]
fn restrict_service_types() {
    let p = deny_policy(
        "restrict-service-types",
        &["Service"],
        json!({ "any": [
        { "key": "{{ request.object.spec.type || 'ClusterIP' }}", "operator": "AnyIn", "value": ["NodePort", "LoadBalancer"] },
    ] }),
    );
    let rule = "restrict-service-types";
    assert_pass(&outcome(&p, &service("ClusterIP"), rule));
    let mut headless = service("ClusterIP");
    headless["spec"].as_object_mut().expect("spec").remove("type");
    assert_pass(&outcome(&p, &headless, rule));
    assert_eq!(outcome(&p, &service("NodePort"), rule), Outcome::Fail { message: "denied".to_owned(), path: None });
    assert_fail(&outcome(&p, &service("LoadBalancer"), rule));
    // Pods are not Services.
    assert_eq!(outcome(&p, &pod_container(json!({})), rule), Outcome::Skip(SkipReason::NotMatched));
}

// The pattern form of the same (https://kyverno.io/policies/best-practices/restrict-node-port/).
#[test]
fn restrict_node_port_pattern() {
    let p = pattern_policy("restrict-nodeport", &["Service"], json!({ "spec": { "=(type)": "!NodePort" } }));
    assert_pass(&outcome(&p, &service("ClusterIP"), "restrict-nodeport"));
    assert_fail_at(&outcome(&p, &service("NodePort"), "restrict-nodeport"), "/spec/type/");
}

fn pvc(class: Option<&str>) -> Value {
    let mut spec = json!({ "accessModes": ["ReadWriteOnce"], "resources": { "requests": { "storage": "1Gi" } } });
    if let Some(c) = class {
        spec["storageClassName"] = json!(c);
    }
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": { "name": "data", "namespace": "apps" },
        "spec": spec,
    })
}

// Storage classes: alternatives in a pattern
// (https://kyverno.io/docs/writing-policies/validate/#operators).
#[test]
fn pvc_storage_classes() {
    let p = pattern_policy(
        "restrict-storage-class",
        &["PersistentVolumeClaim"],
        json!({
            "spec": { "storageClassName": "local-path | fast" },
        }),
    );
    let rule = "restrict-storage-class";
    assert_pass(&outcome(&p, &pvc(Some("local-path")), rule));
    assert_pass(&outcome(&p, &pvc(Some("fast")), rule));
    assert_fail_at(&outcome(&p, &pvc(Some("slow")), rule), "/spec/storageClassName/");
    assert_fail_at(&outcome(&p, &pvc(None), rule), "/spec/storageClassName/");
}

fn ingress_route(matches: &[&str]) -> Value {
    let routes: Vec<Value> = matches
        .iter()
        .map(|m| json!({ "kind": "Rule", "match": m, "services": [ { "name": "web", "port": 80 } ] }))
        .collect();
    json!({
        "apiVersion": "traefik.io/v1alpha1",
        "kind": "IngressRoute",
        "metadata": { "name": "web", "namespace": "apps" },
        "spec": { "entryPoints": ["websecure"], "routes": routes },
    })
}

// Traefik IngressRoute hosts restricted to the stack's domain, as a pattern
// on the match strings and as a deny over their projection; the kind is
// given in Group/Version/Kind form
// (https://kyverno.io/docs/writing-policies/match-exclude/#match-statements).
#[test]
fn ingress_route_hosts() {
    let kind = "traefik.io/v1alpha1/IngressRoute";
    let pattern = pattern_policy(
        "restrict-hosts",
        &[kind],
        json!({
            "spec": { "routes": [ { "match": "Host(`example.org`)* | Host(`*.example.org`)*" } ] },
        }),
    );
    let deny = deny_policy(
        "restrict-hosts",
        &[kind],
        json!({ "any": [ {
        "key": "{{ request.object.spec.routes[].match }}",
        "operator": "AnyNotIn",
        "value": ["Host(`example.org`)*", "Host(`*.example.org`)*"],
    } ] }),
    );
    let good = ingress_route(&["Host(`auth.example.org`)", "Host(`example.org`) && PathPrefix(`/api`)"]);
    let bad = ingress_route(&["Host(`auth.example.org`)", "Host(`evil.com`)"]);
    for p in [&pattern, &deny] {
        assert_pass(&outcome(p, &good, "restrict-hosts"));
        assert_fail(&outcome(p, &bad, "restrict-hosts"));
    }
    assert_fail_at(&outcome(&pattern, &bad, "restrict-hosts"), "/spec/routes/1/match/");
    // Another group's IngressRoute is not matched.
    let mut other = good.clone();
    other["apiVersion"] = json!("traefik.containo.us/v1alpha1");
    assert_eq!(outcome(&pattern, &other, "restrict-hosts"), Outcome::Skip(SkipReason::NotMatched));
}

// Require Linkerd Mesh Injection
// (https://kyverno.io/policies/linkerd/require-linkerd-mesh-injection/require-linkerd-mesh-injection/).
#[test]
fn linkerd_injection_on_namespaces() {
    let p = cluster_policy(
        "require-linkerd-mesh-injection",
        json!([rule(
            "require-mesh-annotation",
            &["Namespace"],
            json!({
                "message": "All Namespaces must set the annotation `linkerd.io/inject` to `enabled`.",
                "pattern": { "metadata": { "annotations": { "linkerd.io/inject": "enabled" } } },
            })
        ),]),
    );
    let ns = |annotations: Value| {
        json!({
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": { "name": "apps", "annotations": annotations },
        })
    };
    let rule = "require-mesh-annotation";
    assert_pass(&outcome(&p, &ns(json!({ "linkerd.io/inject": "enabled" })), rule));
    assert_fail_at(
        &outcome(&p, &ns(json!({ "linkerd.io/inject": "disabled" })), rule),
        "/metadata/annotations/linkerd.io/inject/",
    );
    assert_fail_at(&outcome(&p, &ns(json!({})), rule), "/metadata/annotations/linkerd.io/inject/");
    // A Namespace rule has no Pod controllers to generate for.
    assert_eq!(results(&p, &ns(json!({}))).len(), 1);
}
