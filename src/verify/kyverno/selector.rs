//! Selectors of `match` and `exclude` filters
//! (<https://kyverno.io/docs/writing-policies/match-exclude/>): kind
//! selectors (`Kind`, `Version/Kind`, `Group/Version/Kind`, with wildcards
//! and subresources, as Kyverno's `ParseKindSelector` reads them) and
//! Kubernetes label selectors, whose `matchLabels` may hold wildcards in
//! keys and values.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::KyvernoError;
use super::json::Obj;
use super::wildcard;

/// `Group/Version/Kind/subresource` of a kind selector (Kyverno's
/// `ParseKindSelector`; missing parts are `*`).
pub(crate) fn kind_selector(selector: &str) -> Option<[&str; 4]> {
    let mut parts: Vec<&str> = selector.split('/').collect();
    if let Some(last) = parts.pop() {
        parts.extend(last.split('.'));
    }
    let version = |s: &str| {
        s == "*"
            || s.strip_prefix('v').is_some_and(|rest| {
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                let tail = &rest[digits..];
                let pre = tail.strip_prefix("alpha").or_else(|| tail.strip_prefix("beta"));
                digits > 0
                    && (tail.is_empty() || pre.is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())))
            })
    };
    Some(match parts.as_slice() {
        [kind] => ["*", "*", kind, ""],
        ["*", "*"] => ["*", "*", "*", "*"],
        ["*", sub] if sub.to_lowercase() == *sub => ["*", "*", "*", sub],
        [v, kind] if version(v) => ["*", v, kind, ""],
        [kind, sub] => ["*", "*", kind, sub],
        [v, kind, sub] if version(v) => ["*", v, kind, sub],
        [g, v, kind] => [g, v, kind, ""],
        [g, v, kind, sub] => [g, v, kind, sub],
        _ => return None,
    })
}

/// Whether a list of kind selectors names `kind` (Kyverno's `ContainsKind`).
pub(crate) fn contains_kind(kinds: &[String], kind: &str) -> bool {
    kinds.iter().any(|k| kind_selector(k).is_some_and(|[_, _, k, _]| k == kind))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A Kubernetes label selector; `matchLabels` may hold wildcards.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Selector {
    labels: Vec<(String, String)>,
    expressions: Vec<Requirement>,
}

impl Selector {
    pub fn parse(value: &Value, path: &str) -> Result<Self, KyvernoError> {
        let obj = Obj::new(value, path)?;
        obj.check_keys(&["matchLabels", "matchExpressions"], &[])?;
        let mut expressions = Vec::new();
        for (i, e) in obj.array("matchExpressions")?.into_iter().flatten().enumerate() {
            let at = format!("{}[{i}]", obj.at("matchExpressions"));
            let e = Obj::new(e, &at)?;
            e.check_keys(&["key", "operator", "values"], &[])?;
            let key = e.req_str("key")?.to_owned();
            let values = e.strings("values")?;
            let op = e.req_str("operator")?;
            let req = match (op, values.is_empty()) {
                ("In", false) => Requirement::In(key, values),
                ("NotIn", false) => Requirement::NotIn(key, values),
                ("Exists", true) => Requirement::Exists(key),
                ("DoesNotExist", true) => Requirement::DoesNotExist(key),
                _ => {
                    return Err(KyvernoError::invalid(
                        &e.at("operator"),
                        op,
                        "In and NotIn need values, Exists and DoesNotExist none",
                    ));
                }
            };
            expressions.push(req);
        }
        Ok(Self { labels: obj.string_map("matchLabels")?.unwrap_or_default(), expressions })
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let label = |(k, v): &(String, String)| {
            if wildcard::has_wildcard(k) || wildcard::has_wildcard(v) {
                labels.iter().any(|(lk, lv)| wildcard::matches(k, lk) && wildcard::matches(v, lv))
            } else {
                labels.get(k) == Some(v)
            }
        };
        self.labels.iter().all(label)
            && self.expressions.iter().all(|r| match r {
                Requirement::In(k, vs) => labels.get(k).is_some_and(|v| vs.contains(v)),
                Requirement::NotIn(k, vs) => labels.get(k).is_none_or(|v| !vs.contains(v)),
                Requirement::Exists(k) => labels.contains_key(k),
                Requirement::DoesNotExist(k) => !labels.contains_key(k),
            })
    }
}
