//! The tiny `JMESPath` subset Kyverno variables (`{{ ... }}`) may use here
//! (<https://kyverno.io/docs/writing-policies/jmespath/>): field paths from
//! `request.object` and `request.namespace`, quoted identifiers
//! (`metadata.labels."app.kubernetes.io/name"`), indexes `[0]`, the flatten
//! projection `[]` and list projection `[*]`, the or-expression `a || b` (the
//! documented "non-existence check"), pipes `a | b`, `@`, raw string
//! `'...'` and JSON `` `...` `` literals, and the function `length()`.
//! Anything else is an error naming the expression.
//!
//! Evaluation follows the `JMESPath` specification, with Kyverno's one
//! difference: a path through a key the object does not have is *not
//! found* (Kyverno: "Unknown key ... in path") instead of `null`, unless it
//! is inside a projection (where the element is dropped) or on the left of
//! `||` (where the right side is taken).

use serde_json::Value;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    /// `@`: the current value.
    Current,
    /// A field of the current object.
    Field(String),
    /// A literal value.
    Literal(Value),
    /// `left.right`: `right` evaluated on the value of `left`.
    Subexpr(Box<Expr>, Box<Expr>),
    /// `left[n]` (negative counts from the end).
    Index(Box<Expr>, i64),
    /// `left[]` without its projection: one level of nested arrays spliced.
    Flatten(Box<Expr>),
    /// `right` evaluated on every element of the array `left`, nulls dropped.
    Projection(Box<Expr>, Box<Expr>),
    /// `left || right`.
    Or(Box<Expr>, Box<Expr>),
    /// `left | right`.
    Pipe(Box<Expr>, Box<Expr>),
    /// `length(arg)`.
    Length(Box<Expr>),
}

/// Why an expression has no value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum EvalError {
    /// A key the object does not have.
    NotFound(String),
    /// A function applied to a value of the wrong type.
    Type(String),
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NotFound(key) => write!(f, "unknown key {key:?} in path"),
            Self::Type(why) => f.write_str(why),
        }
    }
}

/// Parses an expression (without the braces) and checks that it reads only
/// `request.object` or `request.namespace`.
pub(crate) fn parse(source: &str) -> Result<Expr, String> {
    let expr = super::jmespath_parse::parse(source)?;
    check(&expr, true)?;
    Ok(expr)
}

/// The leading field names of a path, and whether the path is only fields.
fn chain(expr: &Expr) -> (Vec<&str>, bool) {
    match expr {
        Expr::Field(name) => (vec![name.as_str()], true),
        Expr::Subexpr(left, right) => {
            let (mut fields, pure) = chain(left);
            if !pure {
                return (fields, false);
            }
            let (more, pure) = chain(right);
            fields.extend(more);
            (fields, pure)
        }
        Expr::Index(left, _) | Expr::Flatten(left) | Expr::Projection(left, _) => (chain(left).0, false),
        _ => (Vec::new(), false),
    }
}

fn check(expr: &Expr, root: bool) -> Result<(), String> {
    match expr {
        Expr::Literal(_) => Ok(()),
        Expr::Current if root => Err("`@` refers to the whole request".to_owned()),
        Expr::Or(a, b) => check(a, root).and_then(|()| check(b, root)),
        Expr::Pipe(a, b) => check(a, root).and_then(|()| check(b, false)),
        Expr::Length(a) => check(a, root),
        _ if !root => Ok(()),
        path => {
            let fields = chain(path).0;
            match fields.as_slice() {
                ["request", "object", ..] | ["request", "namespace"] => Ok(()),
                _ => Err(format!(
                    "only request.object and request.namespace can be read, not {}",
                    if fields.is_empty() { "this".to_owned() } else { fields.join(".") }
                )),
            }
        }
    }
}

/// `JMESPath` truthiness: false, null, and empty strings, arrays and objects
/// are false.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(false) => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    }
}

/// Evaluates `expr` on `data`.
pub(crate) fn eval(expr: &Expr, data: &Value) -> Result<Value, EvalError> {
    match expr {
        Expr::Current => Ok(data.clone()),
        Expr::Literal(v) => Ok(v.clone()),
        Expr::Field(name) => match data {
            Value::Object(map) => map.get(name).cloned().ok_or_else(|| EvalError::NotFound(name.clone())),
            Value::Null => Err(EvalError::NotFound(name.clone())),
            _ => Ok(Value::Null),
        },
        Expr::Subexpr(left, right) | Expr::Pipe(left, right) => eval(right, &eval(left, data)?),
        Expr::Index(left, index) => {
            let Value::Array(items) = eval(left, data)? else {
                return Ok(Value::Null);
            };
            let len = i64::try_from(items.len()).unwrap_or(i64::MAX);
            let at = if *index < 0 { len + index } else { *index };
            Ok(usize::try_from(at).ok().and_then(|i| items.get(i).cloned()).unwrap_or(Value::Null))
        }
        Expr::Flatten(left) => {
            let Value::Array(items) = eval(left, data)? else {
                return Ok(Value::Null);
            };
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::Array(inner) => out.extend(inner),
                    other => out.push(other),
                }
            }
            Ok(Value::Array(out))
        }
        Expr::Projection(left, right) => {
            let Value::Array(items) = eval(left, data)? else {
                return Ok(Value::Null);
            };
            let mut out = Vec::with_capacity(items.len());
            for item in &items {
                match eval(right, item) {
                    Ok(Value::Null) | Err(EvalError::NotFound(_)) => {}
                    Ok(v) => out.push(v),
                    Err(e) => return Err(e),
                }
            }
            Ok(Value::Array(out))
        }
        Expr::Or(left, right) => match eval(left, data) {
            Ok(v) if truthy(&v) => Ok(v),
            Ok(_) | Err(EvalError::NotFound(_)) => eval(right, data),
            Err(e) => Err(e),
        },
        Expr::Length(arg) => match eval(arg, data)? {
            Value::String(s) => Ok(Value::from(s.chars().count())),
            Value::Array(a) => Ok(Value::from(a.len())),
            Value::Object(o) => Ok(Value::from(o.len())),
            other => Err(EvalError::Type(format!("length() expects a string, array or object, not {other}"))),
        },
    }
}
