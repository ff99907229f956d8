//! `stackc fmt`: one canonical layout for stack files (the rules are in
//! `layout.rs` and `docs/editors.md`). The formatter prints the lossless
//! token stream of the KDL reader, so every comment is kept, and it proves
//! each result safe before
//! handing it out: the formatted text must parse to the same document (names,
//! values, properties, children, in order; spans aside) and hold the same
//! comments in the same order. Anything else is refused, never written.

mod layout;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use crate::syntax::{self, Document, Node, tokens};

/// The canonical layout of `source`.
///
/// # Errors
/// The syntax diagnostics when `source` is not valid KDL v2; an `unsupported`
/// diagnostic when it uses a form the formatter does not lay out (those
/// listed in `docs/decisions/0007-kdl-reader.md`), or when the result would
/// not mean the same as the input.
pub fn format(source: &str) -> Result<String, Diagnostics> {
    let before = syntax::parse(source)?;
    let unsupported = |message: &str, help: &str| {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error(Code::Unsupported, Span::default(), message).label("this file").help(help));
        d
    };
    let Some(tokens) = tokens::tokens(source) else {
        return Err(unsupported(
            "stackc fmt does not lay out this file: it uses a KDL form the stack reader leaves to the `kdl` crate",
            "see docs/decisions/0007-kdl-reader.md for those forms (whitespace escapes in multi-line strings, \
             `#-inf`-like identifiers, `0X` prefixes, ...); write the value another way",
        ));
    };
    if slashdash_before_escline(&tokens) {
        return Err(unsupported(
            "stackc fmt does not lay out a `/-` followed by a line continuation `\\`",
            "put what the `/-` comments out on the same line as the `/-`, or remove the `\\`",
        ));
    }
    let formatted = layout::layout(source, &tokens);
    let safe = formatted.as_deref().is_some_and(|f| same_meaning(&before, source, f));
    match formatted {
        Some(formatted) if safe => Ok(formatted),
        _ => Err(unsupported(
            "stackc fmt could not lay out this file without changing it (a formatter bug): left as it is",
            "please report the file; its meaning is safe, nothing was written",
        )),
    }
}

/// Whether a `/-` is followed (past spaces) by a line continuation: the
/// layout cannot keep what such a slashdash comments out (found by the
/// `syntax_differential` fuzz target).
fn slashdash_before_escline(tokens: &[tokens::Token]) -> bool {
    let mut after_slashdash = false;
    for t in tokens {
        match t.kind {
            tokens::TokenKind::Slashdash => after_slashdash = true,
            tokens::TokenKind::Space => {}
            tokens::TokenKind::Escline if after_slashdash => return true,
            _ => after_slashdash = false,
        }
    }
    false
}

/// Whether `formatted` parses to the same document as `before` and keeps
/// every comment of `source`, in order.
fn same_meaning(before: &Document, source: &str, formatted: &str) -> bool {
    let Ok(after) = syntax::parse(formatted) else { return false };
    let same_nodes =
        before.nodes.len() == after.nodes.len() && before.nodes.iter().zip(&after.nodes).all(|(a, b)| same_node(a, b));
    same_nodes && comments(source) == comments(formatted)
}

/// The comments of a source, in order, without trailing spaces.
fn comments(source: &str) -> Option<Vec<String>> {
    let tokens = tokens::tokens(source)?;
    Some(
        tokens
            .iter()
            .filter(|t| matches!(t.kind, tokens::TokenKind::LineComment | tokens::TokenKind::BlockComment))
            .map(|t| source[t.span.offset..t.span.offset + t.span.len].trim_end().to_owned())
            .collect(),
    )
}

/// Nodes compared without spans, on an explicit stack (documents nest up to
/// [`syntax::MAX_DEPTH`]).
fn same_node(a: &Node, b: &Node) -> bool {
    let mut stack = vec![(a, b)];
    while let Some((a, b)) = stack.pop() {
        let args = a.args.len() == b.args.len() && a.args.iter().zip(&b.args).all(|(x, y)| same(&x.value, &y.value));
        let props = a.props.len() == b.props.len()
            && a.props.iter().zip(&b.props).all(|(x, y)| x.key == y.key && same(&x.value, &y.value));
        if a.name != b.name || !args || !props || a.children.len() != b.children.len() {
            return false;
        }
        stack.extend(a.children.iter().zip(&b.children));
    }
    true
}

/// Values equal, a NaN equal to a NaN.
fn same(a: &syntax::Scalar, b: &syntax::Scalar) -> bool {
    match (a, b) {
        (syntax::Scalar::Float(x), syntax::Scalar::Float(y)) => {
            x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
        }
        _ => a == b,
    }
}
