//! An app's ports and the traffic through them: named ports, exposure
//! through Traefik, and the connections an app opens.

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::Spanned;

/// A named container port.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "number"]))]
pub struct Port {
    /// An IANA service name (at most 15 characters).
    pub name: Name,
    /// The container port.
    #[schemars(range(min = 1))]
    pub number: Spanned<u16>,
    /// `TCP` (default) or `UDP`.
    pub protocol: Protocol,
}

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, JsonSchema)]
pub enum Protocol {
    #[serde(rename = "TCP")]
    Tcp,
    #[serde(rename = "UDP")]
    Udp,
}

impl Protocol {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
        }
    }
}

/// A port given by name or by number.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::port_ref)]
pub enum PortRef {
    /// A port name, e.g. `"http"`.
    Name(String),
    /// A port number, e.g. `8080`.
    Number(u16),
}

/// Exposure through Traefik with a cert-manager certificate.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["host", "port"]))]
#[schemars(transform = super::kdl::expose_service)]
pub struct Expose {
    /// The public host name.
    pub host: Spanned<String>,
    /// The app port traffic arrives on.
    pub port: Spanned<PortRef>,
    /// For release apps: the Service the chart creates and its port
    /// (described as the node's `service` and `service-port`).
    #[schemars(skip)]
    pub service: Option<Spanned<(String, u16)>>,
    /// The ClusterIssuer; defaults to the only one declared.
    pub issuer: Option<Name>,
    /// A path prefix (default `/`). Apps share a host by path: the longest
    /// prefix wins.
    pub path: Spanned<String>,
    /// Strip `path` from the request before it reaches the app (a Traefik
    /// `stripPrefix` Middleware); default `#false`.
    pub strip_prefix: Option<Spanned<bool>>,
}

/// A TCP or UDP port exposed to the world through a Traefik entry point of
/// its own: `expose-port 2222 port="ssh"`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["number", "port"]))]
#[schemars(transform = super::kdl::expose_service)]
pub struct ExposePort {
    /// The public port: Traefik's entry point listens on it and its Service
    /// exposes it.
    #[schemars(range(min = 1))]
    pub number: Spanned<u16>,
    /// The app port traffic arrives on.
    pub port: Spanned<PortRef>,
    /// `TCP` (default; an IngressRouteTCP) or `UDP` (an IngressRouteUDP).
    pub protocol: Protocol,
    /// For release apps: the Service the chart creates and its port
    /// (described as the node's `service` and `service-port`).
    #[schemars(skip)]
    pub service: Option<Spanned<(String, u16)>>,
}

/// A connection this app opens: `connects-to "app"` or `"namespace/app"`.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["target"]))]
pub struct Connect {
    /// The target's namespace (default: this one).
    pub namespace: Option<String>,
    /// The target app or database.
    pub target: Name,
    /// The target port, by name or number; optional when it has one.
    pub port: Option<Spanned<PortRef>>,
}
