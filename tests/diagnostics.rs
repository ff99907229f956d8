//! Every diagnostic the compiler reports, rendered exactly as users see it.
//! Each case is a small stack; the snapshot holds the whole rendered output.

use crate::support::compile;

const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// A valid stack to break in one place. Its cluster lists the demo recipient,
/// which the stored platform Secrets are encrypted to (`support::platform_store`).
fn stack(body: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {{ age-recipient \"{DEMO_RECIPIENT}\"; }}\n    platform {{\n        traefik\n        cert-manager {{\n            issuer \"le\" acme-email=\"ops@acme.io\" dns01=\"cloudflare\" token-secret=\"cf\"\n        }}\n    }}\n{body}\n}}\n"
    )
}

fn errors(source: &str) -> String {
    compile(source).expect_err("the stack must be rejected")
}

macro_rules! diagnostic_cases {
    ($($name:ident: $body:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let source = stack($body);
                insta::assert_snapshot!(stringify!($name), errors(&source));
            }
        )*
    };
}

diagnostic_cases! {
    unknown_node: "    namespace \"a\" {\n        ap \"web\" image=\"x:1\"\n    }";
    unknown_property: "    namespace \"a\" {\n        app \"web\" imgae=\"x:1\"\n    }";
    wrong_type: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" replicas=\"two\"\n    }";
    duplicate_name: "    namespace \"a\" {\n        app \"web\" image=\"x:1\"\n        app \"web\" image=\"y:1\"\n    }";
    duplicate_name_database_then_app: "    namespace \"a\" {\n        database \"db\" engine=\"redis\" version=\"8\" size=\"1Gi\"\n        app \"db\" image=\"x:1\"\n    }";
    duplicate_property: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" image=\"y:1\"\n    }";
    duplicate_port: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            port \"admin\" 8080\n        }\n    }";
    duplicate_env: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            env \"MODE\" \"a\"\n            env \"MODE\" \"b\"\n        }\n    }";
    connection_to_unknown_app: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            connects-to \"dbb\"\n        }\n        database \"db\" engine=\"postgresql\" version=\"16\" size=\"1Gi\"\n    }";
    connection_to_undeclared_port: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            connects-to \"api\" port=\"grcp\"\n        }\n        app \"api\" image=\"y:1\" {\n            port \"grpc\" 9090\n        }\n    }";
    connection_into_unmanaged_namespace: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            connects-to \"monitoring/prometheus\" port=9090\n        }\n    }";
    exposure_of_undeclared_port: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"https\"\n        }\n    }";
    invalid_name: "    namespace \"Team_A\" {\n        app \"web\" image=\"x:1\"\n    }";
    invalid_quantity: "    namespace \"a\" {\n        database \"db\" engine=\"postgresql\" version=\"16\" size=\"10GB\"\n    }";
    unknown_engine: "    namespace \"a\" {\n        database \"db\" engine=\"postgres\" version=\"16\" size=\"1Gi\"\n    }";
    unknown_engine_version: "    namespace \"a\" {\n        database \"db\" engine=\"redis\" version=\"5\" size=\"1Gi\"\n    }";
    host_exposed_twice: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\"\n        }\n        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n            expose \"web.acme.io\" port=\"http\"\n        }\n    }";
    dependency_cycle: "    namespace \"a\" {\n        depends-on \"b\"\n    }\n    namespace \"b\" {\n        depends-on \"a\"\n    }";
    release_app_without_pod_labels: "    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" {\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\"\n        app \"x\" release=\"x\" workload=\"x\"\n    }";
    mesh_without_linkerd: "    namespace \"a\" mesh=#true {\n        app \"web\" image=\"x:1\"\n    }";
    unclosed_block: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n\n    }";
    unclosed_last_block: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 8080\n        }";
    kdl_v1_boolean: "    namespace \"a\" mesh=true {\n        app \"web\" image=\"x:1\"\n    }";
    port_out_of_range: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"http\" 70000\n        }\n    }";
    replicas_below_zero: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" replicas=-1\n    }";
    secret_of_another_namespace: "    namespace \"rss\" {\n        database \"db\" engine=\"postgresql\" version=\"16\" size=\"1Gi\"\n    }\n    namespace \"web\" {\n        app \"web\" image=\"x:1\" {\n            env \"PGPASSWORD\" secret=\"rss/db-credentials\" key=\"password\"\n        }\n    }";
    connection_to_misspelt_namespace: "    namespace \"rss\" {\n        database \"db\" engine=\"redis\" version=\"8\" size=\"1Gi\"\n    }\n    namespace \"web\" {\n        app \"web\" image=\"x:1\" {\n            connects-to \"rs/db\"\n        }\n    }";
    kdl_syntax_error: "    namespace \"a\" {\n        app \"web\" image=\"x:1\n    }";
    mesh_client_without_identity: "    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" mesh=#true {\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\"\n        app \"x\" release=\"x\" workload=\"x\" {\n            pods \"app.kubernetes.io/name\"=\"x\"\n            connects-to \"db\"\n        }\n        database \"db\" engine=\"redis\" version=\"8\" size=\"1Gi\"\n    }";
    secret_without_stored_values: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            env \"TOKEN\" secret=\"tokens\" key=\"api\"\n        }\n        secret \"tokens\" {\n            key \"api\"\n        }\n    }";
    database_password_without_stored_value: "    namespace \"a\" {\n        database \"db\" engine=\"postgresql\" version=\"16\" size=\"1Gi\"\n    }";
    credentials_secret_without_password: "    namespace \"a\" {\n        database \"db\" engine=\"postgresql\" version=\"16\" size=\"1Gi\"\n        secret \"db-credentials\" {\n            key \"user\"\n        }\n    }";
    kept_secret_without_keys: "    namespace \"a\" {\n        secret \"tokens\"\n    }";
    metrics_without_prometheus: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            port \"metrics\" 9100\n            metrics port=\"metrcis\"\n        }\n    }";
    secret_key_not_declared: "    namespace \"a\" {\n        app \"web\" image=\"x:1\" {\n            env \"TOKEN\" secret=\"tokens\" key=\"api\"\n        }\n        secret \"tokens\" {\n            key \"apii\"\n        }\n    }";
}

