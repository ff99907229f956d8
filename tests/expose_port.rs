//! Non-HTTP ports through Traefik (issue 14): `expose-port N port="..."`
//! writes an IngressRouteTCP (or IngressRouteUDP) on an entry point the
//! Traefik release opens, lets the world reach Traefik on `N` and Traefik
//! reach the app, skips the entry point past Linkerd's inbound proxy, and
//! rejects two apps on one public port, labelled at both.

use crate::support::{compile, project, render_diagnostics, stackc};

const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// A managed, meshed stack with Traefik around `body`.
fn stack(body: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {{\n        api-server \"10.0.0.10\" port=6443\n        age-recipient \"{DEMO_RECIPIENT}\"\n    }}\n    platform {{\n        linkerd inbound=\"all-authenticated\"\n        traefik\n    }}\n{body}\n}}\n"
    )
}

const FORGE: &str = "    namespace \"forge\" mesh=#true {
        app \"forgejo\" image=\"x:1\" {
            port \"ssh\" 2222
            expose-port 2222 port=\"ssh\"
        }
        app \"dns\" image=\"y:1\" {
            port \"dns\" 5353 protocol=\"UDP\"
            expose-port 5353 port=\"dns\" protocol=\"UDP\"
        }
    }";

/// The YAML document of the one file whose path contains `part`.
fn file(body: &str, part: &str) -> serde_json::Value {
    let tree = compile(&stack(body)).expect("the stack compiles");
    let found: Vec<_> = tree.files.iter().filter(|(path, _)| path.contains(part)).collect();
    assert_eq!(found.len(), 1, "one file named like {part}: {:?}", tree.files.keys().collect::<Vec<_>>());
    serde_yaml_ng::from_slice(found[0].1).expect("the file is YAML")
}

#[test]
fn tcp_and_udp_ports_get_routes_on_their_own_entry_points() {
    let tcp = file(FORGE, "forge/ingressroutetcp-forgejo-tcp-2222.yaml");
    assert_eq!(tcp["kind"], "IngressRouteTCP");
    assert_eq!(tcp["metadata"]["namespace"], "forge");
    assert_eq!(tcp["spec"]["entryPoints"], serde_json::json!(["tcp-2222"]));
    assert_eq!(tcp["spec"]["routes"][0]["match"], "HostSNI(`*`)");
    assert_eq!(tcp["spec"]["routes"][0]["services"], serde_json::json!([{"name": "forgejo", "port": 2222}]));
    let udp = file(FORGE, "forge/ingressrouteudp-dns-udp-5353.yaml");
    assert_eq!(udp["kind"], "IngressRouteUDP");
    assert_eq!(udp["spec"]["entryPoints"], serde_json::json!(["udp-5353"]));
    assert_eq!(udp["spec"]["routes"][0]["services"], serde_json::json!([{"name": "dns", "port": 5353}]));
}

#[test]
fn traefik_release_opens_the_entry_points_and_skips_them_past_the_proxy() {
    let release = file(FORGE, "traefik/helmrelease-traefik.yaml");
    let values = &release["spec"]["values"];
    assert_eq!(
        values["ports"]["tcp-2222"],
        serde_json::json!({"port": 2222, "exposedPort": 2222, "expose": {"default": true}, "protocol": "TCP"})
    );
    assert_eq!(
        values["ports"]["udp-5353"],
        serde_json::json!({"port": 5353, "exposedPort": 5353, "expose": {"default": true}, "protocol": "UDP"})
    );
    // Linkerd's proxy-init redirects TCP only: the UDP port needs no skip.
    let skipped = &values["deployment"]["podAnnotations"]["config.linkerd.io/skip-inbound-ports"];
    assert_eq!(skipped, "8000,8443,2222");
}

#[test]
fn policies_admit_the_world_to_traefik_and_traefik_to_the_app() {
    let tree = compile(&stack(FORGE)).expect("the stack compiles");
    let policies: Vec<String> = tree
        .files
        .iter()
        .filter(|(path, _)| path.contains("networkpolic"))
        .map(|(path, bytes)| format!("{path}\n{}", String::from_utf8_lossy(bytes)))
        .collect();
    let traefik: Vec<&String> = policies.iter().filter(|p| p.contains("namespace: traefik")).collect();
    assert!(
        traefik.iter().any(|p| p.contains("0.0.0.0/0") && p.contains("port: 2222") && p.contains("port: 5353")),
        "Traefik admits the world on the new entry points: {traefik:#?}"
    );
    let forge: Vec<&String> = policies.iter().filter(|p| p.contains("namespace: forge")).collect();
    assert!(
        forge.iter().any(|p| p.contains("kubernetes.io/metadata.name: traefik") && p.contains("port: 2222")),
        "the forge admits Traefik on its SSH port: {forge:#?}"
    );
    let dir = project(&stack(FORGE));
    let out = stackc(dir.path(), &["verify"]);
    assert!(out.status.success(), "verify proves the policies: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn two_apps_on_one_public_port_are_labelled_at_both() {
    let body = "    namespace \"a\" {
        app \"one\" image=\"x:1\" {
            port \"ssh\" 22
            expose-port 2222 port=\"ssh\"
        }
        app \"two\" image=\"y:1\" {
            port \"ssh\" 22
            expose-port 2222 port=\"ssh\"
        }
    }";
    let source = stack(body);
    let d = stackc::resolve(&source).expect_err("the stack must be rejected");
    insta::assert_snapshot!("expose-port-duplicate", render_diagnostics(&d, &source));
}

