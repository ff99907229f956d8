//! Images that start under the hardened defaults: the user each pod runs as
//! and a writable volume at every path its image writes (the runtime facts
//! in `src/check/images.rs`; issue 18 item 8).

use serde_json::Value;

use crate::support::{compile, compile_in, root};

fn yaml(tree: &stackc::render::Tree, path: &str) -> Value {
    let bytes = tree.files.get(path).unwrap_or_else(|| panic!("{path} is not rendered"));
    serde_yaml_ng::from_slice(bytes).expect("rendered YAML parses")
}

fn seed() -> stackc::render::Tree {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    compile_in(&root(), &source).unwrap()
}

/// The pod spec of a Deployment or StatefulSet.
fn pod(object: &Value) -> &Value {
    &object["spec"]["template"]["spec"]
}

/// The mount paths of the first container, each with whether its volume is
/// writable (an emptyDir, a PVC or a claim template).
fn writable_mounts(object: &Value) -> Vec<String> {
    let pod = pod(object);
    let templates: Vec<&str> = object["spec"]["volumeClaimTemplates"]
        .as_array()
        .map(|t| t.iter().filter_map(|c| c["metadata"]["name"].as_str()).collect())
        .unwrap_or_default();
    pod["containers"][0]["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            let name = m["name"].as_str().unwrap();
            let volume = pod["volumes"].as_array().and_then(|v| v.iter().find(|v| v["name"] == name));
            templates.contains(&name)
                || volume.is_some_and(|v| v.get("emptyDir").is_some() || v.get("persistentVolumeClaim").is_some())
        })
        .map(|m| m["mountPath"].as_str().unwrap().to_owned())
        .collect()
}

fn covered(mounts: &[String], path: &str) -> bool {
    mounts.iter().any(|m| path == m || path.strip_prefix(m.as_str()).is_some_and(|r| r.starts_with('/')))
}

#[test]
fn linkwarden_runs_as_a_non_root_user_with_its_cache_writable() {
    let deployment = yaml(&seed(), "clusters/production/linkwarden/deployment-linkwarden.yaml");
    let context = &pod(&deployment)["securityContext"];
    // linkwarden v2.13.1's Dockerfile has no USER: without runAsUser the
    // kubelet refuses the pod ("image will run as root").
    assert_eq!(context["runAsNonRoot"], true);
    let user = context["runAsUser"].as_i64().expect("runAsUser is set");
    assert!(user > 0, "{context}");
    assert!(context["runAsGroup"].as_i64().is_some_and(|g| g > 0), "{context}");
    assert_eq!(pod(&deployment)["containers"][0]["securityContext"]["readOnlyRootFilesystem"], true);
    let mounts = writable_mounts(&deployment);
    for path in ["/data/apps/web/.next/cache", "/data/data"] {
        assert!(covered(&mounts, path), "{path} is not writable: {mounts:?}");
    }
}

#[test]
fn postgres_runs_as_999_with_its_data_socket_and_tmp_writable() {
    let tree = seed();
    for (path, major) in [
        ("clusters/production/authentik/statefulset-postgres.yaml", "18"),
        ("clusters/production/linkwarden/statefulset-postgres.yaml", "16"),
    ] {
        let set = yaml(&tree, path);
        let context = &pod(&set)["securityContext"];
        // docker-library/postgres 18/trixie/Dockerfile:11-13: postgres is uid and gid 999.
        for key in ["runAsUser", "runAsGroup", "fsGroup"] {
            assert_eq!(context[key], 999, "{path} {key}: {context}");
        }
        assert_eq!(context["fsGroupChangePolicy"], "OnRootMismatch", "{path}");
        let container = &pod(&set)["containers"][0];
        assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
        let pgdata = container["env"].as_array().unwrap().iter().find(|e| e["name"] == "PGDATA").unwrap()["value"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(pgdata.contains(major) || major != "18", "{pgdata}");
        let mounts = writable_mounts(&set);
        for writable in [pgdata.as_str(), "/var/run/postgresql", "/tmp"] {
            assert!(covered(&mounts, writable), "{path}: {writable} is not writable: {mounts:?}");
        }
    }
}

#[test]
fn redis_runs_as_999_with_data_writable() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"a\" {\n        database \"cache\" engine=\"redis\" version=\"8\" size=\"1Gi\" persistence=\"aof\"\n    }\n}\n";
    let set = yaml(&compile(source).unwrap(), "clusters/c/a/statefulset-cache.yaml");
    let context = &pod(&set)["securityContext"];
    // redis/docker-library-redis debian/Dockerfile:5-6: redis is uid and gid 999; /data is its WORKDIR.
    for key in ["runAsUser", "runAsGroup", "fsGroup"] {
        assert_eq!(context[key], 999, "{key}: {context}");
    }
    assert!(covered(&writable_mounts(&set), "/data"));
}

