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
    closes: Triples,
}

/// The offset of the first `{` that opens a counted block `limit + 1` deep.
pub(super) fn too_deep(source: &str, limit: usize) -> Option<usize> {
    let mut scan = Scan { source, at: 0, closes: Triples::new(source) };
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

/// Every `"""` of the source, to find where a multi-line string ends in
/// time linear in the whole scan: an unterminated one is known at once
/// (from suffix maxima), and a terminated one walks only the `"""`s inside
/// its body, which the scan then skips.
struct Triples {
    /// Offset of each `"""`, the `#`s right after it, and whether an odd
    /// run of `\` escapes its first quote.
    at: Vec<(usize, usize, bool)>,
    /// From each index on: the most `#`s after one, and whether one is unescaped.
    most_hashes: Vec<usize>,
    unescaped: Vec<bool>,
}

impl Triples {
    fn new(source: &str) -> Self {
        let bytes = source.as_bytes();
        let mut at = Vec::new();
        for i in 0..bytes.len().saturating_sub(2) {
            if &bytes[i..i + 3] == b"\"\"\"" {
                let hashes = bytes[i + 3..].iter().take_while(|b| **b == b'#').count();
                let backslashes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
                at.push((i, hashes, backslashes % 2 == 1));
            }
        }
        let mut most_hashes = vec![0; at.len() + 1];
        let mut unescaped = vec![false; at.len() + 1];
        for k in (0..at.len()).rev() {
            most_hashes[k] = most_hashes[k + 1].max(at[k].1);
            unescaped[k] = unescaped[k + 1] || !at[k].2;
        }
        Self { at, most_hashes, unescaped }
    }

    /// The offset of the first `"""` at or after `from` that closes a
    /// multi-line string: raw with `hashes` `#`, or quoted (`None`: not
    /// escaped).
    fn close(&self, from: usize, hashes: Option<usize>) -> Option<usize> {
        let first = self.at.partition_point(|t| t.0 < from);
        let found = match hashes {
            Some(n) => self.most_hashes[first] >= n,
            None => self.unescaped[first],
        };
        if !found {
            return None;
        }
        self.at[first..].iter().find(|(_, after, escaped)| hashes.map_or(!escaped, |n| *after >= n)).map(|t| t.0)
    }
}

impl Scan<'_> {
    fn rest(&self) -> &str {
        &self.source[self.at..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// `"…"` or `"""…"""`, with `\` escaping the next character (a newline
    /// too: a whitespace escape). The `kdl` crate's error recovery reads what
    /// follows an unterminated string as nodes (found by testing: `stack "s`
    /// or `stack """` + newline + nested slashdashed blocks was as slow as
    /// valid ones), so a single-line string ends at a newline, and after an
    /// unterminated multi-line one the scan goes on right after its `"""`.
    fn quoted(&mut self) {
        if self.rest().starts_with("\"\"\"") {
            self.at += 3;
            if let Some(end) = self.closes.close(self.at, None) {
                self.at = end + 3;
            }
            return;
        }
        self.at += 1;
        while let Some(c) = self.peek() {
            match c {
                '\\' => {
                    self.at += 1;
                    if let Some(escaped) = self.peek() {
                        self.at += escaped.len_utf8();
                    }
                }
                '"' => {
                    self.at += 1;
                    return;
                }
                c if newline(c) => return,
                c => self.at += c.len_utf8(),
            }
        }
    }

    /// The number of `#` of a raw string starting here (`#"`, `##"""`, …).
    fn raw_hashes(&self) -> Option<usize> {
        let hashes = self.rest().bytes().take_while(|b| *b == b'#').count();
        (self.rest().as_bytes().get(hashes) == Some(&b'"')).then_some(hashes)
    }

    /// `#"…"#` or `#"""…"""#` (any number of `#`), without escapes; a
    /// single-line one ends at a newline, and after an unterminated
    /// multi-line one the scan goes on after its opening, as for quoted ones.
    fn raw(&mut self) {
        let hashes = self.raw_hashes().unwrap_or(0);
        if self.rest()[hashes..].starts_with("\"\"\"") {
            self.at += hashes + 3;
            if let Some(end) = self.closes.close(self.at, Some(hashes)) {
                self.at = end + 3 + hashes;
            }
            return;
        }
        self.at += hashes + 1;
        let line = &self.rest()[..self.rest().find(newline).unwrap_or(self.rest().len())];
        let close = format!("\"{}", "#".repeat(hashes));
        self.at += line.find(&close).map_or(line.len(), |end| end + close.len());
    }

    fn line_comment(&mut self) {
        match self.rest().find(newline) {
            Some(end) => self.at += end,
            None => self.at = self.source.len(),
        }
    }

    /// `/* … */`, nested as KDL nests them; an unterminated one runs to the
    /// end (the `kdl` crate reads no nodes after it: measured, 25 levels of
    /// slashdashed blocks after `/*` took 30 ms).
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
        // Unterminated strings hide nothing after their line (a multi-line
        // one: after its opening), as the `kdl` crate's recovery reads on.
        let deep = nested(3, |i, s| format!("a{i} /- {{ {s} }}"));
        for opening in ["\"s\n", "#\"s\n", "\"\"\"\n", "#\"\"\"\n", "\"\"\"\n\"\"\"#\n"] {
            assert!(too_deep(&format!("stack {opening}{deep}"), 2).is_some(), "{opening}");
        }
        // Terminated multi-line strings hide their body, escaped or raw closings included.
        for string in ["\"\"\"\n a \\\"\"\" /- { /- {\n\"\"\"", "#\"\"\"\n \"\"\" /- { /- {\n\"\"\"#"] {
            assert_eq!(too_deep(&format!("a {string} {{ }}"), 0), None, "{string}");
        }
        // Siblings are not nesting.
        assert_eq!(too_deep(&"a /- { b } c /- { d }\n".repeat(50), 1), None);
    }
}
