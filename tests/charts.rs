//! Chart facts against the derived output: every pod a platform chart
//! creates (hook Jobs included) is selected by the seed's NetworkPolicies
//! and allowed exactly what its fact says, evaluated on a pod carrying the
//! labels the chart renders; the graph carries every such pod; a pinned
//! chart version without facts is refused.

use std::net::IpAddr;

use stackc::charts::{self, ChartPod};
use stackc::verify::netpol::{Allowed, Cluster, Endpoint, LabelMap, Pod, PortSet, Protocol};

use crate::support::root;

const API_SERVER: [u8; 4] = [10, 0, 0, 10];
const API_PORT: u16 = 6443;
const INTERNET: [u8; 4] = [1, 1, 1, 1];
const CLIENT: [u8; 4] = [203, 0, 113, 7];

fn seed() -> stackc::Analyzed {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let store = stackc::secrets::load_store(&root()).unwrap();
    stackc::analyze(&source, &store).unwrap().remove(0)
}

/// The seed's cluster as the proof models it, plus one pod `id` in
/// `namespace` with exactly `labels`, as a chart would run it.
fn with_pod(namespace: &str, id: &str, labels: &[(&str, &str)]) -> (Cluster, usize) {
    let mut cluster = {
        let a = seed();
        stackc::verify::cluster(&a.stack, &a.derived)
    }
    .unwrap();
    cluster.pods.push(Pod {
        id: format!("test/{id}"),
        namespace: namespace.to_owned(),
        labels: labels.iter().copied().collect::<LabelMap>(),
        named_ports: std::iter::empty().collect(),
    });
    let i = cluster.pods.len() - 1;
    (cluster, i)
}

fn external(ip: [u8; 4]) -> Endpoint {
    Endpoint::External(IpAddr::from(ip))
}

fn dns(cluster: &Cluster) -> Endpoint {
    Endpoint::Pod(cluster.pods.iter().position(|p| p.id == "kube-system/coredns").expect("the DNS pods"))
}

fn tcp(ports: &[u16]) -> Allowed {
    let mut allowed = Allowed::none();
    for port in ports {
        allowed.union_with(&Allowed::only(Protocol::Tcp, PortSet::single(*port)));
    }
    allowed
}

fn both(port: u16) -> Allowed {
    let mut allowed = tcp(&[port]);
    allowed.union_with(&Allowed::only(Protocol::Udp, PortSet::single(port)));
    allowed
}

/// A hook Job's pod reaches the API server and DNS, and nothing else.
fn assert_hook_pod(namespace: &str, id: &str, labels: &[(&str, &str)]) {
    let (cluster, i) = with_pod(namespace, id, labels);
    let pod = Endpoint::Pod(i);
    assert_eq!(cluster.allowed(pod, external(API_SERVER)), tcp(&[API_PORT]), "{id} → API server");
    assert_eq!(cluster.allowed(pod, dns(&cluster)), both(53), "{id} → DNS");
    assert!(cluster.allowed(pod, external(INTERNET)).is_empty(), "{id} → internet");
    for (j, other) in cluster.pods.iter().enumerate().filter(|(j, _)| *j != i) {
        if other.id != "kube-system/coredns" {
            assert!(cluster.allowed(pod, Endpoint::Pod(j)).is_empty(), "{id} → {}", other.id);
            assert!(cluster.allowed(Endpoint::Pod(j), pod).is_empty(), "{} → {id}", other.id);
        }
    }
}

#[test]
fn startupapicheck_pod_reaches_the_api_server() {
    // cert-manager v1.19.1 deploy/charts/cert-manager/templates/startupapicheck-job.yaml:21-26
    assert_hook_pod(
        "cert-manager",
        "startupapicheck",
        &[
            ("app", "startupapicheck"),
            ("app.kubernetes.io/name", "startupapicheck"),
            ("app.kubernetes.io/instance", "cert-manager"),
            ("app.kubernetes.io/component", "startupapicheck"),
            ("app.kubernetes.io/version", "v1.19.1"),
            ("app.kubernetes.io/managed-by", "Helm"),
            ("helm.sh/chart", "cert-manager-v1.19.1"),
        ],
    );
}

