//! Helm chart values written as nested KDL nodes:
//! `key "scalar"`, `key { nested ... }`, `key "a" "b"` (a list) and
//! `- { ... }` children (a list of maps).

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::syntax::{Node, Scalar};

/// The `values { ... }` node of a release, as a JSON object.
pub(super) fn values(node: &Node, d: &mut Diagnostics) -> Value {
    if !node.args.is_empty() || !node.props.is_empty() {
        d.push(Diagnostic::error(Code::UnexpectedArgument, node.name_span, "`values` takes only child nodes"));
    }
    Value::Object(map(&node.children, d))
}

fn map(children: &[Node], d: &mut Diagnostics) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, child) in children.iter().enumerate() {
        if let Some(first) = children[..i].iter().find(|c| c.name == child.name) {
            d.push(Diagnostic::duplicate(
                Code::DuplicateName,
                first.name_span,
                child.name_span,
                format!("value `{}` is given twice", child.name),
            ));
            continue;
        }
        out.insert(child.name.clone(), value(child, d));
    }
    out
}

fn value(node: &Node, d: &mut Diagnostics) -> Value {
    for prop in &node.props {
        d.push(
            Diagnostic::error(Code::UnknownProperty, prop.key_span, "values are nested nodes, not properties")
                .help(format!("write `{} {{ {} ... }}`", node.name, prop.key)),
        );
    }
    let has_children = !node.children.is_empty();
    if has_children && !node.args.is_empty() {
        d.push(Diagnostic::error(Code::InvalidValue, node.name_span, "a value has arguments or children, not both"));
    }
    if has_children {
        if node.children.iter().all(|c| c.name == "-") {
            return Value::Array(node.children.iter().map(|c| item(c, d)).collect());
        }
        return Value::Object(map(&node.children, d));
    }
    match node.args.as_slice() {
        [] => Value::Null,
        [one] => scalar(&one.value),
        many => Value::Array(many.iter().map(|a| scalar(&a.value)).collect()),
    }
}

fn item(node: &Node, d: &mut Diagnostics) -> Value {
    if node.children.is_empty() {
        match node.args.as_slice() {
            [one] => scalar(&one.value),
            _ => value(node, d),
        }
    } else {
        Value::Object(map(&node.children, d))
    }
}

fn scalar(value: &Scalar) -> Value {
    match value {
        Scalar::String(s) => Value::String(s.clone()),
        Scalar::Integer(i) => i64::try_from(*i).map_or_else(|_| Value::String(i.to_string()), Value::from),
        Scalar::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Scalar::Bool(b) => Value::Bool(*b),
        Scalar::Null => Value::Null,
    }
}
