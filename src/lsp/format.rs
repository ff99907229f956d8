//! Formatting: the whole document through `stackc fmt`'s formatter
//! ([`crate::fmt::format`]), as one edit. A document that does not parse
//! gets no edits (its syntax error is already among its diagnostics).

use lsp_types::{Position, Range, TextEdit};

use super::documents::Document;

/// The edits that make `doc` canonical: none when it already is.
pub fn format(doc: &mut Document) -> Option<Vec<TextEdit>> {
    let formatted = crate::fmt::format(&doc.text).ok()?;
    if formatted == *doc.text {
        return Some(Vec::new());
    }
    let end = doc.lines.position(&doc.text, doc.text.len());
    Some(vec![TextEdit::new(Range::new(Position::new(0, 0), end), formatted)])
}
