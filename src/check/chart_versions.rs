//! Pinned platform chart versions: stackc installs Traefik, cert-manager,
//! Kyverno and Linkerd itself and derives policy around their pods from the
//! chart facts ([`crate::charts`]), read at one version each. A pin to any
//! other version would install pods the facts do not describe, so it is
//! refused until the facts are read again at that version.

use crate::charts;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::Stack;

pub(super) fn check_chart_versions(stack: &Stack, d: &mut Diagnostics) {
    let p = &stack.platform;
    let pins = [
        ("linkerd", p.linkerd.as_ref().map(|l| &l.version)),
        ("traefik", p.traefik.as_ref().map(|t| &t.version)),
        ("cert-manager", p.cert_manager.as_ref().map(|c| &c.version)),
        ("kyverno", p.kyverno.as_ref().map(|k| &k.version)),
    ];
    for (component, version) in pins {
        if let Some(version) = version {
            check(component, version, d);
        }
    }
}

fn check(component: &str, version: &Spanned<String>, d: &mut Diagnostics) {
    let supported = charts::supported_version(component);
    if version.value == supported {
        return;
    }
    let names: Vec<&str> = charts::of(component).map(|c| c.chart).collect();
    d.push(
        Diagnostic::error(
            Code::ChartVersion,
            version.span,
            format!("{component} version `{}` has no chart facts", version.value),
        )
        .label("no chart facts for this version")
        .help(format!(
            "stackc supports {component} {supported}; to pin another version, read the {} chart at that version and \
             update its chart facts (src/charts/, docs/chart-facts.md) with it",
            names.join(" and ")
        )),
    );
}
