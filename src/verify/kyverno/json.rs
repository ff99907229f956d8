//! Typed access to a JSON object with the dotted path of every field, for
//! error messages: `Obj::new(value, "spec.rules[0]")?.str("name")?`. Fields
//! outside an allow-list are rejected, and fields of features outside the
//! supported subset are reported as unsupported rather than ignored.

use serde_json::{Map, Value};

use super::error::KyvernoError;

/// A JSON object and its path inside the document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Obj<'a> {
    pub map: &'a Map<String, Value>,
    pub path: &'a str,
}

impl<'a> Obj<'a> {
    pub fn new(value: &'a Value, path: &'a str) -> Result<Self, KyvernoError> {
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            _ => Err(KyvernoError::type_error(path, "an object")),
        }
    }

    /// The path of a field of this object.
    pub fn at(&self, key: &str) -> String {
        join(self.path, key)
    }

    /// A field, absent when missing or null.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub fn str(&self, key: &str) -> Result<Option<&'a str>, KyvernoError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(KyvernoError::type_error(&self.at(key), "a string")),
        }
    }

    pub fn req_str(&self, key: &str) -> Result<&'a str, KyvernoError> {
        self.str(key)?.ok_or_else(|| KyvernoError::Missing { path: self.at(key) })
    }

    pub fn array(&self, key: &str) -> Result<Option<&'a Vec<Value>>, KyvernoError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(_) => Err(KyvernoError::type_error(&self.at(key), "an array")),
        }
    }

    /// A list of strings (missing = empty).
    pub fn strings(&self, key: &str) -> Result<Vec<String>, KyvernoError> {
        let Some(items) = self.array(key)? else {
            return Ok(Vec::new());
        };
        items
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                _ => Err(KyvernoError::type_error(&format!("{}[{i}]", self.at(key)), "a string")),
            })
            .collect()
    }

    /// A map of strings to strings (missing = `None`).
    pub fn string_map(&self, key: &str) -> Result<Option<Vec<(String, String)>>, KyvernoError> {
        let Some(value) = self.get(key) else {
            return Ok(None);
        };
        let path = self.at(key);
        let obj = Obj::new(value, &path)?;
        let mut out = Vec::with_capacity(obj.map.len());
        for (k, v) in obj.map {
            match v {
                Value::String(s) => out.push((k.clone(), s.clone())),
                _ => return Err(KyvernoError::type_error(&obj.at(k), "a string")),
            }
        }
        Ok(Some(out))
    }

    /// Rejects fields outside `allowed`; fields in `unsupported` are Kyverno
    /// features this evaluator does not implement.
    pub fn check_keys(&self, allowed: &[&str], unsupported: &[&str]) -> Result<(), KyvernoError> {
        for key in self.map.keys() {
            if unsupported.contains(&key.as_str()) {
                return Err(KyvernoError::unsupported(&self.at(key), format!("the `{key}` field")));
            }
            if !allowed.contains(&key.as_str()) {
                return Err(KyvernoError::invalid(&self.at(key), key, "unknown field"));
            }
        }
        Ok(())
    }
}

/// `parent.key` (or `key` at the root).
pub(crate) fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() { key.to_owned() } else { format!("{parent}.{key}") }
}