#[test]
fn all_errors_are_reported_at_once() {
    let source = stack(
        "    namespace \"A\" {\n        app \"web\" image=\"x:1\" {\n            connects-to \"nope\"\n        }\n        database \"db\" engine=\"mysql\" version=\"8\" size=\"1GB\"\n    }",
    );
    let text = errors(&source);
    for code in ["invalid-name", "unknown-reference", "unknown-engine", "invalid-quantity"] {
        assert!(text.contains(code), "{code} missing from:\n{text}");
    }
    assert!(text.contains("4 errors"), "{text}");
}

#[test]
fn unknown_kyverno_rule() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {\n        kyverno {\n            rule \"disallow-latest-tags\" enabled=#false\n        }\n    }\n}\n";
    insta::assert_snapshot!("unknown_kyverno_rule", errors(source));
}

/// A stack whose `platform` holds `platform`.
fn platform_stack(platform: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {{\n{platform}\n    }}\n}}\n"
    )
}

macro_rules! engine_cases {
    ($($name:ident: $platform:expr;)*) => {
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), errors(&platform_stack($platform)));
            }
        )*
    };
}

engine_cases! {
    engine_unknown: "        engine \"fluxcd\"";
    engine_given_twice: "        engine \"flux\"\n        engine \"argocd\"";
    engine_property_of_another_engine: "        engine \"kustomize\" install-manifest=\"gotk-components.yaml\"";
    engine_argocd_without_git: "        engine \"argocd\" namespace=\"argocd\"";
    engine_argocd_invalid_namespace: "        engine \"argocd\" namespace=\"Argo_CD\"";
    flux_node_replaced_by_engine: "        flux install-manifest=\"gotk-components.yaml\"";
}
