//! The canonical layout, printed from the lossless token stream of
//! [`crate::syntax::tokens`]. The rules (also in `docs/editors.md`):
//!
//! * one node per line, children indented by four spaces, `{` on the node's
//!   line, `}` alone on its own line; an empty block is `{}`;
//! * entries separated by one space, properties written `key=value`, in the
//!   order written; a `;` between nodes becomes a line break;
//! * node names and property keys bare when they can be, string values in
//!   double quotes (a bare value is quoted; quoted, raw and multi-line
//!   strings, numbers and keywords are kept as written);
//! * at most one blank line between nodes, none at the start or end of a
//!   block; no trailing spaces; `\n` line ends; one newline at the end;
//! * comments stay where they are: a `//` comment on its own line stays on
//!   its own line at the block's indentation, a trailing one stays after its
//!   node, `/* */` comments stay between the same tokens, slashdashed nodes,
//!   entries and blocks are laid out like real ones (`/-` glued to them);
//! * a line continuation `\` is kept, its next line indented one level more.

mod body;

use crate::syntax::tokens::{Token, TokenKind};

const INDENT: &str = "    ";

/// Where the printer is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Between nodes: at the start of a line, or after a `/* */` or `/-`.
    Lines,
    /// After a node's name: its entries and blocks.
    Body,
}

struct Printer<'a> {
    src: &'a str,
    tokens: &'a [Token],
    i: usize,
    out: String,
    depth: usize,
    mode: Mode,
    /// The next item continues the current line (after `/* */` or `/-`).
    mid_line: bool,
    /// No space before the next thing printed (after `/-`, `=` or a line
    /// continuation's indentation).
    glue: bool,
    /// A blank line was seen since the last item of the block.
    blank: bool,
    /// Nothing printed yet in the current block.
    block_start: bool,
}

/// The canonical text of `tokens`, or `None` on a token sequence that is not
/// a KDL document (the caller parsed the source first, so this is a bug).
pub(super) fn layout(src: &str, tokens: &[Token]) -> Option<String> {
    let mut p = Printer {
        src,
        tokens,
        i: 0,
        out: String::with_capacity(src.len()),
        depth: 0,
        mode: Mode::Lines,
        mid_line: false,
        glue: false,
        blank: false,
        block_start: true,
    };
    while p.i < tokens.len() {
        match p.mode {
            Mode::Lines => p.line_token()?,
            Mode::Body => p.body_token()?,
        }
    }
    if p.mode == Mode::Body {
        p.end_node();
    }
    if p.depth != 0 {
        return None;
    }
    let trimmed = p.out.trim_end_matches('\n').len();
    p.out.truncate(trimmed);
    if !p.out.is_empty() {
        p.out.push('\n');
    }
    Some(p.out)
}

impl Printer<'_> {
    fn peek_kind(&self, skip_newlines: bool) -> Option<&TokenKind> {
        self.tokens[self.i..]
            .iter()
            .map(|t| &t.kind)
            .find(|k| !(**k == TokenKind::Space || (skip_newlines && **k == TokenKind::Newline)))
    }

    fn skip_space(&mut self) {
        while self.tokens.get(self.i).is_some_and(|t| t.kind == TokenKind::Space) {
            self.i += 1;
        }
    }

    /// The line's indentation (or nothing, mid-line), before an item.
    fn begin_item(&mut self) {
        if !self.mid_line {
            if self.blank && !self.block_start {
                self.out.push('\n');
            }
            for _ in 0..self.depth {
                self.out.push_str(INDENT);
            }
        }
        self.mid_line = false;
        self.blank = false;
        self.block_start = false;
    }

    /// Eats the newline that ends the current line, if it is next.
    fn eat_newline(&mut self) {
        self.skip_space();
        if self.tokens.get(self.i).is_some_and(|t| t.kind == TokenKind::Newline) {
            self.i += 1;
        }
    }

    fn line_token(&mut self) -> Option<()> {
        let token = &self.tokens[self.i];
        self.i += 1;
        match &token.kind {
            TokenKind::Space | TokenKind::Semicolon | TokenKind::Escline => {}
            TokenKind::Newline => self.blank = !self.mid_line,
            TokenKind::LineComment => {
                self.begin_item();
                self.out.push_str(text(self.src, token));
                self.out.push('\n');
                self.eat_newline();
            }
            TokenKind::BlockComment => {
                self.begin_item();
                self.out.push_str(text(self.src, token));
                match self.peek_kind(false) {
                    None | Some(TokenKind::Newline | TokenKind::LineComment) => {
                        if self.peek_kind(false) == Some(&TokenKind::LineComment) {
                            self.skip_space();
                            self.out.push(' ');
                            let comment = &self.tokens[self.i];
                            self.i += 1;
                            self.out.push_str(text(self.src, comment));
                        }
                        self.out.push('\n');
                        self.eat_newline();
                    }
                    Some(_) => {
                        self.out.push(' ');
                        self.mid_line = true;
                    }
                }
            }
            TokenKind::Slashdash => {
                self.begin_item();
                self.out.push_str("/-");
                self.mid_line = true;
                self.after_slashdash(self.depth);
            }
            TokenKind::String(name) => {
                self.begin_item();
                self.out.push_str(&self.bare_or_quoted(token, name));
                self.mode = Mode::Body;
                self.glue = false;
            }
            TokenKind::Close => {
                self.depth = self.depth.checked_sub(1)?;
                for _ in 0..self.depth {
                    self.out.push_str(INDENT);
                }
                self.out.push('}');
                self.mode = Mode::Body;
                self.glue = false;
            }
            TokenKind::Open | TokenKind::Equals | TokenKind::Other => return None,
        }
        Some(())
    }

    fn space(&mut self) {
        if !self.glue {
            self.out.push(' ');
        }
        self.glue = false;
    }

    fn end_node(&mut self) {
        let trimmed = self.out.trim_end_matches(' ').len();
        self.out.truncate(trimmed);
        self.out.push('\n');
        self.mode = Mode::Lines;
        self.glue = false;
        self.blank = false;
    }

    /// A node name or property key: bare when it reads back as itself.
    fn bare_or_quoted(&self, token: &Token, value: &str) -> String {
        if crate::syntax::tokens::is_bare_identifier(value) {
            value.to_owned()
        } else {
            text(self.src, token).to_owned()
        }
    }
}

/// The source text of a token.
fn text<'s>(src: &'s str, t: &Token) -> &'s str {
    &src[t.span.offset..t.span.offset + t.span.len]
}

/// A string value: a bare identifier gets double quotes (it holds no `"` or
/// `\`), every other form stays as written.
fn quoted(text: &str) -> String {
    if text.starts_with('"') || text.starts_with('#') { text.to_owned() } else { format!("\"{text}\"") }
}
