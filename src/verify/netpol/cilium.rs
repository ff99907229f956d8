//! Parsing of the `cilium.io/v2` `CiliumNetworkPolicy` objects stackc
//! writes (`derive::cilium`) into the typed [`Policy`]: `endpointSelector`
//! (the pods of the policy's namespace it selects, like `podSelector`),
//! `ingress` rules of `fromEntities`, `egress` rules of `toEntities`, each
//! with numeric `toPorts`. Anything else Cilium offers (endpoint, CIDR,
//! FQDN and deny rules, `enableDefaultDeny`, L7) is refused by field name,
//! so the proof never evaluates an object it does not understand.
//!
//! A direction with a rule list isolates the pods for it: "the default is
//! true for each traffic direction that has rules" (`enableDefaultDeny`,
//! cilium/cilium v1.19.4 `ciliumnetworkpolicies.yaml`). Rules add up with
//! every other policy selecting the pod, as `NetworkPolicy` rules do.

use serde_json::Value;

use super::error::NetpolError;
use super::json::{Obj, Path, index, strings};
use super::policy::{Entity, Peer, Policy, PolicyTypes, PortMatch, PortSpec, Rule};
use super::ports::Protocol;
use super::selector::LabelSelector;

pub(super) const KIND: &str = "CiliumNetworkPolicy";
const API_VERSION: &str = "cilium.io/v2";

/// Parses one `CiliumNetworkPolicy` of the forms stackc writes.
pub(super) fn parse(v: &Value) -> Result<Policy, NetpolError> {
    let top = Obj::new(v, Path::Root, &["apiVersion", "kind", "metadata", "spec", "status"])?;
    if let Some(api) = top.opt_str("apiVersion")?
        && api != API_VERSION
    {
        return Err(NetpolError::NotNetworkPolicy { path: "apiVersion".into(), value: api.into() });
    }
    let meta_v = top.get("metadata").ok_or_else(|| NetpolError::Missing { path: "metadata".into() })?;
    let meta = Obj::open(meta_v, Path::Key(&Path::Root, "metadata"))?;
    let name = meta.req_str("name")?.to_owned();
    let namespace = meta.req_str("namespace")?.to_owned();
    let spec_v = top.get("spec").ok_or_else(|| NetpolError::Missing { path: "spec".into() })?;
    let spec = Obj::new(spec_v, Path::Key(&Path::Root, "spec"), &["endpointSelector", "ingress", "egress"])?;
    let selector =
        spec.get("endpointSelector").ok_or_else(|| NetpolError::Missing { path: "spec.endpointSelector".into() })?;
    let pod_selector = LabelSelector::parse(selector, spec.at("endpointSelector"))?;
    let ingress = rules(&spec, "ingress", "fromEntities")?;
    let egress = rules(&spec, "egress", "toEntities")?;
    let types = PolicyTypes { ingress: spec.get("ingress").is_some(), egress: spec.get("egress").is_some() };
    Ok(Policy { namespace, name, pod_selector, types, ingress, egress })
}

fn rules(spec: &Obj<'_, '_>, key: &str, entities_key: &str) -> Result<Vec<Rule>, NetpolError> {
    let path = spec.at(key);
    let mut out = Vec::new();
    for (i, r) in spec.array(key)?.iter().enumerate() {
        let o = Obj::new(r, index(&path, i), &[entities_key, "toPorts"])?;
        let entities_path = o.at(entities_key);
        let mut peers = Vec::new();
        for (j, name) in strings(o.array(entities_key)?, &entities_path)?.into_iter().enumerate() {
            let entity = Entity::parse(name).ok_or_else(|| {
                NetpolError::invalid(
                    &index(&entities_path, j),
                    name,
                    "not an entity stackc writes: host, kube-apiserver, remote-node or world",
                )
            })?;
            peers.push(Peer::Entity(entity));
        }
        if peers.is_empty() {
            return Err(NetpolError::Missing { path: entities_path.to_string() });
        }
        let mut ports = Vec::new();
        let to_ports = o.at("toPorts");
        for (j, p) in o.array("toPorts")?.iter().enumerate() {
            let rule_path = index(&to_ports, j);
            let rule = Obj::new(p, rule_path, &["ports"])?;
            let list = rule.at("ports");
            for (k, port) in rule.array("ports")?.iter().enumerate() {
                ports.push(port_spec(port, index(&list, k))?);
            }
        }
        out.push(Rule { peers: peers.into_boxed_slice(), ports: ports.into_boxed_slice() });
    }
    Ok(out)
}

/// `{"port": "6443", "protocol": "TCP"}`: a number in a string, and TCP,
/// UDP or SCTP (stackc writes no named port, range or `ANY`).
fn port_spec(v: &Value, path: Path<'_>) -> Result<PortSpec, NetpolError> {
    let o = Obj::new(v, path, &["port", "protocol"])?;
    let text = o.req_str("port")?;
    let port = text
        .parse::<u16>()
        .ok()
        .filter(|p| *p != 0)
        .ok_or_else(|| NetpolError::invalid(&o.at("port"), text, "stackc writes a port number in 1..=65535"))?;
    let protocol = match o.opt_str("protocol")? {
        None => Protocol::Tcp,
        Some(s) => Protocol::parse(s)
            .ok_or_else(|| NetpolError::invalid(&o.at("protocol"), s, "protocol must be TCP, UDP or SCTP"))?,
    };
    Ok(PortSpec { protocol, port: PortMatch::Range { start: port, end: port } })
}
