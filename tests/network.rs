//! The network proof: the verify stage catches policies that allow too much
//! or too little, random stacks always verify, and `verify`/`explain` keep
//! their CLI contract.

use proptest::prelude::*;
use serde_json::json;

use crate::support::{compile, root, stackc};

fn seed() -> String {
    std::fs::read_to_string(root().join("stack.kdl")).unwrap()
}

fn seed_store() -> stackc::secrets::SecretStore {
    stackc::secrets::load_store(&root()).unwrap()
}

fn policy_mut<'a>(derived: &'a mut stackc::derive::Derived, namespace: &str, name: &str) -> &'a mut serde_json::Value {
    derived
        .components
        .iter_mut()
        .flat_map(|c| c.objects.iter_mut())
        .find(|o| o.kind == "NetworkPolicy" && o.name == name && o.namespace.as_deref() == Some(namespace))
        .and_then(stackc::derive::Object::tree_mut)
        .expect("policy exists, as a tree")
}

fn verify_errors(derived: &stackc::derive::Derived, stack: &stackc::check::ResolvedStack) -> String {
    let d = stackc::verify::verify(stack, derived).expect_err("verify must reject the tampered policies");
    d.iter().map(|x| format!("{} {}\n", x.code, x.message)).collect()
}

#[test]
fn verify_rejects_a_policy_that_allows_too_much() {
    let stackc::Analyzed { stack, mut derived } = stackc::analyze(&seed(), &seed_store()).unwrap().remove(0);
    let body = policy_mut(&mut derived, "authentik", "postgres-ingress");
    body["spec"]["ingress"].as_array_mut().unwrap().push(json!({"from": [{"namespaceSelector": {}}]}));
    let errors = verify_errors(&derived, &stack);
    assert!(errors.contains("internal"), "{errors}");
    assert!(errors.contains("kube-system/coredns → authentik/postgres: all"), "{errors}");
}

#[test]
fn verify_rejects_a_policy_that_allows_too_little() {
    let stackc::Analyzed { stack, mut derived } = stackc::analyze(&seed(), &seed_store()).unwrap().remove(0);
    let body = policy_mut(&mut derived, "linkwarden", "linkwarden-egress");
    body["spec"]["egress"].as_array_mut().unwrap().remove(0);
    let errors = verify_errors(&derived, &stack);
    assert!(errors.contains("linkwarden/linkwarden →"), "{errors}");
}

#[test]
fn verify_rejects_an_open_internet_rule() {
    let stackc::Analyzed { stack, mut derived } = stackc::analyze(&seed(), &seed_store()).unwrap().remove(0);
    let body = policy_mut(&mut derived, "linkwarden", "linkwarden-egress");
    let rules = body["spec"]["egress"].as_array_mut().unwrap();
    let internet = rules.iter_mut().find(|r| r["to"][0]["ipBlock"].is_object()).unwrap();
    internet["to"][0]["ipBlock"]["except"] = json!([]);
    let errors = verify_errors(&derived, &stack);
    assert!(errors.contains("linkwarden/linkwarden → 10."), "{errors}");
}

/// A random stack: namespaces (some meshed), apps with ports, connections
/// inside and across namespaces, exposures, API and internet egress.
fn random_stack(
    namespaces: usize,
    meshed: &[bool],
    apps: &[(usize, usize)],
    connections: &[(usize, usize, usize)],
    exposed: &[usize],
    api: &[usize],
    internet: &[usize],
) -> String {
    let any_mesh = meshed.iter().take(namespaces).any(|m| *m);
    let mut s = String::from(
        "stack \"random\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {\n        api-server \"10.0.0.1\" port=6443\n    }\n    platform {\n",
    );
    if any_mesh {
        s.push_str("        linkerd\n");
    }
    if !exposed.is_empty() {
        s.push_str("        traefik\n        cert-manager {\n            issuer \"le\" acme-email=\"ops@example.org\" dns01=\"cloudflare\" token-secret=\"cf\"\n        }\n");
    }
    s.push_str("    }\n");
    for (n, is_meshed) in meshed.iter().enumerate().take(namespaces) {
        let mesh = if *is_meshed { " mesh=#true" } else { "" };
        s.push_str(&format!("    namespace \"n{n}\"{mesh} {{\n"));
        for (i, (ns, ports)) in apps.iter().enumerate() {
            if ns % namespaces != n {
                continue;
            }
            let flags = if api.contains(&i) { " api-access=#true" } else { "" };
            s.push_str(&format!("        app \"a{i}\" image=\"ghcr.io/acme/a{i}:1.0\"{flags} {{\n"));
            for p in 0..*ports {
                s.push_str(&format!("            port \"p{p}\" {}\n", 8000 + p));
            }
            for (from, to, port) in connections {
                let (from, to) = (from % apps.len(), to % apps.len());
                if from != i {
                    continue;
                }
                let target_ns = apps[to].0 % namespaces;
                let port = port % apps[to].1;
                s.push_str(&format!("            connects-to \"n{target_ns}/a{to}\" port=\"p{port}\"\n"));
            }
            if exposed.iter().any(|e| e % apps.len() == i) {
                s.push_str(&format!("            expose \"a{i}.example.org\" port=\"p0\"\n"));
            }
            if internet.iter().any(|e| e % apps.len() == i) {
                s.push_str("            internet 443\n");
            }
            s.push_str("        }\n");
        }
        s.push_str("    }\n");
    }
    s.push_str("}\n");
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// For random stacks the evaluator's reachability equals the declared
    /// graph: `compile` runs `verify` and refuses any difference.
    #[test]
    fn random_stacks_verify(
        namespaces in 1usize..4,
        meshed in proptest::collection::vec(any::<bool>(), 4),
        apps in proptest::collection::vec((0usize..4, 1usize..3), 1..9),
        connections in proptest::collection::vec((any::<usize>(), any::<usize>(), any::<usize>()), 0..14),
        exposed in proptest::collection::vec(any::<usize>(), 0..3),
        api in proptest::collection::vec(0usize..9, 0..2),
        internet in proptest::collection::vec(any::<usize>(), 0..3),
    ) {
        let source = random_stack(namespaces, &meshed, &apps, &connections, &exposed, &api, &internet);
        if let Err(e) = compile(&source) {
            prop_assert!(false, "{source}\n{e}");
        }
    }
}

#[test]
fn verify_command_proves_the_seed_stack() {
    let out = stackc(&root(), &["verify"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("proven: "));
}

#[test]
fn explain_names_the_policies_and_stack_lines() {
    let out = stackc(&root(), &["explain", "authentik/server", "authentik/postgres"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("ALLOW authentik/authentik-server -> authentik/postgres 5432/TCP"), "{text}");
    assert!(text.contains("graph: declared by `connects-to` (stack.kdl:"), "{text}");
    assert!(text.contains("NetworkPolicy authentik/postgres-ingress: clusters/production/authentik/networkpolicy-postgres-ingress.yaml from stack.kdl:"), "{text}");
    let out = stackc(&root(), &["explain", "authentik/worker", "authentik/ldap-outpost:ldap"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("DENY authentik/authentik-worker -> authentik/ldap-outpost 3389/TCP"), "{text}");
    let out = stackc(&root(), &["explain", "linkwarden/linkwarden", "192.168.1.20:443"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("DENY"), "private addresses are not the internet");
}

#[test]
fn explain_rejects_unknown_endpoints() {
    let out = stackc(&root(), &["explain", "nope/nothing", "authentik/postgres"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown endpoint"));
}
