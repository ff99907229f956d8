//! How deep blocks opened after a slashdash nest, found by a scan that knows
//! KDL strings and comments but nothing else, so it also runs on input that
//! does not parse (the input the `kdl` crate is left with).
//!
//! Why: the `kdl` crate (6.7.1, `v2_parser.rs` `base_node`) reads a node's
//! slashdashed children (`a /- { ... }`) once inside
//! `opt((before_node_children, node_children))` and, when no real block
//! follows, backtracks and reads them again in `before_node_children`. Each
//! level of such nesting doubles the work: `a /- { b /- { c ... } } }` 25
//! levels deep is 2^25 reads of the innermost node (hours).
//!
//! What is counted is a superset, so the limit cannot be dodged by the
//! forms a slashdash takes: a block is counted when a `/-` outside strings
//! and comments came after the last `{` or `}` (so `/- {`, `/-` + comments
//! or newlines + `{`, `/- x /- {`, and also `/- node {` and `/- x {`, which
//! cost nothing extra but are rare enough to count too).

/// A cursor over the source.
struct Scan<'a> {
    source: &'a str,
    at: usize,
}

/// The offset of the first `{` that opens a counted block `limit + 1` deep.
pub(super) fn too_deep(source: &str, limit: usize) -> Option<usize> {
    let mut scan = Scan { source, at: 0 };
    // Whether each open block is counted.
    let mut open: Vec<bool> = Vec::new();
    let mut depth = 0usize;
    let mut slashdash = false;
    while let Some(c) = scan.peek() {
        let start = scan.at;
        match c {
            '"' => scan.quoted(),
            '#' if scan.raw_hashes().is_some() => scan.raw(),
            '/' if scan.rest().starts_with("//") => scan.line_comment(),
            '/' if scan.rest().starts_with("/*") => scan.block_comment(),
            '/' if scan.rest().starts_with("/-") => {
                slashdash = true;
                scan.at += 2;
            }
            '{' => {
                open.push(slashdash);
                if slashdash {
                    depth += 1;
                    if depth > limit {
                        return Some(start);
                    }
                }
                slashdash = false;
                scan.at += 1;
            }
            '}' => {
                if open.pop() == Some(true) {
                    depth -= 1;
                }
                slashdash = false;
                scan.at += 1;
            }
            c => scan.at += c.len_utf8(),
        }
    }
    None
}

/// KDL v2 newlines: CR, LF, NEL, VT, FF, LS, PS.
fn newline(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{0B}' | '\u{0C}' | '\u{2028}' | '\u{2029}')
}

impl Scan<'_> {
    fn rest(&self) -> &str {
        &self.source[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// `"…"` or `"""…"""`, with `\` escaping the next character; an
    /// unterminated string runs to the end (nothing after it is counted as
    /// closing a block, so the count can only be too high).
    fn quoted(&mut self) {
        let close = if self.rest().starts_with("\"\"\"") { "\"\"\"" } else { "\"" };
        self.at += close.len();
        while let Some(c) = self.peek() {
            if c == '\\' {
                self.at += 1;
                if let Some(escaped) = self.peek() {
                    self.at += escaped.len_utf8();
                }
            } else if self.rest().starts_with(close) {
                self.at += close.len();
                return;
            } else {
                self.at += c.len_utf8();
            }
        }
    }

    /// The number of `#` of a raw string starting here (`#"`, `##"""`, …).
    fn raw_hashes(&self) -> Option<usize> {
        let hashes = self.rest().bytes().take_while(|b| *b == b'#').count();
        (self.rest().as_bytes().get(hashes) == Some(&b'"')).then_some(hashes)
    }

    /// `#"…"#` or `#"""…"""#` (any number of `#`), without escapes.
    fn raw(&mut self) {
        let hashes = self.raw_hashes().unwrap_or(0);
        let quotes = if self.rest()[hashes..].starts_with("\"\"\"") { "\"\"\"" } else { "\"" };
        let close = format!("{quotes}{}", "#".repeat(hashes));
        self.at += hashes + quotes.len();
        match self.rest().find(&close) {
            Some(end) => self.at += end + close.len(),
            None => self.at = self.source.len(),
        }
    }

    fn line_comment(&mut self) {
        match self.rest().find(newline) {
            Some(end) => self.at += end,
            None => self.at = self.source.len(),
        }
    }

    /// `/* … */`, nested as KDL nests them.
    fn block_comment(&mut self) {
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            if self.rest().starts_with("/*") {
                depth += 1;
                self.at += 2;
            } else if self.rest().starts_with("*/") {
                self.at += 2;
                depth -= 1;
                if depth == 0 {
                    return;
                }
            } else {
                self.at += c.len_utf8();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::too_deep;

    fn nested(depth: usize, level: impl Fn(usize, &str) -> String) -> String {
        (0..depth).fold("x".to_owned(), |inner, i| level(i, &inner))
    }

    #[test]
    fn counts_every_form_of_slashdashed_children() {
        let forms: [fn(usize, &str) -> String; 5] = [
            |i, s| format!("a{i} /- {{ {s} }}"),
            |i, s| format!("a{i} /-\n{{ {s} }}"),
            |i, s| format!("a{i} /- /* }} */ {{ {s} }}"),
            |i, s| format!("a{i} /- x /- {{ {s} }}"),
            |i, s| format!("a{i} /- {{}} /- {{ {s} }}"),
        ];
        for form in forms {
            assert_eq!(too_deep(&nested(4, form), 4), None, "{}", nested(4, form));
            assert!(too_deep(&nested(5, form), 4).is_some(), "{}", nested(5, form));
        }
    }

    #[test]
    fn real_blocks_strings_and_comments_do_not_count() {
        let plain = nested(100, |i, s| format!("a{i} {{ {s} }}"));
        assert_eq!(too_deep(&plain, 1), None);
        // A `/-` in a string, a raw string or a comment is no slashdash.
        for text in [
            r#"a "g/p/-/raw" { b "/-" { c { } } }"#,
            r##"a #"/-"# { b #"""/-"""# { } }"##,
            "a // /-\n{ b /* /- */ { } }",
        ] {
            assert_eq!(too_deep(text, 0), None, "{text}");
        }
        // Closing braces in strings and comments close nothing.
        let hidden = nested(3, |i, s| format!("a{i} /- {{ \"}}\" #\"}}\"# /* }} */ {s} }}"));
        assert!(too_deep(&hidden, 2).is_some());
        // Siblings are not nesting.
        assert_eq!(too_deep(&"a /- { b } c /- { d }\n".repeat(50), 1), None);
    }
}
