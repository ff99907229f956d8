//! The GitOps engines: what each one's tree holds and leaves out, that Argo
//! CD's sync waves order what Flux's `dependsOn` orders, that KSOPS reads the
//! Secrets, and that the network proof does not depend on the engine.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::support::{compile_in, root, stackc};

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

/// Copy the files below `from` into `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A project of the example in a temporary directory, its stack's engine
/// line replaced by `engine`, optionally a Git repository (`git init`).
fn example_project(name: &str, engine: Option<&str>, git: bool) -> tempfile::TempDir {
    let source = match engine {
        Some(engine) => example_source(name, engine),
        None => std::fs::read_to_string(root().join("examples").join(name).join("stack.kdl")).unwrap(),
    };
    let dir = crate::support::project(&source);
    copy_dir(&root().join("examples").join(name).join("secrets"), &dir.path().join("secrets"));
    if git {
        let init = std::process::Command::new("git").args(["init", "-q"]).current_dir(dir.path()).status();
        assert!(init.expect("git runs").success(), "git init");
    }
    dir
}

/// Every engine path of the tree below `out`: Flux Kustomizations'
/// `spec.path` and Argo CD Applications' `source.path`, by file.
fn engine_paths(out: &std::path::Path) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for (file, bytes) in crate::support::snapshot_dir(out) {
        let file = file.to_string_lossy().into_owned();
        if !file.ends_with(".yaml") || file.ends_with("kustomization.yaml") || file.starts_with('.') {
            continue;
        }
        let Ok(object) = serde_yaml_ng::from_slice::<Value>(&bytes) else { continue };
        let path = match object["apiVersion"].as_str().unwrap_or_default() {
            "kustomize.toolkit.fluxcd.io/v1" => &object["spec"]["path"],
            "argoproj.io/v1alpha1" => &object["spec"]["source"]["path"],
            _ => continue,
        };
        if let Some(path) = path.as_str() {
            paths.push((file, path.to_owned()));
        }
    }
    paths.sort();
    paths
}

/// Each path must name a directory of the repository holding a
/// `kustomization.yaml`.
fn assert_resolve(repository: &std::path::Path, paths: &[(String, String)]) {
    for (file, path) in paths {
        assert!(!path.starts_with('/') && !path.contains(".."), "{file}: `{path}` is not a repository path");
        let dir = repository.join(path.trim_start_matches("./"));
        assert!(
            dir.join("kustomization.yaml").is_file(),
            "{file}: `{path}` is no kustomization directory of the repository"
        );
    }
}

