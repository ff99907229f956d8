//! The secret store checked against the stack: store files missing,
//! unreadable or read by no Secret, keys missing or unknown, and files
//! encrypted to other recipients than the cluster's.

use std::collections::BTreeSet;

use crate::check::ResolvedStack;
use crate::check::platform_secrets::platform_secrets;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model;
use crate::secrets::sops::{EncryptedFile, Node};
use crate::secrets::store::{SecretId, SecretStore};

/// Store files that no Secret the stack keeps reads.
pub(super) fn unused(stack: &ResolvedStack, store: &SecretStore, d: &mut Diagnostics) {
    let platform = platform_secrets(&stack.platform);
    for (id, stored) in store.iter() {
        match (&id.scope, &stack.store_scope) {
            (Some(a), Some(b)) if a != b => continue, // another cluster's store reports its own
            (None, Some(_)) => {
                d.push(
                    // No single declaration to point at, and at one place every
                    // cluster's report is the same warning, shown once.
                    Diagnostic::warning(
                        Code::SecretStore,
                        crate::diagnostic::Span::default(),
                        format!("store file `{}` is outside every cluster's store", stored.path),
                    )
                    .help(
                        "with several clusters each keeps its own store: move it to `secrets/<cluster>/<namespace>/`",
                    ),
                );
                continue;
            }
            (Some(_), None) => {
                d.push(
                    Diagnostic::warning(
                        Code::SecretStore,
                        stack.cluster.name.span,
                        format!("store file `{}` is in a cluster's store, but the stack has one cluster", stored.path),
                    )
                    .label("the only cluster")
                    .help("a stack with one cluster keeps `secrets/<namespace>/<name>.sops.yaml`"),
                );
                continue;
            }
            _ => {}
        }
        let ns = stack.namespaces.iter().find(|n| n.name == id.namespace);
        let kept = ns.is_some_and(|ns| ns.secrets.iter().any(|s| !s.external && s.name.value == id.name))
            || platform.iter().any(|p| p.namespace == id.namespace && p.secret.name.value == id.name);
        if !kept {
            d.push(
                Diagnostic::warning(
                    Code::SecretStore,
                    ns.map(|n| n.span).unwrap_or_default(),
                    format!("store file `{}` belongs to no Secret the stack keeps values of", stored.path),
                )
                .label("not declared here")
                .help(format!("declare `secret \"{}\"` in namespace `{}`, or delete the file", id.name, id.namespace)),
            );
        }
    }
}

pub(super) fn missing_file(
    stack: &ResolvedStack,
    id: &SecretId,
    secret: &model::Secret,
    command: Option<&str>,
) -> Diagnostic {
    let mut steps = Vec::new();
    if stack.cluster.age_recipients.is_empty() {
        steps.push("add an `age-recipient` to the cluster (`stackc secrets keygen` prints one)".to_owned());
    }
    if let Some(command) = command {
        steps.push(format!("run `{command}` (docs/secrets.md)"));
        return Diagnostic::error(
            Code::MissingSecret,
            secret.name.span,
            format!("Secret `{id}` has no values: `{}` does not exist", id.store_path()),
        )
        .label("needs values")
        .help(steps.join("; then "));
    }
    if secret.keys.iter().any(|k| k.generated) {
        steps.push("run `stackc secrets generate` for the generated keys".to_owned());
    }
    for key in secret.keys.iter().filter(|k| !k.generated) {
        steps.push(format!("run `stackc secrets set {id} {}` (reads the value from stdin)", key.name.value));
    }
    Diagnostic::error(
        Code::MissingSecret,
        secret.name.span,
        format!("Secret `{id}` has no values: `{}` does not exist", id.store_path()),
    )
    .label("needs values")
    .help(steps.join("; then "))
}

pub(super) fn store_error(secret: &model::Secret, path: &str, reason: &str) -> Diagnostic {
    Diagnostic::error(Code::SecretStore, secret.name.span, format!("cannot use store file `{path}`: {reason}"))
        .label("values of this Secret")
        .help("run `stackc secrets rotate` (needs an identity) to rewrite it, or restore it from Git")
}

/// Keys under `stringData` and `data`, as stored.
fn stored_keys(document: &Node) -> Vec<&str> {
    ["stringData", "data"]
        .iter()
        .filter_map(|field| match document.get(field) {
            Some(Node::Map(entries)) => Some(entries.iter().map(|(k, _)| k.as_str())),
            _ => None,
        })
        .flatten()
        .collect()
}

/// Every declared key needs a value; a stored key nobody declared is a warning.
pub(super) fn check_keys(
    id: &SecretId,
    secret: &model::Secret,
    fills: Option<&str>,
    document: &Node,
    path: &str,
    d: &mut Diagnostics,
) {
    let stored = stored_keys(document);
    for key in &secret.keys {
        if !stored.contains(&key.name.value.as_str()) {
            let command = if let Some(fills) = fills {
                fills.to_owned()
            } else if key.generated {
                "stackc secrets generate".to_owned()
            } else {
                format!("stackc secrets set {id} {}", key.name.value)
            };
            d.push(
                Diagnostic::error(
                    Code::MissingSecret,
                    key.name.span,
                    format!("key `{}` of Secret `{id}` has no value in `{path}`", key.name.value),
                )
                .label("no value")
                .help(format!("run `{command}`")),
            );
        }
    }
    for key in stored {
        if !secret.keys.iter().any(|k| k.name.value == key) {
            d.push(
                Diagnostic::warning(
                    Code::SecretStore,
                    secret.name.span,
                    format!("`{path}` holds key `{key}`, which Secret `{id}` does not declare"),
                )
                .label("declared without it")
                .help(format!("declare `key \"{key}\"` if a workload reads it; the value is written either way")),
            );
        }
    }
}

/// Warns when the file's recipients differ from the cluster's; true then.
pub(super) fn check_recipients(
    stack: &ResolvedStack,
    secret: &model::Secret,
    file: &EncryptedFile,
    path: &str,
    d: &mut Diagnostics,
) -> bool {
    let stored: BTreeSet<&str> = file.metadata().age.iter().map(|e| e.recipient.as_str()).collect();
    let wanted: BTreeSet<&str> = stack.cluster.age_recipients.iter().map(|r| r.value.as_str()).collect();
    if stored == wanted {
        return false;
    }
    let list = |set: BTreeSet<&&str>| set.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
    let mut message = format!("`{path}` is encrypted to other recipients than the cluster lists");
    let extra: BTreeSet<_> = stored.difference(&wanted).collect();
    if !extra.is_empty() {
        message.push_str(&format!("; no longer listed: {}", list(extra)));
    }
    let absent: BTreeSet<_> = wanted.difference(&stored).collect();
    if !absent.is_empty() {
        message.push_str(&format!("; not encrypted to: {}", list(absent)));
    }
    d.push(
        Diagnostic::warning(Code::StaleRecipients, secret.name.span, message)
            .label("values of this Secret")
            .help("run `stackc secrets rotate` (needs an identity that can decrypt it)"),
    );
    true
}
