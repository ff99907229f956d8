//! The cursor and KDL v2's lexical classes: newlines, Unicode spaces,
//! comments and line continuations. Every function returns `None` for input
//! the fast reader leaves to the `kdl` crate.

/// A byte position in the source, always on a `char` boundary.
pub(super) struct Cursor<'a> {
    pub src: &'a str,
    pub bytes: &'a [u8],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(src: &'a str) -> Self {
        Self { src, bytes: src.as_bytes(), pos: 0 }
    }

    pub fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    pub fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos..].starts_with(s.as_bytes())
    }

    /// The `char` at the cursor.
    pub fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..)?.chars().next()
    }

    /// The length of the newline at `at`, if one starts there (`\r\n` is one).
    pub fn newline_at(&self, at: usize) -> Option<usize> {
        newline_len(&self.bytes[at.min(self.bytes.len())..])
    }

    /// The length of the Unicode space at `at`, if one starts there.
    pub fn space_at(&self, at: usize) -> Option<usize> {
        space_len(&self.bytes[at.min(self.bytes.len())..])
    }

    /// `ws*`: Unicode spaces and `/* */` comments. Returns whether any.
    fn skip_ws(&mut self) -> Option<bool> {
        let start = self.pos;
        loop {
            if let Some(n) = self.space_at(self.pos) {
                self.pos += n;
            } else if self.starts_with("/*") {
                self.skip_block_comment()?;
            } else {
                return Some(self.pos > start);
            }
        }
    }

    /// A nested `/* */` comment, counted rather than recursed.
    pub(super) fn skip_block_comment(&mut self) -> Option<()> {
        self.pos += 2;
        let mut depth = 1usize;
        while depth > 0 {
            match self.bytes.get(self.pos)? {
                b'/' if self.peek_at(1) == Some(b'*') => {
                    depth += 1;
                    self.pos += 2;
                }
                b'*' if self.peek_at(1) == Some(b'/') => {
                    depth -= 1;
                    self.pos += 2;
                }
                _ => self.pos += 1,
            }
        }
        Some(())
    }

    /// `//` to the end of the line, the newline included.
    pub(super) fn skip_line_comment(&mut self) {
        self.pos += 2;
        while self.pos < self.bytes.len() {
            if let Some(n) = self.newline_at(self.pos) {
                self.pos += n;
                return;
            }
            self.pos += 1;
        }
    }

    /// `escline := '\' ws* (single-line-comment | newline | eof) ws*`, if one
    /// starts at the cursor; the cursor is unchanged otherwise.
    pub(super) fn skip_escline(&mut self) -> Option<bool> {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws()?;
        if self.starts_with("//") {
            self.skip_line_comment();
        } else if let Some(n) = self.newline_at(self.pos) {
            self.pos += n;
        } else if !self.at_end() {
            self.pos = start;
            return Some(false);
        }
        self.skip_ws()?;
        Some(true)
    }

    /// `node-space*`. Returns whether any was consumed.
    pub fn skip_node_space(&mut self) -> Option<bool> {
        let start = self.pos;
        loop {
            self.skip_ws()?;
            if self.peek() == Some(b'\\') && self.skip_escline()? {
                continue;
            }
            return Some(self.pos > start);
        }
    }

    /// `line-space*`: node space, newlines and `//` comments.
    pub fn skip_line_space(&mut self) -> Option<()> {
        loop {
            self.skip_node_space()?;
            if let Some(n) = self.newline_at(self.pos) {
                self.pos += n;
            } else if self.starts_with("//") {
                self.skip_line_comment();
            } else {
                return Some(());
            }
        }
    }

    /// At a node terminator (`;`, a newline, `//`, end of input) or `}`.
    pub fn at_node_end(&self) -> bool {
        match self.peek() {
            None | Some(b';' | b'}') => true,
            Some(b'/') => self.peek_at(1) == Some(b'/'),
            Some(_) => self.newline_at(self.pos).is_some(),
        }
    }

    /// Consumes a node terminator; `}` and end of input stay.
    pub fn eat_node_terminator(&mut self) {
        if self.peek() == Some(b';') {
            self.pos += 1;
        } else if self.starts_with("//") {
            self.skip_line_comment();
        } else if let Some(n) = self.newline_at(self.pos) {
            self.pos += n;
        }
    }

    /// What may follow a value: end of input, `=`, `)`, `{`, `}`, node space
    /// or a node terminator (the `kdl` crate's `value_terminator`).
    pub fn at_value_terminator(&self) -> Option<bool> {
        Some(match self.peek() {
            None | Some(b'=' | b')' | b'{' | b'}' | b';') => true,
            Some(b'/') => matches!(self.peek_at(1), Some(b'/' | b'*')),
            Some(b'\\') => {
                let mut probe = Cursor { src: self.src, bytes: self.bytes, pos: self.pos };
                probe.skip_escline()?
            }
            Some(_) => self.newline_at(self.pos).is_some() || self.space_at(self.pos).is_some(),
        })
    }
}

/// The length of the newline at the start of `b`: CRLF, CR, LF, NEL, VT, FF,
/// LS or PS.
pub(super) fn newline_len(b: &[u8]) -> Option<usize> {
    match b {
        [b'\r', b'\n', ..] => Some(2),
        [b'\r' | b'\n' | 0x0B | 0x0C, ..] => Some(1),
        [0xC2, 0x85, ..] => Some(2),
        [0xE2, 0x80, 0xA8 | 0xA9, ..] => Some(3),
        _ => None,
    }
}

/// The length of the Unicode space (KDL's `unicode-space`) at the start of `b`.
pub(super) fn space_len(b: &[u8]) -> Option<usize> {
    match b {
        [b'\t' | b' ', ..] => Some(1),
        [0xC2, 0xA0, ..] => Some(2),
        [0xE1, 0x9A, 0x80, ..] // U+1680
        | [0xE2, 0x80, 0x80..=0x8A | 0xAF, ..] // U+2000-200A, U+202F
        | [0xE2, 0x81, 0x9F, ..] // U+205F
        | [0xE3, 0x80, 0x80, ..] => Some(3), // U+3000
        _ => None,
    }
}

/// Whether `c` may appear in a bare identifier (given no disallowed code
/// points, which [`has_disallowed`] rules out beforehand).
pub(super) fn is_identifier_char(c: char) -> bool {
    if c.is_ascii() {
        return c > ' '
            && !matches!(c, '\\' | '/' | '(' | ')' | '{' | '}' | '[' | ']' | ';' | '"' | '#' | '=' | '\u{7f}');
    }
    let mut buf = [0u8; 4];
    let b = c.encode_utf8(&mut buf).as_bytes();
    newline_len(b).is_none() && space_len(b).is_none()
}

/// Whether the source holds a code point KDL v2 disallows anywhere (a BOM is
/// allowed only as the first code point). DEL counts, though the `kdl`
/// crate accepts it: the spec forbids it, so the fast reader leaves it alone.
pub(super) fn has_disallowed(source: &str) -> bool {
    let b = source.as_bytes();
    let start = if source.starts_with('\u{feff}') { 3 } else { 0 };
    (start..b.len()).any(|i| {
        matches!(
            b[i..],
            [0x00..=0x08 | 0x0E..=0x1F | 0x7F, ..]
                | [0xE2, 0x80, 0x8E | 0x8F | 0xAA..=0xAE, ..]
                | [0xE2, 0x81, 0xA6..=0xA9, ..]
                | [0xEF, 0xBB, 0xBF, ..]
        )
    })
}
