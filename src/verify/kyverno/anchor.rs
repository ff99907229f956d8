//! Pattern keys with anchors
//! (<https://kyverno.io/docs/writing-policies/validate/#anchors>): `(key)`
//! conditional, `<(key)` global, `=(key)` equality, `^(key)` existence,
//! `X(key)` negation, and `+(key)` (add-if-not-present, a mutate anchor that
//! a validate pattern may not use). Also the expansion of wildcard keys under
//! `metadata.labels` and `metadata.annotations`, which Kyverno replaces by
//! the matching keys of the resource before validating.

use serde_json::{Map, Value};

use super::wildcard;

/// The kind of an anchored key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    Condition,
    Global,
    Equality,
    Existence,
    Negation,
    AddIfNotPresent,
}

impl Anchor {
    fn prefix(self) -> &'static str {
        match self {
            Self::Condition => "",
            Self::Global => "<",
            Self::Equality => "=",
            Self::Existence => "^",
            Self::Negation => "X",
            Self::AddIfNotPresent => "+",
        }
    }

    /// The anchored form of `key`: `=(key)`.
    pub fn wrap(self, key: &str) -> String {
        format!("{}({key})", self.prefix())
    }
}

/// Parses an anchored key (Kyverno: `^([+<=X^])?\((.+)\)$` after trimming).
pub(crate) fn parse(key: &str) -> Option<(Anchor, &str)> {
    let key = key.trim();
    let (anchor, rest) = match key.as_bytes().first()? {
        b'(' => (Anchor::Condition, key),
        b'<' => (Anchor::Global, &key[1..]),
        b'=' => (Anchor::Equality, &key[1..]),
        b'^' => (Anchor::Existence, &key[1..]),
        b'X' => (Anchor::Negation, &key[1..]),
        b'+' => (Anchor::AddIfNotPresent, &key[1..]),
        _ => return None,
    };
    let inner = rest.strip_prefix('(')?.strip_suffix(')')?;
    (!inner.is_empty()).then_some((anchor, inner))
}

/// The key of `map` that is `name`, plain or anchored.
fn find<'a>(map: &'a Map<String, Value>, name: &str) -> Option<(&'a String, &'a Value)> {
    map.iter().find(|(k, _)| k.as_str() == name || parse(k).is_some_and(|(_, key)| key == name))
}

/// Replaces wildcard keys under `metadata.labels` / `metadata.annotations`
/// of `pattern` by every matching key of `resource` (keeping the anchor).
/// A wildcard key that matches nothing stays as it is (and so is missing).
/// Returns `None` when nothing changes.
pub(crate) fn expand_metadata(
    pattern: &Map<String, Value>,
    resource: &Map<String, Value>,
) -> Option<Map<String, Value>> {
    let (meta_key, meta_pattern) = find(pattern, "metadata")?;
    let meta_pattern = meta_pattern.as_object()?;
    let meta_resource = resource.get("metadata")?.as_object()?;
    let mut new_meta = meta_pattern.clone();
    let mut changed = false;
    for tag in ["labels", "annotations"] {
        let Some((tag_key, Value::Object(tag_pattern))) = find(meta_pattern, tag) else {
            continue;
        };
        let Some(tag_resource) = meta_resource.get(tag).and_then(Value::as_object) else {
            continue;
        };
        let mut out = Map::new();
        for (k, v) in tag_pattern {
            let (anchor, key) = match parse(k) {
                Some((a, key)) => (Some(a), key),
                None => (None, k.as_str()),
            };
            let matching: Vec<&String> = if wildcard::has_wildcard(key) {
                tag_resource.keys().filter(|rk| wildcard::matches(key, rk)).collect()
            } else {
                Vec::new()
            };
            if matching.is_empty() {
                out.insert(k.clone(), v.clone());
                continue;
            }
            changed = true;
            for rk in matching {
                out.insert(anchor.map_or_else(|| rk.clone(), |a| a.wrap(rk)), v.clone());
            }
        }
        new_meta.insert(tag_key.clone(), Value::Object(out));
    }
    changed.then(|| {
        let mut p = pattern.clone();
        p.insert(meta_key.clone(), Value::Object(new_meta));
        p
    })
}

/// Whether a pattern has an anchor anywhere inside (Kyverno validates such
/// keys before the plain ones).
pub(crate) fn has_nested(pattern: &Value) -> bool {
    match pattern {
        Value::Object(map) => {
            map.iter().any(|(k, v)| parse(k).is_some_and(|(a, _)| a != Anchor::AddIfNotPresent) || has_nested(v))
        }
        Value::Array(items) => items.iter().any(has_nested),
        _ => false,
    }
}
