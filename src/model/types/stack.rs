//! The stack and its cluster facts.

use std::collections::BTreeMap;

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// A name as written in `stack.kdl`, with its position.
pub type Name = Spanned<String>;

/// A whole stack: its clusters, their platform, and the namespaces of apps.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "cluster"]))]
pub struct Stack {
    /// The stack's name, used in the `app.kubernetes.io/part-of` label.
    pub name: Name,
    /// The clusters this stack is rendered for, in declaration order: one, or
    /// several environments (e.g. production and staging) that share the
    /// apps, each with its own overrides, rendered under `clusters/<name>/`.
    #[serde(rename = "cluster")]
    pub clusters: Vec<Cluster>,
    /// Platform components: Flux, Linkerd, Traefik, cert-manager, Kyverno.
    pub platform: Platform,
    /// Helm repositories that app releases install charts from.
    #[serde(rename = "helm-repository")]
    pub helm_repositories: Vec<HelmRepository>,
    /// Namespaces with their apps, databases, releases and secrets.
    #[serde(rename = "namespace")]
    pub namespaces: Vec<Namespace>,
}

/// Facts about the cluster that no selector can express.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "distribution", "version"]))]
pub struct Cluster {
    /// Directory name under `clusters/`, e.g. `production`.
    pub name: Name,
    /// `k3s` or `kubernetes`.
    pub distribution: Spanned<Distribution>,
    /// Kubernetes minor version, e.g. `1.33`.
    pub version: Spanned<String>,
    /// The Git repository Flux syncs from.
    pub git: Option<Git>,
    /// Address (IP or CIDR) and port of the Kubernetes API server.
    pub api_server: Option<ApiServer>,
    /// The CNI's policy dialect (`cni "cilium"`; default `portable`): how
    /// the addresses no selector can name, the API server's, are written.
    pub cni: Spanned<Cni>,
    /// The cluster DNS service that every pod must reach.
    pub dns: Dns,
    /// Pod and Service CIDRs, excluded from internet egress.
    pub networks: Networks,
    /// Storage classes PVCs may use; one is the default.
    #[serde(rename = "storage-class")]
    pub storage_classes: Vec<StorageClass>,
    /// age recipients (`age1...`) that can decrypt this cluster's secrets.
    #[serde(rename = "age-recipient")]
    pub age_recipients: Vec<Spanned<String>>,
    /// Per-cluster changes to shared workloads: replicas, sizes, hosts, resources.
    #[serde(rename = "override")]
    pub overrides: Vec<Override>,
}

impl Stack {
    /// The cluster being compiled. `check` splits a stack into one
    /// single-cluster stack per cluster, so after the split this is the
    /// only one; before it, the first declared.
    #[must_use]
    pub fn cluster(&self) -> &Cluster {
        &self.clusters[0]
    }
}

/// The Kubernetes distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Distribution {
    K3s,
    Kubernetes,
}

/// The policy dialect of the cluster's CNI (`docs/network-policy.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Cni {
    /// Plain `NetworkPolicy`: the API server and its webhook calls as
    /// `ipBlock`s (flannel with k3s's policy controller, Calico, ...).
    #[default]
    Portable,
    /// Cilium, whose `ipBlock`s never match a node's or the API server's
    /// address: those edges are `CiliumNetworkPolicy` entities.
    Cilium,
}

impl Cni {
    /// The spellings `cni` accepts, in the order of the variants.
    pub const NAMES: &[&str] = &["portable", "cilium"];
}

/// The Git source Flux reconciles.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["url"]))]
pub struct Git {
    /// The repository URL, e.g. `ssh://git@github.com/acme/k3s-gitops`.
    pub url: Spanned<String>,
    /// The branch Flux follows (default `main`).
    pub branch: Spanned<String>,
    /// How often Flux polls, e.g. `10m`.
    pub interval: Spanned<String>,
    /// Where the rendered tree lives in the repository: the output
    /// directory relative to the repository root, e.g. `out` (`.` for the
    /// root). Without it `stackc build` finds it from the output directory.
    pub path: Option<Spanned<String>>,
}

/// The API server, reachable only by IP.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["address"]))]
pub struct ApiServer {
    /// An IP address or CIDR, e.g. `10.0.0.10/32`.
    pub address: Spanned<String>,
    /// The API server port (default 6443).
    #[schemars(range(min = 1))]
    pub port: Spanned<u16>,
}

/// The cluster DNS: namespace, pod labels and port.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Dns {
    /// The namespace of the DNS pods (default `kube-system`).
    pub namespace: Spanned<String>,
    /// The DNS port (default 53), allowed over UDP and TCP.
    #[schemars(range(min = 1))]
    pub port: Spanned<u16>,
    /// Labels of the DNS pods, e.g. `k8s-app=kube-dns`.
    pub pods: BTreeMap<String, String>,
}

/// In-cluster address ranges.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&[]))]
pub struct Networks {
    /// The pod CIDR (k3s default `10.42.0.0/16`).
    pub pods: Spanned<String>,
    /// The Service CIDR (k3s default `10.43.0.0/16`).
    pub services: Spanned<String>,
    /// The prefix length of each node's slice of the pod CIDR (default 24,
    /// kube-controller-manager's `--node-cidr-mask-size`). The API server's
    /// calls to a webhook on another node arrive from that slice's overlay
    /// addresses (`.0`, `.1`), which webhook ingress admits.
    pub node_mask: Spanned<u8>,
    /// Node addresses the API server's calls may come from besides its own
    /// (flannel `host-gw`, where they arrive from the sending node's IP).
    #[serde(rename = "node-address")]
    pub node_addresses: Vec<Spanned<String>>,
}

/// A storage class PVCs may use.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
pub struct StorageClass {
    /// The storage class name, e.g. `local-path`.
    pub name: Name,
    /// PVCs that name no class use this one.
    pub default: bool,
}
