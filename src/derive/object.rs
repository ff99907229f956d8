//! [`Object`]: one Kubernetes object stackc will write, with the stack line
//! that caused it.

use serde_json::{Map, Value, json};

use crate::diagnostic::Span;

/// A JSON object from `(key, value)` pairs, in this order, moving the
/// values in (`json!` serializes, that is copies, every `Value` it embeds).
pub(super) fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// A Kubernetes object: its identity, the stack line that caused it, and
/// its content.
#[derive(Debug, Clone, PartialEq)]
pub struct Object {
    pub kind: &'static str,
    pub name: String,
    pub namespace: Option<String>,
    pub body: Body,
    /// The stack declaration this object comes from.
    pub origin: Span,
}

/// What an object holds: its JSON tree, until a build has checked and
/// rendered it (see [`Seal`](super::Seal)).
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// The complete object in emission order: apiVersion, kind, metadata,
    /// the rest.
    Tree(Value),
    /// Rendered: the file is in the build's tree
    /// ([`crate::build::compile`]); the JSON tree is gone.
    Rendered,
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
        Self {
            kind,
            name: name.to_owned(),
            namespace: namespace.map(str::to_owned),
            body: Body::Tree(Value::Object(body)),
            origin,
        }
    }

    /// Add annotations to `metadata`.
    #[must_use]
    pub fn annotated(mut self, annotations: Value) -> Self {
        if let Some(meta) = self.tree_mut().and_then(|t| t.get_mut("metadata")).and_then(Value::as_object_mut) {
            meta.insert("annotations".into(), annotations);
        }
        self
    }

    /// The object's JSON tree, unless only its file is left.
    #[must_use]
    pub fn tree(&self) -> Option<&Value> {
        match &self.body {
            Body::Tree(tree) => Some(tree),
            Body::Rendered => None,
        }
    }

    /// See [`Object::tree`].
    pub fn tree_mut(&mut self) -> Option<&mut Value> {
        match &mut self.body {
            Body::Tree(tree) => Some(tree),
            Body::Rendered => None,
        }
    }

    /// This object's apiVersion (empty once only its file is left).
    #[must_use]
    pub fn api_version(&self) -> &str {
        self.tree().and_then(|t| t.get("apiVersion")).and_then(Value::as_str).unwrap_or_default()
    }

    /// The file name inside its component directory: `<kind>-<name>.yaml`.
    #[must_use]
    pub fn file_name(&self) -> String {
        let mut file = String::with_capacity(self.kind.len() + self.name.len() + "-.yaml".len());
        file.push_str(self.kind);
        file.make_ascii_lowercase();
        file.push('-');
        file.push_str(&self.name);
        file.push_str(".yaml");
        file
    }
}