#[test]
fn kyverno_hook_pods_reach_the_api_server() {
    // kyverno chart 3.5.2 templates/hooks/*.yaml: no chart labels; the API
    // server adds the Job's labels to its pods.
    for job in ["kyverno-migrate-resources", "kyverno-rm-mutatingwhconfig", "kyverno-rm-validatingwhconfig"]
        .into_iter()
        .chain(["kyverno-scale-to-zero"])
    {
        assert_hook_pod(
            "kyverno",
            job,
            &[
                ("batch.kubernetes.io/controller-uid", "0b6f2a51-3c0e-4e0e-9d55-6a3b8e6f0c11"),
                ("batch.kubernetes.io/job-name", job),
                ("controller-uid", "0b6f2a51-3c0e-4e0e-9d55-6a3b8e6f0c11"),
                ("job-name", job),
            ],
        );
    }
}

/// Every pod of a chart fact, evaluated as a pod with the chart's labels:
/// allowed exactly what the fact says to the API server, DNS, the internet,
/// from clients, from the API server and from meshed pods (Linkerd's
/// control plane), and nothing from an unmeshed pod.
#[test]
fn every_chart_pod_is_allowed_exactly_its_facts() {
    let analyzed = seed();
    let mut checked = 0;
    for component in ["linkerd", "traefik", "cert-manager", "kyverno"] {
        for chart in charts::of(component) {
            for (namespace, pod) in charts::pods(chart) {
                let labels: Vec<(&str, &str)> = pod.selector.iter().chain(pod.other_labels).copied().collect();
                let (cluster, i) = with_pod(namespace, pod.workload, &labels);
                let me = Endpoint::Pod(i);
                let id = pod.workload;
                let api = if pod.api_server { tcp(&[API_PORT]) } else { Allowed::none() };
                assert_eq!(cluster.allowed(me, external(API_SERVER)), api, "{id} → API server");
                assert_eq!(cluster.allowed(me, dns(&cluster)), both(53), "{id} → DNS");
                assert_eq!(cluster.allowed(me, external(INTERNET)), internet(pod), "{id} → internet");
                assert_eq!(cluster.allowed(external(CLIENT), me), tcp(pod.world_ingress), "client → {id}");
                let from_api: Vec<u16> = pod.api_ingress.iter().chain(pod.world_ingress).copied().collect();
                assert_eq!(cluster.allowed(external(API_SERVER), me), tcp(&from_api), "API server → {id}");
                let meshed = cluster.pod("authentik/authentik-server").expect("a meshed app pod");
                assert_eq!(cluster.allowed(meshed, me), tcp(pod.mesh_ingress), "meshed pod → {id}");
                let unmeshed = cluster.pod("cert-manager/cert-manager").expect("an unmeshed pod");
                assert!(cluster.allowed(unmeshed, me).is_empty(), "unmeshed pod → {id}");
                assert_graph_node(&analyzed.derived.graph, namespace, pod);
                checked += 1;
            }
        }
    }
    // Linkerd 4 (a CronJob), Traefik 1, cert-manager 4 (one hook), Kyverno 8 (four hooks).
    assert_eq!(checked, 17);
}

fn internet(pod: &ChartPod) -> Allowed {
    let mut allowed = Allowed::none();
    for (port, protocol) in pod.internet {
        let protocol = if *protocol == stackc::model::Protocol::Udp { Protocol::Udp } else { Protocol::Tcp };
        allowed.union_with(&Allowed::only(protocol, PortSet::single(*port)));
    }
    allowed
}

/// The graph (what `graph`, `explain` and the proof read) has the pod with
/// its fact's selector, every label, ServiceAccount and ports.
fn assert_graph_node(graph: &stackc::derive::Graph, namespace: &str, pod: &ChartPod) {
    let id = format!("{namespace}/{}", pod.workload);
    let node = graph.node(&id).unwrap_or_else(|| panic!("graph node {id}"));
    assert_eq!(node.labels, pod.selector.iter().copied().collect::<LabelMap>(), "{id} selector");
    assert_eq!(node.other_labels, pod.other_labels.iter().copied().collect::<LabelMap>(), "{id} labels");
    assert_eq!(node.service_account.as_deref(), Some(pod.service_account), "{id} ServiceAccount");
    let ports: Vec<(&str, u16)> = node.ports.iter().map(|(name, port, _)| (name.as_str(), *port)).collect();
    assert_eq!(ports, pod.ports, "{id} ports");
    assert!(node.managed, "{id} gets NetworkPolicies");
}

/// The Linkerd pods the graph models (the proxies' control plane) are pods
/// of the Linkerd facts, selected by labels those pods carry.
#[test]
fn linkerd_graph_nodes_are_pods_of_the_facts() {
    let analyzed = seed();
    let facts: Vec<&ChartPod> = charts::of("linkerd").flat_map(|c| c.pods).collect();
    let nodes: Vec<_> = analyzed.derived.graph.nodes_in("linkerd").collect();
    assert!(!nodes.is_empty());
    for node in nodes {
        let pod = facts.iter().find(|p| p.workload == node.name).unwrap_or_else(|| panic!("no fact for {}", node.id));
        let labels: LabelMap = pod.selector.iter().chain(pod.other_labels).copied().collect();
        for (k, v) in &node.labels {
            assert_eq!(labels.get(k), Some(v), "{} selects {k}={v}", node.id);
        }
    }
}

