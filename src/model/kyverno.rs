//! Lowering of `kyverno mode=... { rule "name" mode=... enabled=#false }`.

use super::lower::one_of;
use super::platform::version;
use super::reader::Reader;
use super::types::{Kyverno, KyvernoRule, PolicyMode};
use crate::diagnostic::{Diagnostics, Spanned};
use crate::syntax::Node;

/// Every rule stackc can generate, each one ClusterPolicy of that name
/// (`docs/policies.md`).
pub const KYVERNO_RULES: &[&str] = &[
    "require-resource-limits",
    "disallow-privileged-containers",
    "require-pod-labels",
    "restrict-image-registries",
    "disallow-latest-tag",
    "restrict-images-per-namespace",
    "require-linkerd-injection",
    "restrict-network-policies",
    "restrict-ingressroute-hosts",
    "restrict-service-types",
    "restrict-pod-security",
    "restrict-storage-classes",
];

pub(super) fn kyverno(node: &Node, d: &mut Diagnostics) -> Kyverno {
    let r = Reader::new(node, 0, &["version", "mode"], &["rule"], d);
    let default = mode(&r, d).unwrap_or_else(|| Spanned::new(PolicyMode::Audit, node.name_span));
    let rules = r
        .children("rule")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["mode", "enabled"], &[], d);
            let name = r.arg_string(0, "rule name", d)?;
            if !KYVERNO_RULES.contains(&name.value.as_str()) {
                d.push(one_of(name.span, "Kyverno rule", &name.value, KYVERNO_RULES));
            }
            Some(KyvernoRule { name, mode: mode(&r, d), enabled: r.bool("enabled", true, d) })
        })
        .collect();
    Kyverno {
        span: node.name_span,
        version: version(&r, crate::charts::supported_version("kyverno"), d),
        mode: default,
        rules,
    }
}

fn mode(r: &Reader<'_>, d: &mut Diagnostics) -> Option<Spanned<PolicyMode>> {
    r.string("mode", d).and_then(|s| match s.value.as_str() {
        "audit" => Some(Spanned::new(PolicyMode::Audit, s.span)),
        "enforce" => Some(Spanned::new(PolicyMode::Enforce, s.span)),
        other => {
            d.push(one_of(s.span, "mode", other, &["audit", "enforce"]));
            None
        }
    })
}