#[test]
fn traefiks_own_ports_are_not_public_ports() {
    let body = "    namespace \"a\" {
        app \"web\" image=\"x:1\" {
            port \"http\" 8080
            expose-port 443 port=\"http\"
        }
    }";
    let source = stack(body);
    let d = stackc::resolve(&source).expect_err("the stack must be rejected");
    let text = render_diagnostics(&d, &source);
    assert!(text.contains("invalid-value") && text.contains("port 443 is Traefik's own"), "{text}");
}

/// Kyverno holds each namespace's IngressRouteTCPs and IngressRouteUDPs to
/// the entry points its `expose-port`s open; a namespace without one may
/// have none. The rendered routes pass; a route on another entry point, or
/// in another namespace, fails.
#[test]
fn kyverno_holds_tcp_and_udp_routes_to_their_entry_points() {
    use crate::kyverno::common::{Outcome, outcome};
    let body = format!("{FORGE}\n    namespace \"other\" {{\n        app \"web\" image=\"z:1\"\n    }}");
    let source = stack(&body).replace("        traefik\n", "        traefik\n        kyverno mode=\"enforce\"\n");
    let tree = compile(&source).expect("the stack compiles, the self-check passes");
    let yaml = |part: &str| -> serde_json::Value {
        let (_, bytes) = tree.files.iter().find(|(path, _)| path.contains(part)).expect(part);
        serde_yaml_ng::from_slice(bytes).expect("YAML")
    };
    let policy = yaml("clusterpolicy-restrict-ingressroute-hosts.yaml");
    let tcp = yaml("forge/ingressroutetcp-forgejo-tcp-2222.yaml");
    let udp = yaml("forge/ingressrouteudp-dns-udp-5353.yaml");
    assert_eq!(outcome(&policy, &tcp, "entry-points-forge"), Outcome::Pass);
    assert_eq!(outcome(&policy, &udp, "entry-points-forge"), Outcome::Pass);
    let mut stolen = tcp.clone();
    stolen["spec"]["entryPoints"] = serde_json::json!(["websecure"]);
    assert!(matches!(outcome(&policy, &stolen, "entry-points-forge"), Outcome::Fail { .. }));
    let mut elsewhere = tcp;
    elsewhere["metadata"]["namespace"] = serde_json::json!("other");
    assert!(matches!(outcome(&policy, &elsewhere, "entry-points-other"), Outcome::Fail { .. }));
}

/// Traefik runs as a non-root user without `NET_BIND_SERVICE`: a public port
/// below 1024 is served by its Service, while the container listens 10000
/// higher; the NetworkPolicy and Linkerd's skip list name the container port.
#[test]
fn privileged_public_ports_listen_higher_up() {
    let body = "    namespace \"forge\" mesh=#true {
        app \"forgejo\" image=\"x:1\" {
            port \"ssh\" 2222
            expose-port 22 port=\"ssh\"
        }
    }";
    let release = file(body, "traefik/helmrelease-traefik.yaml");
    let values = &release["spec"]["values"];
    assert_eq!(
        values["ports"]["tcp-22"],
        serde_json::json!({"port": 10022, "exposedPort": 22, "expose": {"default": true}, "protocol": "TCP"})
    );
    assert_eq!(values["deployment"]["podAnnotations"]["config.linkerd.io/skip-inbound-ports"], "8000,8443,10022");
    let tree = compile(&stack(body)).expect("the stack compiles");
    let traefik_policy = tree
        .files
        .iter()
        .find(|(path, bytes)| {
            path.contains("networkpolic")
                && String::from_utf8_lossy(bytes).contains("0.0.0.0/0")
                && path.contains("traefik")
        })
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
        .expect("Traefik's ingress policy");
    assert!(traefik_policy.contains("port: 10022") && !traefik_policy.contains("port: 22\n"), "{traefik_policy}");
    let route = file(body, "forge/ingressroutetcp-forgejo-tcp-22.yaml");
    assert_eq!(route["spec"]["entryPoints"], serde_json::json!(["tcp-22"]));
}

#[test]
fn a_privileged_ports_listening_port_is_not_free_for_another() {
    let body = "    namespace \"a\" {
        app \"one\" image=\"x:1\" {
            port \"ssh\" 22
            expose-port 22 port=\"ssh\"
        }
        app \"two\" image=\"y:1\" {
            port \"ssh\" 22
            expose-port 10022 port=\"ssh\"
        }
    }";
    let source = stack(body);
    let d = stackc::resolve(&source).expect_err("the stack must be rejected");
    insta::assert_snapshot!("expose-port-privileged-collision", render_diagnostics(&d, &source));
}
