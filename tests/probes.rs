//! Health probes (issue 14): what `readiness`, `liveness` and `startup`
//! render, that Linkerd's default-deny `Server`s still authorize the
//! kubelet's HTTP probes (by the policy controller's own rule, modelled here
//! from its source), and every misuse as a diagnostic.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::support::{compile, root};

const PROBES: &str = "            readiness http=\"/api/v1/logins\" port=\"http\" period=5 failure-threshold=2\n            liveness tcp=3000 initial-delay=10 timeout=2\n            startup period=2 failure-threshold=30 {\n                exec \"true\"\n            }\n";

/// The seed stack with probes on the meshed Linkwarden app.
fn seed_with_probes() -> stackc::Analyzed {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let anchor = "            port \"http\" 3000\n            expose \"links.acme.io\"";
    assert!(source.contains(anchor), "the seed's Linkwarden app moved");
    let source = source.replacen(anchor, &format!("{PROBES}{anchor}"), 1);
    let store = stackc::secrets::load_store(&root()).unwrap();
    stackc::analyze(&source, &store).unwrap().remove(0)
}

fn objects(analyzed: &stackc::Analyzed) -> Vec<(String, String, String, Value)> {
    analyzed
        .derived
        .components
        .iter()
        .flat_map(|c| &c.objects)
        .filter_map(|o| {
            let ns = o.namespace.clone().unwrap_or_default();
            o.tree().map(|t| (o.kind.to_owned(), ns, o.name.clone(), t.clone()))
        })
        .collect()
}

fn container(objects: &[(String, String, String, Value)]) -> Value {
    let (.., deployment) = objects
        .iter()
        .find(|(kind, ns, name, _)| kind == "Deployment" && ns == "linkwarden" && name == "linkwarden")
        .expect("the Linkwarden Deployment");
    deployment["spec"]["template"]["spec"]["containers"][0].clone()
}

#[test]
fn probes_render_as_written_with_named_ports() {
    let c = container(&objects(&seed_with_probes()));
    assert_eq!(
        c["readinessProbe"],
        json!({"httpGet": {"path": "/api/v1/logins", "port": "http"}, "periodSeconds": 5, "failureThreshold": 2})
    );
    assert_eq!(
        c["livenessProbe"],
        json!({"tcpSocket": {"port": "http"}, "initialDelaySeconds": 10, "timeoutSeconds": 2})
    );
    assert_eq!(c["startupProbe"], json!({"exec": {"command": ["true"]}, "periodSeconds": 2, "failureThreshold": 30}));
}

