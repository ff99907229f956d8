//! Reading a node's name argument and string properties with the spans
//! of their values.

use crate::diagnostic::Span;
use crate::syntax::{Node, Scalar};

/// A node's first argument, when it is a string.
pub(super) fn first_string(node: &Node) -> Option<(&str, Span)> {
    match node.args.first() {
        Some(crate::syntax::Arg { value: Scalar::String(s), span }) => Some((s, *span)),
        _ => None,
    }
}

/// A string property and the span of its value.
pub(super) fn string_prop<'a>(node: &'a Node, key: &str) -> Option<(&'a str, Span)> {
    node.props.iter().find(|p| p.key == key).and_then(|p| match &p.value {
        Scalar::String(s) => {
            // The value alone: `key=` has no spaces in KDL.
            let start = p.key_span.offset + p.key_span.len + 1;
            let end = p.span.offset + p.span.len;
            let span =
                if p.key_span.offset == p.span.offset && start < end { Span::new(start, end - start) } else { p.span };
            Some((s.as_str(), span))
        }
        _ => None,
    })
}
