//! Several apps on one host (issue 14): routes by path prefix, longest first,
//! one Certificate per host, strip-prefix Middlewares, and the errors when two
//! exposures cannot share a host, each labelled at both declarations.

use crate::support::{compile, tree_text};

const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// A stack with Traefik and two issuers, around `body`.
fn stack(body: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {{ age-recipient \"{DEMO_RECIPIENT}\"; }}\n    platform {{\n        traefik\n        cert-manager {{\n            issuer \"le\" acme-email=\"ops@acme.io\" dns01=\"cloudflare\" token-secret=\"cf\"\n            issuer \"staging\" acme-email=\"ops@acme.io\" dns01=\"cloudflare\" token-secret=\"cf\"\n        }}\n    }}\n{body}\n}}\n"
    )
}

const SHARED: &str = "    namespace \"a\" {
        app \"web\" image=\"x:1\" {
            port \"http\" 3000
            expose \"social.acme.io\" port=\"http\" issuer=\"le\"
        }
        app \"streaming\" image=\"y:1\" {
            port \"streaming\" 4000
            expose \"social.acme.io\" port=\"streaming\" path=\"/api/v1/streaming\" issuer=\"le\"
        }
        app \"media\" image=\"z:1\" {
            port \"http\" 8080
            expose \"social.acme.io\" port=\"http\" path=\"/media\" strip-prefix=#true issuer=\"le\"
        }
    }";

fn errors(body: &str) -> String {
    compile(&stack(body)).expect_err("the stack must be rejected")
}

/// The files of the tree whose name contains `part`.
fn files(body: &str, part: &str) -> Vec<(String, String)> {
    let tree = compile(&stack(body)).expect("the stack compiles");
    tree.files
        .iter()
        .filter(|(path, _)| path.contains(part))
        .map(|(path, bytes)| (path.clone(), String::from_utf8_lossy(bytes).into_owned()))
        .collect()
}

/// The YAML document of one file.
fn yaml(text: &str) -> serde_json::Value {
    serde_yaml_ng::from_str(text).expect("the file is YAML")
}

#[test]
fn shared_host_has_one_certificate_and_one_route_list_longest_prefix_first() {
    let certificates = files(SHARED, "certificate-");
    assert_eq!(certificates.len(), 1, "{certificates:?}");
    let routes = files(SHARED, "ingressroute-");
    assert_eq!(routes.len(), 1, "{routes:?}");
    let route = yaml(&routes[0].1);
    let rules: Vec<&str> =
        route["spec"]["routes"].as_array().unwrap().iter().map(|r| r["match"].as_str().unwrap()).collect();
    assert_eq!(
        rules,
        [
            "Host(`social.acme.io`) && PathPrefix(`/api/v1/streaming`)",
            "Host(`social.acme.io`) && PathPrefix(`/media`)",
            "Host(`social.acme.io`)",
        ],
        "longest prefix first"
    );
    // Priorities fall with the prefix: Traefik tries the highest first.
    let priorities: Vec<u64> =
        route["spec"]["routes"].as_array().unwrap().iter().map(|r| r["priority"].as_u64().unwrap()).collect();
    assert_eq!(priorities, rules.iter().map(|r| r.len() as u64).collect::<Vec<_>>());
    assert!(priorities.windows(2).all(|w| w[0] > w[1]), "{priorities:?}");
    insta::assert_snapshot!("shared-host", tree_text(&compile(&stack(SHARED)).unwrap()));
}

#[test]
fn strip_prefix_writes_a_middleware_the_route_uses() {
    let middlewares = files(SHARED, "middleware-");
    assert_eq!(middlewares.len(), 1, "{middlewares:?}");
    let middleware = yaml(&middlewares[0].1);
    assert_eq!(middleware["spec"]["stripPrefix"]["prefixes"], serde_json::json!(["/media"]));
    let route = yaml(&files(SHARED, "ingressroute-")[0].1);
    let media = &route["spec"]["routes"][1];
    assert_eq!(media["middlewares"], serde_json::json!([{"name": middleware["metadata"]["name"]}]));
    assert!(
        route["spec"]["routes"][0].get("middlewares").is_none()
            && route["spec"]["routes"][2].get("middlewares").is_none()
    );
}