/// The probe paths Linkerd's policy controller authorizes per port of a pod:
/// `httpGet` probes of every container, named ports resolved among the
/// container's TCP ports (linkerd/linkerd2 edge-25.10.7
/// policy-controller/k8s/index/src/inbound/workload.rs:65-112).
fn linkerd_probe_paths(container: &Value) -> BTreeMap<u64, BTreeSet<String>> {
    let mut out: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    let ports = container["ports"].as_array().cloned().unwrap_or_default();
    for field in ["livenessProbe", "readinessProbe", "startupProbe"] {
        let Some(get) = container[field].get("httpGet") else { continue };
        let port = match &get["port"] {
            Value::Number(n) => n.as_u64(),
            Value::String(name) => ports
                .iter()
                .filter(|p| p["protocol"].as_str().is_none_or(|proto| proto.eq_ignore_ascii_case("TCP")))
                .find(|p| p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
                .and_then(|p| p["containerPort"].as_u64()),
            _ => None,
        };
        if let Some(port) = port {
            out.entry(port).or_default().insert(get["path"].as_str().unwrap_or("/").to_owned());
        }
    }
    out
}

#[test]
fn linkerd_authorizes_the_kubelet_http_probes_on_deny_servers() {
    let objects = objects(&seed_with_probes());
    let c = container(&objects);
    let paths = linkerd_probe_paths(&c);
    assert_eq!(paths, BTreeMap::from([(3000, BTreeSet::from(["/api/v1/logins".to_owned()]))]));
    // The port's Server denies by default…
    let (.., server) = objects
        .iter()
        .find(|(kind, ns, _, s)| kind == "Server" && ns == "linkwarden" && s["spec"]["port"] == json!(3000))
        .expect("a Server for Linkwarden's port 3000");
    assert_eq!(server["spec"]["accessPolicy"], "deny");
    // …and the controller adds the `probe` route (GET on each exact probe
    // path, unauthenticated, from the probe networks) only while no HTTPRoute
    // selects the Server (index.rs:1993-2014, 2236-2297): stackc writes none.
    let routes: Vec<&String> =
        objects.iter().filter(|(kind, ..)| kind == "HTTPRoute" || kind == "GRPCRoute").map(|(_, _, n, _)| n).collect();
    assert!(routes.is_empty(), "routes would replace the probe route: {routes:?}");
    // The probe networks are the chart's default, 0.0.0.0/0 and ::/0
    // (charts/linkerd-control-plane/values.yaml:93-98): stackc leaves them.
    let (.., release) = objects
        .iter()
        .find(|(kind, _, name, _)| kind == "HelmRelease" && name == "linkerd-control-plane")
        .expect("the Linkerd control plane release");
    assert!(release["spec"]["values"]["proxy"].is_object(), "the values stackc sets are where the test looks");
    assert_eq!(release["spec"]["values"].pointer("/policyController/probeNetworks"), None);
}

#[test]
fn probes_open_no_network_path() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let store = stackc::secrets::load_store(&root()).unwrap();
    let plain = stackc::analyze(&source, &store).unwrap().remove(0);
    let policies = |a: &stackc::Analyzed| -> Vec<Value> {
        objects(a)
            .into_iter()
            .filter(|(kind, ..)| kind == "NetworkPolicy" || kind == "AuthorizationPolicy" || kind == "Server")
            .map(|(.., t)| t)
            .collect()
    };
    // The kubelet probes from the pod's own node, which NetworkPolicy
    // implementations let through (kube-router's local-node ACCEPT, cited in
    // src/derive/probes.rs): the policies stay exactly those without probes.
    assert_eq!(policies(&plain), policies(&seed_with_probes()));
}

const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

fn app_with(children: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {{ age-recipient \"{DEMO_RECIPIENT}\"; }}\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\" {{\n            port \"http\" 8080\n            port \"dns\" 5353 protocol=\"UDP\"\n{children}\n        }}\n    }}\n}}\n"
    )
}

macro_rules! probe_errors {
    ($($name:ident: $children:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let errors = compile(&app_with($children)).expect_err("the stack must be rejected");
                insta::assert_snapshot!(stringify!($name), errors);
            }
        )*
    };
}

probe_errors! {
    probe_on_undeclared_port: "            readiness http=\"/healthz\" port=\"htpp\"";
    probe_on_udp_port: "            liveness tcp=\"dns\"";
    probe_with_two_checks: "            readiness http=\"/healthz\" port=\"http\" tcp=\"http\"";
    probe_without_check: "            readiness period=5";
    http_probe_without_port: "            readiness http=\"/healthz\"";
    probe_port_without_http: "            liveness tcp=\"http\" port=\"http\"";
    probe_path_not_a_path: "            readiness http=\"healthz\" port=\"http\"";
    probe_exec_without_command: "            startup {\n                exec\n            }";
    probe_zero_period: "            readiness tcp=\"http\" period=0";
    liveness_success_threshold: "            liveness http=\"/healthz\" port=\"http\" success-threshold=2";
    probe_given_twice: "            readiness tcp=\"http\"\n            readiness tcp=8080";
}

#[test]
fn probes_on_release_apps_are_the_charts() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" {\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\"\n        app \"x\" release=\"x\" workload=\"x\" {\n            pods \"app.kubernetes.io/name\"=\"x\"\n            readiness tcp=80\n        }\n    }\n}\n";
    let errors = compile(source).expect_err("the stack must be rejected");
    insta::assert_snapshot!("probe_on_release_app", errors);
}
