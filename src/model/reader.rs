//! Typed access to one node's arguments and properties. A [`Reader`] knows
//! which properties and children a node takes, reports the rest with a
//! "did you mean", and turns values into the types the model wants.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned, did_you_mean};
use crate::syntax::{Node, Scalar};

/// Reads one node; every problem goes into the diagnostics it is given.
pub(super) struct Reader<'n> {
    pub node: &'n Node,
}

impl<'n> Reader<'n> {
    /// Check the node's shape: at most `max_args` arguments, only `props`,
    /// only `children` as child node names.
    pub fn new(node: &'n Node, max_args: usize, props: &[&str], children: &[&str], d: &mut Diagnostics) -> Self {
        for arg in node.args.iter().skip(max_args) {
            d.push(
                Diagnostic::error(
                    Code::UnexpectedArgument,
                    arg.span,
                    format!("`{}` takes {max_args} argument{}", node.name, plural(max_args)),
                )
                .label("unexpected argument"),
            );
        }
        for prop in &node.props {
            if !props.contains(&prop.key.as_str()) {
                d.push(unknown(Code::UnknownProperty, "property", &prop.key, prop.key_span, &node.name, props));
            }
        }
        for child in &node.children {
            if !children.contains(&child.name.as_str()) {
                d.push(unknown(Code::UnknownNode, "node", &child.name, child.name_span, &node.name, children));
            }
        }
        Self { node }
    }

    pub fn name_span(&self) -> Span {
        self.node.name_span
    }

    /// The children named `name`.
    pub fn children(&self, name: &'n str) -> impl Iterator<Item = &'n Node> + 'n {
        self.node.children.iter().filter(move |c| c.name == name)
    }

    /// The single child named `name`; a second one is an error.
    pub fn child(&self, name: &str, d: &mut Diagnostics) -> Option<&'n Node> {
        let mut found = self.node.children.iter().filter(|c| c.name == name);
        let first = found.next();
        for extra in found {
            let first = first.map_or(extra.name_span, |f| f.name_span);
            d.push(
                Diagnostic::duplicate(
                    Code::DuplicateName,
                    first,
                    extra.name_span,
                    format!("`{name}` is given twice in `{}`", self.node.name),
                )
                .help("keep one"),
            );
        }
        first
    }

    pub fn arg(&self, index: usize) -> Option<(&'n Scalar, Span)> {
        self.node.args.get(index).map(|a| (&a.value, a.span))
    }

    /// A required string argument.
    pub fn arg_string(&self, index: usize, what: &str, d: &mut Diagnostics) -> Option<Spanned<String>> {
        match self.arg(index) {
            Some((value, span)) => string(value, span, d),
            None => {
                d.push(missing(self.node, &format!("a {what} argument")));
                None
            }
        }
    }

    pub fn prop(&self, key: &str) -> Option<(&'n Scalar, Span)> {
        self.node.props.iter().find(|p| p.key == key).map(|p| (&p.value, p.span))
    }

    pub fn string(&self, key: &str, d: &mut Diagnostics) -> Option<Spanned<String>> {
        let (value, span) = self.prop(key)?;
        string(value, span, d)
    }

    pub fn required_string(&self, key: &str, d: &mut Diagnostics) -> Option<Spanned<String>> {
        if self.prop(key).is_none() {
            d.push(missing(self.node, &format!("property `{key}`")));
            return None;
        }
        self.string(key, d)
    }

    pub fn bool(&self, key: &str, default: bool, d: &mut Diagnostics) -> bool {
        match self.prop(key) {
            None => default,
            Some((Scalar::Bool(b), _)) => *b,
            Some((other, span)) => {
                d.push(wrong_type(span, "a boolean (#true or #false)", other));
                default
            }
        }
    }

    /// An integer property; `range` says what fits, for the hint.
    pub fn integer<T: TryFrom<i128>>(&self, key: &str, range: &str, d: &mut Diagnostics) -> Option<Spanned<T>> {
        let (value, span) = self.prop(key)?;
        integer(value, span, range, d)
    }
}

/// A string value, or a `wrong-type` diagnostic.
pub(super) fn string(value: &Scalar, span: Span, d: &mut Diagnostics) -> Option<Spanned<String>> {
    if let Scalar::String(s) = value {
        Some(Spanned::new(s.clone(), span))
    } else {
        d.push(wrong_type(span, "a string", value));
        None
    }
}

/// What a port number may be.
pub(super) const PORT: &str = "a port is 1–65535";
/// What a replica count may be.
pub(super) const REPLICAS: &str = "replicas is 0 or more";
/// What a user or group id may be (Kubernetes' `int64`).
pub(super) const ID: &str = "a user or group id is a 64-bit integer, usually 1000 or more";

/// An integer that fits `T`, or a diagnostic whose hint is `range`.
pub(super) fn integer<T: TryFrom<i128>>(
    value: &Scalar,
    span: Span,
    range: &str,
    d: &mut Diagnostics,
) -> Option<Spanned<T>> {
    let Scalar::Integer(i) = value else {
        d.push(wrong_type(span, "an integer", value));
        return None;
    };
    if let Ok(v) = T::try_from(*i) {
        Some(Spanned::new(v, span))
    } else {
        d.push(
            Diagnostic::error(Code::InvalidValue, span, format!("{i} is out of range"))
                .label("out of range")
                .help(range),
        );
        None
    }
}

pub(super) fn wrong_type(span: Span, expected: &str, found: &Scalar) -> Diagnostic {
    Diagnostic::error(Code::WrongType, span, format!("expected {expected}, found {}", found.type_name()))
        .label(format!("expected {expected}"))
}

pub(super) fn missing(node: &Node, what: &str) -> Diagnostic {
    Diagnostic::error(Code::MissingValue, node.name_span, format!("`{}` needs {what}", node.name))
        .label(format!("missing {what}"))
}

fn unknown(code: Code, kind: &str, name: &str, span: Span, parent: &str, allowed: &[&str]) -> Diagnostic {
    let diagnostic = Diagnostic::error(code, span, format!("unknown {kind} `{name}` in `{parent}`"))
        .label(format!("unknown {kind}"));
    match did_you_mean(name, allowed.iter().copied()) {
        Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
        None if allowed.is_empty() => diagnostic.help(format!("`{parent}` takes no {kind}s")),
        None => diagnostic.help(format!("`{parent}` takes: {}", allowed.join(", "))),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