/// Each chart's default version is the version of its facts.
#[test]
fn default_versions_are_the_facts_versions() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {\n        linkerd\n        traefik\n        cert-manager\n        kyverno\n    }\n}\n";
    let stack = stackc::resolve(source).unwrap().remove(0);
    let p = &stack.platform;
    assert_eq!(p.linkerd.as_ref().unwrap().version.value, charts::supported_version("linkerd"));
    assert_eq!(p.traefik.as_ref().unwrap().version.value, charts::supported_version("traefik"));
    assert_eq!(p.cert_manager.as_ref().unwrap().version.value, charts::supported_version("cert-manager"));
    assert_eq!(p.kyverno.as_ref().unwrap().version.value, charts::supported_version("kyverno"));
}

/// A platform chart pinned at a version without facts is refused, on the
/// `version=` value, with the supported version in the hint.
#[test]
fn chart_version_without_facts() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {\n        traefik version=\"37.2.0\"\n    }\n}\n";
    let errors = crate::support::compile(source).expect_err("the pin must be refused");
    insta::assert_snapshot!("chart_version_without_facts", errors);
}

/// Every pinned platform chart is checked, all at once.
#[test]
fn every_platform_chart_version_is_checked() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {\n        linkerd version=\"2025.11.1\"\n        traefik version=\"37.2.0\"\n        cert-manager version=\"v1.19.2\"\n        kyverno version=\"3.5.3\"\n    }\n}\n";
    let errors = crate::support::compile(source).expect_err("the pins must be refused");
    assert_eq!(errors.matches("chart-version").count(), 4, "{errors}");
    assert!(errors.contains("4 errors"), "{errors}");
}

/// `docs/chart-facts.md` tables every pod of the facts, with its selector,
/// ServiceAccount and ports, and every chart's version.
#[test]
fn the_docs_table_every_chart_pod() {
    let docs = std::fs::read_to_string(root().join("docs/chart-facts.md")).unwrap();
    for chart in charts::CHARTS {
        assert!(docs.contains(&format!("| `{}` |", chart.version)), "{} {} in the docs", chart.chart, chart.version);
        for pod in chart.pods {
            let start = format!("| `{}` | {}", pod.workload, pod.kind.as_str());
            let row = docs
                .lines()
                .find(|l| l.starts_with(&start))
                .unwrap_or_else(|| panic!("no row for {} in docs/chart-facts.md", pod.workload));
            for (k, v) in pod.selector {
                let short = k.strip_prefix("app.kubernetes.io/").unwrap_or(k);
                assert!(row.contains(&format!("{short}={v}`")), "{}: {k}={v}", pod.workload);
            }
            assert!(row.contains(&format!("| `{}` |", pod.service_account)), "{}: ServiceAccount", pod.workload);
            for (name, port) in pod.ports.iter().filter(|(n, _)| !n.starts_with("linkerd-")) {
                assert!(row.contains(&format!("`{name}` {port}")), "{}: port {name} {port}", pod.workload);
            }
        }
    }
}

/// `explain` and `graph` know the hook pods like any workload.
#[test]
fn explain_and_graph_show_the_hook_pods() {
    let out =
        crate::support::stackc(&root(), &["explain", "cert-manager/cert-manager-startupapicheck", "10.0.0.10:6443"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.starts_with("ALLOW cert-manager/cert-manager-startupapicheck -> 10.0.0.10 6443/TCP"), "{text}");
    let out = crate::support::stackc(&root(), &["graph", "--format", "json"]);
    let graph: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let node = |id: &str| graph["nodes"].as_array().unwrap().iter().find(|n| n["id"] == id).cloned();
    let check = node("cert-manager/cert-manager-startupapicheck").expect("the startupapicheck pod");
    assert_eq!(check["labels"]["app.kubernetes.io/name"], "startupapicheck");
    assert_eq!(check["pod_labels"]["helm.sh/chart"], "cert-manager-v1.19.1");
    let migrate = node("kyverno/kyverno-migrate-resources").expect("the migration pod");
    assert_eq!(migrate["labels"]["batch.kubernetes.io/job-name"], "kyverno-migrate-resources");
}
