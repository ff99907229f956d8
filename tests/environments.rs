//! Environments: several clusters in one stack, sharing apps, each with its
//! own overrides, store and `clusters/<name>/` tree.

use crate::support::{compile, compile_in, project, root, stackc};

fn example() -> stackc::render::Tree {
    let dir = root().join("examples/environments");
    compile_in(&dir, &std::fs::read_to_string(dir.join("stack.kdl")).unwrap()).unwrap()
}

fn file(tree: &stackc::render::Tree, path: &str) -> String {
    String::from_utf8(tree.files.get(path).unwrap_or_else(|| panic!("{path} is missing")).clone()).unwrap()
}

/// Two clusters without Secrets: the shared part and the overridden part.
fn two_clusters(overrides: &str) -> String {
    format!(
        r#"stack "s" {{
    cluster "production" distribution="k3s" version="1.33"
    cluster "staging" distribution="k3s" version="1.33" {{
{overrides}
    }}
    platform {{
        traefik
        cert-manager {{
            issuer "le" acme-email="ops@acme.io" dns01="cloudflare" token-secret="cf"
        }}
    }}
    namespace "a" {{
        app "web" image="x:1" replicas=3 {{
            port "http" 8080
            port "admin" 9090
            expose "web.acme.io" port="http"
            expose "admin.acme.io" port="admin"
            volume "data" mount="/data" size="10Gi"
        }}
        app "api" image="y:1" {{
            port "http" 8080
            expose "api.acme.io" port="http"
        }}
        database "db" engine="redis" version="8" size="5Gi"
    }}
}}
"#
    )
}

#[test]
fn each_cluster_renders_its_own_tree_with_its_overrides() {
    let tree = example();
    let production = file(&tree, "clusters/production/wiki/deployment-web.yaml");
    let staging = file(&tree, "clusters/staging/wiki/deployment-web.yaml");
    assert!(production.contains("replicas: 3") && staging.contains("replicas: 1"));
    assert!(production.contains("memory: \"1Gi\"") && staging.contains("memory: \"256Mi\""));
    // Only the limit named in the override changes; the request stays shared.
    assert!(staging.contains("memory: \"256Mi\"") && staging.contains("cpu: \"100m\""));
    assert!(file(&tree, "clusters/production/wiki/persistentvolumeclaim-web-uploads.yaml").contains("\"20Gi\""));
    assert!(file(&tree, "clusters/staging/wiki/persistentvolumeclaim-web-uploads.yaml").contains("\"1Gi\""));
    assert!(file(&tree, "clusters/production/wiki/statefulset-db.yaml").contains("\"50Gi\""));
    assert!(file(&tree, "clusters/staging/wiki/statefulset-db.yaml").contains("\"2Gi\""));
    assert!(tree.files.contains_key("clusters/production/wiki/ingressroute-wiki-acme-io.yaml"));
    assert!(tree.files.contains_key("clusters/staging/wiki/ingressroute-wiki-staging-acme-io.yaml"));
    assert!(!tree.files.contains_key("clusters/staging/wiki/ingressroute-wiki-acme-io.yaml"));
    assert!(file(&tree, "clusters/staging/flux-system/gitrepository-flux-system.yaml").contains("branch: staging"));
}

#[test]
fn shared_directories_are_written_once_and_clusters_are_never_listed_together() {
    let tree = example();
    assert!(tree.files.contains_key("infrastructure/sources/helmrepository-traefik.yaml"));
    // `kubectl kustomize clusters/` must not merge two clusters' objects:
    // listing neither, `clusters/` has no kustomization.yaml at all.
    assert!(!tree.files.contains_key("clusters/kustomization.yaml"));
    for cluster in ["production", "staging"] {
        let root = file(&tree, &format!("clusters/{cluster}/flux-system/kustomization-flux-system.yaml"));
        assert!(root.contains(&format!("path: \"./clusters/{cluster}\"")), "{root}");
    }
}

#[test]
fn each_cluster_has_its_own_store_and_recipients() {
    let tree = example();
    let staging = file(&tree, "clusters/staging/wiki/secret-db-credentials.yaml");
    let production = file(&tree, "clusters/production/wiki/secret-db-credentials.yaml");
    let staging_only = "age1j4u0qhukxyr2rvdaeumkg9tkxgszlh8vf3jxlq38fqx6l5azdv2skyswu7";
    assert!(staging.contains(staging_only) && !production.contains(staging_only));
    let stacks =
        stackc::resolve(&std::fs::read_to_string(root().join("examples/environments/stack.kdl")).unwrap()).unwrap();
    let scopes: Vec<Option<&str>> = stacks.iter().map(|s| s.store_scope.as_deref()).collect();
    assert_eq!(scopes, [Some("production"), Some("staging")]);
    // A stack with one cluster keeps `secrets/<ns>/<name>.sops.yaml`.
    let seed = stackc::resolve(&std::fs::read_to_string(root().join("stack.kdl")).unwrap()).unwrap();
    assert_eq!(seed.len(), 1);
    assert_eq!(seed[0].store_scope, None);
}

