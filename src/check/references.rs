//! References to declared things: storage classes, Secret keys, and the
//! shared diagnostic for a name that resolves to nothing.

use super::cluster::printable;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned, did_you_mean};
use crate::model::{self, Stack};

pub(super) fn storage_class(stack: &Stack, class: Option<&Spanned<String>>, d: &mut Diagnostics) -> Option<String> {
    let classes: Vec<&str> = stack.cluster().storage_classes.iter().map(|s| s.name.value.as_str()).collect();
    match class {
        Some(class) if classes.contains(&class.value.as_str()) => Some(class.value.clone()),
        Some(class) => {
            d.push(unknown_reference("storage class", class, &classes));
            None
        }
        None => stack.cluster().storage_classes.iter().find(|s| s.default).map(|s| s.name.value.clone()),
    }
}

pub(super) fn secret_key(ns: &model::Namespace, secret: &Spanned<String>, key: &Spanned<String>, d: &mut Diagnostics) {
    let secrets = super::secrets::with_implicit(ns);
    let names: Vec<&str> = secrets.iter().map(|s| s.name.value.as_str()).collect();
    let Some(decl) = secrets.iter().find(|s| s.name.value == secret.value) else {
        d.push(unknown_reference("secret", secret, &names).help(declare_secret(&ns.name.value, secret, key)));
        return;
    };
    if !decl.external && !decl.keys.iter().any(|k| k.name.value == key.value) {
        let keys: Vec<&str> = decl.keys.iter().map(|k| k.name.value.as_str()).collect();
        d.push(unknown_reference("secret key", key, &keys));
    }
}

/// How to declare the Secret `secret` that namespace `ns` reads. A pod reads
/// only Secrets of its own namespace, so `other/name` becomes a Secret of
/// `ns` that holds the same value.
fn declare_secret(ns: &str, secret: &Spanned<String>, key: &Spanned<String>) -> String {
    let key = printable(key);
    match secret.value.split_once('/') {
        Some((other, name)) if !other.is_empty() && !name.is_empty() && !name.contains('/') => {
            let (other, name) = (printable(other), printable(name));
            format!(
                "a pod reads only Secrets of its own namespace: declare `secret \"{name}\" {{ key \"{key}\" }}` in namespace `{ns}`, read it with `secret=\"{name}\"`, and store the same value in it:\n  stackc secrets show {other}/{name}\n  stackc secrets set {ns}/{name} {key}"
            )
        }
        _ => format!("declare it in namespace `{ns}`: `secret \"{}\" {{ key \"{key}\" }}`", printable(secret)),
    }
}

pub(super) fn unknown_reference(what: &str, name: &Spanned<String>, known: &[&str]) -> Diagnostic {
    let diagnostic =
        Diagnostic::error(Code::UnknownReference, name.span, format!("unknown {what} `{}`", printable(name)))
            .label(format!("no such {what}"));
    match did_you_mean(name, known.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None if known.is_empty() => diagnostic.help(format!("no {what} is declared here")),
        None => diagnostic.help(format!("declared: {}", known.join(", "))),
    }
}
