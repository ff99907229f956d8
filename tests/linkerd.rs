//! Linkerd around the platform: the ingress controller's entry points under
//! the mesh, and the control plane's values.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::{compile_in, root};

fn seed_file(path: &str) -> Value {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let tree = compile_in(&root(), &source).unwrap();
    let bytes = tree.files.get(path).unwrap_or_else(|| panic!("{path} is in the seed tree"));
    serde_yaml_ng::from_slice(bytes).unwrap()
}

fn seed_graph() -> stackc::derive::Graph {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let stack = stackc::resolve(&source).unwrap().remove(0);
    stackc::derive::network_graph(&stack)
}

fn ports(list: &str) -> BTreeSet<u16> {
    list.split(',').map(|p| p.trim().parse().unwrap()).collect()
}

/// Internet clients have no mesh identity: under the seed's default inbound
/// policy `all-authenticated` they reach Traefik only because its entry
/// points skip the proxy. Exactly the entry points do; nothing else of the
/// pod is opened, and the namespace stays injected.
#[test]
fn traefik_entry_points_and_nothing_else_take_unauthenticated_clients() {
    let namespace = seed_file("clusters/production/traefik/namespace-traefik.yaml");
    assert_eq!(namespace["metadata"]["annotations"]["linkerd.io/inject"], "ingress");
    let control_plane = seed_file("clusters/production/linkerd/helmrelease-linkerd-control-plane.yaml");
    assert_eq!(control_plane["spec"]["values"]["proxy"]["defaultInboundPolicy"], "all-authenticated");

    let release = seed_file("clusters/production/traefik/helmrelease-traefik.yaml");
    let annotations = release["spec"]["values"]["deployment"]["podAnnotations"].as_object().unwrap();
    let linkerd: Vec<&String> = annotations.keys().filter(|k| k.contains("linkerd.io")).collect();
    assert_eq!(linkerd, ["config.linkerd.io/skip-inbound-ports"], "no other mesh override: {annotations:?}");
    let skipped = ports(annotations["config.linkerd.io/skip-inbound-ports"].as_str().unwrap());

    let graph = seed_graph();
    let traefik = graph.node(&stackc::derive::traefik_id()).expect("Traefik is in the graph");
    let entry_points: BTreeSet<u16> = traefik.world_ingress.iter().map(|(port, _)| *port).collect();
    assert_eq!(skipped, entry_points, "exactly the ports the internet may reach skip the proxy");
    assert_eq!(skipped, BTreeSet::from([8000, 8443]));
}

/// Without Linkerd Traefik's pods carry no mesh annotation.
#[test]
fn traefik_without_linkerd_has_no_mesh_annotation() {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    let line = source.lines().find(|l| l.trim_start().starts_with("linkerd version=")).unwrap();
    let source = source.replace(line, "");
    let source = source.replace(" mesh=#true", "");
    let tree = compile_in(&root(), &source).unwrap();
    let bytes = &tree.files["clusters/production/traefik/helmrelease-traefik.yaml"];
    let release: Value = serde_yaml_ng::from_slice(bytes).unwrap();
    assert!(release["spec"]["values"].get("deployment").is_none(), "{release:#?}");
}

/// `linkerd-init` takes `proxy.resources` since edge-24.6.4: `proxyInit.resources`
/// would be dead values.
#[test]
fn control_plane_values_have_no_proxy_init_resources() {
    let control_plane = seed_file("clusters/production/linkerd/helmrelease-linkerd-control-plane.yaml");
    let values = &control_plane["spec"]["values"];
    assert!(values.get("proxyInit").is_none(), "{values:#?}");
    assert!(
        values["proxy"]["resources"]["cpu"]["limit"].is_string(),
        "linkerd-init's limits come from proxy.resources"
    );
}
