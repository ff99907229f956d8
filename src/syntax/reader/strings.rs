//! KDL v2 strings: identifier strings, quoted strings with escapes, raw
//! strings, and their multi-line forms with dedent.
//!
//! Falls back (`None`) on whitespace escapes inside multi-line strings: the
//! spec resolves them before dedenting, the `kdl` crate after, and stacks
//! have no use for them.

use super::lex::{Cursor, is_identifier_char, newline_len, space_len};

impl Cursor<'_> {
    /// Whether a string (of any kind) starts at the cursor.
    pub fn at_string(&self) -> bool {
        match self.peek() {
            Some(b'"') => true,
            Some(b'#') => {
                let hashes = self.bytes[self.pos..].iter().take_while(|&&b| b == b'#').count();
                self.peek_at(hashes) == Some(b'"')
            }
            Some(b'0'..=b'9') => false,
            Some(b'+' | b'-') => !matches!(self.peek_at(1), Some(b'0'..=b'9')),
            Some(_) => self.peek_char().is_some_and(is_identifier_char),
            None => false,
        }
    }

    /// Any string, followed by a value terminator.
    pub fn string(&mut self) -> Option<String> {
        let value = match self.peek()? {
            b'"' => self.quoted()?,
            b'#' => self.raw()?,
            _ => self.identifier()?.to_owned(),
        };
        self.at_value_terminator()?.then_some(value)
    }

    /// `identifier-string`, without the keywords the spec or the `kdl`
    /// crate treat specially.
    pub(super) fn identifier(&mut self) -> Option<&str> {
        let start = self.pos;
        let rest = &self.src[start..];
        let len = identifier_len(rest);
        let ident = &rest[..len];
        let mut chars = ident.bytes();
        let first = chars.next()?;
        let second = chars.next();
        // A digit after the sign or the dot makes it a malformed number.
        let digit = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_digit());
        match first {
            b'0'..=b'9' => return None,
            b'+' | b'-' if digit(second) || (second == Some(b'.') && digit(chars.next())) => return None,
            b'.' if digit(second) => return None,
            _ => {}
        }
        if matches!(ident, "true" | "false" | "null" | "inf" | "-inf" | "+inf" | "nan") {
            return None;
        }
        self.pos += len;
        Some(ident)
    }

    /// `"..."` or `"""` multi-line.
    fn quoted(&mut self) -> Option<String> {
        if self.starts_with("\"\"\"") {
            self.pos += 3;
            let n = self.newline_at(self.pos)?;
            self.pos += n;
            return self.multi_line(0);
        }
        self.pos += 1;
        let mut out = String::new();
        let mut run = self.pos;
        loop {
            let b = *self.bytes.get(self.pos)?;
            match b {
                b'"' => {
                    out.push_str(&self.src[run..self.pos]);
                    self.pos += 1;
                    return Some(out);
                }
                b'\\' => {
                    out.push_str(&self.src[run..self.pos]);
                    self.escape(&mut out, true)?;
                    run = self.pos;
                }
                b' '..=b'~' => self.pos += 1,
                _ if newline_len(&self.bytes[self.pos..]).is_some() => return None,
                _ => self.pos += 1,
            }
        }
    }

    /// One escape after `\`, appended to `out`. Whitespace escapes are taken
    /// only where `whitespace` allows.
    fn escape(&mut self, out: &mut String, whitespace: bool) -> Option<()> {
        self.pos += 1;
        let c = match self.peek()? {
            b'\\' => '\\',
            b'"' => '"',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b's' => ' ',
            b'u' => return self.unicode_escape(out),
            _ => {
                let start = self.pos;
                while let Some(n) = self.space_at(self.pos).or_else(|| self.newline_at(self.pos)) {
                    self.pos += n;
                }
                return (whitespace && self.pos > start).then_some(());
            }
        };
        out.push(c);
        self.pos += 1;
        Some(())
    }

    /// `u{` 1 to 6 hex digits `}`, a Unicode scalar value.
    fn unicode_escape(&mut self, out: &mut String) -> Option<()> {
        if self.peek_at(1) != Some(b'{') {
            return None;
        }
        self.pos += 2;
        let digits = self.bytes[self.pos..].iter().take(7).take_while(|b| b.is_ascii_hexdigit()).count();
        if !(1..=6).contains(&digits) || self.peek_at(digits) != Some(b'}') {
            return None;
        }
        let value = u32::from_str_radix(&self.src[self.pos..self.pos + digits], 16).ok()?;
        out.push(char::from_u32(value)?);
        self.pos += digits + 1;
        Some(())
    }

    /// `#"..."#` with any number of `#`, or its multi-line form.
    fn raw(&mut self) -> Option<String> {
        let hashes = self.bytes[self.pos..].iter().take_while(|&&b| b == b'#').count();
        self.pos += hashes + 1;
        if self.starts_with("\"\"")
            && let Some(n) = self.newline_at(self.pos + 2)
        {
            self.pos += 2 + n;
            // The `kdl` crate rejects any raw string whose value is `"`.
            return self.multi_line(hashes).filter(|body| body != "\"");
        }
        let body_start = self.pos;
        loop {
            let b = *self.bytes.get(self.pos)?;
            if b == b'"' && self.closes(self.pos + 1, hashes) {
                let body = &self.src[body_start..self.pos];
                // The spec's single-line raw body never starts with `""`;
                // the `kdl` crate rejects a body of `"` alone.
                if body.starts_with('"') && (body.len() == 1 || body[1..].starts_with('"')) {
                    return None;
                }
                self.pos += 1 + hashes;
                return Some(body.to_owned());
            }
            if newline_len(&self.bytes[self.pos..]).is_some() {
                return None;
            }
            self.pos += 1;
        }
    }

    /// Whether `hashes` `#` follow at `at`.
    fn closes(&self, at: usize, hashes: usize) -> bool {
        self.bytes.len() >= at + hashes && self.bytes[at..at + hashes].iter().all(|&b| b == b'#')
    }

    /// The body of a multi-line string, the cursor just after the newline
    /// that follows the opening quotes; `hashes` is 0 for a quoted string
    /// (which has escapes) and the raw string's count otherwise.
    fn multi_line(&mut self, hashes: usize) -> Option<String> {
        let raw = hashes > 0;
        let body = self.pos;
        // Find the closing quotes and the start of their line.
        let mut line_start = body;
        let close = loop {
            let b = *self.bytes.get(self.pos)?;
            if b == b'\\' && !raw {
                let next = self.pos + 1;
                if self.space_at(next).is_some() || self.newline_at(next).is_some() {
                    return None;
                }
                self.pos += 2;
                continue;
            }
            if b == b'"' && self.starts_with("\"\"\"") && self.closes(self.pos + 3, hashes) {
                break self.pos;
            }
            if let Some(n) = self.newline_at(self.pos) {
                self.pos += n;
                line_start = self.pos;
            } else {
                self.pos += 1;
            }
        };
        let prefix = &self.src[line_start..close];
        if !is_all_space(prefix) {
            return None;
        }
        self.pos = close + 3 + hashes;
        let mut out = String::new();
        let mut at = body;
        while at < line_start {
            let end =
                at + self.src[at..line_start].find(['\r', '\n', '\u{b}', '\u{c}', '\u{85}', '\u{2028}', '\u{2029}'])?;
            let line = &self.src[at..end];
            if at > body {
                out.push('\n');
            }
            if raw && line.contains('\\') && line.chars().all(|c| c == '\\' || is_space(c)) {
                return None; // the `kdl` crate reads `\` + space here as a whitespace escape
            }
            if !is_all_space(line) {
                let content = line.strip_prefix(prefix)?;
                if raw {
                    out.push_str(content);
                } else {
                    self.unescape_into(&mut out, end - content.len())?;
                }
            }
            at = end + newline_len(&self.bytes[end..])?;
        }
        Some(out)
    }

    /// Appends the escaped text from `start` to the end of its line.
    fn unescape_into(&mut self, out: &mut String, start: usize) -> Option<()> {
        let saved = self.pos;
        self.pos = start;
        let mut run = start;
        while self.pos < self.bytes.len() && newline_len(&self.bytes[self.pos..]).is_none() {
            if self.bytes[self.pos] == b'\\' {
                out.push_str(&self.src[run..self.pos]);
                self.escape(out, false)?;
                run = self.pos;
            } else {
                self.pos += 1;
            }
        }
        out.push_str(&self.src[run..self.pos]);
        self.pos = saved;
        Some(())
    }
}

/// The length of the identifier characters at the start of `s`; ASCII is
/// decided byte by byte.
fn identifier_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c.is_ascii() {
            if !is_identifier_char(char::from(c)) {
                break;
            }
            i += 1;
        } else {
            match s[i..].chars().next() {
                Some(ch) if is_identifier_char(ch) => i += ch.len_utf8(),
                _ => break,
            }
        }
    }
    i
}

fn is_space(c: char) -> bool {
    let mut buf = [0u8; 4];
    space_len(c.encode_utf8(&mut buf).as_bytes()).is_some()
}

fn is_all_space(s: &str) -> bool {
    s.chars().all(is_space)
}
