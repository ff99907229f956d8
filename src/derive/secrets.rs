//! Secret objects: the stored sops file of every Secret stackc keeps values
//! of, re-emitted with stackc's metadata (name, namespace, common labels)
//! without any key. Store files are `mac_only_encrypted`, so the clear-text
//! metadata is outside the MAC and the stored ciphertexts, `lastmodified` and
//! `mac` carry over unchanged: an unchanged store gives the same bytes.

use serde_json::{Map, Value, json};

use super::object::{Body, Object};
use super::platform::common_labels;
use super::secret_store::{check_keys, check_recipients, missing_file, store_error};
use crate::check::platform_secrets::platform_secrets;
use crate::check::{Namespace, ResolvedStack};
use crate::diagnostic::Diagnostics;
use crate::model;
use crate::secrets::sops::{Node, SopsError, parse_yaml, reencrypt_without_key};
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
