//! Stage 4, `derive`: a [`ResolvedStack`] to [`Derived`]: every object of the
//! rendered tree grouped into components (one directory each, applied as a
//! unit by the GitOps engine), their dependency order, the engine's own
//! objects (`engine/`), and the network graph the policies must allow.

mod availability;
mod cilium;
mod components;
mod config_files;
mod databases;
mod engine;
mod exposure;
mod graph;
mod helm;
mod image_apps;
mod jobs;
mod kyverno;
mod mesh;
mod monitoring;
mod network;
mod node_sources;
mod object;
mod open;
mod platform;
mod platform_pods;
mod probes;
mod redis_auth;
mod secret_store;
mod secrets;
mod security;
mod trust_roots;
mod velero;
mod workloads;

pub use engine::SYNC_WAVE;
pub use graph::{Edge, EdgeReason, Graph, GraphNode, traefik_id};
pub use helm::{HelmChart, SecretValue};
pub use network::NOT_INTERNET;
pub use node_sources::webhook_sources;
pub use object::{Body, Object};
pub use open::open_namespaces;
pub use platform::PLATFORM_CHARTS;

use std::collections::{BTreeMap, BTreeSet};

use crate::check::{self, ResolvedStack};
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
    /// Directories outside this one that its `kustomization.yaml` lists
    /// (`../../infrastructure/<dir>`): with the kustomize engine a cluster's
    /// directory builds the whole cluster, the shared directories included.
    pub includes: Vec<String>,
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

/// What a build does with each app namespace's component as soon as it is
/// final (objects complete and in file order, dependencies known): check
/// it, render its objects and drop their trees ([`Body::Rendered`]), so that
/// a large stack never holds every tree at once. Called on several threads.
pub trait Seal: Sync {
    /// What [`Seal::prepare`] makes once per cluster.
    type Context: Sync;
    /// What sealing one component found.
    type Sealed: Send;
    /// Called once, before any app namespace is derived, with the objects
    /// that are the context of all others: the platform components' objects
    /// and the Namespace of every app namespace.
    fn prepare(&self, cluster: &[&Object]) -> Self::Context;
    /// Seal one component.
    fn seal(&self, context: &Self::Context, component: &mut Component) -> Self::Sealed;
}

/// Sealing nothing: every object keeps its tree.
impl Seal for () {
    type Context = ();
    type Sealed = ();
    fn prepare(&self, _: &[&Object]) {}
    fn seal(&self, (): &(), _: &mut Component) {}
}

/// Derive every object of the stack. Secrets come from `store`, the
/// encrypted values beside the stack, re-emitted without any key.
///
/// # Errors
/// Conflicts that only show once objects exist, such as two objects with
/// the same kind, namespace and name; Secrets without stored values.
pub fn derive(stack: &ResolvedStack, store: &SecretStore) -> Result<Derived, Diagnostics> {
    derive_sealed(stack, store, "", &()).map(|(derived, _)| derived)
}

