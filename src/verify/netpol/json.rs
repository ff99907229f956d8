//! Path-tracking accessors over `serde_json::Value` used by the parsers:
//! typed reads that turn a wrong shape into a [`NetpolError`] naming the
//! field, never a panic. `null` is read as "absent", as the API server does.

use serde_json::{Map, Value};

use super::error::NetpolError;

/// A JSON object together with its path, for typed field access.
pub(super) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: String,
}

impl<'a> Obj<'a> {
    /// Views `v` as an object; `allowed` lists the only keys it may have.
    pub fn new(v: &'a Value, path: String, allowed: &[&str]) -> Result<Self, NetpolError> {
        let Value::Object(map) = v else {
            return Err(type_err(&path, "an object"));
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(NetpolError::UnknownField { path: join(&path, k) });
        }
        Ok(Self { map, path })
    }

    /// Views `v` as an object with any keys (for `metadata`).
    pub fn open(v: &'a Value, path: String) -> Result<Self, NetpolError> {
        match v {
            Value::Object(map) => Ok(Self { map, path }),
            _ => Err(type_err(&path, "an object")),
        }
    }

    /// Path of a field of this object.
    pub fn at(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// A field, `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// An optional string field.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, NetpolError> {
        self.get(key).map(|v| v.as_str().ok_or_else(|| type_err(&self.at(key), "a string"))).transpose()
    }

    /// A required, non-empty string field.
    pub fn req_str(&self, key: &str) -> Result<&'a str, NetpolError> {
        match self.opt_str(key)? {
            None => Err(NetpolError::Missing { path: self.at(key) }),
            Some("") => Err(NetpolError::invalid(&self.at(key), "", "must not be empty")),
            Some(s) => Ok(s),
        }
    }

    /// An optional array field; an absent field reads as empty.
    pub fn array(&self, key: &str) -> Result<&'a [Value], NetpolError> {
        match self.get(key) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a),
            Some(_) => Err(type_err(&self.at(key), "an array")),
        }
    }
}

/// `path.key`, or `key` at the root.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_owned() } else { format!("{path}.{key}") }
}

/// `path[i]`.
pub(super) fn index(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

pub(super) fn type_err(path: &str, expected: &'static str) -> NetpolError {
    NetpolError::Type { path: path.to_owned(), expected }
}

/// Reads an array of strings.
pub(super) fn strings<'a>(items: &'a [Value], path: &str) -> Result<Vec<&'a str>, NetpolError> {
    items.iter().enumerate().map(|(i, v)| v.as_str().ok_or_else(|| type_err(&index(path, i), "a string"))).collect()
}
