//! A resource value against one scalar of a validation pattern
//! (<https://kyverno.io/docs/writing-policies/validate/#operators>), as
//! Kyverno's `pattern.Validate` does it:
//!
//! - booleans match booleans; numbers match numbers (and numeric strings) by
//!   value; `null` matches a missing value, `0`, `""` and `false`;
//! - a string pattern is alternatives `a | b`, each a conjunction `a & b`,
//!   each an optional operator (`>=`, `<=`, `>`, `<`, `!`) and an operand,
//!   or a range `a-b` / `a!-b`;
//! - an operand compares as a duration (`30s`), else as a Kubernetes
//!   quantity (`100m`, `1Gi`), else as a string with wildcards (equality and
//!   `!` only; `>` on two strings is false).

use std::cmp::Ordering;

use serde_json::{Number, Value};

use super::units::{Quantity, go_float_upper_e, parse_duration};
use super::wildcard;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Equal,
    NotEqual,
    More,
    Less,
    MoreEqual,
    LessEqual,
}

/// A JSON number as Go's decoder of Kubernetes objects sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Num {
    Int(i64),
    Float(f64),
}

pub(crate) fn num(n: &Number) -> Num {
    #[allow(clippy::cast_precision_loss)]
    match (n.as_i64(), n.as_u64()) {
        (Some(i), _) => Num::Int(i),
        (None, Some(u)) => Num::Float(u as f64),
        _ => Num::Float(n.as_f64().unwrap_or(f64::NAN)),
    }
}

/// Whether `value` matches the scalar `pattern`.
pub(crate) fn matches(value: &Value, pattern: &Value) -> bool {
    match pattern {
        Value::Bool(p) => value.as_bool() == Some(*p),
        Value::Number(p) => match num(p) {
            Num::Int(p) => int_pattern(value, p),
            Num::Float(p) => float_pattern(value, p),
        },
        Value::Null => match value {
            Value::Null => true,
            Value::Bool(b) => !b,
            Value::String(s) => s.is_empty(),
            Value::Number(n) => match num(n) {
                Num::Int(i) => i == 0,
                Num::Float(f) => f == 0.0,
            },
            _ => false,
        },
        Value::String(p) => string_patterns(value, p),
        Value::Array(_) | Value::Object(_) => false,
    }
}

#[allow(clippy::cast_possible_truncation, clippy::cast_precision_loss)]
fn int_pattern(value: &Value, p: i64) -> bool {
    match value {
        Value::Number(n) => match num(n) {
            Num::Int(i) => i == p,
            Num::Float(f) => f.fract() == 0.0 && f as i64 == p,
        },
        Value::String(s) => s.parse::<i64>().is_ok_and(|i| i == p),
        _ => false,
    }
}

#[allow(clippy::cast_possible_truncation, clippy::float_cmp, clippy::cast_precision_loss)]
fn float_pattern(value: &Value, p: f64) -> bool {
    match value {
        Value::Number(n) => match num(n) {
            Num::Int(i) => p.fract() == 0.0 && p as i64 == i,
            Num::Float(f) => f == p,
        },
        Value::String(s) => s.parse::<f64>().is_ok_and(|f| f == p),
        _ => false,
    }
}

/// `a | b & c`: `|` binds loosest; a value equal to the whole pattern
/// matches outright.
pub(crate) fn string_patterns(value: &Value, pattern: &str) -> bool {
    if value.as_str() == Some(pattern) {
        return true;
    }
    pattern.split('|').any(|alt| alt.trim_matches(' ').split('&').all(|c| string_pattern(value, c.trim_matches(' '))))
}

/// `\d+(\.\d+)?[^-]*`: a range endpoint (a number, maybe with a unit);
/// the optional fraction is absorbed by `[^-]*`, so any text that starts
/// with a digit and has no `-`.
fn endpoint(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_digit()) && !s.contains('-')
}

/// `a-b` (within) or `a!-b` (outside) with both ends endpoints.
fn range(pattern: &str) -> Option<(bool, &str, &str)> {
    let dash = pattern.find('-')?;
    let (left, right) = (&pattern[..dash], &pattern[dash + 1..]);
    if let Some(l) = left.strip_suffix('!')
        && endpoint(l)
        && endpoint(right)
    {
        return Some((false, l, right));
    }
    (endpoint(left) && endpoint(right)).then_some((true, left, right))
}

/// Whether a string pattern is a range by Kyverno's operator detection
/// (`Some(true)` for `a-b`, `Some(false)` for `a!-b`).
pub(crate) fn range_operator(pattern: &str) -> Option<bool> {
    if pattern.len() < 2 || pattern.starts_with(['>', '<', '!']) {
        return None;
    }
    range(pattern).map(|(inside, _, _)| inside)
}

fn string_pattern(value: &Value, pattern: &str) -> bool {
    const OPS: [(&str, Op); 5] =
        [(">=", Op::MoreEqual), ("<=", Op::LessEqual), (">", Op::More), ("<", Op::Less), ("!", Op::NotEqual)];
    if pattern.len() >= 2 {
        for (prefix, op) in OPS {
            if let Some(rest) = pattern.strip_prefix(prefix) {
                return operand(value, rest.trim(), op);
            }
        }
        if let Some((inside, low, high)) = range(pattern) {
            return if inside {
                operand(value, low, Op::MoreEqual) && operand(value, high, Op::LessEqual)
            } else {
                operand(value, low, Op::Less) || operand(value, high, Op::More)
            };
        }
    }
    operand(value, pattern, Op::Equal)
}

/// Kyverno's `convertNumberToString`: the text a duration or quantity is
/// parsed from (a missing value counts as `0`).
fn number_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => Some("0".to_owned()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match num(n) {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => format!("{f:.6}"),
        }),
        _ => None,
    }
}

fn compare(ord: Ordering, op: Op) -> bool {
    match op {
        Op::Equal => ord == Ordering::Equal,
        Op::NotEqual => ord != Ordering::Equal,
        Op::More => ord == Ordering::Greater,
        Op::Less => ord == Ordering::Less,
        Op::MoreEqual => ord != Ordering::Less,
        Op::LessEqual => ord != Ordering::Greater,
    }
}

fn operand(value: &Value, pattern: &str, op: Op) -> bool {
    if let (Some(p), Some(v)) = (parse_duration(pattern), number_text(value).and_then(|t| parse_duration(&t))) {
        return compare(v.cmp(&p), op);
    }
    if let (Some(p), Some(v)) = (Quantity::parse(pattern), number_text(value).and_then(|t| Quantity::parse(&t))) {
        return compare(v.compare(p), op);
    }
    if !matches!(op, Op::Equal | Op::NotEqual) {
        return false;
    }
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match num(n) {
            Num::Int(i) => i.to_string(),
            Num::Float(f) => go_float_upper_e(f),
        },
        _ => return false,
    };
    wildcard::matches(pattern, &text) == (op == Op::Equal)
}
