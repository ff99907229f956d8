//! The GitOps engines: what each one's tree holds and leaves out, that Argo
//! CD's sync waves order what Flux's `dependsOn` orders, how Argo CD is
//! bootstrapped and prunes, that KSOPS reads the Secrets, and that the
//! network proof does not depend on the engine. `paths`: where the engines'
//! paths point in the Git repository; `kustomize`: the kustomize engine's
//! cluster directories, pruning and charts.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::{compile_in, root, stackc};

mod kustomize;
mod paths;

/// The example's stack source with its `engine` line replaced by `engine`.
fn example_source(name: &str, engine: &str) -> String {
    let source = std::fs::read_to_string(root().join("examples").join(name).join("stack.kdl")).unwrap();
    let line = source.lines().find(|l| l.trim_start().starts_with("engine ")).expect("the example names its engine");
    source.replace(line, &format!("        {engine}"))
}

fn tree(name: &str, engine: &str) -> stackc::render::Tree {
    compile_in(&root().join("examples").join(name), &example_source(name, engine)).unwrap()
}

/// Every object of the tree (kustomization files and hidden tooling left out), by path.
fn objects(tree: &stackc::render::Tree) -> BTreeMap<String, Value> {
    tree.files
        .iter()
        .filter(|(path, _)| !path.ends_with("kustomization.yaml") && !path.split('/').any(|c| c.starts_with('.')))
        .map(|(path, bytes)| (path.clone(), serde_yaml_ng::from_slice(bytes).unwrap()))
        .collect()
}

fn kustomizations(tree: &stackc::render::Tree) -> BTreeMap<String, Value> {
    tree.files
        .iter()
        .filter(|(path, _)| path.ends_with("kustomization.yaml"))
        .map(|(path, bytes)| {
            (
                path.trim_end_matches("kustomization.yaml").trim_end_matches('/').to_owned(),
                serde_yaml_ng::from_slice(bytes).unwrap(),
            )
        })
        .collect()
}

