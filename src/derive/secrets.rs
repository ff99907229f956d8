//! Secret objects: the stored sops file of every Secret stackc keeps values
//! of, re-emitted with stackc's metadata (name, namespace, common labels)
//! without any key. Store files are `mac_only_encrypted`, so the clear-text
//! metadata is outside the MAC and the stored ciphertexts, `lastmodified` and
//! `mac` carry over unchanged: an unchanged store gives the same bytes.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::object::{Body, Object};
use super::platform::common_labels;
use crate::check::platform_secrets::platform_secrets;
use crate::check::{Namespace, ResolvedStack};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model;
use crate::secrets::sops::{EncryptedFile, Node, SopsError, parse_yaml, reencrypt_without_key};
use crate::secrets::store::{SecretId, SecretStore, StoredSecret, store_options};

/// The Secret objects of one namespace; problems go to `d`, the store paths
/// of files encrypted to other recipients than the cluster's to `stale`.
pub(super) fn objects(
    stack: &ResolvedStack,
    ns: &Namespace,
    store: &SecretStore,
    d: &mut Diagnostics,
    stale: &mut Vec<String>,
) -> Vec<Object> {
    let kept = ns.secrets.iter().filter(|s| !s.external).map(|s| Kept { secret: s, command: None, rendered_as: None });
    kept_objects(stack, &ns.name, kept, store, d, stale)
}

/// The Secret objects the platform reads (Linkerd's identity, DNS-01
/// tokens), by namespace: each goes into the component of its namespace.
pub(super) fn platform_objects(
    stack: &ResolvedStack,
    store: &SecretStore,
    d: &mut Diagnostics,
    stale: &mut Vec<String>,
) -> Vec<(&'static str, Object)> {
    platform_secrets(&stack.platform)
        .iter()
        .flat_map(|p| {
            let kept = Kept { secret: &p.secret, command: p.command, rendered_as: p.rendered_as };
            let objects = kept_objects(stack, p.namespace, std::iter::once(kept), store, d, stale);
            objects.into_iter().map(|o| (p.namespace, o))
        })
        .collect()
}

/// A Secret stackc keeps values of.
struct Kept<'a> {
    secret: &'a model::Secret,
    /// The command that fills all its keys at once, if there is one.
    command: Option<&'a str>,
    /// The rendered name and `type`, when not the stored ones.
    rendered_as: Option<(&'a str, &'a str)>,
}

/// The Secret objects of `secrets` in `namespace`.
fn kept_objects<'a>(
    stack: &ResolvedStack,
    namespace: &str,
    secrets: impl Iterator<Item = Kept<'a>>,
    store: &SecretStore,
    d: &mut Diagnostics,
    stale: &mut Vec<String>,
) -> Vec<Object> {
    secrets
        .filter_map(|Kept { secret, command, rendered_as }| {
            let id = SecretId::new(namespace, &secret.name.value).in_scope(stack.store_scope.as_deref());
            let Some(stored) = store.get(&id) else {
                d.push(missing_file(stack, &id, secret, command));
                return None;
            };
            let file = match &stored.parsed {
                Ok(file) => file,
                Err(reason) => {
                    d.push(store_error(secret, &stored.path, reason));
                    return None;
                }
            };
            let [document] = file.documents() else {
                d.push(store_error(secret, &stored.path, "it must hold exactly one YAML document"));
                return None;
            };
            check_keys(&id, secret, command, document, &stored.path, d);
            if check_recipients(stack, secret, file, &stored.path, d) {
                stale.push(stored.path.clone());
            }
            object(stack, &id, secret, rendered_as, document, stored, d)
        })
        .collect()
}

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

fn missing_file(stack: &ResolvedStack, id: &SecretId, secret: &model::Secret, command: Option<&str>) -> Diagnostic {
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

fn store_error(secret: &model::Secret, path: &str, reason: &str) -> Diagnostic {
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
fn check_keys(
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
fn check_recipients(
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

/// The output Secret: stackc's metadata, the stored `type`, `data` and
/// `stringData` (ciphertexts as stored, in stored order), the `sops` block last.
fn object(
    stack: &ResolvedStack,
    id: &SecretId,
    secret: &model::Secret,
    rendered_as: Option<(&str, &str)>,
    document: &Node,
    stored: &StoredSecret,
    d: &mut Diagnostics,
) -> Option<Object> {
    let Ok(file) = &stored.parsed else {
        return None;
    };
    let mut rest = Map::new();
    let secret_type = match (rendered_as, document.get("type").map(Node::to_json)) {
        (Some((_, t)), _) => t.to_owned(),
        (None, Some(Value::String(t))) => t,
        _ => "Opaque".to_owned(),
    };
    rest.insert("type".into(), json!(secret_type));
    if let Node::Map(entries) = document {
        for (key, value) in entries {
            if key == "data" || key == "stringData" {
                rest.insert(key.clone(), value.to_json());
            }
        }
    }
    let mut object = Object::new(
        "v1",
        "Secret",
        rendered_as.map_or(id.name.as_str(), |(name, _)| name),
        Some(&id.namespace),
        &common_labels(stack),
        Value::Object(rest),
        secret.name.span,
    );
    let recipients: Vec<String> = file.metadata().age.iter().map(|e| e.recipient.clone()).collect();
    let options = store_options(file.metadata().lastmodified.clone());
    let Body::Tree(tree) = &object.body else { unreachable!("a Secret is derived as a tree") };
    let body = match reencrypt_without_key(file, std::slice::from_ref(tree), &recipients, &options) {
        Ok(mut documents) => documents.remove(0),
        Err(SopsError::NeedsDataKey { reason }) => {
            if let Some(unchanged) = unchanged_copy(&stored.text, tree) {
                unchanged
            } else {
                d.push(store_error(
                    secret,
                    &stored.path,
                    &format!("its clear-text part cannot change without the data key ({reason})"),
                ));
                return None;
            }
        }
        Err(error) => {
            d.push(store_error(secret, &stored.path, &error.to_string()));
            return None;
        }
    };
    object.body = Body::Tree(body);
    Some(object)
}

/// The stored document as it is, when it already equals what stackc would
/// write (a file without `mac_only_encrypted` that matches to the byte).
fn unchanged_copy(text: &str, wanted: &Value) -> Option<Value> {
    let mut document = parse_yaml(text).ok()?.into_iter().next()?.to_json();
    let sops = document.as_object_mut()?.remove("sops")?;
    if document != *wanted {
        return None;
    }
    document.as_object_mut()?.insert("sops".to_owned(), sops);
    Some(document)
}