/// The tree built into `out/` of a Git repository: every Flux Kustomization
/// and Argo CD Application path is found in that repository, for one
/// cluster and for several.
#[test]
fn engine_paths_resolve_in_the_git_repository() {
    for (example, engine, expected) in [
        ("argocd", Some(r#"engine "flux""#), 10),
        ("argocd", Some(r#"engine "argocd""#), 9),
        ("environments", None, 12),
    ] {
        let dir = example_project(example, engine, true);
        let out = stackc(dir.path(), &["build"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let paths = engine_paths(&dir.path().join("out"));
        assert!(paths.len() >= expected, "{example} {engine:?}: {} paths", paths.len());
        assert!(
            paths.iter().all(|(_, p)| p.trim_start_matches("./").starts_with("out/clusters/")
                || p.trim_start_matches("./").starts_with("out/infrastructure/")),
            "{paths:?}"
        );
        assert_resolve(dir.path(), &paths);
        // `--check` finds the same place: the tree is up to date.
        let check = stackc(dir.path(), &["build", "--check"]);
        assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    }
}

/// `git path=` wins over the output directory's place; outside a Git
/// repository without it, the output directory is the root, and stackc says so.
#[test]
fn declared_git_path_wins_and_no_repository_is_reported() {
    let declared =
        example_source("argocd", r#"engine "flux""#).replace(r#"branch="main""#, r#"branch="main" path="./deploy/""#);
    let dir = crate::support::project(&declared);
    copy_dir(&root().join("examples/argocd/secrets"), &dir.path().join("secrets"));
    let out = stackc(dir.path(), &["build", "--out", "deploy"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Git repository") && !stderr.contains("declares"), "{stderr}");
    let paths = engine_paths(&dir.path().join("deploy"));
    assert!(paths.iter().all(|(_, p)| p.starts_with("./deploy/")), "{paths:?}");
    assert_resolve(dir.path(), &paths);

    let dir = example_project("argocd", Some(r#"engine "argocd""#), false);
    let out = stackc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is in no Git repository"), "{stderr}");
    assert!(stderr.contains("git path="), "{stderr}");
    let paths = engine_paths(&dir.path().join("out"));
    assert!(paths.iter().all(|(_, p)| p.starts_with("clusters/") || p.starts_with("infrastructure/")), "{paths:?}");
}

/// A `git path=` that leaves the repository is an error on the property.
#[test]
fn git_path_outside_the_repository_is_rejected() {
    for path in ["../elsewhere", "/srv/out", "out//clusters", r"out\win"] {
        let source = example_source("argocd", r#"engine "flux""#)
            .replace(r#"branch="main""#, &format!(r#"branch="main" path="{}""#, path.replace('\\', "\\\\")));
        let errors = crate::support::compile(&source).expect_err(path);
        assert!(errors.contains("invalid-value") && errors.contains("is not a path inside the repository"), "{errors}");
        assert!(errors.contains("path=\""), "the error points at the property: {errors}");
    }
}

/// `engine "flux"` as `init` writes it lists Flux's own manifests (what
/// `flux bootstrap` commits and applies first); a build says how to create
/// the file while it is missing; `install-manifest=#false` lists none.
#[test]
fn flux_install_manifest_is_listed_by_default_and_a_missing_one_reported() {
    let dir = tempfile::tempdir().unwrap();
    assert!(stackc(dir.path(), &["init"]).status.success());
    let out = stackc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let command = "flux install --export > out/clusters/production/flux-system/gotk-components.yaml";
    assert!(stderr.contains(command), "{stderr}");
    let listing = dir.path().join("out/clusters/production/flux-system/kustomization.yaml");
    assert!(
        strings(&serde_yaml_ng::from_str::<Value>(&std::fs::read_to_string(&listing).unwrap()).unwrap()["resources"])
            .contains("gotk-components.yaml")
    );
    std::fs::write(dir.path().join("out/clusters/production/flux-system/gotk-components.yaml"), "{}\n").unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("flux install"), "{}", String::from_utf8_lossy(&out.stderr));

    let stack = dir.path().join("stack.kdl");
    let source = std::fs::read_to_string(&stack).unwrap();
    std::fs::write(&stack, source.replace(r#"engine "flux""#, r#"engine "flux" install-manifest=#false"#)).unwrap();
    assert!(stackc(dir.path(), &["build"]).status.success());
    assert!(!std::fs::read_to_string(&listing).unwrap().contains("gotk-components.yaml"));
}

/// `a/b/../c` → `a/c`.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            parts.pop();
        } else {
            parts.push(part);
        }
    }
    parts.join("/")
}

/// Every file `kustomize build <dir>` reads, by following the listings
/// (KSOPS generators with the Secret files they read).
fn reached(tree: &stackc::render::Tree, dir: &str, out: &mut Vec<String>) {
    let k = if dir.is_empty() { "kustomization.yaml".to_owned() } else { format!("{dir}/kustomization.yaml") };
    let listing: Value = serde_yaml_ng::from_slice(&tree.files[&k]).unwrap_or_else(|_| panic!("{k}"));
    for field in ["resources", "generators"] {
        for entry in listing[field].as_array().into_iter().flatten().map(|e| e.as_str().unwrap()) {
            let path = normalize(&format!("{dir}/{entry}"));
            match tree.files.get(&path) {
                Some(bytes) => {
                    let object: Value = serde_yaml_ng::from_slice(bytes).unwrap();
                    if object["kind"] == "ksops" {
                        out.extend(strings(&object["files"]).iter().map(|f| normalize(&format!("{dir}/{f}"))));
                    }
                    out.push(path);
                }
                None if tree.foreign.contains(&path) => out.push(path),
                None => reached(tree, &path, out),
            }
        }
    }
}

/// With the kustomize engine `clusters/<c>/` builds the whole cluster, the
/// shared `infrastructure/` it needs included, every file once; no
/// directory lists nothing; one cluster's `out/` builds it too.
#[test]
fn kustomize_builds_each_cluster_from_its_directory() {
    let tree = tree("environments", r#"engine "kustomize""#);
    for (path, bytes) in tree.files.iter().filter(|(p, _)| p.ends_with("kustomization.yaml")) {
        let listing: Value = serde_yaml_ng::from_slice(bytes).unwrap();
        let empty =
            ["resources", "generators", "helmCharts"].iter().all(|f| listing[f].as_array().is_none_or(Vec::is_empty));
        assert!(!empty, "{path} lists nothing");
    }
    let files = |prefix: &str| -> BTreeSet<String> {
        tree.files
            .keys()
            .filter(|p| p.starts_with(prefix) && !p.ends_with("kustomization.yaml") && !p.contains("/."))
            .cloned()
            .collect()
    };
    for cluster in ["production", "staging"] {
        let mut read = Vec::new();
        reached(&tree, &format!("clusters/{cluster}"), &mut read);
        let unique: BTreeSet<String> = read.iter().cloned().collect();
        assert_eq!(unique.len(), read.len(), "{cluster}: a file is built twice");
        let mut expected = files(&format!("clusters/{cluster}/"));
        expected.extend(files("infrastructure/"));
        assert!(expected.iter().any(|p| p.starts_with("infrastructure/")), "the example shares a directory");
        assert_eq!(unique, expected, "{cluster}");
    }
    let single = tree_of("kustomize", None);
    let mut read = Vec::new();
    reached(&single, "", &mut read);
    let unique: BTreeSet<String> = read.iter().cloned().collect();
    assert_eq!(unique.len(), read.len(), "a file is built twice");
    let all: BTreeSet<String> = single
        .files
        .keys()
        .filter(|p| !p.ends_with("kustomization.yaml") && !p.split('/').any(|c| c.starts_with('.')))
        .cloned()
        .collect();
    assert_eq!(unique, all);
}

fn tree_of(name: &str, engine: Option<&str>) -> stackc::render::Tree {
    match engine {
        Some(engine) => tree(name, engine),
        None => compile_in(
            &root().join("examples").join(name),
            &std::fs::read_to_string(root().join("examples").join(name).join("stack.kdl")).unwrap(),
        )
        .unwrap(),
    }
}

/// Pruning with the kustomize engine is a kubectl ApplySet per cluster: a
/// cluster-scoped parent type (its CRD labelled as one) and the parent,
/// with what kubectl requires of a parent it did not create; both in a
/// tooling directory the cluster's build never reads.
#[test]
fn kustomize_ships_an_applyset_parent_per_cluster() {
    let kustomize = tree("environments", r#"engine "kustomize""#);
    let objects: BTreeMap<String, Value> = kustomize
        .files
        .iter()
        .filter(|(p, _)| p.contains("/.applyset/") && !p.ends_with("kustomization.yaml"))
        .map(|(p, b)| (p.clone(), serde_yaml_ng::from_slice(b).unwrap()))
        .collect();
    for cluster in ["production", "staging"] {
        let crd = &objects[&format!("clusters/{cluster}/.applyset/customresourcedefinition-applysets.stackc.io.yaml")];
        assert_eq!(crd["metadata"]["labels"]["applyset.kubernetes.io/is-parent-type"], "true");
        assert_eq!(crd["spec"]["scope"], "Cluster", "a parent spanning namespaces is cluster-scoped");
        let parent = &objects[&format!("clusters/{cluster}/.applyset/applyset-{cluster}.yaml")];
        assert_eq!(parent["apiVersion"], "stackc.io/v1");
        assert!(parent["metadata"].get("namespace").is_none());
        let id = parent["metadata"]["labels"]["applyset.kubernetes.io/id"].as_str().unwrap();
        assert!(id.starts_with("applyset-") && id.ends_with("-v1"), "{id}");
        let annotations = &parent["metadata"]["annotations"];
        assert!(annotations["applyset.kubernetes.io/tooling"].as_str().unwrap().starts_with("kubectl/"));
        assert_eq!(annotations["applyset.kubernetes.io/contains-group-kinds"], "");
        let listing: Value =
            serde_yaml_ng::from_slice(&kustomize.files[&format!("clusters/{cluster}/kustomization.yaml")]).unwrap();
        assert!(!strings(&listing["resources"]).contains(".applyset"));
    }
    let production = objects.values().find(|o| o["metadata"]["name"] == "production" && o["kind"] == "ApplySet");
    let staging = objects.values().find(|o| o["metadata"]["name"] == "staging" && o["kind"] == "ApplySet");
    assert_ne!(production.unwrap()["metadata"]["labels"], staging.unwrap()["metadata"]["labels"], "one ID per parent");
    // Flux and Argo CD prune themselves: no ApplySet.
    assert!(!tree("environments", r#"engine "flux""#).files.keys().any(|p| p.contains(".applyset")));
}

/// With the kustomize engine no chart's hooks or tests are rendered: applied
/// as ordinary objects, Kyverno's `pre-delete` Jobs would scale it to zero and
/// remove its webhooks on every apply.
#[test]
fn kustomize_charts_render_no_hooks() {
    let kustomize = kustomizations(&tree("argocd", r#"engine "kustomize""#));
    let charts: Vec<Value> =
        kustomize.values().flat_map(|k| k["helmCharts"].as_array().cloned().unwrap_or_default()).collect();
    assert!(charts.iter().any(|c| c["name"] == "kyverno"), "the example installs Kyverno");
    for chart in &charts {
        assert_eq!(chart["skipHooks"], true, "{}", chart["name"]);
        assert_eq!(chart["skipTests"], true, "{}", chart["name"]);
    }
}

/// A declared `git path=` that is not where the output directory is in its
/// Git repository wins, and the build says so.
#[test]
fn declared_git_path_that_differs_from_the_repository_is_reported() {
    let dir = example_project("argocd", Some(r#"engine "argocd""#), true);
    let stack = dir.path().join("stack.kdl");
    let source = std::fs::read_to_string(&stack).unwrap().replace(r#"branch="main""#, r#"branch="main" path="deploy""#);
    std::fs::write(&stack, source).unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(r#"declares `git path="deploy"`, but out is `out`"#), "{stderr}");
    assert!(engine_paths(&dir.path().join("out")).iter().all(|(_, p)| p.starts_with("deploy/")));
}
