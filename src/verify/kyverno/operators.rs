//! The condition operators (<https://kyverno.io/docs/writing-policies/preconditions/#operators>)
//! with the typing rules of Kyverno's operator handlers:
//!
//! - `Equals`: same-typed comparison; a string key compares as a duration,
//!   else as a quantity (`1Gi` equals `1024Mi`), else the value is a
//!   wildcard pattern for the key. `NotEquals` is its negation.
//! - `AnyIn`, `AllIn`, `AnyNotIn`, `AllNotIn`, `In`, `NotIn`: see
//!   [`super::membership`].
//! - `GreaterThan`…`LessThanOrEquals`: durations, quantities, numbers, then
//!   semantic versions. `Duration*` operators: durations (numbers are
//!   seconds).
//!
//! A comparison of incompatible types is false, as in Kyverno.

use std::cmp::Ordering;

use serde_json::Value;

use super::membership;
use super::scalar::{Num, num};
use super::units::{Quantity, Version, parse_duration};
use super::wildcard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Equals,
    NotEquals,
    In,
    NotIn,
    AnyIn,
    AllIn,
    AnyNotIn,
    AllNotIn,
    /// `GreaterThan` and friends.
    Numeric(Cmp),
    /// `DurationGreaterThan` and friends.
    Duration(Cmp),
}

/// How the key must compare to the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

impl Cmp {
    fn holds(self, ord: Ordering) -> bool {
        match self {
            Self::Greater => ord.is_gt(),
            Self::GreaterOrEqual => ord.is_ge(),
            Self::Less => ord.is_lt(),
            Self::LessOrEqual => ord.is_le(),
        }
    }
}

impl Operator {
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "Equal" | "Equals" => Self::Equals,
            "NotEqual" | "NotEquals" => Self::NotEquals,
            "In" => Self::In,
            "NotIn" => Self::NotIn,
            "AnyIn" => Self::AnyIn,
            "AllIn" => Self::AllIn,
            "AnyNotIn" => Self::AnyNotIn,
            "AllNotIn" => Self::AllNotIn,
            "GreaterThan" => Self::Numeric(Cmp::Greater),
            "GreaterThanOrEquals" => Self::Numeric(Cmp::GreaterOrEqual),
            "LessThan" => Self::Numeric(Cmp::Less),
            "LessThanOrEquals" => Self::Numeric(Cmp::LessOrEqual),
            "DurationGreaterThan" => Self::Duration(Cmp::Greater),
            "DurationGreaterThanOrEquals" => Self::Duration(Cmp::GreaterOrEqual),
            "DurationLessThan" => Self::Duration(Cmp::Less),
            "DurationLessThanOrEquals" => Self::Duration(Cmp::LessOrEqual),
            _ => return None,
        })
    }

    pub fn holds(self, key: &Value, value: &Value) -> bool {
        match self {
            Self::Equals => equals(key, value),
            Self::NotEquals => !equals(key, value),
            Self::In | Self::NotIn => membership::legacy_in(key, value, self == Self::In),
            Self::AnyIn | Self::AllIn | Self::AnyNotIn | Self::AllNotIn => membership::set(self, key, value),
            Self::Numeric(cmp) => numeric(key, value, cmp),
            Self::Duration(cmp) => duration_op(key, value, cmp),
        }
    }
}

#[allow(clippy::cast_possible_truncation)]
fn seconds(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => Some(match num(n) {
            Num::Int(i) => i128::from(i) * 1_000_000_000,
            Num::Float(f) => (f * 1e9) as i128,
        }),
        _ => None,
    }
}

/// Key and value as durations, if at least one is a duration string and the
/// other a duration or a number of seconds.
fn durations(key: &Value, value: &Value) -> Option<(i128, i128)> {
    let k = key.as_str().and_then(parse_duration);
    let v = value.as_str().and_then(parse_duration);
    if k.is_none() && v.is_none() {
        return None;
    }
    Some((k.or_else(|| seconds(key))?, v.or_else(|| seconds(value))?))
}

