//! Stage 4, `derive`: a [`ResolvedStack`] to [`Derived`]: every object of the
//! rendered tree grouped into components (one directory and one Flux
//! Kustomization each), their dependency order, and the network graph the
//! policies must allow.

mod components;
mod exposure;
mod flux;
mod graph;
mod kyverno;
mod mesh;
mod network;
mod object;
mod platform;
mod platform_pods;
mod workloads;

pub use graph::{Edge, EdgeReason, Graph, GraphNode, traefik_id};
pub use network::NOT_INTERNET;
pub use object::Object;

use crate::check::ResolvedStack;
use crate::diagnostic::Diagnostics;

/// Everything the stack compiles to, before formatting.
#[derive(Debug, Clone)]
pub struct Derived {
    pub cluster: String,
    /// Components sorted by directory.
    pub components: Vec<Component>,
    /// Directories applied by a Flux Kustomization of their own; their
    /// parent directory does not list them, so nothing applies twice.
    pub flux_roots: std::collections::BTreeSet<String>,
    /// The network graph the policies are meant to allow.
    pub graph: Graph,
}

/// A directory of objects applied together by one Flux Kustomization.
#[derive(Debug, Clone)]
pub struct Component {
    pub name: String,
    /// Path relative to the output root, e.g. `clusters/production/authentik`.
    pub dir: String,
    pub objects: Vec<Object>,
    /// Names of components that must be ready first (sorted).
    pub depends_on: Vec<String>,
    /// Files in this directory that stackc lists but does not write.
    pub foreign: Vec<String>,
}

/// Derive every object of the stack.
///
/// # Errors
/// Conflicts that only show once objects exist, such as two objects with
/// the same kind, namespace and name.
pub fn derive(stack: &ResolvedStack) -> Result<Derived, Diagnostics> {
    let graph = graph::graph(stack);
    let mut components = platform::components(stack, &graph);
    for ns in &stack.namespaces {
        let mut objects = workloads::objects(stack, ns);
        objects.extend(exposure::objects(stack, ns));
        objects.extend(network::policies(stack, &ns.name, ns.span, &graph));
        objects.extend(mesh::policies(stack, ns, &graph));
        components.push(Component {
            name: ns.name.clone(),
            dir: format!("clusters/{}/{}", stack.cluster.name.value, ns.name),
            objects,
            depends_on: ns.depends_on.clone(),
            foreign: Vec::new(),
        });
    }
    components::finish(stack, components, graph)
}
