//! The printer inside a node: after its name, the entries, blocks, line
//! continuations and slashdashes up to the node's end. Lines between nodes
//! are printed by the parent module.

use super::{INDENT, Mode, Printer, quoted, text};
use crate::syntax::tokens::TokenKind;

impl Printer<'_> {
    pub(super) fn body_token(&mut self) -> Option<()> {
        let token = &self.tokens[self.i];
        self.i += 1;
        match &token.kind {
            TokenKind::Space => {}
            TokenKind::String(value) => {
                self.space();
                if self.peek_kind(false) == Some(&TokenKind::Equals) {
                    self.out.push_str(&self.bare_or_quoted(token, value));
                    self.skip_space();
                    self.i += 1;
                    self.out.push('=');
                    self.skip_space();
                    self.glue = true;
                } else {
                    self.out.push_str(&quoted(text(self.src, token)));
                }
            }
            TokenKind::Other => {
                self.space();
                self.out.push_str(text(self.src, token));
            }
            TokenKind::Equals => {
                self.out.push('=');
                self.glue = true;
            }
            TokenKind::BlockComment => {
                self.space();
                self.out.push_str(text(self.src, token));
            }
            TokenKind::Slashdash => {
                self.space();
                self.out.push_str("/-");
                self.glue = true;
                self.after_slashdash(self.depth + 1);
            }
            TokenKind::Escline => self.escline(),
            TokenKind::Open => {
                self.space();
                let empty = self.tokens[self.i..]
                    .iter()
                    .find(|t| !matches!(t.kind, TokenKind::Space | TokenKind::Newline | TokenKind::Escline))
                    .is_some_and(|t| t.kind == TokenKind::Close);
                if empty {
                    while self.tokens[self.i].kind != TokenKind::Close {
                        self.i += 1;
                    }
                    self.i += 1;
                    self.out.push_str("{}");
                } else {
                    self.out.push_str("{\n");
                    self.depth += 1;
                    self.mode = Mode::Lines;
                    self.block_start = true;
                    self.blank = false;
                }
            }
            TokenKind::Close => {
                self.i -= 1;
                self.end_node();
            }
            TokenKind::Semicolon => {
                if self.peek_kind(false) == Some(&TokenKind::LineComment) {
                    self.skip_space();
                    self.out.push(' ');
                    let comment = &self.tokens[self.i];
                    self.i += 1;
                    self.out.push_str(text(self.src, comment));
                }
                self.end_node();
                self.eat_newline();
            }
            TokenKind::Newline => self.end_node(),
            TokenKind::LineComment => {
                self.out.push(' ');
                self.out.push_str(text(self.src, token));
                self.end_node();
                self.eat_newline();
            }
        }
        Some(())
    }

    /// `\`, its comments and newline; the node goes on one level deeper.
    pub(super) fn escline(&mut self) {
        self.space();
        self.out.push('\\');
        while let Some(t) = self.tokens.get(self.i) {
            self.i += 1;
            match t.kind {
                TokenKind::Space => {}
                TokenKind::BlockComment | TokenKind::LineComment => {
                    self.out.push(' ');
                    self.out.push_str(text(self.src, t));
                }
                _ => break,
            }
        }
        self.out.push('\n');
        for _ in 0..=self.depth {
            self.out.push_str(INDENT);
        }
        self.glue = true;
    }

    /// The line space between `/-` and what it comments out: its comments
    /// are kept (a `//` one ends the line, the item follows at `indent`).
    pub(super) fn after_slashdash(&mut self, indent: usize) {
        while let Some(t) = self.tokens.get(self.i) {
            match t.kind {
                TokenKind::Space | TokenKind::Newline => {}
                TokenKind::BlockComment => {
                    self.out.push(' ');
                    self.out.push_str(text(self.src, t));
                    self.out.push(' ');
                }
                TokenKind::LineComment => {
                    if !self.out.ends_with(' ') {
                        self.out.push(' ');
                    }
                    self.out.push_str(text(self.src, t));
                    self.out.push('\n');
                    for _ in 0..indent {
                        self.out.push_str(INDENT);
                    }
                }
                _ => break,
            }
            self.i += 1;
        }
    }
}
