//! Facts about the Helm charts stackc installs itself (Traefik,
//! cert-manager, Kyverno, Linkerd), read from each chart's templates at the
//! pinned version with stackc's release name, namespace and values: every
//! pod the chart creates (Deployments, DaemonSets, Jobs including Helm hook
//! Jobs, CronJobs), its labels, ServiceAccount and ports, what it must reach
//! and what reaches it, and the values and Secrets the chart requires.
//!
//! Every fact carries a citation comment `<repo> <tag> <path>:<line>`.
//! `check` refuses a pinned version the facts were not read at; `derive`
//! turns the pods into graph nodes, so NetworkPolicies, the network proof,
//! `explain` and `graph` cover every one of them. Updating a chart means
//! reading its templates again and updating its file here
//! (`docs/chart-facts.md`).
//!
//! The module sits beside the pipeline stages because two of them read it:
//! `check` (supported versions) and `derive` (pods).

mod cert_manager;
mod kyverno;
mod linkerd;
mod traefik;

use crate::model::Protocol;

/// One chart at one version, as stackc installs it.
#[derive(Debug, Clone, Copy)]
pub struct ChartFacts {
    /// The stack's `platform` node that installs it.
    pub component: &'static str,
    /// The chart's name in its Helm repository.
    pub chart: &'static str,
    /// The chart version the facts were read at: the only one stackc accepts.
    pub version: &'static str,
    /// Where the facts were read: `<repo> <tag>`.
    pub source: &'static str,
    /// The release's namespace (and, for every chart here, its name).
    pub namespace: &'static str,
    /// Every pod the chart creates with stackc's values.
    pub pods: &'static [ChartPod],
    /// Values and Secrets the chart cannot install without.
    pub requires: &'static [Required],
}

/// One pod template of a chart: a Deployment, DaemonSet, Job or CronJob.
#[derive(Debug, Clone, Copy)]
pub struct ChartPod {
    /// The workload object's name.
    pub workload: &'static str,
    pub kind: WorkloadKind,
    /// The Helm hook that creates it, if it is a hook.
    pub hook: Option<&'static str>,
    /// Labels that select exactly these pods: the chart's own selector
    /// labels, stable across upgrades. NetworkPolicies select with them.
    pub selector: &'static [(&'static str, &'static str)],
    /// The pods' other labels as rendered at this version.
    pub other_labels: &'static [(&'static str, &'static str)],
    pub service_account: &'static str,
    /// Named container ports (TCP).
    pub ports: &'static [(&'static str, u16)],
    /// Calls the Kubernetes API.
    pub api_server: bool,
    /// Egress to the internet.
    pub internet: &'static [(u16, Protocol)],
    /// Ports clients outside the cluster reach (ingress entry points).
    pub world_ingress: &'static [u16],
    /// Ports the API server calls (admission and conversion webhooks).
    pub api_ingress: &'static [u16],
    /// Ports every meshed pod's proxy calls (Linkerd's control plane).
    pub mesh_ingress: &'static [u16],
}

/// What kind of workload runs the pods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkloadKind {
    Deployment,
    DaemonSet,
    Job,
    CronJob,
}

impl WorkloadKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }
}

/// Something a chart requires to install.
#[derive(Debug, Clone, Copy)]
pub enum Required {
    /// A value the templates `required`.
    Value(&'static str),
    /// A Secret (namespace, name, keys) the pods read.
    Secret(&'static str, &'static str, &'static [&'static str]),
}

/// Every chart stackc installs, in the order of the `platform` block.
pub const CHARTS: &[ChartFacts] =
    &[linkerd::CRDS, linkerd::CONTROL_PLANE, traefik::TRAEFIK, cert_manager::CERT_MANAGER, kyverno::KYVERNO];

/// The charts the `platform` node `component` installs.
pub fn of(component: &str) -> impl Iterator<Item = &'static ChartFacts> + '_ {
    CHARTS.iter().filter(move |c| c.component == component)
}

/// The chart version stackc has facts for, for the `platform` node
/// `component` (the default of its `version=`).
///
/// # Panics
/// `component` is not a chart stackc installs (a compiler bug).
#[must_use]
pub fn supported_version(component: &str) -> &'static str {
    of(component).next().map(|c| c.version).expect("a platform chart stackc installs")
}

/// Every pod of `chart`, with the namespace it runs in.
pub fn pods(chart: &'static ChartFacts) -> impl Iterator<Item = (&'static str, &'static ChartPod)> {
    chart.pods.iter().map(move |p| (chart.namespace, p))
}
