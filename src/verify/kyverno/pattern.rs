//! `validate.pattern` (<https://kyverno.io/docs/writing-policies/validate/#patterns>):
//! an overlay the resource must match, walked as Kyverno's
//! `validate.MatchPattern` walks it.
//!
//! - A map matches key by key; a key of the pattern missing from the
//!   resource fails (unless its pattern is `null` or `""`, which require the
//!   field to be absent or empty), `"*"` requires the key to be present.
//! - An array pattern holds one element; every element of the resource
//!   array must match it. A conditional or global anchor that does not hold
//!   in an element skips that element; if every element is skipped, the
//!   skip goes up.
//! - In a map, anchors are checked first, in key order: `(key)` (not
//!   matching, or missing: the map is skipped, and mismatches of the other
//!   anchors are then ignored), `=(key)` (if present, must match), `^(key)`
//!   (if present, at least one element matches each pattern element),
//!   `X(key)` (must be absent). A skip from a nested array skips the map
//!   only if no other anchor of the map applied. Then the keys that contain
//!   anchors and `<(key)` global anchors (not matching: skip), then the
//!   plain keys, in Kyverno's order. A skip that reaches the root skips the
//!   rule.
//!
//! The result names the first mismatch as Kyverno does:
//! `/spec/containers/0/image/`.

use serde_json::{Map, Value};

use super::anchor::{self, Anchor};
use super::error::KyvernoError;
use super::scalar;

/// The outcome of matching a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Check {
    Pass,
    /// A mismatch at this path.
    Fail(String),
    /// A conditional or global anchor did not hold, at this path. `direct`:
    /// the anchor's own error; otherwise an array all of whose elements, or
    /// a map all of whose anchors, were skipped (Kyverno's `PatternError`).
    Skip {
        path: String,
        direct: bool,
    },
}

impl Check {
    fn is_pass(&self) -> bool {
        *self == Self::Pass
    }

    /// What a conditional or global anchor makes of its value's result.
    fn into_skip(self) -> Self {
        match self {
            Self::Pass => Self::Pass,
            Self::Fail(path) | Self::Skip { path, .. } => Self::Skip { path, direct: true },
        }
    }
}

static NULL: Value = Value::Null;

fn child(path: &str, key: &str) -> String {
    format!("{path}{key}/")
}

/// Matches `resource` against `pattern` from the root.
pub(crate) fn validate(resource: &Value, pattern: &Value) -> Check {
    element(resource, pattern, "/")
}

fn element(value: &Value, pattern: &Value, path: &str) -> Check {
    let ok = match (pattern, value) {
        (Value::Object(p), Value::Object(v)) => return map(v, p, path),
        (Value::Array(p), Value::Array(v)) => return array(v, p, path),
        (Value::Object(_) | Value::Array(_), _) => false,
        (scalar, Value::Array(items)) => items.iter().all(|i| scalar::matches(i, scalar)),
        (scalar, Value::Null) => scalar.is_null() || scalar.as_str() == Some(""),
        (scalar, v) => scalar::matches(v, scalar),
    };
    if ok { Check::Pass } else { Check::Fail(path.to_owned()) }
}

fn array(values: &[Value], patterns: &[Value], path: &str) -> Check {
    let Some(first) = patterns.first() else {
        return Check::Fail(path.to_owned());
    };
    if !first.is_object() {
        return element(&Value::Array(values.to_vec()), first, path);
    }
    let mut applied = false;
    let mut skipped = false;
    for (i, v) in values.iter().enumerate() {
        match element(v, first, &child(path, &i.to_string())) {
            Check::Pass => applied = true,
            Check::Skip { .. } => skipped = true,
            fail @ Check::Fail(_) => return fail,
        }
    }
    if !applied && skipped { Check::Skip { path: path.to_owned(), direct: false } } else { Check::Pass }
}

fn existence(value: &Value, patterns: &Value, path: &str) -> Check {
    let (Value::Array(items), Value::Array(patterns)) = (value, patterns) else {
        return Check::Fail(path.to_owned());
    };
    for p in patterns {
        let found = items.iter().enumerate().any(|(i, item)| element(item, p, &child(path, &i.to_string())).is_pass());
        if !found {
            return Check::Fail(path.to_owned());
        }
    }
    Check::Pass
}

