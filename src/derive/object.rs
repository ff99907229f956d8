//! [`Object`]: one Kubernetes object stackc will write, with the stack line
//! that caused it.

use serde_json::{Map, Value, json};

use crate::diagnostic::Span;

/// A JSON object from `(key, value)` pairs, in this order, moving the
/// values in (`json!` serializes, that is copies, every `Value` it embeds).
pub(super) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A Kubernetes object as a JSON tree in emission order.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub kind: &'static str,
    pub name: String,
    pub namespace: Option<String>,
    /// The complete object: apiVersion, kind, metadata, the rest.
    pub body: Value,
    /// The stack declaration this object comes from.
    pub origin: Span,
}

impl Object {
    /// Build an object; `rest` holds the fields after `metadata` (spec, data…).
    pub fn new(
        api_version: &'static str,
        kind: &'static str,
        name: &str,
        namespace: Option<&str>,
        labels: &Value,
        rest: Value,
        origin: Span,
    ) -> Self {
        let mut metadata = Map::new();
        metadata.insert("name".into(), json!(name));
        if let Some(ns) = namespace {
            metadata.insert("namespace".into(), json!(ns));
        }
        if labels.as_object().is_some_and(|l| !l.is_empty()) {
            metadata.insert("labels".into(), labels.clone());
        }
        let mut body = Map::new();
        body.insert("apiVersion".into(), json!(api_version));
        body.insert("kind".into(), json!(kind));
        body.insert("metadata".into(), Value::Object(metadata));
        if let Value::Object(rest) = rest {
            body.extend(rest);
        }
        Self { kind, name: name.to_owned(), namespace: namespace.map(str::to_owned), body: Value::Object(body), origin }
    }

    /// Add annotations to `metadata`.
    #[must_use]
    pub fn annotated(mut self, annotations: Value) -> Self {
        if let Some(meta) = self.body.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("annotations".into(), annotations);
        }
        self
    }

    /// The API group of this object's apiVersion (`""` for the core group).
    #[must_use]
    pub fn api_version(&self) -> &str {
        self.body.get("apiVersion").and_then(Value::as_str).unwrap_or_default()
    }

    /// The file name inside its component directory: `<kind>-<name>.yaml`.
    #[must_use]
    pub fn file_name(&self) -> String {
        format!("{}-{}.yaml", self.kind.to_ascii_lowercase(), self.name)
    }
}
