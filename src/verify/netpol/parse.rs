//! Parsing of a `networking.k8s.io/v1` `NetworkPolicy` object given as
//! `serde_json::Value` into the typed [`Policy`], with the API server's
//! defaulting (`policyTypes`, `protocol: TCP`) and validation (ports,
//! `endPort`, named ports, CIDRs, peer shape, selector operators). Unknown
//! fields under `spec` are rejected, as strict field validation does.

use serde_json::Value;

use super::cidr::{Cidr, IpBlock};
use super::error::NetpolError;
use super::json::{Obj, Path, field, index, strings, type_err};
use super::policy::{Peer, Policy, PolicyTypes, PortMatch, PortSpec, Rule};
use super::ports::Protocol;
use super::selector::LabelSelector;

/// Whether objects of `kind` are policies the evaluator reads:
/// `NetworkPolicy`, and `CiliumNetworkPolicy` (the forms stackc writes).
#[must_use]
pub fn is_policy(kind: &str) -> bool {
    kind == "NetworkPolicy" || kind == super::cilium::KIND
}

/// Parses one `networking.k8s.io/v1` `NetworkPolicy` object, or a
/// `CiliumNetworkPolicy` of the forms stackc writes (`kind` says which).
///
/// `apiVersion` and `kind` are checked when present; `metadata.name` and
/// `metadata.namespace` are required.
///
/// # Errors
/// [`NetpolError`] naming the first offending field.
pub fn parse_policy(v: &Value) -> Result<Policy, NetpolError> {
    if field(v, "kind").and_then(Value::as_str) == Some(super::cilium::KIND) {
        return super::cilium::parse(v);
    }
    let top = Obj::new(v, Path::Root, &["apiVersion", "kind", "metadata", "spec", "status"])?;
    if let Some(api) = top.opt_str("apiVersion")?
        && api != "networking.k8s.io/v1"
    {
        return Err(not_netpol("apiVersion", api));
    }
    if let Some(kind) = top.opt_str("kind")?
        && kind != "NetworkPolicy"
    {
        return Err(not_netpol("kind", kind));
    }
    let meta_v = top.get("metadata").ok_or_else(|| NetpolError::Missing { path: "metadata".into() })?;
    let meta = Obj::open(meta_v, Path::Key(&Path::Root, "metadata"))?;
    let name = meta.req_str("name")?.to_owned();
    let namespace = meta.req_str("namespace")?.to_owned();

    let empty = Value::Object(serde_json::Map::new());
    let spec = Obj::new(
        top.get("spec").unwrap_or(&empty),
        Path::Key(&Path::Root, "spec"),
        &["podSelector", "policyTypes", "ingress", "egress"],
    )?;
    let pod_selector = match spec.get("podSelector") {
        Some(s) => LabelSelector::parse(s, spec.at("podSelector"))?,
        None => LabelSelector::everything(),
    };
    let ingress = rules(&spec, "ingress", "from")?;
    let egress = rules(&spec, "egress", "to")?;

    let types_path = spec.at("policyTypes");
    let listed = strings(spec.array("policyTypes")?, &types_path)?;
    let types = if listed.is_empty() {
        // API defaulting: Ingress always, Egress when egress rules exist.
        PolicyTypes { ingress: true, egress: !egress.is_empty() }
    } else {
        let mut t = PolicyTypes::default();
        for (i, s) in listed.into_iter().enumerate() {
            match s {
                "Ingress" => t.ingress = true,
                "Egress" => t.egress = true,
                other => {
                    return Err(NetpolError::invalid(
                        &index(&types_path, i),
                        other,
                        "policy type must be Ingress or Egress",
                    ));
                }
            }
        }
        t
    };
    Ok(Policy { namespace, name, pod_selector, types, ingress, egress })
}

/// Parses every policy ([`is_policy`]) among `objects`, skipping objects of any
/// other `kind` (so the full list of emitted manifests can be passed).
///
/// Each object is parsed on its own, so the objects can come in parts (a
/// namespace at a time, say, each part dropped once parsed): concatenating
/// the results of the parts, in order, gives the result of the whole. The
/// order of the policies changes no allowed set, neither
/// [`Cluster::allowed`](super::Cluster::allowed) nor reachability; it is
/// only the order in which [`Cluster::explain`](super::Cluster::explain)
/// lists the policies and rules of a verdict.
///
/// # Errors
/// The first policy that fails [`parse_policy`] (the first of its part,
/// when parsed in parts).
pub fn parse_policies<'a>(objects: impl IntoIterator<Item = &'a Value>) -> Result<Vec<Policy>, NetpolError> {
    objects
        .into_iter()
        .filter(|v| field(v, "kind").and_then(Value::as_str).is_some_and(is_policy))
        .map(parse_policy)
        .collect()
}

fn not_netpol(field: &str, value: &str) -> NetpolError {
    NetpolError::NotNetworkPolicy { path: field.into(), value: value.into() }
}

