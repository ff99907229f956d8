//! Hosts shared by several exposures: who may share one and who may not.
//!
//! Apps share a host by path prefix (`expose "social.acme.io" port="http"
//! path="/api/v1/streaming"`). The host gets one Certificate and one
//! IngressRoute, so every exposure of it must live in one namespace (the
//! IngressRoute reads its TLS Secret from its own namespace) and use one
//! issuer; the same host and path twice is an error labelled at both places.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use crate::model;

/// Every host exposed so far, by lower-cased name.
#[derive(Default)]
pub(super) struct Hosts(BTreeMap<String, Claim>);

/// The first exposure of a host and the paths claimed on it.
struct Claim {
    namespace: String,
    span: Span,
    issuer: Option<(String, Span)>,
    paths: BTreeMap<String, Span>,
}

impl Hosts {
    /// Record one exposure of `e.host` from `namespace`; report a conflict
    /// with an earlier one.
    pub(super) fn claim(&mut self, namespace: &str, e: &model::Expose, issuer: Option<&str>, d: &mut Diagnostics) {
        let issuer = issuer.map(|i| (i.to_owned(), e.issuer.as_ref().map_or(e.host.span, |n| n.span)));
        let claim = self.0.entry(e.host.value.to_ascii_lowercase()).or_insert_with(|| Claim {
            namespace: namespace.to_owned(),
            span: e.host.span,
            issuer: issuer.clone(),
            paths: BTreeMap::new(),
        });
        if let Some(first) = claim.paths.get(&e.path.value) {
            d.push(
                Diagnostic::error(
                    Code::DuplicateHost,
                    e.host.span,
                    format!("host `{}` path `{}` is exposed twice", e.host.value, e.path.value),
                )
                .label("exposed again here")
                .also(*first, "first exposed here")
                .help("apps share a host by path prefix: give one of them another `path=\"/...\"`"),
            );
            return;
        }
        if claim.namespace != namespace {
            d.push(
                Diagnostic::error(
                    Code::DuplicateHost,
                    e.host.span,
                    format!(
                        "host `{}` is exposed from namespaces `{}` and `{namespace}`",
                        e.host.value, claim.namespace
                    ),
                )
                .label("exposed from another namespace here")
                .also(claim.span, format!("first exposed in `{}` here", claim.namespace))
                .help(
                    "apps that share a host must be in one namespace: the host has one Certificate, \
                     and an IngressRoute reads its TLS Secret from its own namespace",
                ),
            );
            return;
        }
        match (&claim.issuer, &issuer) {
            (Some((first, first_span)), Some((this, span))) if first != this => d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    *span,
                    format!("host `{}` has one Certificate, from issuer `{first}`, not `{this}`", e.host.value),
                )
                .label("another issuer for the same host")
                .also(*first_span, format!("issuer `{first}` chosen here"))
                .help("use one issuer for every exposure of a host"),
            ),
            (None, Some(_)) => claim.issuer = issuer,
            _ => {}
        }
        claim.paths.insert(e.path.value.clone(), e.host.span);
    }
}
