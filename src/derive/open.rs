//! No silent openness: every namespace stackc writes (a `Namespace` object
//! of the tree) either gets a `default-deny` NetworkPolicy or an
//! `open-namespace` warning at its declaration saying why it has none
//! (docs/decisions/0013-open-namespaces.md).

use std::collections::BTreeSet;

use super::Component;
use crate::check::ResolvedStack;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};

/// The namespaces the components write without a `default-deny`
/// NetworkPolicy, with the declaration each comes from, sorted by name.
#[must_use]
pub fn open_namespaces(components: &[Component]) -> Vec<(String, Span)> {
    let objects = || components.iter().flat_map(|c| &c.objects);
    let denied: BTreeSet<&str> = objects()
        .filter(|o| o.kind == "NetworkPolicy" && o.name == "default-deny")
        .filter_map(|o| o.namespace.as_deref())
        .collect();
    let mut open: Vec<(String, Span)> = objects()
        .filter(|o| o.kind == "Namespace" && !denied.contains(o.name.as_str()))
        .map(|o| (o.name.clone(), o.origin))
        .collect();
    open.sort_by(|a, b| a.0.cmp(&b.0));
    open.dedup_by(|a, b| a.0 == b.0);
    open
}

/// One `open-namespace` warning per namespace of [`open_namespaces`].
pub(super) fn warn(stack: &ResolvedStack, components: &[Component], d: &mut Diagnostics) {
    let pods = super::platform_pods::platform_pods(stack);
    for (namespace, span) in open_namespaces(components) {
        let platform = pods.iter().any(|(n, _)| *n == namespace);
        let help = if platform && stack.cluster.api_server.is_none() {
            "declare the API server's address in the `cluster` node (`api-server \"10.0.0.10\" port=6443`; \
             `kubectl get endpoints kubernetes` shows it): the chart's controllers need it and no selector \
             can name it, so without it stackc leaves the namespace open rather than cut them off"
        } else {
            "stackc writes no NetworkPolicies for this namespace; lock it down by hand or report a stackc bug"
        };
        d.push(
            Diagnostic::warning(
                Code::OpenNamespace,
                span,
                format!(
                    "namespace `{namespace}` gets no NetworkPolicy: every pod may reach its pods, and they may reach anything"
                ),
            )
            .label("left open")
            .help(help),
        );
    }
}