fn app_stack(app: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    namespace \"a\" {{\n{app}\n    }}\n}}\n"
    )
}

fn app_context(app: &str) -> Value {
    let deployment = yaml(&compile(&app_stack(app)).unwrap(), "clusters/c/a/deployment-web.yaml");
    pod(&deployment)["securityContext"].clone()
}

#[test]
fn image_apps_run_as_65532_unless_they_say_otherwise() {
    let context = app_context("        app \"web\" image=\"x:1\"");
    for key in ["runAsUser", "runAsGroup", "fsGroup"] {
        assert_eq!(context[key], 65532, "{key}: {context}");
    }
    let own = app_context(
        "        app \"web\" image=\"x:1\" {\n            security run-as-user=1000 run-as-group=2000\n        }",
    );
    assert_eq!((&own["runAsUser"], &own["runAsGroup"], &own["fsGroup"]), (&1000.into(), &2000.into(), &2000.into()));
    let trusted =
        app_context("        app \"web\" image=\"x:1\" {\n            security trust-image-user=#true\n        }");
    assert!(trusted.get("runAsUser").is_none() && trusted.get("runAsGroup").is_none(), "{trusted}");
    assert_eq!(trusted["runAsNonRoot"], true, "the kubelet still checks the image's USER");
}

#[test]
fn linkwarden_without_its_cache_volume_is_an_error() {
    let source = app_stack(
        "        app \"links\" image=\"ghcr.io/linkwarden/linkwarden:v2.13.1\" {\n            security run-as-user=1000\n            volume \"data\" mount=\"/data/data\" size=\"1Gi\"\n        }",
    );
    insta::assert_snapshot!("image_writes_outside_its_volumes", compile(&source).unwrap_err());
}

#[test]
fn trusting_the_user_of_an_image_that_runs_as_root_is_an_error() {
    let source = app_stack(
        "        app \"links\" image=\"ghcr.io/linkwarden/linkwarden:v2.13.1\" {\n            security trust-image-user=#true\n            volume \"data\" mount=\"/data\" size=\"1Gi\"\n        }",
    );
    insta::assert_snapshot!("trusted_image_user_is_root", compile(&source).unwrap_err());
}

#[test]
fn root_and_contradictory_ids_are_errors() {
    let root =
        compile(&app_stack("        app \"web\" image=\"x:1\" {\n            security run-as-user=0\n        }"))
            .unwrap_err();
    assert!(root.contains("image-runtime") && root.contains("uid 0 is root"), "{root}");
    let both = compile(&app_stack(
        "        app \"web\" image=\"x:1\" {\n            security run-as-user=10 trust-image-user=#true\n        }",
    ))
    .unwrap_err();
    assert!(both.contains("exclude each other"), "{both}");
    let negative =
        compile(&app_stack("        app \"web\" image=\"x:1\" {\n            security fs-group=-1\n        }"))
            .unwrap_err();
    assert!(negative.contains("must not be negative"), "{negative}");
    let as_root = app_stack(
        "        app \"web\" image=\"x:1\" {\n            security run-as-user=0 run-as-non-root=#false\n        }",
    );
    compile(&as_root).expect("root is allowed when the stack says so");
}

#[test]
fn an_image_at_another_tag_than_its_facts_gets_a_warning() {
    let app = |tag: &str| {
        app_stack(&format!(
            "        app \"links\" image=\"ghcr.io/linkwarden/linkwarden:{tag}\" {{\n            security run-as-user=1000\n            volume \"data\" mount=\"/data\" size=\"1Gi\"\n        }}"
        ))
    };
    let warnings = |source: &str| {
        let store = stackc::secrets::SecretStore::default();
        let analyzed = stackc::analyze(source, &store).expect("builds");
        crate::support::render_diagnostics(&analyzed[0].derived.warnings, source)
    };
    let text = warnings(&app("v2.14.0"));
    assert!(text.contains("image-runtime") && text.contains("v2.13.1") && text.contains("v2.14.0"), "{text}");
    assert!(!warnings(&app("v2.13.1")).contains("image-runtime"));
    compile(&app("v2.14.0")).expect("a warning does not stop the build");
}

#[test]
fn an_untagged_image_is_a_warning() {
    let stack = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
    }
    platform {
        engine "flux"
    }
    namespace "a" {
        app "web" image="nginx" {
            port "http" 8080
        }
        app "pinned" image="nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000" {
            port "http" 8080
        }
        app "tagged" image="registry.example.org:5000/nginx:1.27" {
            port "http" 8080
        }
    }
}
"#;
    let dir = crate::support::project(stack);
    let out = crate::support::stackc(dir.path(), &["build"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr.matches("untagged-image").count(), 1, "{stderr}");
    assert!(stderr.contains("image `nginx` has no tag"), "{stderr}");
}
