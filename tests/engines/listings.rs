//! Every engine's multi-cluster layout builds per cluster: no
//! `kustomization.yaml` lists nothing, and what the bootstrap applies
//! (`clusters/<c>/`) with the directories the engine's objects name reaches
//! every file of the tree.

use std::collections::BTreeSet;

use serde_json::Value;

use super::kustomize::reached;
use super::{objects, tree};

/// The directories the engine's objects apply (Flux Kustomizations' and
/// Argo CD Applications' paths, taken from the root: the tree is compiled
/// at the top of its repository).
fn engine_roots(tree: &stackc::render::Tree) -> BTreeSet<String> {
    objects(tree)
        .values()
        .filter_map(|o| {
            let path = match o["apiVersion"].as_str().unwrap_or_default() {
                "kustomize.toolkit.fluxcd.io/v1" => &o["spec"]["path"],
                "argoproj.io/v1alpha1" => &o["spec"]["source"]["path"],
                _ => return None,
            };
            path.as_str().map(|p| p.trim_start_matches("./").trim_end_matches('/').to_owned())
        })
        .collect()
}

#[test]
fn every_engine_builds_each_cluster_and_no_listing_is_empty() {
    for (example, clusters) in [("environments", &["production", "staging"][..]), ("argocd", &["staging"])] {
        for engine in [r#"engine "flux""#, r#"engine "argocd""#, r#"engine "kustomize""#] {
            let tree = tree(example, engine);
            for (path, bytes) in tree.files.iter().filter(|(p, _)| p.ends_with("kustomization.yaml")) {
                let listing: Value = serde_yaml_ng::from_slice(bytes).unwrap();
                let empty = ["resources", "generators", "helmCharts"]
                    .iter()
                    .all(|f| listing[f].as_array().is_none_or(Vec::is_empty));
                assert!(!empty, "{example} {engine}: {path} lists nothing");
            }
            let mut found = Vec::new();
            let roots = engine_roots(&tree);
            for cluster in clusters {
                let dir = format!("clusters/{cluster}");
                assert!(tree.files.contains_key(&format!("{dir}/kustomization.yaml")), "{example} {engine}: {dir}");
                reached(&tree, &dir, &mut found);
            }
            for root in &roots {
                reached(&tree, root, &mut found);
            }
            let found: BTreeSet<String> = found.into_iter().collect();
            let missed: Vec<&String> = tree
                .files
                .keys()
                .chain(&tree.foreign)
                .filter(|p| !p.ends_with("kustomization.yaml") && !p.split('/').any(|c| c.starts_with('.')))
                .filter(|p| !found.contains(*p))
                .collect();
            assert!(missed.is_empty(), "{example} {engine}: no cluster's build reaches {missed:?}");
        }
    }
}