#[test]
fn a_host_exposed_once_has_no_priority() {
    let body = "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" issuer=\"le\"\n        }\n    }";
    let route = &files(body, "ingressroute-")[0].1;
    assert!(!route.contains("priority") && !route.contains("middlewares"), "{route}");
}

#[test]
fn same_host_and_path_twice_is_labelled_at_both() {
    let body = "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" path=\"/api\" issuer=\"le\"\n        }\n        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" path=\"/api\" issuer=\"le\"\n        }\n    }";
    let text = errors(body);
    assert!(!text.contains("byte"), "{text}");
    insta::assert_snapshot!("shared_host_same_path_twice", text);
}

#[test]
fn shared_host_across_namespaces() {
    let body = "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" issuer=\"le\"\n        }\n    }\n    namespace \"b\" {\n        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" path=\"/api\" issuer=\"le\"\n        }\n    }";
    insta::assert_snapshot!("shared_host_across_namespaces", errors(body));
}

#[test]
fn shared_host_with_two_issuers() {
    let body = "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" issuer=\"le\"\n        }\n        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" path=\"/api\" issuer=\"staging\"\n        }\n    }";
    insta::assert_snapshot!("shared_host_with_two_issuers", errors(body));
}

#[test]
fn strip_prefix_at_root() {
    let body = "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" strip-prefix=#true issuer=\"le\"\n        }\n    }";
    insta::assert_snapshot!("strip_prefix_at_root", errors(body));
}

#[test]
fn related_places_in_json_are_lines_and_columns() {
    let body = "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" issuer=\"le\"\n        }\n        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\" issuer=\"le\"\n        }\n    }";
    let source = stack(body);
    let options = stackc::CompileOptions {
        render: stackc::render::RenderOptions { source_name: "stack.kdl".into(), templates: Default::default() },
        secrets: crate::support::platform_store(&source),
        repository: String::new(),
    };
    let Err(d) = stackc::compile(&source, &options) else { panic!("the stack must be rejected") };
    let json = stackc::cli::report::render(&d, "stack.kdl", &source, stackc::cli::Format::Json, false);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let duplicate = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "duplicate-host")
        .unwrap_or_else(|| panic!("{json}"));
    assert_eq!((duplicate["line"].as_u64(), duplicate["column"].as_u64()), (Some(17), Some(20)), "{json}");
    let related = &duplicate["related"][0];
    assert_eq!((related["line"].as_u64(), related["column"].as_u64()), (Some(13), Some(20)), "{json}");
    assert_eq!(related["label"], "first exposed here");
}

/// One app at two paths of one host, moved to another host in one cluster:
/// `host=` and `expose "<host>" host=...` move every exposure of that host.
#[test]
fn an_override_moves_every_path_of_the_host() {
    for change in [
        "host=\"api.staging.acme.io\"",
        "{\n            expose \"api.acme.io\" host=\"api.staging.acme.io\"\n        }",
    ] {
        let source = format!(
            "stack \"s\" {{
    cluster \"production\" distribution=\"k3s\" version=\"1.33\"
    cluster \"staging\" distribution=\"k3s\" version=\"1.33\" {{
        override \"a/api\" {change}
    }}
    platform {{
        traefik
        cert-manager {{
            issuer \"le\" acme-email=\"ops@acme.io\" dns01=\"cloudflare\" token-secret=\"cf\"
        }}
    }}
    namespace \"a\" {{
        app \"api\" image=\"y:1\" {{
            port \"http\" 8080
            port \"ws\" 8081
            expose \"api.acme.io\" port=\"http\"
            expose \"api.acme.io\" port=\"ws\" path=\"/ws\"
        }}
    }}
}}
"
        );
        let tree = compile(&source).unwrap_or_else(|e| panic!("{change}: {e}"));
        let route = |cluster: &str, host: &str| {
            let path = format!("clusters/{cluster}/a/ingressroute-{host}.yaml");
            yaml(&String::from_utf8_lossy(tree.files.get(&path).unwrap_or_else(|| panic!("{path}"))))
        };
        for (cluster, host) in [("production", "api-acme-io"), ("staging", "api-staging-acme-io")] {
            let routes = route(cluster, host)["spec"]["routes"].as_array().unwrap().len();
            assert_eq!(routes, 2, "{change}: {cluster}");
        }
        assert!(!tree.files.contains_key("clusters/staging/a/ingressroute-api-acme-io.yaml"), "{change}");
    }
}