fn map(value: &Map<String, Value>, pattern: &Map<String, Value>, path: &str) -> Check {
    let expanded = anchor::expand_metadata(pattern, value);
    let pattern = expanded.as_ref().unwrap_or(pattern);
    let mut anchors: Vec<(&String, Anchor, &str, &Value)> = Vec::new();
    let mut rest: Vec<(&String, &Value)> = Vec::new();
    for (k, p) in pattern {
        match anchor::parse(k) {
            Some((a @ (Anchor::Condition | Anchor::Equality | Anchor::Existence | Anchor::Negation), key)) => {
                anchors.push((k, a, key, p))
            }
            _ => rest.push((k, p)),
        }
    }
    // Kyverno's phase 1: the anchors in key order (so conditions first). A
    // condition that does not hold skips the map, and a mismatch after it
    // is ignored; a skip from a nested array only skips the map if no
    // other anchor applied.
    anchors.sort_by(|a, b| a.0.cmp(b.0));
    let (mut applied, mut skipped, mut direct) = (false, false, false);
    for (_, a, key, p) in anchors {
        let at = child(path, key);
        let check = match (a, value.get(key)) {
            (Anchor::Condition, Some(v)) => element(v, p, &at).into_skip(),
            (Anchor::Condition, None) => Check::Skip { path: at, direct: true },
            (Anchor::Equality, Some(v)) => element(v, p, &at),
            (Anchor::Existence, Some(v)) => existence(v, p, &at),
            (Anchor::Negation, Some(_)) => Check::Fail(at),
            _ => Check::Pass,
        };
        match check {
            Check::Pass => applied = true,
            Check::Skip { direct: d, .. } => {
                skipped = true;
                direct |= d;
            }
            fail @ Check::Fail(_) if !direct => return fail,
            Check::Fail(_) => {}
        }
    }
    if skipped && (!applied || direct) {
        return Check::Skip { path: path.to_owned(), direct: false };
    }
    // Kyverno's order: keys sorted, those with (nested) anchors pushed to
    // the front one by one (so in reverse), the others after in order.
    rest.sort_by(|a, b| a.0.cmp(b.0));
    let (mut front, back): (Vec<_>, Vec<_>) = rest
        .into_iter()
        .partition(|(k, p)| anchor::parse(k).is_some_and(|(a, _)| a == Anchor::Global) || anchor::has_nested(p));
    front.reverse();
    for (k, p) in front.into_iter().chain(back) {
        let check = match anchor::parse(k) {
            Some((Anchor::Global, key)) => match value.get(key) {
                Some(v) => element(v, p, &child(path, key)).into_skip(),
                None => Check::Pass,
            },
            _ if p.as_str() == Some("*") => match value.get(k.as_str()) {
                Some(v) if !v.is_null() => Check::Pass,
                _ => Check::Fail(path.to_owned()),
            },
            _ => element(value.get(k.as_str()).unwrap_or(&NULL), p, &child(path, k)),
        };
        if !check.is_pass() {
            return check;
        }
    }
    Check::Pass
}

/// Rejects patterns Kyverno rejects or this evaluator does not support:
/// `+()` anchors, `^()` on anything but a list of maps, empty or nested
/// pattern arrays, arrays of more than one element, `$(...)` references.
pub(crate) fn check(pattern: &Value, path: &str) -> Result<(), KyvernoError> {
    match pattern {
        Value::Object(map) => {
            for (k, v) in map {
                let at = super::json::join(path, k);
                match anchor::parse(k) {
                    Some((Anchor::AddIfNotPresent, _)) => {
                        return Err(KyvernoError::invalid(&at, k, "+() anchors are for mutate rules"));
                    }
                    Some((Anchor::Existence, _)) => {
                        let maps = v.as_array().is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_object));
                        if !maps {
                            return Err(KyvernoError::invalid(&at, v, "^() needs a list of maps"));
                        }
                        for (i, item) in v.as_array().into_iter().flatten().enumerate() {
                            check(item, &format!("{at}[{i}]"))?;
                        }
                        continue;
                    }
                    _ => {}
                }
                check(v, &at)?;
            }
            Ok(())
        }
        Value::Array(items) => match items.as_slice() {
            [] => Err(KyvernoError::invalid(path, "[]", "an empty pattern array")),
            [Value::Array(_)] => Err(KyvernoError::unsupported(path, "nested pattern arrays")),
            [one] => check(one, &format!("{path}[0]")),
            _ => Err(KyvernoError::unsupported(
                path,
                "a pattern array of more than one element (Kyverno uses only the first)",
            )),
        },
        Value::String(s) if s.contains("$(") => Err(KyvernoError::unsupported(path, format!("the reference in {s:?}"))),
        _ => Ok(()),
    }
}
