//! A lossless token stream of KDL v2 source, for `stackc fmt`: every byte of
//! the input belongs to exactly one token, comments and slashdashes included.
//!
//! Strings, numbers and keywords are read by the same cursor as the fast
//! reader, so a token is what the reader would read there. `None` means the
//! input holds something the reader leaves to the `kdl` crate (see
//! `docs/decisions/0007-kdl-reader.md`); `stackc fmt` then refuses the file.

use super::lex::Cursor;
use crate::diagnostic::Span;

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenKind {
    /// Unicode spaces.
    Space,
    /// One newline (`\r\n` counts as one).
    Newline,
    /// `// ...` up to, not including, the newline.
    LineComment,
    /// `/* ... */`, nested ones included.
    BlockComment,
    /// The `\` of a line continuation; its spaces, comment and newline
    /// follow as tokens of their own.
    Escline,
    /// `/-`.
    Slashdash,
    Semicolon,
    Open,
    Close,
    Equals,
    /// A string of any kind, with its value.
    String(String),
    /// A number or a `#` keyword.
    Other,
}

/// One token and the bytes it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
}

/// Every token of `source`, or `None` where the fast reader would not read it.
pub(crate) fn tokens(source: &str) -> Option<Vec<Token>> {
    if super::lex::has_disallowed(source) {
        return None;
    }
    let mut c = Cursor::new(source);
    if source.starts_with('\u{feff}') {
        c.pos = '\u{feff}'.len_utf8();
    }
    let mut out = Vec::new();
    while !c.at_end() {
        let start = c.pos;
        let kind = next(&mut c)?;
        out.push(Token { kind, span: Span::new(start, c.pos - start) });
    }
    Some(out)
}

fn next(c: &mut Cursor<'_>) -> Option<TokenKind> {
    if let Some(n) = c.space_at(c.pos) {
        c.pos += n;
        while let Some(n) = c.space_at(c.pos) {
            c.pos += n;
        }
        return Some(TokenKind::Space);
    }
    if let Some(n) = c.newline_at(c.pos) {
        c.pos += n;
        return Some(TokenKind::Newline);
    }
    let single = |c: &mut Cursor<'_>, kind| {
        c.pos += 1;
        Some(kind)
    };
    match c.peek()? {
        b'/' => match c.peek_at(1) {
            Some(b'/') => {
                while !c.at_end() && c.newline_at(c.pos).is_none() {
                    c.pos += c.peek_char()?.len_utf8();
                }
                Some(TokenKind::LineComment)
            }
            Some(b'*') => {
                c.skip_block_comment()?;
                Some(TokenKind::BlockComment)
            }
            Some(b'-') => {
                c.pos += 2;
                Some(TokenKind::Slashdash)
            }
            _ => None,
        },
        b'\\' => {
            let start = c.pos;
            let escline = c.skip_escline()?;
            c.pos = start + 1;
            escline.then_some(TokenKind::Escline)
        }
        b';' => single(c, TokenKind::Semicolon),
        b'{' => single(c, TokenKind::Open),
        b'}' => single(c, TokenKind::Close),
        b'=' => single(c, TokenKind::Equals),
        _ if c.at_string() => c.string().map(TokenKind::String),
        _ => c.keyword_or_number().map(|_| TokenKind::Other),
    }
}

/// Whether `s` reads back as the bare identifier string `s`.
pub(crate) fn is_bare_identifier(s: &str) -> bool {
    let mut c = Cursor::new(s);
    !s.is_empty() && c.at_string() && c.identifier().is_some() && c.at_end()
}
