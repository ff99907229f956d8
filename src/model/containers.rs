//! Lowering of what a workload's container sees: `resources`, `env`,
//! `volume` and `security` (shared by apps and jobs).

use super::reader::{ID, Reader, missing, string};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::syntax::{Node, Scalar};

pub(super) fn resources(node: &Node, d: &mut Diagnostics) -> Resources {
    let r = Reader::new(node, 0, &[], &["requests", "limits"], d);
    let mut resources = Resources::default();
    if let Some(n) = r.child("requests", d) {
        let r = Reader::new(n, 0, &["cpu", "memory"], &[], d);
        resources.requests_cpu = quantity(&r, "cpu", d);
        resources.requests_memory = quantity(&r, "memory", d);
    }
    if let Some(n) = r.child("limits", d) {
        let r = Reader::new(n, 0, &["cpu", "memory"], &[], d);
        resources.limits_cpu = quantity(&r, "cpu", d);
        resources.limits_memory = quantity(&r, "memory", d);
    }
    resources
}

/// Quantities may be written as strings (`"500m"`) or integers (`1`).
fn quantity(r: &Reader<'_>, key: &str, d: &mut Diagnostics) -> Option<Spanned<String>> {
    match r.prop(key)? {
        (Scalar::Integer(i), span) => Some(Spanned::new(i.to_string(), span)),
        (value, span) => string(value, span, d),
    }
}

pub(super) fn env(node: &Node, d: &mut Diagnostics) -> Option<Env> {
    let r = Reader::new(node, 2, &["secret", "key"], &[], d);
    let name = r.arg_string(0, "name", d)?;
    let value = match (r.arg(1), r.string("secret", d), r.string("key", d)) {
        (Some((Scalar::String(s), _)), None, None) => EnvValue::Literal(s.clone()),
        (Some((Scalar::Integer(i), _)), None, None) => EnvValue::Literal(i.to_string()),
        (Some((Scalar::Bool(b), _)), None, None) => EnvValue::Literal(b.to_string()),
        (None, Some(secret), Some(key)) => EnvValue::Secret { secret, key },
        (Some((_, span)), Some(_), _) | (Some((_, span)), _, Some(_)) => {
            d.push(
                Diagnostic::error(Code::InvalidValue, span, "an env var has a value or `secret`+`key`, not both")
                    .label("value"),
            );
            return None;
        }
        (Some((other, span)), None, None) => {
            d.push(super::reader::wrong_type(span, "a string", other));
            return None;
        }
        (None, _, _) => {
            d.push(missing(node, "a value (`env \"NAME\" \"value\"`) or `secret=\"...\" key=\"...\"`"));
            return None;
        }
    };
    Some(Env { name, value })
}

pub(super) fn volume(node: &Node, d: &mut Diagnostics) -> Option<Volume> {
    let r = Reader::new(node, 1, &["mount", "size", "storage-class"], &[], d);
    Some(Volume {
        name: r.arg_string(0, "name", d)?,
        mount: r.required_string("mount", d)?,
        size: r.string("size", d),
        storage_class: r.string("storage-class", d),
    })
}

pub(super) fn security(node: &Node, d: &mut Diagnostics) -> Security {
    let r = Reader::new(
        node,
        0,
        &[
            "run-as-user",
            "run-as-group",
            "fs-group",
            "trust-image-user",
            "read-only-root-filesystem",
            "run-as-non-root",
        ],
        &[],
        d,
    );
    let defaults = Security::default();
    let trust_image_user = r.prop("trust-image-user").and_then(|(value, span)| match value {
        Scalar::Bool(b) => Some(Spanned::new(*b, span)),
        other => {
            d.push(super::reader::wrong_type(span, "a boolean (#true or #false)", other));
            None
        }
    });
    Security {
        run_as_user: r.integer("run-as-user", ID, d),
        run_as_group: r.integer("run-as-group", ID, d),
        fs_group: r.integer("fs-group", ID, d),
        trust_image_user,
        read_only_root_filesystem: r.bool("read-only-root-filesystem", defaults.read_only_root_filesystem, d),
        run_as_non_root: r.bool("run-as-non-root", defaults.run_as_non_root, d),
    }
}
