//! Kyverno variables (<https://kyverno.io/docs/writing-policies/variables/>):
//! `{{ expression }}` inside the strings of a policy. A string that is exactly
//! one variable takes the expression's value with its JSON type; a variable
//! inside other text is spliced in as text (strings as they are, other values
//! as JSON). Expressions are parsed when the policy is parsed, so an
//! unsupported one is an error before any resource is evaluated. Nested
//! variables (`{{ f('{{ x }}') }}`) and `$(...)` references are unsupported.

use serde_json::{Map, Value};

use super::error::KyvernoError;
use super::jmespath::{self, EvalError, Expr};

/// A policy value whose strings may contain variables.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Template {
    /// No variable anywhere inside.
    Literal(Value),
    /// A string that is exactly one variable.
    Var(String, Expr),
    /// A string of text and variables.
    Text(Vec<Part>),
    Array(Vec<Template>),
    Object(Vec<(String, Template)>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part {
    Text(String),
    Var(String, Expr),
}

/// A variable without a value: its source text and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unresolved {
    pub variable: String,
    pub reason: String,
}

impl std::fmt::Display for Unresolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "variable {} not resolved: {}", self.variable, self.reason)
    }
}

/// The `{{ ... }}` spans of `s`: (start, end) byte offsets of the braces.
fn spans(s: &str, path: &str) -> Result<Vec<(usize, usize)>, KyvernoError> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(found) = s[i..].find("{{") {
        let start = i + found;
        if start > 0 && bytes[start - 1] == b'\\' {
            i = start + 2;
            continue;
        }
        let mut j = start + 2;
        let mut depth = 0u32;
        let end = loop {
            match bytes.get(j) {
                None => {
                    return Err(KyvernoError::invalid(path, s, "unterminated variable `{{`"));
                }
                Some(b'{') if bytes.get(j + 1) == Some(&b'{') => {
                    return Err(KyvernoError::unsupported(path, format!("nested variables in {s:?}")));
                }
                Some(b'{') => depth += 1,
                Some(b'}') if depth > 0 => depth -= 1,
                Some(b'}') if bytes.get(j + 1) == Some(&b'}') => break j + 2,
                Some(_) => {}
            }
            j += 1;
        };
        out.push((start, end));
        i = end;
    }
    Ok(out)
}

fn variable(text: &str, path: &str) -> Result<Expr, KyvernoError> {
    let inner = text[2..text.len() - 2].trim();
    jmespath::parse(inner)
        .map_err(|why| KyvernoError::unsupported(path, format!("JMESPath expression `{inner}`: {why}")))
}

impl Template {
    /// Parses the variables of `value` (at `path` in the policy).
    pub fn parse(value: &Value, path: &str) -> Result<Self, KyvernoError> {
        let template = match value {
            Value::String(s) => {
                let found = spans(s, path)?;
                if found.is_empty() {
                    return Ok(Self::Literal(value.clone()));
                }
                if found == [(0, s.len())] {
                    return Ok(Self::Var(s.clone(), variable(s, path)?));
                }
                let mut parts = Vec::new();
                let mut last = 0;
                for (start, end) in found {
                    if start > last {
                        parts.push(Part::Text(s[last..start].to_owned()));
                    }
                    let text = &s[start..end];
                    parts.push(Part::Var(text.to_owned(), variable(text, path)?));
                    last = end;
                }
                if last < s.len() {
                    parts.push(Part::Text(s[last..].to_owned()));
                }
                Self::Text(parts)
            }
            Value::Array(items) => Self::Array(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| Self::parse(v, &format!("{path}[{i}]")))
                    .collect::<Result<_, _>>()?,
            ),
            Value::Object(map) => {
                let mut fields = Vec::with_capacity(map.len());
                for (k, v) in map {
                    if !spans(k, path)?.is_empty() {
                        return Err(KyvernoError::unsupported(path, format!("variables in keys ({k:?})")));
                    }
                    fields.push((k.clone(), Self::parse(v, &super::json::join(path, k))?));
                }
                Self::Object(fields)
            }
            _ => return Ok(Self::Literal(value.clone())),
        };
        Ok(if template.is_literal() { Self::Literal(value.clone()) } else { template })
    }

    fn is_literal(&self) -> bool {
        match self {
            Self::Literal(_) => true,
            Self::Var(..) | Self::Text(_) => false,
            Self::Array(items) => items.iter().all(Self::is_literal),
            Self::Object(fields) => fields.iter().all(|(_, t)| t.is_literal()),
        }
    }

    /// Substitutes every variable, evaluated on `data`.
    pub fn render(&self, data: &Value) -> Result<Value, Unresolved> {
        let eval = |text: &str, expr: &Expr| {
            jmespath::eval(expr, data)
                .map_err(|e: EvalError| Unresolved { variable: text.to_owned(), reason: e.to_string() })
        };
        Ok(match self {
            Self::Literal(v) => v.clone(),
            Self::Var(text, expr) => eval(text, expr)?,
            Self::Text(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        Part::Text(t) => out.push_str(t),
                        Part::Var(text, expr) => match eval(text, expr)? {
                            Value::String(s) => out.push_str(&s),
                            other => out.push_str(&other.to_string()),
                        },
                    }
                }
                Value::String(out)
            }
            Self::Array(items) => Value::Array(items.iter().map(|t| t.render(data)).collect::<Result<_, _>>()?),
            Self::Object(fields) => {
                let mut map = Map::new();
                for (k, t) in fields {
                    map.insert(k.clone(), t.render(data)?);
                }
                Value::Object(map)
            }
        })
    }
}

/// Substitutes the variables of a message where they resolve, and leaves the
/// text of the others (a message never decides a verdict).
pub(crate) fn message(raw: &str, data: &Value) -> String {
    match Template::parse(&Value::String(raw.to_owned()), "") {
        Ok(t) => match t.render(data) {
            Ok(Value::String(s)) => s,
            Ok(other) => other.to_string(),
            Err(_) => raw.to_owned(),
        },
        Err(_) => raw.to_owned(),
    }
}