fn quantities(key: &Value, value: &Value) -> Option<Ordering> {
    let k = Quantity::parse(key.as_str()?)?;
    let v = Quantity::parse(value.as_str()?)?;
    Some(k.compare(v))
}

#[allow(clippy::cast_precision_loss, clippy::float_cmp, clippy::cast_possible_truncation)]
fn equals(key: &Value, value: &Value) -> bool {
    match key {
        Value::Bool(k) => value.as_bool() == Some(*k),
        Value::Number(number) => match (num(number), value) {
            (key, Value::Number(other)) => match (key, num(other)) {
                (Num::Int(x), Num::Int(y)) => x == y,
                (Num::Float(float), Num::Int(int)) | (Num::Int(int), Num::Float(float)) => {
                    float.fract() == 0.0 && float as i64 == int
                }
                (Num::Float(x), Num::Float(y)) => x == y,
            },
            (Num::Int(int), Value::String(text)) => text.parse::<i64>().is_ok_and(|y| y == int),
            (Num::Float(float), Value::String(text)) => text.parse::<f64>().is_ok_and(|y| y == float),
            _ => false,
        },
        Value::String(k) => {
            if let Some((a, b)) = durations(key, value) {
                return a == b;
            }
            if Quantity::parse(k).is_some() && value.is_string() {
                return quantities(key, value) == Some(Ordering::Equal);
            }
            value.as_str().is_some_and(|v| wildcard::matches(v, k))
        }
        Value::Array(_) | Value::Object(_) => key == value,
        Value::Null => false,
    }
}

fn numeric(key: &Value, value: &Value, cmp: Cmp) -> bool {
    let number = |k: f64| match value {
        Value::Number(v) => {
            let v = match num(v) {
                #[allow(clippy::cast_precision_loss)]
                Num::Int(i) => i as f64,
                Num::Float(f) => f,
            };
            k.partial_cmp(&v).is_some_and(|o| cmp.holds(o))
        }
        Value::String(s) => {
            if let Some((a, b)) = durations(key, value) {
                return cmp.holds(a.cmp(&b));
            }
            s.parse::<f64>().ok().and_then(|v| k.partial_cmp(&v)).is_some_and(|o| cmp.holds(o))
        }
        _ => false,
    };
    match key {
        Value::Number(n) => match num(n) {
            #[allow(clippy::cast_precision_loss)]
            Num::Int(i) => number(i as f64),
            Num::Float(f) => number(f),
        },
        Value::String(k) => {
            if let Some((a, b)) = durations(key, value) {
                return cmp.holds(a.cmp(&b));
            }
            if let Some(ord) = quantities(key, value) {
                return cmp.holds(ord);
            }
            if let Ok(f) = k.parse::<f64>() {
                return number(f);
            }
            match (Version::parse(k), value.as_str().and_then(Version::parse)) {
                (Some(a), Some(b)) => cmp.holds(a.compare(&b)),
                _ => false,
            }
        }
        _ => false,
    }
}

/// Go's `time.Duration(x) * time.Second`: a number of whole seconds.
#[allow(clippy::cast_possible_truncation)]
fn whole_seconds(v: &Value) -> Option<i128> {
    match v {
        Value::Number(n) => Some(
            match num(n) {
                Num::Int(i) => i128::from(i),
                Num::Float(f) => f.trunc() as i128,
            } * 1_000_000_000,
        ),
        Value::String(s) => parse_duration(s),
        _ => None,
    }
}

fn duration_op(key: &Value, value: &Value, cmp: Cmp) -> bool {
    let key = match key {
        Value::String(s) => parse_duration(s),
        other => whole_seconds(other),
    };
    match (key, whole_seconds(value)) {
        (Some(k), Some(v)) => cmp.holds(k.cmp(&v)),
        _ => false,
    }
}