fn rules(spec: &Obj<'_, '_>, key: &str, peers_key: &str) -> Result<Vec<Rule>, NetpolError> {
    each(spec.array(key)?, &spec.at(key), |r, path| {
        let o = Obj::new(r, path, &[peers_key, "ports"])?;
        let peers = each(o.array(peers_key)?, &o.at(peers_key), parse_peer)?;
        let ports = each(o.array("ports")?, &o.at("ports"), parse_port)?;
        Ok(Rule { peers: peers.into_boxed_slice(), ports: ports.into_boxed_slice() })
    })
}

/// `parse` of every item at `path`, into a vector of exactly their number
/// (collecting a `Result` would make room for four: thousands of one-peer
/// rules would pay for it in memory).
fn each<T>(
    items: &[Value],
    path: &Path<'_>,
    parse: impl Fn(&Value, Path<'_>) -> Result<T, NetpolError>,
) -> Result<Vec<T>, NetpolError> {
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        out.push(parse(v, index(path, i))?);
    }
    Ok(out)
}

fn parse_peer(v: &Value, path: Path) -> Result<Peer, NetpolError> {
    let o = Obj::new(v, path, &["podSelector", "namespaceSelector", "ipBlock"])?;
    let sel = |k: &'static str| o.get(k).map(|s| LabelSelector::parse(s, o.at(k))).transpose();
    let pod_selector = sel("podSelector")?;
    let namespace_selector = sel("namespaceSelector")?;
    match (o.get("ipBlock"), &pod_selector, &namespace_selector) {
        (None, None, None) => {
            Err(NetpolError::invalid(&path, "{}", "a peer needs podSelector, namespaceSelector or ipBlock"))
        }
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => Err(NetpolError::invalid(
            &path,
            "ipBlock with selectors",
            "ipBlock cannot be combined with podSelector or namespaceSelector",
        )),
        (Some(b), None, None) => parse_ip_block(b, o.at("ipBlock")).map(Peer::IpBlock),
        (None, _, _) => Ok(Peer::Pods { namespace_selector, pod_selector }),
    }
}

fn parse_ip_block(v: &Value, path: Path) -> Result<IpBlock, NetpolError> {
    let o = Obj::new(v, path, &["cidr", "except"])?;
    let cidr_text = o.req_str("cidr")?;
    let cidr = Cidr::parse(cidr_text).map_err(|r| NetpolError::invalid(&o.at("cidr"), cidr_text, r))?;
    let except_path = o.at("except");
    let listed = strings(o.array("except")?, &except_path)?;
    let mut except = Vec::with_capacity(listed.len());
    for (i, s) in listed.into_iter().enumerate() {
        let p = index(&except_path, i);
        let e = Cidr::parse(s).map_err(|r| NetpolError::invalid(&p, s, r))?;
        if !cidr.strictly_contains(&e) {
            return Err(NetpolError::invalid(&p, s, "except must be a strict subset of cidr"));
        }
        except.push(e);
    }
    Ok(IpBlock { cidr, except })
}

fn parse_port(v: &Value, path: Path) -> Result<PortSpec, NetpolError> {
    let o = Obj::new(v, path, &["protocol", "port", "endPort"])?;
    let protocol = match o.opt_str("protocol")? {
        None => Protocol::Tcp,
        Some(s) => Protocol::parse(s)
            .ok_or_else(|| NetpolError::invalid(&o.at("protocol"), s, "protocol must be TCP, UDP or SCTP"))?,
    };
    let end = o.get("endPort").map(|e| port_number(e, &o.at("endPort"))).transpose()?;
    let port = match (o.get("port"), end) {
        (None, None) => PortMatch::Any,
        (None, Some(e)) => {
            return Err(NetpolError::invalid(&o.at("endPort"), e, "endPort requires port"));
        }
        (Some(Value::String(name)), end) => {
            if end.is_some() {
                return Err(NetpolError::invalid(&o.at("endPort"), name, "endPort requires a numeric port"));
            }
            if !is_port_name(name) {
                return Err(NetpolError::invalid(
                    &o.at("port"),
                    name,
                    "named port must be an IANA service name (1-15 of a-z, 0-9, -, with a letter)",
                ));
            }
            PortMatch::Named(name.clone())
        }
        (Some(p), end) => {
            let start = port_number(p, &o.at("port"))?;
            let end = end.unwrap_or(start);
            if end < start {
                return Err(NetpolError::invalid(&o.at("endPort"), end, "endPort must not be less than port"));
            }
            PortMatch::Range { start, end }
        }
    };
    Ok(PortSpec { protocol, port })
}

fn port_number(v: &Value, path: &Path) -> Result<u16, NetpolError> {
    let n = v.as_i64().ok_or_else(|| type_err(path, "an integer port or a port name"))?;
    u16::try_from(n).ok().filter(|&p| p != 0).ok_or_else(|| NetpolError::invalid(path, n, "port must be in 1..=65535"))
}

/// `IANA_SVC_NAME`: 1-15 chars of `[a-z0-9-]`, at least one letter, no
/// leading, trailing or doubled hyphen.
fn is_port_name(s: &str) -> bool {
    (1..=15).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}
