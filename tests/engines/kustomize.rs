//! The kustomize engine: each cluster's directory builds the whole cluster,
//! the ApplySet parent that prunes, and charts rendered without hooks.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{kustomizations, strings, tree};
use crate::support::{compile_in, root};

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
