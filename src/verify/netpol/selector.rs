//! Kubernetes label selectors (`metav1.LabelSelector`): `matchLabels` and
//! `matchExpressions` with the operators `In`, `NotIn`, `Exists` and
//! `DoesNotExist`, their parsing from JSON and their matching against labels.
//!
//! All terms must hold (AND); an empty selector (`{}`) matches everything.

use std::collections::BTreeSet;
use std::fmt;

use serde_json::Value;

use super::error::NetpolError;
use super::json::{Obj, Path, index, strings, type_err};
use crate::labels::LabelMap;

/// Labels of a pod or a namespace, or a selector's `matchLabels`.
pub type Labels = LabelMap;

/// A `matchExpressions` operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Operator {
    /// The key is present and its value is one of `values`.
    In,
    /// The key is absent, or its value is none of `values`.
    NotIn,
    /// The key is present (any value).
    Exists,
    /// The key is absent.
    DoesNotExist,
}

impl Operator {
    /// The operator as spelled in the API.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::In => "In",
            Self::NotIn => "NotIn",
            Self::Exists => "Exists",
            Self::DoesNotExist => "DoesNotExist",
        }
    }
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    /// Non-empty for `In`/`NotIn`, empty for `Exists`/`DoesNotExist`.
    pub values: BTreeSet<String>,
}

impl Requirement {
    fn matches<'l>(&self, get: &impl Fn(&str) -> Option<&'l str>) -> bool {
        let value = get(&self.key);
        match self.operator {
            Operator::In => value.is_some_and(|v| self.values.contains(v)),
            Operator::NotIn => value.is_none_or(|v| !self.values.contains(v)),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
        }
    }
}

/// A label selector. The default value is the empty selector, which
/// matches every set of labels.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    pub match_labels: Labels,
    pub match_expressions: Box<[Requirement]>,
}

impl LabelSelector {
    /// `{}`: matches everything.
    #[must_use]
    pub fn everything() -> Self {
        Self::default()
    }

    /// A selector with only `matchLabels`.
    #[must_use]
    pub fn labels<K: AsRef<str>, V: AsRef<str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Self {
        Self { match_labels: pairs.into_iter().collect(), match_expressions: Box::default() }
    }

    /// True for `{}`, which selects everything.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.match_labels.is_empty() && self.match_expressions.is_empty()
    }

    /// Whether `labels` satisfy every term of the selector.
    #[must_use]
    pub fn matches(&self, labels: &Labels) -> bool {
        self.matches_with(|k| labels.get(k))
    }

    /// Like [`Self::matches`], reading labels through `get` (used for
    /// namespaces, whose `kubernetes.io/metadata.name` label is implicit).
    pub fn matches_with<'l>(&self, get: impl Fn(&str) -> Option<&'l str>) -> bool {
        self.match_labels.iter().all(|(k, v)| get(k) == Some(v))
            && self.match_expressions.iter().all(|r| r.matches(&get))
    }

    /// Parses a `LabelSelector` object found at `path`.
    ///
    /// # Errors
    /// Wrong JSON types, unknown fields, an unknown operator, or a values
    /// list that does not fit the operator.
    pub(super) fn parse(v: &Value, path: Path) -> Result<Self, NetpolError> {
        let o = Obj::new(v, path, &["matchLabels", "matchExpressions"])?;
        let mut sel = Self::default();
        if let Some(ml) = o.get("matchLabels") {
            let ml_path = o.at("matchLabels");
            let Value::Object(map) = ml else {
                return Err(type_err(&ml_path, "an object of strings"));
            };
            let mut pairs = Vec::with_capacity(map.len());
            for (k, v) in map {
                let v = v.as_str().ok_or_else(|| type_err(&Path::Key(&ml_path, k), "a string"))?;
                pairs.push((k, v));
            }
            sel.match_labels = pairs.into_iter().collect();
        }
        let exprs_path = o.at("matchExpressions");
        let exprs = o.array("matchExpressions")?;
        let mut requirements = Vec::with_capacity(exprs.len());
        for (i, e) in exprs.iter().enumerate() {
            requirements.push(parse_requirement(e, index(&exprs_path, i))?);
        }
        sel.match_expressions = requirements.into_boxed_slice();
        Ok(sel)
    }
}

fn parse_requirement(v: &Value, path: Path) -> Result<Requirement, NetpolError> {
    let o = Obj::new(v, path, &["key", "operator", "values"])?;
    let key = o.req_str("key")?.to_owned();
    let op_str = o.req_str("operator")?;
    let operator = match op_str {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        other => {
            return Err(NetpolError::invalid(
                &o.at("operator"),
                other,
                "operator must be In, NotIn, Exists or DoesNotExist",
            ));
        }
    };
    let values_path = o.at("values");
    let values: BTreeSet<String> = strings(o.array("values")?, &values_path)?.into_iter().map(str::to_owned).collect();
    let needs_values = matches!(operator, Operator::In | Operator::NotIn);
    if needs_values && values.is_empty() {
        return Err(NetpolError::invalid(&values_path, "[]", "In and NotIn require at least one value"));
    }
    if !needs_values && !values.is_empty() {
        return Err(NetpolError::invalid(
            &values_path,
            values.iter().cloned().collect::<Vec<_>>().join(","),
            "Exists and DoesNotExist take no values",
        ));
    }
    Ok(Requirement { key, operator, values })
}

impl fmt::Display for LabelSelector {
    /// `kubectl`-like syntax: `app=web,tier in (a,b),!legacy`; `{}` when empty.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("{}");
        }
        let mut sep = "";
        for (k, v) in &self.match_labels {
            write!(f, "{sep}{k}={v}")?;
            sep = ",";
        }
        for r in &self.match_expressions {
            let vals = || r.values.iter().cloned().collect::<Vec<_>>().join(",");
            match r.operator {
                Operator::In => write!(f, "{sep}{} in ({})", r.key, vals())?,
                Operator::NotIn => write!(f, "{sep}{} notin ({})", r.key, vals())?,
                Operator::Exists => write!(f, "{sep}{}", r.key)?,
                Operator::DoesNotExist => write!(f, "{sep}!{}", r.key)?,
            }
            sep = ",";
        }
        Ok(())
    }
}
