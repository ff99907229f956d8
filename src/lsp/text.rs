//! Positions: byte offsets in the stack source (what [`Span`]s hold) to LSP
//! line/character positions and back, in the encoding negotiated with the
//! client (UTF-8 when it offers it, else UTF-16 code units, the protocol's
//! default).

use lsp_types::{Position, Range};

use crate::diagnostic::Span;

/// How the client counts characters in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
        }
    }
}

/// Where each line starts in one version of a text.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of every line's first byte; the first is 0.
    starts: Vec<usize>,
    encoding: Encoding,
}

impl LineIndex {
    #[must_use]
    pub fn new(text: &str, encoding: Encoding) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Self { starts, encoding }
    }

    /// The position of byte `offset` (clamped to the text, and back to a
    /// character boundary).
    #[must_use]
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(|c| self.encoding.units(c)).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The byte offset of `position`; a character past the line's end is
    /// its end, a line past the text's end is the text's end.
    #[must_use]
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let Some(&start) = self.starts.get(position.line as usize) else { return text.len() };
        let end = self.starts.get(position.line as usize + 1).map_or(text.len(), |&next| next - 1);
        let mut units = 0;
        for (i, c) in text[start..end].char_indices() {
            if units >= position.character as usize || c == '\r' {
                return start + i;
            }
            units += self.encoding.units(c);
        }
        end
    }

    #[must_use]
    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(self.position(text, span.offset), self.position(text, span.offset + span.len))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
