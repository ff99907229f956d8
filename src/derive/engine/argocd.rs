//! Argo CD: the `argocd` component holds one Application per component
//! (reading its directory) and one per Helm chart (a Helm source); the
//! cluster's directory holds only the root Application (the app of apps,
//! reading `argocd/`), so bootstrapping applies that one alone and Argo CD
//! orders the rest (argoproj/argo-cd v3.5.1
//! docs/operator-manual/cluster-bootstrapping.md:158: create only the
//! parent). Sync waves order the children as Flux's `dependsOn` would: a
//! component starts one wave after everything it depends on is done, its
//! charts follow it (they need its Namespace), and it is done when its last
//! chart is.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{GitPath, SYNC_WAVE};
use crate::check::ResolvedStack;
use crate::derive::helm::in_dependency_order;
use crate::derive::object::Object;
use crate::derive::platform::common_labels;
use crate::derive::{Component, HelmChart};
use crate::diagnostic::Span;
use crate::model::ArgoCd;

/// The directory (under `clusters/<cluster>/`) of the child Applications,
/// and the name of the root Application.
pub(super) const DIR: &str = "argocd";
/// Deleting a child Application deletes its resources (argoproj/argo-cd
/// v3.5.1 docs/user-guide/app_deletion.md:45-52): pruning a child the stack
/// no longer declares removes its objects instead of orphaning them.
const FINALIZER: &str = "resources-finalizer.argocd.argoproj.io";
const API_VERSION: &str = "argoproj.io/v1alpha1";
const IN_CLUSTER: &str = "https://kubernetes.default.svc";

/// The `argocd` component of child Applications and the root Application's
/// component (the cluster's directory); takes the charts out of `components`.
pub(super) fn components(
    stack: &ResolvedStack,
    argo: &ArgoCd,
    components: &mut [Component],
    repository: &GitPath<'_>,
) -> (Component, Component) {
    let labels = common_labels(stack);
    let (repo, revision) = stack
        .cluster
        .git
        .as_ref()
        .map_or((String::new(), String::new()), |g| (g.url.value.clone(), g.branch.value.clone()));
    let app = |name: &str, source: Value, namespace: Option<&str>, wave: Option<usize>, origin: Span| {
        let mut destination = json!({"server": IN_CLUSTER});
        if let Some(ns) = namespace {
            destination["namespace"] = json!(ns);
        }
        let mut spec = json!({
            "project": argo.project.value,
            "source": source,
            "destination": destination,
            "syncPolicy": {"automated": {"prune": true, "selfHeal": true}},
        });
        if source_is_helm(&spec) {
            // Charts' CRDs outgrow the annotation client-side apply keeps.
            spec["syncPolicy"]["syncOptions"] = json!(["ServerSideApply=true"]);
        }
        let object = Object::new(
            API_VERSION,
            "Application",
            name,
            Some(&argo.namespace),
            &labels,
            json!({"spec": spec}),
            origin,
        );
        match wave {
            Some(wave) => child(object.annotated(json!({SYNC_WAVE: wave.to_string()}))),
            None => object,
        }
    };
    // `source.path` is relative to the repository root.
    let directory = |dir: &str| json!({"repoURL": repo, "targetRevision": revision, "path": repository.path(dir)});
    let cluster = format!("clusters/{}", stack.cluster.name.value);
    let dir = format!("{cluster}/{DIR}");
    let waves = Waves::new(components);
    let root = Component::new("argocd-root", &cluster, vec![app(DIR, directory(&dir), None, None, argo.span)]);
    let mut objects = Vec::new();
    for c in components.iter_mut() {
        let start = waves.start[&c.name];
        objects.push(app(&c.name, directory(&c.dir), destination(c).as_deref(), Some(start), argo.span));
        for (chart, wave) in chart_waves(std::mem::take(&mut c.charts), start) {
            let name = format!("{}-{}", chart.namespace, chart.name);
            objects.push(app(&name, helm_source(&chart), Some(&chart.namespace), Some(wave), chart.origin));
        }
    }
    (Component::new(DIR, &dir, objects), root)
}

/// A child Application: deleted with its resources.
fn child(mut object: Object) -> Object {
    if let Some(meta) = object.tree_mut().and_then(|t| t.get_mut("metadata")).and_then(Value::as_object_mut) {
        meta.insert("finalizers".into(), json!([FINALIZER]));
    }
    object
}

fn source_is_helm(spec: &Value) -> bool {
    spec.pointer("/source/chart").is_some()
}

fn helm_source(chart: &HelmChart) -> Value {
    let mut helm = json!({"releaseName": chart.name});
    if chart.values.as_object().is_some_and(|v| !v.is_empty()) {
        helm["valuesObject"] = chart.values.clone();
    }
    json!({"repoURL": repo_url(&chart.url), "chart": chart.chart, "targetRevision": chart.version, "helm": helm})
}

/// A chart repository's URL as Argo CD reads it: an OCI registry as
/// host/path without `oci://`, which every version from v2.13 to v3.5 takes
/// as OCI (a URL without a host after parsing: argoproj/argo-cd v2.13.0
/// util/helm/client.go:390-397, v3.5.1 util/helm/client.go:447-454;
/// v3.5.1 docs/user-guide/helm.md:38 "the oci:// syntax is not included").
fn repo_url(url: &str) -> &str {
    url.strip_prefix("oci://").unwrap_or(url)
}

/// The namespace of the component's namespaced objects, when they share one.
fn destination(c: &Component) -> Option<String> {
    let mut namespaces = c.objects.iter().filter_map(|o| o.namespace.as_deref());
    let first = namespaces.next()?;
    namespaces.all(|n| n == first).then(|| first.to_owned())
}

/// Each chart's wave: one after its component's, one more per chart of the
/// component it depends on.
fn chart_waves(charts: Vec<HelmChart>, start: usize) -> Vec<(HelmChart, usize)> {
    let mut waves: BTreeMap<String, usize> = BTreeMap::new();
    in_dependency_order(charts)
        .into_iter()
        .map(|chart| {
            let after = chart.depends_on.iter().filter_map(|d| waves.get(d)).max().copied().unwrap_or(start);
            let wave = after + 1;
            waves.insert(chart.name.clone(), wave);
            (chart, wave)
        })
        .collect()
}

/// The first wave of every component.
struct Waves {
    start: BTreeMap<String, usize>,
}

impl Waves {
    /// Components depend on each other without cycles (checked before); a
    /// dependency that is no component (none is) is ignored.
    fn new(components: &[Component]) -> Self {
        let index: BTreeMap<&str, &Component> = components.iter().map(|c| (c.name.as_str(), c)).collect();
        let mut waves = Self { start: BTreeMap::new() };
        for c in components {
            waves.end(c, &index, 0);
        }
        waves
    }

    /// The last wave of `c` (its own or its charts'), computing its start on the way.
    fn end(&mut self, c: &Component, index: &BTreeMap<&str, &Component>, depth: usize) -> usize {
        let start = match self.start.get(&c.name) {
            Some(start) => *start,
            None => {
                let mut start = 0;
                // The depth bound keeps a cycle (rejected earlier) from recursing forever.
                if depth <= index.len() {
                    for dep in c.depends_on.iter().filter_map(|d| index.get(d.as_str())) {
                        start = start.max(self.end(dep, index, depth + 1) + 1);
                    }
                }
                self.start.insert(c.name.clone(), start);
                start
            }
        };
        chart_waves(c.charts.clone(), start).iter().map(|(_, w)| *w).max().unwrap_or(start)
    }
}
