//! Checks of the stack's top: cluster facts, platform settings, Helm
//! repositories.

use super::names::{cidr, is_dns1123_label, is_duration, is_host};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned};
use crate::model::{GitOpsEngine, Stack};

pub(super) fn check_cluster(stack: &Stack, d: &mut Diagnostics) {
    label(&stack.name, "stack", d);
    let cluster = &stack.cluster();
    label(&cluster.name, "cluster", d);
    if let Some(git) = &cluster.git {
        if !is_duration(&git.interval) {
            d.push(invalid(git.interval.span, "a Flux interval like `10m` or `1h`", &git.interval));
        }
        if git.url.value.trim().is_empty() || git.url.value.chars().any(char::is_whitespace) {
            d.push(invalid(git.url.span, "a Git URL", &git.url));
        }
    }
    if let Some(api) = &cluster.api_server
        && cidr(&api.address).is_none()
    {
        d.push(invalid(api.address.span, "an IP address or CIDR", &api.address));
    }
    for net in [&cluster.networks.pods, &cluster.networks.services] {
        if cidr(net).is_none() {
            d.push(invalid(net.span, "a CIDR like `10.42.0.0/16`", net));
        }
    }
    label(&cluster.dns.namespace, "namespace", d);
    let defaults: Vec<_> = cluster.storage_classes.iter().filter(|s| s.default).collect();
    if let Some((first, extras)) = defaults.split_first() {
        for extra in extras {
            d.push(
                Diagnostic::duplicate(
                    Code::DuplicateName,
                    first.name.span,
                    extra.name.span,
                    "two default storage classes",
                )
                .help("mark one storage class `default=#true`"),
            );
        }
    }
    unique(cluster.storage_classes.iter().map(|s| &s.name), "storage class", d);
    for recipient in &cluster.age_recipients {
        if !recipient.starts_with("age1") {
            d.push(invalid(recipient.span, "an age recipient (`age1...`)", "the given value"));
        }
    }
    if let Some(cm) = &stack.platform.cert_manager {
        unique(cm.issuers.iter().map(|i| &i.name), "issuer", d);
        for issuer in &cm.issuers {
            label(&issuer.name, "issuer", d);
            label(&issuer.token_secret, "secret", d);
            let email_ok =
                issuer.acme_email.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && is_host(domain));
            if !email_ok {
                d.push(invalid(issuer.acme_email.span, "an e-mail address", &issuer.acme_email));
            }
            let server = issuer.server.value.as_str();
            if !matches!(server, "production" | "staging") && !server.starts_with("https://") {
                d.push(invalid(issuer.server.span, "`production`, `staging` or an `https://` ACME directory", server));
            }
        }
    }
    engine(stack, d);
    unique(stack.helm_repositories.iter().map(|r| &r.name), "helm repository", d);
    for repo in &stack.helm_repositories {
        label(&repo.name, "helm repository", d);
        if !(repo.url.starts_with("https://") || repo.url.starts_with("http://") || repo.url.starts_with("oci://")) {
            d.push(invalid(repo.url.span, "an `https://` or `oci://` URL", &repo.url));
        }
    }
}

/// Argo CD reads the tree from the cluster's Git repository.
fn engine(stack: &Stack, d: &mut Diagnostics) {
    if let GitOpsEngine::ArgoCd(argo) = &stack.platform.engine {
        label(&argo.namespace, "namespace", d);
        label(&argo.project, "project", d);
        if stack.cluster().git.is_none() {
            d.push(
                Diagnostic::error(Code::MissingValue, argo.span, "engine `argocd` needs the cluster's `git`")
                    .label("Applications need a repository to read from")
                    .help("add `git url=\"...\" branch=\"main\"` to the `cluster` node"),
            );
        }
    }
}

/// `invalid-name` unless the name is a DNS-1123 label.
pub(super) fn label(name: &Spanned<String>, what: &str, d: &mut Diagnostics) {
    if !is_dns1123_label(name) {
        d.push(
            Diagnostic::error(
                Code::InvalidName,
                name.span,
                format!("`{}` is not a valid {what} name", printable(name)),
            )
            .label("not a DNS-1123 label")
            .help("use at most 63 lowercase letters, digits and `-`, starting and ending with a letter or digit"),
        );
    }
}

/// `duplicate-name` for every name given twice.
pub(super) fn unique<'a>(names: impl Iterator<Item = &'a Spanned<String>>, what: &str, d: &mut Diagnostics) {
    // In file order, so "again" is always the later one (`database "db"`
    // before `app "db"` is found as an app first).
    let mut names: Vec<&Spanned<String>> = names.collect();
    names.sort_by_key(|n| n.span);
    let mut seen: std::collections::BTreeMap<&str, Span> = std::collections::BTreeMap::new();
    for name in names {
        if let Some(first) = seen.get(name.value.as_str()) {
            d.push(
                Diagnostic::duplicate(
                    Code::DuplicateName,
                    *first,
                    name.span,
                    format!("{what} `{}` is declared twice", printable(name)),
                )
                .help(format!("give each {what} its own name")),
            );
        } else {
            seen.insert(name, name.span);
        }
    }
}

pub(super) fn invalid(span: Span, expected: &str, found: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidValue, span, format!("`{}` is not {expected}", printable(found)))
        .label(format!("expected {expected}"))
}

/// A value made safe to print in one line of a diagnostic: control and
/// invisible characters escaped, long values cut.
pub(crate) fn printable(value: &str) -> String {
    let mut out: String = value.chars().take(80).flat_map(char::escape_default).collect();
    if value.chars().count() > 80 {
        out.push('…');
    }
    out
}
