//! Stage 4, `derive`: a [`ResolvedStack`] to [`Derived`]: every object of the
//! rendered tree grouped into components (one directory each, applied as a
//! unit by the GitOps engine), their dependency order, the engine's own
//! objects (`engine/`), and the network graph the policies must allow.

mod components;
mod engine;
mod exposure;
mod graph;
mod helm;
mod kyverno;
mod mesh;
mod monitoring;
mod network;
mod object;
mod platform;
mod platform_pods;
mod secrets;
mod velero;
mod workloads;

pub use engine::SYNC_WAVE;
pub use graph::{Edge, EdgeReason, Graph, GraphNode, traefik_id};
pub use helm::{HelmChart, SecretValue};
pub use network::NOT_INTERNET;
pub use object::Object;
pub use platform::PLATFORM_CHARTS;

use crate::check::ResolvedStack;
use crate::diagnostic::Diagnostics;
use crate::secrets::SecretStore;

/// Everything the stack compiles to, before formatting.
#[derive(Debug, Clone)]
pub struct Derived {
    pub cluster: String,
    /// Components sorted by directory.
    pub components: Vec<Component>,
    /// Directories the engine applies on their own (a Flux Kustomization or
    /// an Argo CD Application each); their parent directory does not list
    /// them, so nothing applies twice.
    pub roots: std::collections::BTreeSet<String>,
    /// The network graph the policies are meant to allow.
    pub graph: Graph,
    /// Store files encrypted to other recipients than the cluster lists
    /// (`build --check` fails on them).
    pub stale_recipients: Vec<String>,
    /// Warnings found while deriving (the build goes on).
    pub warnings: Diagnostics,
}

/// A directory of objects the engine applies together.
#[derive(Debug, Clone, Default)]
pub struct Component {
    pub name: String,
    /// Path relative to the output root, e.g. `clusters/production/authentik`.
    pub dir: String,
    pub objects: Vec<Object>,
    /// Helm charts installed with this directory, until the engine turns
    /// them into objects or `helm_charts` entries.
    pub charts: Vec<HelmChart>,
    /// Names of components that must be ready first (sorted).
    pub depends_on: Vec<String>,
    /// Files in this directory that stackc lists but does not write.
    pub foreign: Vec<String>,
    /// Object files listed under `generators:` instead of `resources:`
    /// (KSOPS generators).
    pub generators: Vec<String>,
    /// Object files a generator reads: written, listed under neither.
    pub generated: Vec<String>,
    /// Entries of the directory's `helmCharts:` (`kustomize --enable-helm`).
    pub helm_charts: Vec<serde_json::Value>,
}

impl Component {
    /// A component of plain objects.
    #[must_use]
    pub fn new(name: &str, dir: &str, objects: Vec<Object>) -> Self {
        Self { name: name.to_owned(), dir: dir.to_owned(), objects, ..Self::default() }
    }
}

/// Only the network graph of a stack: what `diff` and `graph` need, without
/// the objects (and so without the secret store).
#[must_use]
pub fn network_graph(stack: &ResolvedStack) -> Graph {
    graph::graph(stack)
}

/// Derive every object of the stack. Secrets come from `store`, the
/// encrypted values beside the stack, re-emitted without any key.
///
/// # Errors
/// Conflicts that only show once objects exist, such as two objects with
/// the same kind, namespace and name; Secrets without stored values.
pub fn derive(stack: &ResolvedStack, store: &SecretStore) -> Result<Derived, Diagnostics> {
    let graph = graph::graph(stack);
    let mut components = platform::components(stack, &graph);
    let mut d = Diagnostics::default();
    let mut stale_recipients = Vec::new();
    for ns in &stack.namespaces {
        let mut objects = workloads::objects(stack, ns);
        objects.extend(secrets::objects(stack, ns, store, &mut d, &mut stale_recipients));
        objects.extend(exposure::objects(stack, ns));
        objects.extend(monitoring::objects(stack, ns));
        objects.extend(network::policies(stack, &ns.name, ns.span, &graph));
        objects.extend(mesh::policies(stack, ns, &graph));
        components.push(Component {
            charts: workloads::charts(stack, ns),
            depends_on: ns.depends_on.clone(),
            ..Component::new(&ns.name, &format!("clusters/{}/{}", stack.cluster.name.value, ns.name), objects)
        });
    }
    components.extend(velero::component(stack, &mut d));
    secrets::unused(stack, store, &mut d);
    engine::objects(stack, &mut components);
    let mut derived = components::finish(stack, components, graph).map_err(|mut e| {
        e.extend(d.clone());
        e
    })?;
    if d.has_errors() {
        return Err(d);
    }
    derived.stale_recipients = stale_recipients;
    derived.warnings = d;
    Ok(derived)
}
