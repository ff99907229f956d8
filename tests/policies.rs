//! Kyverno self-conformance: every object stackc writes passes every rule
//! stackc writes, and the build says which rule and which stack line when a
//! declaration would break one.

use crate::support::compile;

fn stack(kyverno: &str, app: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {{\n        storage-class \"local-path\" default=#true\n    }}\n    platform {{\n        {kyverno}\n    }}\n    namespace \"a\" {{\n        app \"web\" {app}\n    }}\n}}\n"
    )
}

#[test]
fn a_latest_tag_breaks_the_generated_rule_at_its_line() {
    let err = compile(&stack("kyverno", "image=\"nginx:latest\"")).expect_err("latest is refused");
    assert!(err.contains("policy-violation"), "{err}");
    assert!(err.contains("disallow-latest-tag"), "{err}");
    assert!(err.contains("stack.kdl:9:13"), "points at the app: {err}");
}

#[test]
fn an_override_switches_the_rule_off() {
    let tree = compile(&stack(
        "kyverno {\n            rule \"disallow-latest-tag\" enabled=#false\n        }",
        "image=\"nginx:latest\"",
    ))
    .unwrap();
    assert!(!tree.files.keys().any(|p| p.ends_with("clusterpolicy-disallow-latest-tag.yaml")));
}

#[test]
fn relaxed_security_breaks_pod_security_unless_overridden() {
    let app = "image=\"nginx:1.29\" {\n            security run-as-non-root=#false\n        }";
    let err = compile(&stack("kyverno mode=\"enforce\"", app)).expect_err("root is refused");
    assert!(err.contains("run-as-non-root"), "{err}");
    compile(&stack(
        "kyverno mode=\"enforce\" {\n            rule \"restrict-pod-security\" enabled=#false\n        }",
        app,
    ))
    .unwrap();
}

#[test]
fn a_volume_on_an_undeclared_class_is_impossible_and_declared_ones_pass() {
    // The language rejects undeclared classes before Kyverno could; the
    // storage-class rule then holds for every PVC stackc writes.
    let app = "image=\"nginx:1.29\" {\n            volume \"data\" mount=\"/data\" size=\"1Gi\"\n        }";
    let tree = compile(&stack("kyverno", app)).unwrap();
    let policy = String::from_utf8(
        tree.files["clusters/c/kyverno-policies/clusterpolicy-restrict-storage-classes.yaml"].clone(),
    )
    .unwrap();
    assert!(policy.contains("storageClassName: local-path"), "{policy}");
}

#[test]
fn the_seed_stack_is_checked_against_every_rule() {
    let root = crate::support::root();
    let source = std::fs::read_to_string(root.join("stack.kdl")).unwrap();
    let store = stackc::secrets::load_store(&root).unwrap();
    let derived = stackc::analyze(&source, &store).unwrap().remove(0).derived;
    let report = stackc::verify::policies(&derived).unwrap();
    // 58 since the seed lost Redis (docs/decisions/0011-authentik-without-redis.md).
    assert!(report.results.len() > 50, "{} applicable rule results", report.results.len());
    assert!(report.results.iter().all(|r| r.pass));
    assert!(report.results.iter().any(|r| r.rule == "autogen-restrict-image-registries"));
}

#[test]
fn a_kyverno_cli_suite_sits_beside_the_policies() {
    let source = stack("kyverno", "image=\"nginx:1.29\" {\n            port \"http\" 8080\n        }");
    let tree = compile(&source).unwrap();
    let dir = "clusters/c/kyverno-policies/.kyverno-test/a";
    let test: serde_json::Value = serde_yaml_ng::from_slice(&tree.files[&format!("{dir}/kyverno-test.yaml")]).unwrap();
    assert_eq!(test["kind"], "Test");
    assert_eq!(test["policies"], serde_json::json!(["policies.yaml"]));
    let results = test["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["policy"] == "restrict-service-types"
        && r["kind"] == "Service"
        && r["resources"][0] == "web"
        && r["result"] == "pass"));
    assert!(results.iter().any(|r| r["rule"] == "autogen-validate-image-tag" && r["kind"] == "Deployment"));
    let resources = String::from_utf8(tree.files[&format!("{dir}/resources.yaml")].clone()).unwrap();
    assert!(resources.contains("kind: Deployment") && resources.contains("\n---\n"));
}