fn strings(value: &Value) -> BTreeSet<String> {
    value.as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

fn wave(app: &Value) -> u64 {
    app["metadata"]["annotations"][stackc::derive::SYNC_WAVE].as_str().unwrap().parse().unwrap()
}

#[test]
fn argocd_and_kustomize_trees_hold_no_flux_objects() {
    for (engine, forbidden) in [
        (r#"engine "argocd""#, &["HelmRelease", "HelmRepository", "Kustomization", "GitRepository"][..]),
        (r#"engine "kustomize""#, &["HelmRelease", "HelmRepository", "Kustomization", "GitRepository", "Application"]),
    ] {
        let tree = tree("argocd", engine);
        for (path, object) in objects(&tree) {
            let kind = object["kind"].as_str().unwrap();
            assert!(!forbidden.contains(&kind), "{engine}: {path} is a {kind}");
        }
        assert!(!tree.files.keys().any(|p| p.contains("flux-system") || p.starts_with("infrastructure/sources")));
    }
    let kustomize = tree("argocd", r#"engine "kustomize""#);
    assert!(!kustomize.files.keys().any(|p| p.contains("/argocd/")), "kustomize writes no argocd directory");
}

/// Every Helm release of the stack reaches the cluster: an Application with
/// a Helm source (argocd), a `helmCharts` entry (kustomize).
#[test]
fn helm_releases_become_engine_native() {
    let releases = ["cert-manager", "gitea", "kyverno", "linkerd-control-plane", "linkerd-crds", "traefik"];
    let argo = objects(&tree("argocd", r#"engine "argocd""#));
    let mut found: Vec<&str> = argo
        .values()
        .filter(|o| o["kind"] == "Application" && o["spec"]["source"]["chart"].is_string())
        .map(|o| o["spec"]["source"]["helm"]["releaseName"].as_str().unwrap())
        .collect();
    found.sort_unstable();
    assert_eq!(found, releases);
    let kustomize = kustomizations(&tree("argocd", r#"engine "kustomize""#));
    let mut found: Vec<String> = kustomize
        .values()
        .flat_map(|k| k["helmCharts"].as_array().cloned().unwrap_or_default())
        .map(|h| h["releaseName"].as_str().unwrap().to_owned())
        .collect();
    found.sort_unstable();
    assert_eq!(found, releases);
    let linkerd = &kustomize["clusters/staging/linkerd"]["helmCharts"];
    assert_eq!(linkerd[0]["releaseName"], "linkerd-crds", "CRDs are inflated before the control plane");
}

/// Argo CD's waves order what Flux's `dependsOn` orders: each directory's
/// Application syncs after every Application (directory and charts) of the
/// directories it depends on, and a chart after its own directory.
#[test]
fn sync_waves_follow_depends_on() {
    let flux = objects(&tree("argocd", r#"engine "flux""#));
    let argo = objects(&tree("argocd", r#"engine "argocd""#));
    let apps: BTreeMap<&str, &Value> = argo
        .values()
        .filter(|o| o["kind"] == "Application" && o["metadata"]["name"] != "argocd")
        .map(|o| (o["metadata"]["name"].as_str().unwrap(), o))
        .collect();
    // Chart Applications by the directory (component) they belong to.
    let charts = |component: &str| -> Vec<u64> {
        apps.values()
            .filter(|a| {
                a["spec"]["source"]["chart"].is_string()
                    && a["metadata"]["name"].as_str().unwrap().starts_with(&format!("{component}-"))
            })
            .map(|a| wave(a))
            .collect()
    };
    let mut pairs = 0;
    // `sources` holds Flux's HelmRepositories; Argo CD reads charts from their repositories.
    let flux_only = ["flux-system", "sources"];
    for kustomization in flux
        .values()
        .filter(|o| o["kind"] == "Kustomization" && !flux_only.contains(&o["metadata"]["name"].as_str().unwrap()))
    {
        let name = kustomization["metadata"]["name"].as_str().unwrap();
        let app = apps.get(name).unwrap_or_else(|| panic!("no Application for {name}"));
        for chart in charts(name) {
            assert!(chart > wave(app), "{name}: a chart syncs before its directory");
        }
        for dep in kustomization["spec"]["dependsOn"].as_array().into_iter().flatten() {
            let dep = dep["name"].as_str().unwrap();
            if flux_only.contains(&dep) {
                continue;
            }
            let before = charts(dep).into_iter().chain([wave(apps[dep])]).max().unwrap();
            assert!(wave(app) > before, "{name} (wave {}) must sync after {dep} (wave {before})", wave(app));
            pairs += 1;
        }
    }
    assert!(pairs >= 5, "the example must exercise dependsOn ({pairs} pairs)");
    assert!(apps.values().any(|a| wave(a) > 1), "waves must not all be equal");
    // `shop` depends on `git`, declared in the stack: strictly later.
    assert!(wave(apps["shop"]) > wave(apps["git-gitea"]));
}

/// The root Application reads the `argocd` directory from the cluster's Git;
/// the cluster's directory lists the root Application alone, so bootstrapping
/// (`kubectl apply -k clusters/<c>`) creates only it and Argo CD's sync
/// waves order the rest (argo-cd docs/operator-manual/cluster-bootstrapping.md).
#[test]
fn argocd_bootstrap_applies_only_the_root_application() {
    let argo = objects(&tree("argocd", r#"engine "argocd" namespace="gitops" project="shop""#));
    let root = &argo["clusters/staging/application-argocd.yaml"];
    assert_eq!(root["metadata"]["namespace"], "gitops");
    assert_eq!(root["spec"]["project"], "shop");
    assert_eq!(root["spec"]["source"]["repoURL"], "https://git.example.org/shop/cluster.git");
    assert_eq!(root["spec"]["source"]["targetRevision"], "main");
    assert_eq!(root["spec"]["source"]["path"], "clusters/staging/argocd");
    let listings = kustomizations(&tree("argocd", r#"engine "argocd""#));
    assert_eq!(
        strings(&listings["clusters/staging"]["resources"]),
        BTreeSet::from(["application-argocd.yaml".to_owned()])
    );
    let children = argo.keys().filter(|p| p.starts_with("clusters/staging/argocd/")).count();
    let listed = strings(&listings["clusters/staging/argocd"]["resources"]);
    assert_eq!(listed.len(), children, "the root Application applies every other Application");
    assert!(!listed.contains("application-argocd.yaml"));
}

/// Pruning a child Application deletes its resources: every child carries
/// Argo CD's resources finalizer (argo-cd docs/user-guide/app_deletion.md);
/// the root does not (deleting it must not delete the cluster).
#[test]
fn argocd_child_applications_delete_their_resources() {
    let argo = objects(&tree("argocd", r#"engine "argocd""#));
    let mut children = 0;
    for (path, app) in argo.iter().filter(|(_, o)| o["kind"] == "Application") {
        let finalizers = strings(&app["metadata"]["finalizers"]);
        if path == "clusters/staging/application-argocd.yaml" {
            assert!(finalizers.is_empty(), "{path}");
        } else {
            assert_eq!(finalizers, BTreeSet::from(["resources-finalizer.argocd.argoproj.io".to_owned()]), "{path}");
            children += 1;
        }
    }
    assert!(children > 10, "{children}");
}

/// A chart from an `oci://` repository: host/path without the scheme plus
/// `chart:`, the form Argo CD v2.13 to v3.5 reads as OCI (argo-cd
/// docs/user-guide/helm.md, util/helm/client.go IsHelmOciRepo).
#[test]
fn argocd_oci_charts_have_no_scheme() {
    let argo = objects(&tree("mixed", r#"engine "argocd""#));
    let redis = argo
        .values()
        .find(|o| o["kind"] == "Application" && o["spec"]["source"]["chart"] == "redis")
        .expect("the chart's Application");
    assert_eq!(redis["spec"]["source"]["repoURL"], "registry-1.docker.io/bitnamicharts");
    for app in argo.values().filter(|o| o["kind"] == "Application") {
        assert!(!app["spec"]["source"]["repoURL"].as_str().unwrap().starts_with("oci://"));
    }
}

/// With KSOPS, Secret files are read by a generator and listed under no
/// `resources:`, so ciphertext is never applied as it is.
#[test]
fn secrets_are_generated_by_ksops_not_listed_as_resources() {
    for (example, engine) in [("argocd", r#"engine "argocd""#), ("kustomize", r#"engine "kustomize""#)] {
        let tree = tree(example, engine);
        let objects = objects(&tree);
        let kustomizations = kustomizations(&tree);
        let secrets: Vec<&String> = objects.keys().filter(|p| objects[*p]["kind"] == "Secret").collect();
        assert!(!secrets.is_empty(), "{example}: the example has Secrets");
        for path in secrets {
            let (dir, file) = path.rsplit_once('/').unwrap();
            let k = &kustomizations[dir];
            assert!(!strings(&k["resources"]).contains(file), "{path} is listed as a resource");
            let generators = strings(&k["generators"]);
            let reads = generators.iter().any(|g| {
                let generator = &objects[&format!("{dir}/{g}")];
                generator["apiVersion"] == "viaduct.ai/v1"
                    && generator["kind"] == "ksops"
                    && generator["metadata"]["annotations"]["config.kubernetes.io/function"]
                        .as_str()
                        .is_some_and(|f| f.contains("path: ksops"))
                    && strings(&generator["files"]).contains(file)
            });
            assert!(reads, "{path}: no ksops generator of {dir} reads it");
        }
    }
    // Flux decrypts itself: its Secrets are plain resources.
    let flux = tree("argocd", r#"engine "flux""#);
    let git = kustomizations(&flux)["clusters/staging/git"].clone();
    assert!(strings(&git["resources"]).contains("secret-postgres-credentials.yaml"));
    assert!(git.get("generators").is_none());
}

/// The engine changes how the tree is applied, never what the network
/// policies allow (the verify stage proves them on every build).
#[test]
fn network_policies_do_not_depend_on_the_engine() {
    let policies = |engine: &str| -> BTreeMap<String, Value> {
        objects(&tree("argocd", engine))
            .into_iter()
            .filter(|(_, o)| {
                let api = o["apiVersion"].as_str().unwrap();
                o["kind"] == "NetworkPolicy" || api.starts_with("policy.linkerd.io/")
            })
            .collect()
    };
    let flux = policies(r#"engine "flux""#);
    assert!(flux.len() > 10);
    assert_eq!(flux, policies(r#"engine "argocd""#));
    assert_eq!(flux, policies(r#"engine "kustomize""#));
}

/// Kyverno's rules leave the engine's own namespace alone, whichever it is.
#[test]
fn kyverno_excludes_the_engine_namespace() {
    let excluded = |engine: &str| -> String {
        let objects = objects(&tree("argocd", engine));
        let policy = objects.values().find(|o| o["kind"] == "ClusterPolicy").unwrap();
        serde_json::to_string(&policy["spec"]).unwrap()
    };
    assert!(excluded(r#"engine "argocd" namespace="gitops""#).contains("\"gitops\""));
    assert!(!excluded(r#"engine "argocd" namespace="gitops""#).contains("flux-system"));
    assert!(excluded(r#"engine "flux""#).contains("flux-system"));
}

#[test]
fn engine_errors_exit_2_on_the_cli() {
    let stack = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    platform {\n        engine \"argocd\"\n    }\n}\n";
    let dir = crate::support::project(stack);
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("engine `argocd` needs the cluster's `git`"));
    assert!(!dir.path().join("out").exists(), "nothing is written on error");
}
