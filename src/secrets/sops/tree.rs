//! The typed document tree (sops `TreeBranch`), its conversions from and to
//! `serde_json::Value`, and the depth-first leaf walk that defines AAD paths and MAC order.

use std::fmt;

use serde_json::{Map, Number, Value};

use super::scalar::Scalar;
use super::{Result, SopsError};

/// One node of a document. Mappings keep their key order.
#[derive(Clone, PartialEq)]
pub enum Node {
    /// An ordered mapping with string keys.
    Map(Vec<(String, Node)>),
    /// A sequence.
    Seq(Vec<Node>),
    /// `null`: never encrypted, not in the MAC.
    Null,
    /// A leaf.
    Scalar(Scalar),
}

/// Redacted: shows keys and leaf types, never leaf values.
impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Map(entries) => f.debug_map().entries(entries.iter().map(|(k, v)| (k, v))).finish(),
            Self::Seq(items) => f.debug_list().entries(items).finish(),
            Self::Null => f.write_str("null"),
            Self::Scalar(s) => s.fmt(f),
        }
    }
}

/// How a JSON number that is not an `i64` is read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum BigInts {
    /// Reject it (the writing side: go-yaml would read it as `uint64`, which sops rejects).
    Reject,
    /// Read it as a float (the JSON store reading side).
    AsFloat,
}

impl Node {
    /// Converts a JSON value into a tree: strings, `i64`, `f64`, booleans and nulls.
    ///
    /// # Errors
    /// [`SopsError::IntegerOutOfRange`] for an integer above `i64::MAX` with [`BigInts::Reject`].
    pub fn from_json(value: &Value, big_ints: BigInts) -> Result<Self> {
        let mut path = Vec::new();
        Self::from_json_at(value, big_ints, &mut path)
    }

    fn from_json_at(value: &Value, big_ints: BigInts, path: &mut Vec<String>) -> Result<Self> {
        Ok(match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Scalar(Scalar::Bool(*b)),
            Value::String(s) => Self::Scalar(Scalar::Str(s.clone())),
            Value::Number(n) => Self::Scalar(number(n, big_ints, path)?),
            Value::Array(items) => {
                Self::Seq(items.iter().map(|item| Self::from_json_at(item, big_ints, path)).collect::<Result<_>>()?)
            }
            Value::Object(map) => {
                let mut entries = Vec::with_capacity(map.len());
                for (key, item) in map {
                    path.push(key.clone());
                    entries.push((key.clone(), Self::from_json_at(item, big_ints, path)?));
                    path.pop();
                }
                Self::Map(entries)
            }
        })
    }

    /// Converts to JSON. Times become their RFC 3339 text, non-finite floats the YAML
    /// spellings `.nan`, `.inf`, `-.inf` (JSON has no such numbers).
    #[must_use]
    pub fn to_json(&self) -> Value {
        match self {
            Self::Null => Value::Null,
            Self::Scalar(Scalar::Str(s)) => Value::String(s.clone()),
            Self::Scalar(Scalar::Int(i)) => Value::Number((*i).into()),
            Self::Scalar(Scalar::Bool(b)) => Value::Bool(*b),
            Self::Scalar(Scalar::Time(t)) => Value::String(t.to_string()),
            Self::Scalar(Scalar::Float(f)) => {
                Number::from_f64(*f).map_or_else(|| Value::String(non_finite(*f).to_owned()), Value::Number)
            }
            Self::Seq(items) => Value::Array(items.iter().map(Self::to_json).collect()),
            Self::Map(entries) => {
                Value::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect::<Map<_, _>>())
            }
        }
    }

    /// The entry under `key`, if this is a mapping that has it.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Self> {
        match self {
            Self::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

fn non_finite(f: f64) -> &'static str {
    if f.is_nan() {
        ".nan"
    } else if f > 0.0 {
        ".inf"
    } else {
        "-.inf"
    }
}

fn number(n: &Number, big_ints: BigInts, path: &[String]) -> Result<Scalar> {
    if let Some(i) = n.as_i64() {
        return Ok(Scalar::Int(i));
    }
    if n.is_u64() && big_ints == BigInts::Reject {
        return Err(SopsError::IntegerOutOfRange { path: aad(path) });
    }
    // serde_json always has an f64 view of a number (arbitrary precision is not enabled).
    Ok(Scalar::Float(n.as_f64().unwrap_or(f64::NAN)))
}

/// sops' AAD for a path: keys joined with `:` plus a trailing `:`.
#[must_use]
pub fn aad(path: &[String]) -> String {
    let mut out = path.join(":");
    out.push(':');
    out
}

/// Visits every non-null leaf depth-first in document order with its key path (sequence
/// items add no component), all documents in order: the sops walk.
///
/// # Errors
/// Whatever `visit` returns.
pub fn walk_mut(documents: &mut [Node], visit: &mut impl FnMut(&[String], &mut Scalar) -> Result<()>) -> Result<()> {
    let mut path = Vec::new();
    documents.iter_mut().try_for_each(|doc| walk_node_mut(doc, &mut path, visit))
}

fn walk_node_mut(
    node: &mut Node,
    path: &mut Vec<String>,
    visit: &mut impl FnMut(&[String], &mut Scalar) -> Result<()>,
) -> Result<()> {
    match node {
        Node::Null => Ok(()),
        Node::Scalar(scalar) => visit(path, scalar),
        Node::Seq(items) => items.iter_mut().try_for_each(|item| walk_node_mut(item, path, visit)),
        Node::Map(entries) => entries.iter_mut().try_for_each(|(key, value)| {
            path.push(key.clone());
            let result = walk_node_mut(value, path, visit);
            path.pop();
            result
        }),
    }
}

/// Read-only [`walk_mut`].
///
/// # Errors
/// Whatever `visit` returns.
pub fn walk(documents: &[Node], visit: &mut impl FnMut(&[String], &Scalar) -> Result<()>) -> Result<()> {
    fn node_walk(
        node: &Node,
        path: &mut Vec<String>,
        visit: &mut impl FnMut(&[String], &Scalar) -> Result<()>,
    ) -> Result<()> {
        match node {
            Node::Null => Ok(()),
            Node::Scalar(scalar) => visit(path, scalar),
            Node::Seq(items) => items.iter().try_for_each(|item| node_walk(item, path, visit)),
            Node::Map(entries) => entries.iter().try_for_each(|(key, value)| {
                path.push(key.clone());
                let result = node_walk(value, path, visit);
                path.pop();
                result
            }),
        }
    }
    let mut path = Vec::new();
    documents.iter().try_for_each(|doc| node_walk(doc, &mut path, visit))
}
