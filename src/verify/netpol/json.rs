//! Path-tracking accessors over `serde_json::Value` used by the parsers:
//! typed reads that turn a wrong shape into a [`NetpolError`] naming the
//! field, never a panic. `null` is read as "absent", as the API server does.

use std::fmt;

use serde_json::{Map, Value};

use super::error::NetpolError;

/// Where a value sits in the object, e.g. `spec.ingress[0].ports[1]`. A
/// chain of borrowed segments, spelled out only when an error needs it, so
/// reading a valid policy builds no path strings.
#[derive(Clone, Copy)]
pub(super) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
            Path::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// A JSON object together with its path, for typed field access.
pub(super) struct Obj<'a, 'p> {
    pub map: &'a Map<String, Value>,
    pub path: Path<'p>,
}

impl<'a, 'p> Obj<'a, 'p> {
    /// Views `v` as an object; `allowed` lists the only keys it may have.
    pub fn new(v: &'a Value, path: Path<'p>, allowed: &[&str]) -> Result<Self, NetpolError> {
        let Value::Object(map) = v else {
            return Err(type_err(&path, "an object"));
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(NetpolError::UnknownField { path: Path::Key(&path, k).to_string() });
        }
        Ok(Self { map, path })
    }

    /// Views `v` as an object with any keys (for `metadata`).
    pub fn open(v: &'a Value, path: Path<'p>) -> Result<Self, NetpolError> {
        match v {
            Value::Object(map) => Ok(Self { map, path }),
            _ => Err(type_err(&path, "an object")),
        }
    }

    /// Path of a field of this object.
    pub fn at<'s>(&'s self, key: &'s str) -> Path<'s> {
        Path::Key(&self.path, key)
    }

    /// A field, `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        lookup(self.map, key).filter(|v| !v.is_null())
    }

    /// An optional string field.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, NetpolError> {
        self.get(key).map(|v| v.as_str().ok_or_else(|| type_err(&self.at(key), "a string"))).transpose()
    }

    /// A required, non-empty string field.
    pub fn req_str(&self, key: &str) -> Result<&'a str, NetpolError> {
        match self.opt_str(key)? {
            None => Err(NetpolError::Missing { path: self.at(key).to_string() }),
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

/// Field `key` of `v`, if `v` is an object that has it.
pub(super) fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    match v {
        Value::Object(map) => lookup(map, key),
        _ => None,
    }
}

/// `map[key]`. The objects of a policy have a handful of keys, which are
/// compared faster than `key` is hashed.
fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    if map.len() <= 8 { map.iter().find_map(|(k, v)| (k == key).then_some(v)) } else { map.get(key) }
}

/// `path[i]`.
pub(super) fn index<'p>(path: &'p Path<'p>, i: usize) -> Path<'p> {
    Path::Index(path, i)
}

pub(super) fn type_err(path: &Path, expected: &'static str) -> NetpolError {
    NetpolError::Type { path: path.to_string(), expected }
}

/// Reads an array of strings.
pub(super) fn strings<'a>(items: &'a [Value], path: &Path) -> Result<Vec<&'a str>, NetpolError> {
    items.iter().enumerate().map(|(i, v)| v.as_str().ok_or_else(|| type_err(&index(path, i), "a string"))).collect()
}
