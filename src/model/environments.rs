//! Lowering of `override` nodes: what one cluster changes in the workloads
//! every cluster shares.

use super::containers::resources;
use super::reader::Reader;
use super::types::{HostOverride, Override, VolumeOverride};
use crate::diagnostic::Diagnostics;
use crate::syntax::Node;

/// `override "namespace/name" replicas=1 size="2Gi" host="..." { expose ...; volume ...; resources ... }`
pub(super) fn override_node(node: &Node, d: &mut Diagnostics) -> Option<Override> {
    let r = Reader::new(node, 1, &["replicas", "size", "host"], &["expose", "volume", "resources"], d);
    let workload = r.arg_string(0, "workload", d);
    let exposes = r
        .children("expose")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["host"], &[], d);
            Some(HostOverride { from: r.arg_string(0, "host", d)?, host: r.required_string("host", d)? })
        })
        .collect();
    let volumes = r
        .children("volume")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["size"], &[], d);
            Some(VolumeOverride { name: r.arg_string(0, "name", d)?, size: r.required_string("size", d)? })
        })
        .collect();
    Some(Override {
        span: node.name_span,
        replicas: r.integer("replicas", super::reader::REPLICAS, d),
        size: r.string("size", d),
        host: r.string("host", d),
        exposes,
        volumes,
        resources: r.child("resources", d).map(|n| resources(n, d)),
        workload: workload?,
    })
}
