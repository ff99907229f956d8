//! Strings as YAML scalars: plain when that is unambiguous
//! ([`super::plain`]), else double-quoted, with every byte that needs an
//! escape found through a table of 256 entries.

use super::plain::is_plain_safe;

/// Bytes a double-quoted string cannot hold as they are: ASCII control
/// characters, `"` and `\`; bytes of non-ASCII characters are marked too,
/// and the character they start decides ([`needs_escape`]).
const ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b < 0x20 || b == 0x7f || b >= 0x80 || b == b'"' as usize || b == b'\\' as usize;
        b += 1;
    }
    table
};

/// Write a string plain when that is unambiguous, double-quoted otherwise.
pub fn string(s: &str, out: &mut String) {
    if is_plain_safe(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    // Copy runs of bytes that need nothing in one go.
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if !ESCAPE[usize::from(b)] {
            i += 1;
            continue;
        }
        // `i` is on a character boundary: it moves by whole characters.
        let Some(c) = s[i..].chars().next() else { break };
        if b >= 0x80 && !needs_escape(c) {
            i += c.len_utf8();
            continue;
        }
        out.push_str(&s[start..i]);
        escape(c, out);
        i += c.len_utf8();
        start = i;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// The escape of one character inside double quotes.
fn escape(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\0' => out.push_str("\\0"),
        c => {
            let code = u32::from(c);
            let (prefix, digits) = if code <= 0xFF { ("\\x", 2) } else { ("\\u", 4) };
            out.push_str(prefix);
            let digits = digits.max(8 - code.leading_zeros() as usize / 4);
            for shift in (0..digits).rev() {
                out.push(char::from(b"0123456789ABCDEF"[(code >> (shift * 4)) as usize & 0xF]));
            }
        }
    }
}

/// Control, format (zero-width, bidi), separator and BOM characters.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{85}' | '\u{A0}' | '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}
