//! The membership operators of conditions
//! (<https://kyverno.io/docs/writing-policies/preconditions/#operators>):
//!
//! - `AnyIn`, `AllIn`, `AnyNotIn`, `AllNotIn`: the key (a scalar, one key;
//!   or a list, a set of keys) against the value (a list, a string, a JSON
//!   list in a string, or a range `1-10`); elements compare as text, with
//!   wildcards either way.
//! - `In`, `NotIn` (deprecated): exact membership, wildcards in the key.
//!
//! Values of other types make the condition false, as in Kyverno.

use serde_json::Value;

use super::operators::Operator;
use super::scalar::{self, Num, num};
use super::units::go_float;
use super::wildcard;

/// Go's `fmt.Sprint` of a JSON value.
fn sprint(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match num(n) {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => go_float(f),
        },
        Value::Bool(b) => b.to_string(),
        Value::Null => "<nil>".to_owned(),
        Value::Array(items) => format!("[{}]", items.iter().map(sprint).collect::<Vec<_>>().join(" ")),
        Value::Object(map) => {
            let mut fields: Vec<String> = map.iter().map(|(k, v)| format!("{k}:{}", sprint(v))).collect();
            fields.sort();
            format!("map[{}]", fields.join(" "))
        }
    }
}

/// The strings of a value string: a JSON list of strings, or itself.
/// `None` for JSON that is not a list of strings.
fn json_strings(v: &str) -> Option<Vec<String>> {
    match serde_json::from_str::<Value>(v) {
        Ok(Value::Array(items)) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => Some(s),
                _ => None,
            })
            .collect(),
        Ok(_) => None,
        Err(_) => Some(vec![v.to_owned()]),
    }
}

fn either_way(a: &str, b: &str) -> bool {
    wildcard::matches(a, b) || wildcard::matches(b, a)
}

fn in_range(key: &str, range: &str) -> bool {
    scalar::matches(&Value::String(key.to_owned()), &Value::String(range.to_owned()))
}

/// `AnyIn`, `AllIn`, `AnyNotIn`, `AllNotIn`. A scalar key is one key (a
/// wildcard value string matches it); a list key is a set of keys.
pub(crate) fn set(op: Operator, key: &Value, value: &Value) -> bool {
    let single = !key.is_array();
    let keys: Vec<String> = match key {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => vec![sprint(key)],
        Value::Array(items) => items.iter().map(sprint).collect(),
        _ => return false,
    };
    // How many keys are found in the values.
    let found = |hit: &dyn Fn(&str) -> bool| keys.iter().filter(|k| hit(k)).count();
    let count = match value {
        Value::Array(items) => {
            let values: Vec<String> = items.iter().map(sprint).collect();
            found(&|k| values.iter().any(|v| either_way(k, v)))
        }
        Value::Number(_) if !single => {
            let v = sprint(value);
            found(&|k| either_way(k, &v))
        }
        Value::String(v) if !single && keys.len() == 1 && keys[0] == *v => 1,
        Value::String(v) if single && wildcard::matches(v, &keys[0]) => 1,
        Value::String(v) if scalar::range_operator(v) == Some(true) => found(&|k| in_range(k, v)),
        Value::String(v) => match json_strings(v) {
            Some(values) if single => found(&|k| values.iter().any(|s| s == k)),
            Some(values) => found(&|k| values.iter().any(|s| either_way(k, s))),
            None => return false,
        },
        _ => return false,
    };
    match op {
        Operator::AnyIn => count > 0,
        Operator::AllIn => count == keys.len(),
        Operator::AnyNotIn => count < keys.len(),
        _ => count == 0,
    }
}

/// The deprecated `In` / `NotIn`: exact membership.
pub(crate) fn legacy_in(key: &Value, value: &Value, is_in: bool) -> bool {
    let member = match key {
        Value::String(_) | Value::Number(_) => {
            let k = sprint(key);
            match value {
                Value::Array(items) => items.iter().any(|v| wildcard::matches(&k, &sprint(v))),
                Value::String(v) if wildcard::matches(v, &k) => true,
                Value::String(v) => match serde_json::from_str::<Vec<String>>(v) {
                    Ok(values) => values.contains(&k),
                    Err(_) => return false,
                },
                _ => return false,
            }
        }
        Value::Array(items) => {
            let Some(keys) = items.iter().map(Value::as_str).collect::<Option<Vec<_>>>() else {
                return false;
            };
            let values: Vec<String> = match value {
                Value::Array(v) => match v.iter().map(|i| i.as_str().map(str::to_owned)).collect() {
                    Some(v) => v,
                    None => return false,
                },
                Value::String(v) if keys.len() == 1 && keys[0] == v => vec![v.clone()],
                Value::String(v) => match serde_json::from_str(v) {
                    Ok(v) => v,
                    Err(_) => return false,
                },
                _ => return false,
            };
            keys.iter().all(|k| values.iter().any(|v| v == k))
        }
        _ => return false,
    };
    member == is_in
}