#[test]
fn a_secret_missing_from_one_cluster_store_names_that_store() {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/environments");
    std::fs::copy(example.join("stack.kdl"), dir.path().join("stack.kdl")).unwrap();
    let store = dir.path().join("secrets/production/wiki");
    std::fs::create_dir_all(&store).unwrap();
    let stored = example.join("secrets/production/wiki/db-credentials.sops.yaml");
    std::fs::copy(stored, store.join("db-credentials.sops.yaml")).unwrap();
    let source = std::fs::read_to_string(dir.path().join("stack.kdl")).unwrap();
    crate::support::write_platform_secrets(dir.path(), &source);
    let err = compile_in(dir.path(), &source).expect_err("staging has no value");
    assert!(err.contains("secrets/staging/wiki/db-credentials.sops.yaml"), "{err}");
    assert!(!err.contains("secrets/production/"), "{err}");
}

#[test]
fn overrides_apply_to_one_cluster_only() {
    let tree = compile(&two_clusters(
        r#"        override "a/web" replicas=1 {
            expose "admin.acme.io" host="admin.staging.acme.io"
            volume "data" size="1Gi"
        }
        override "a/api" host="api.staging.acme.io"
        override "a/db" size="1Gi""#,
    ))
    .unwrap();
    assert!(file(&tree, "clusters/production/a/deployment-web.yaml").contains("replicas: 3"));
    assert!(file(&tree, "clusters/staging/a/deployment-web.yaml").contains("replicas: 1"));
    for host in ["web-acme-io", "admin-staging-acme-io", "api-staging-acme-io"] {
        assert!(tree.files.contains_key(&format!("clusters/staging/a/ingressroute-{host}.yaml")), "{host}");
    }
    for host in ["web-acme-io", "admin-acme-io", "api-acme-io"] {
        assert!(tree.files.contains_key(&format!("clusters/production/a/ingressroute-{host}.yaml")), "{host}");
    }
    assert!(file(&tree, "clusters/staging/a/statefulset-db.yaml").contains("\"1Gi\""));
    assert!(file(&tree, "clusters/production/a/statefulset-db.yaml").contains("\"5Gi\""));
}

/// The first line of every diagnostic of a rejected stack.
fn messages(overrides: &str) -> String {
    let err = compile(&two_clusters(overrides)).expect_err("rejected");
    err.lines().filter(|l| l.contains('×') || l.contains("help:")).map(str::trim).collect::<Vec<_>>().join("\n")
}

#[test]
fn override_errors_point_at_the_override() {
    insta::assert_snapshot!("override-errors", {
        let source = two_clusters(
            r#"        override "a/wbe" replicas=1
        override "b/web" replicas=1
        override "a/db" replicas=2 host="db.acme.io"
        override "a/web" host="x.acme.io" size="1Gi" {
            expose "nope.acme.io" host="y.acme.io"
            volume "cache" size="1Gi"
        }
        override "a/api" replicas=2
        override "a/api" replicas=3
        override "api" replicas=1"#,
        );
        compile(&source).expect_err("rejected")
    });
}

