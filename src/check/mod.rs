//! Stage 3, `check`: a [`Stack`] to a [`ResolvedStack`].
//! Every reference is resolved, every name and value validated, and all
//! problems are reported at once.

mod apps;
mod availability;
mod chart_versions;
mod cluster;
mod connections;
mod containers;
pub mod databases;
mod environments;
mod exposure;
mod files;
mod hosts;
mod identity;
pub mod images;
pub mod jobs;
pub mod names;
pub mod node_network;
mod order;
pub mod platform_secrets;
pub mod probes;
mod references;
pub mod runtime;
pub mod secrets;
mod types;
mod velero;
mod workloads;

pub use types::*;

use crate::diagnostic::Diagnostics;
use crate::model::Stack;

/// Stacks with more workloads are refused before any work: memory grows by
/// roughly 60 KB per workload, so this bounds a build near 1.2 GB.
pub const MAX_WORKLOADS: usize = 20_000;

/// Resolve and validate a stack: one [`ResolvedStack`] per cluster, in
/// declaration order, each with that cluster's overrides applied.
///
/// # Errors
/// Every problem found in any cluster, sorted by position.
pub fn check(mut stack: Stack) -> Result<Vec<ResolvedStack>, Diagnostics> {
    let mut d = Diagnostics::default();
    jobs::fold(&mut stack, &mut d);
    let workloads: usize = stack.namespaces.iter().map(|n| n.apps.len() + n.databases.len()).sum();
    if workloads > MAX_WORKLOADS {
        d.push(
            crate::diagnostic::Diagnostic::error(
                crate::diagnostic::Code::Unsupported,
                stack.name.span,
                format!("the stack declares {workloads} workloads; stackc compiles at most {MAX_WORKLOADS}"),
            )
            .label("too large")
            .help("split the stack, one per cluster or team; memory grows with every workload's objects"),
        );
        return Err(d);
    }
    environments::unique_clusters(&stack, &mut d);
    let mut resolved = Vec::with_capacity(stack.clusters.len());
    if let [_] = stack.clusters.as_slice() {
        resolved.push(check_one(stack, None, &mut d));
    } else {
        // Several clusters: each checked on its own view, with its own store.
        for cluster in &stack.clusters {
            let view = environments::for_cluster(&stack, cluster, &mut d);
            resolved.push(check_one(view, Some(cluster.name.value.clone()), &mut d));
        }
    }
    if d.has_errors() {
        return Err(d);
    }
    Ok(resolved.into_iter().flatten().collect())
}

/// Check a single-cluster stack.
fn check_one(stack: Stack, store_scope: Option<String>, d: &mut Diagnostics) -> Option<ResolvedStack> {
    cluster::check_cluster(&stack, d);
    node_network::check_node_network(&stack, d);
    chart_versions::check_chart_versions(&stack, d);
    velero::check_velero(&stack, d);
    jobs::check_native_sidecars(&stack, d);
    let namespaces = workloads::resolve(&stack, d);
    let namespace_order = order::namespace_order(&namespaces, d);
    let used: std::collections::BTreeSet<&str> =
        stack.namespaces.iter().flat_map(|n| n.releases.iter().map(|r| r.repository.value.as_str())).collect();
    let mut helm_repositories: Vec<_> =
        stack.helm_repositories.iter().filter(|r| used.contains(r.name.value.as_str())).cloned().collect();
    helm_repositories.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    if d.has_errors() {
        return None;
    }
    let Stack { name, mut clusters, platform, .. } = stack;
    Some(ResolvedStack {
        name: name.value,
        cluster: clusters.swap_remove(0),
        store_scope,
        platform,
        helm_repositories,
        namespaces,
        namespace_order,
    })
}