/// [`derive()`], handing every app namespace's component to `seal` once it is
/// final; the app namespaces are derived (and sealed) on every core. Returns
/// what sealing found, by component directory. `repository` is where the
/// output directory lives in the Git repository the engine reads (relative
/// to its root, `""` for the root) unless the stack's `git path=` says:
/// the engine's paths start there.
///
/// # Errors
/// As [`derive()`].
pub fn derive_sealed<S: Seal>(
    stack: &ResolvedStack,
    store: &SecretStore,
    repository: &str,
    seal: &S,
) -> Result<(Derived, BTreeMap<String, S::Sealed>), Diagnostics> {
    let graph = graph::graph(stack);
    let mut platform = platform::components(stack, &graph);
    let mut d = Diagnostics::default();
    let mut stale_recipients = Vec::new();
    for (namespace, object) in secrets::platform_objects(stack, store, &mut d, &mut stale_recipients) {
        if let Some(c) = platform.iter_mut().find(|c| c.name == namespace) {
            c.objects.push(object);
        }
    }
    trust_roots::add(stack, store, &mut platform, &mut d);
    let mut present: BTreeSet<String> = platform.iter().map(|c| c.name.clone()).collect();
    // Only Flux's HelmReleases need `sources`, and their charts create it.
    present.insert("sources".to_owned());
    let mut repositories = Vec::new();
    for c in &mut platform {
        repositories.extend(engine::objects(stack, c));
        components::complete(c, &present);
    }
    platform.sort_by(|a, b| a.dir.cmp(&b.dir));
    let namespaces: Vec<Object> = stack.namespaces.iter().map(|ns| workloads::namespace_object(stack, ns)).collect();
    let context = {
        // In the order of the finished tree.
        let cluster: Vec<&Object> = platform.iter().flat_map(|c| &c.objects).chain(&namespaces).collect();
        seal.prepare(&cluster)
    };
    let jobs: Vec<(&check::Namespace, &Object)> = stack.namespaces.iter().zip(&namespaces).collect();
    let apps = crate::parallel::map(&jobs, |&(ns, namespace)| {
        let mut app = namespace_component(stack, ns, namespace.clone(), &graph, store);
        let repositories = engine::objects(stack, &mut app.component);
        components::complete(&mut app.component, &present);
        let sealed = seal.seal(&context, &mut app.component);
        (app, repositories, sealed)
    });
    drop(namespaces);
    let mut components = platform;
    let mut sealed = BTreeMap::new();
    for (app, used, found) in apps {
        d.extend(app.diagnostics);
        stale_recipients.extend(app.stale_recipients);
        repositories.extend(used);
        sealed.insert(app.component.dir.clone(), found);
        components.push(app.component);
    }
    if let Some(mut c) = velero::component(stack, &mut d) {
        repositories.extend(engine::objects(stack, &mut c));
        components::complete(&mut c, &present);
        components.push(c);
    }
    if let Some(mut c) = engine::sources(stack, repositories) {
        components::complete(&mut c, &present);
        components.push(c);
    }
    secret_store::unused(stack, store, &mut d);
    security::stale_image_facts(stack, &mut d);
    security::untagged_images(stack, &mut d);
    let mut derived = components::finish(stack, components, graph, repository).map_err(|mut e| {
        e.extend(d.clone());
        e
    })?;
    if d.has_errors() {
        return Err(d);
    }
    open::warn(stack, &derived.components, &mut d);
    // Said only of a tree that builds: how the engine will treat it.
    engine::warnings(stack, &mut d);
    derived.stale_recipients = stale_recipients;
    derived.warnings = d;
    Ok((derived, sealed))
}

/// An app namespace's component, and what deriving it found.
struct App {
    component: Component,
    diagnostics: Diagnostics,
    stale_recipients: Vec<String>,
}

fn namespace_component(
    stack: &ResolvedStack,
    ns: &check::Namespace,
    namespace: Object,
    graph: &Graph,
    store: &SecretStore,
) -> App {
    let mut diagnostics = Diagnostics::default();
    let mut stale_recipients = Vec::new();
    let mut objects = vec![namespace];
    objects.extend(workloads::objects(stack, ns, store, &mut diagnostics));
    objects.extend(secrets::objects(stack, ns, store, &mut diagnostics, &mut stale_recipients));
    objects.extend(exposure::objects(stack, ns));
    objects.extend(monitoring::objects(stack, ns));
    objects.extend(network::policies(stack, &ns.name, ns.span, graph));
    objects.extend(mesh::policies(stack, ns, graph));
    let component = Component {
        charts: workloads::charts(stack, ns),
        depends_on: ns.depends_on.clone(),
        ..Component::new(&ns.name, &format!("clusters/{}/{}", stack.cluster.name.value, ns.name), objects)
    };
    App { component, diagnostics, stale_recipients }
}