#[test]
fn an_override_value_is_checked_like_the_shared_one() {
    let text = messages(r#"        override "a/db" size="lots""#);
    assert!(text.contains("lots"), "{text}");
}

#[test]
fn two_clusters_of_one_name_are_refused() {
    let source = two_clusters("").replace("cluster \"staging\"", "cluster \"production\"");
    let err = compile(&source).expect_err("rejected");
    assert!(err.contains("cluster `production` is declared twice"), "{err}");
}

#[test]
fn commands_that_look_at_one_cluster_ask_which() {
    let dir = project(&two_clusters(r#"        override "a/web" replicas=1"#));
    let out = stackc(dir.path(), &["graph"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("production, staging") && stderr.contains("--cluster"), "{stderr}");
    // With `--format json` the same error is in the document on stdout.
    let out = stackc(dir.path(), &["graph", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let message = json["messages"][0]["message"].as_str().unwrap();
    assert!(message.contains("production, staging") && message.contains("--cluster"), "{message}");
    let out = stackc(dir.path(), &["graph", "--format", "json", "--cluster", "staging"]);
    assert_eq!(out.status.code(), Some(0));
    let out = stackc(dir.path(), &["graph", "--cluster", "qa"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no cluster `qa`"));
    let out = stackc(dir.path(), &["explain", "--cluster", "staging", "traefik/traefik", "a/web:8080"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn verify_proves_every_cluster() {
    let dir = project(&two_clusters(r#"        override "a/web" replicas=1"#));
    let out = stackc(dir.path(), &["verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("of cluster `production`") && stdout.contains("of cluster `staging`"), "{stdout}");
    let out = stackc(dir.path(), &["verify", "--cluster", "staging"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let proven: Vec<&str> = stdout.lines().filter(|l| l.starts_with("proven: ")).collect();
    assert_eq!(proven.len(), 1, "{stdout}");
}

#[test]
fn secrets_commands_work_per_cluster() {
    let dir = project(&std::fs::read_to_string(root().join("examples/environments/stack.kdl")).unwrap());
    let key = root().join("examples/keys/demo.agekey");
    let key = key.to_str().unwrap();
    let out = stackc(dir.path(), &["secrets", "generate", "--identity", key]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    for cluster in ["production", "staging"] {
        assert!(dir.path().join(format!("secrets/{cluster}/wiki/db-credentials.sops.yaml")).is_file());
    }
    let out = stackc(dir.path(), &["secrets", "show", "wiki/db-credentials", "--identity", key]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--cluster"));
    let staging =
        stackc(dir.path(), &["secrets", "show", "wiki/db-credentials", "--cluster", "staging", "--identity", key]);
    let production =
        stackc(dir.path(), &["secrets", "show", "wiki/db-credentials", "--cluster", "production", "--identity", key]);
    assert_eq!(staging.status.code(), Some(0), "{}", String::from_utf8_lossy(&staging.stderr));
    // Each cluster got its own generated value.
    assert_ne!(staging.stdout, production.stdout);
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_store_file_outside_the_cluster_stores_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let example = root().join("examples/environments");
    std::fs::copy(example.join("stack.kdl"), dir.path().join("stack.kdl")).unwrap();
    for cluster in ["production", "staging"] {
        let store = dir.path().join(format!("secrets/{cluster}/wiki"));
        std::fs::create_dir_all(&store).unwrap();
        let stored = example.join(format!("secrets/{cluster}/wiki/db-credentials.sops.yaml"));
        std::fs::copy(&stored, store.join("db-credentials.sops.yaml")).unwrap();
    }
    // The single-cluster layout, left over from before the stack had two clusters.
    let stray = dir.path().join("secrets/wiki");
    std::fs::create_dir_all(&stray).unwrap();
    std::fs::copy(example.join("secrets/production/wiki/db-credentials.sops.yaml"), stray.join("old.sops.yaml"))
        .unwrap();
    crate::support::write_platform_secrets(dir.path(), &std::fs::read_to_string(dir.path().join("stack.kdl")).unwrap());
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`secrets/wiki/old.sops.yaml` is outside every cluster's store"), "{stderr}");
}

#[test]
fn diff_reviews_the_cluster_it_is_asked_about() {
    let dir = tempfile::tempdir().unwrap();
    let old = std::fs::read_to_string(root().join("examples/environments/stack.kdl")).unwrap();
    let new = old.replace("host=\"wiki.staging.acme.io\"", "host=\"wiki2.staging.acme.io\"");
    assert_ne!(old, new);
    std::fs::write(dir.path().join("old.kdl"), &old).unwrap();
    std::fs::write(dir.path().join("new.kdl"), &new).unwrap();
    let staging = stackc(dir.path(), &["diff", "old.kdl", "new.kdl", "--cluster", "staging"]);
    assert!(String::from_utf8_lossy(&staging.stdout).contains("`wiki2.staging.acme.io` → `wiki/web`"));
    // Without --cluster, the first declared (production), which did not change.
    let first = stackc(dir.path(), &["diff", "old.kdl", "new.kdl"]);
    assert!(String::from_utf8_lossy(&first.stdout).contains("No change"));
    let unknown = stackc(dir.path(), &["diff", "old.kdl", "new.kdl", "--cluster", "qa"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no cluster `qa`"));
}

#[test]
fn a_cluster_store_in_a_one_cluster_stack_is_reported_at_the_cluster() {
    let dir = project(
        &two_clusters("").replace("    cluster \"staging\" distribution=\"k3s\" version=\"1.33\" {\n\n    }\n", ""),
    );
    let stray = dir.path().join("secrets/production/a");
    std::fs::create_dir_all(&stray).unwrap();
    let stored = root().join("examples/environments/secrets/production/wiki/db-credentials.sops.yaml");
    std::fs::copy(stored, stray.join("old.sops.yaml")).unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`secrets/production/a/old.sops.yaml` is in a cluster's store"), "{stderr}");
    assert!(stderr.contains("the only cluster"), "{stderr}");
}
