//! A deterministic YAML emitter for JSON trees. Every string that a YAML 1.1
//! or 1.2 reader (go-yaml v3, kubectl, PyYAML) could take for another type,
//! or that holds an indicator, a line break or an invisible character, is
//! double-quoted with escapes, so no value can change the document's shape.

use std::fmt::Write;

use serde_json::Value;

/// One YAML document (no `---`), ending in a newline.
#[must_use]
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => block_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => block_seq(items, 0, &mut out),
        other => {
            scalar(other, &mut out);
            out.push('\n');
        }
    }
    out
}

fn block_map(map: &serde_json::Map<String, Value>, indent: usize, out: &mut String) {
    for (key, value) in map {
        pad(indent, out);
        string(key, out);
        out.push(':');
        nested(value, indent, out);
    }
}

fn block_seq(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        pad(indent, out);
        out.push('-');
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first key shares the dash's line; the rest align with it.
                let mut first = true;
                for (key, value) in map {
                    if first {
                        out.push(' ');
                        first = false;
                    } else {
                        pad(indent + 2, out);
                    }
                    string(key, out);
                    out.push(':');
                    nested(value, indent + 2, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                block_seq(inner, indent + 2, out);
            }
            other => {
                out.push(' ');
                scalar(other, out);
                out.push('\n');
            }
        }
    }
}

/// The value after `key:` at `indent`.
fn nested(value: &Value, indent: usize, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            block_map(map, indent + 2, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            block_seq(items, indent + 2, out);
        }
        Value::String(s) if is_literal_safe(s) => {
            out.push_str(" |\n");
            for line in s.lines() {
                pad(indent + 2, out);
                out.push_str(line);
                out.push('\n');
            }
        }
        other => {
            out.push(' ');
            scalar(other, out);
            out.push('\n');
        }
    }
}

/// Text that reads back exactly from a literal block (`|`): lines of
/// printable ASCII, none empty or starting with a space, ending in exactly
/// one newline (such as an armored age file).
fn is_literal_safe(s: &str) -> bool {
    s.len() > 1
        && s.ends_with('\n')
        && s[..s.len() - 1]
            .split('\n')
            .all(|line| !line.is_empty() && !line.starts_with(' ') && line.bytes().all(|b| (0x20..0x7f).contains(&b)))
}

fn pad(indent: usize, out: &mut String) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let text = n.to_string();
            out.push_str(&text);
            if n.is_f64() && !text.contains(['.', 'e', 'E']) && !text.contains("inf") && !text.contains("NaN") {
                out.push_str(".0");
            }
        }
        Value::String(s) => string(s, out),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// Write a string plain when that is unambiguous, double-quoted otherwise.
pub fn string(s: &str, out: &mut String) {
    if is_plain_safe(s) {
        out.push_str(s);
        return;
    }
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            c if needs_escape(c) => {
                let code = u32::from(c);
                if code <= 0xFF {
                    let _ = write!(out, "\\x{code:02X}");
                } else {
                    let _ = write!(out, "\\u{code:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Control, format (zero-width, bidi), separator and BOM characters.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{85}' | '\u{A0}' | '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// Words YAML 1.1 (and so go-yaml or PyYAML) reads as null or booleans;
/// none is longer than five bytes.
const RESERVED: &[&str] = &[
    "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
    "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "=", "<<",
];

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.len() <= 5 && RESERVED.contains(&s) {
        return false;
    }
    // Anything starting like a number, a sign or a dot may resolve to a
    // number, a timestamp or .inf/.nan in some YAML version.
    if first.is_ascii_digit() || matches!(first, '-' | '+' | '.') {
        return false;
    }
    if s.ends_with(':')
        || s.ends_with(' ')
        || matches!(first, '~' | '@' | '(' | ')' | '$' | '^' | ';' | ' ' | ':' | '=')
    {
        return false;
    }
    // One pass over the bytes: only these ASCII characters, and no `: `
    // (`#` and `,` are never plain, so neither ` #` nor flow syntax can occur).
    let mut previous = 0u8;
    for &b in s.as_bytes() {
        let allowed = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'_' | b'-' | b'.' | b'/' | b':' | b'=' | b'@' | b'+' | b' ' | b'(' | b')' | b'~' | b'$' | b'^' | b';'
            );
        if !allowed || (previous == b':' && b == b' ') {
            return false;
        }
        previous = b;
    }
    true
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_yaml;

    #[test]
    fn reserved_words_are_short() {
        assert!(super::RESERVED.iter().all(|w| w.len() <= 5));
    }

    #[test]
    fn block_layout() {
        let v = json!({"a": {"b": [1, {"c": "d", "e": []}], "f": {}}, "g": true});
        assert_eq!(to_yaml(&v), "a:\n  b:\n    - 1\n    - c: d\n      e: []\n  f: {}\ng: true\n");
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes",
            "no",
            "on",
            "null",
            "~",
            "1.33",
            "0x1F",
            "2024-01-02",
            "-1",
            ".inf",
            "",
            " x",
            "a: b",
            "a #b",
            "x:",
            "@x",
            "*a",
            "&a",
            "!!str",
            "{{ x }}",
            "{% x %}",
            "---",
            "'q'",
            "\"q\"",
            "a\nb",
            "\u{FEFF}x",
            "a\u{200B}b",
            "\u{202E}abc",
        ] {
            let out = to_yaml(&json!({ "k": s }));
            assert!(out.starts_with("k: \""), "{s:?} gave {out:?}");
        }
        assert_eq!(
            to_yaml(&json!({"k": "ghcr.io/goauthentik/ldap:2025.10.1"})),
            "k: ghcr.io/goauthentik/ldap:2025.10.1\n"
        );
    }

    #[test]
    fn newline_terminated_text_is_a_literal_block() {
        let v = json!({"a": [{"enc": "-----BEGIN X-----\nabc+/=\n-----END X-----\n"}], "b": "x\n\n", "c": " x\n"});
        let text = to_yaml(&v);
        assert!(text.starts_with("a:\n  - enc: |\n      -----BEGIN X-----\n      abc+/=\n"), "{text}");
        assert!(text.contains("b: \"x\\n\\n\"\n") && text.contains("c: \" x\\n\"\n"), "{text}");
        let back: serde_json::Value = serde_yaml_ng::from_str(&text).expect("parses");
        assert_eq!(back, v);
    }

    #[test]
    fn escapes_round_trip_through_a_real_parser() {
        let hostile = "line1\n---\nkey: value # c\t\"q\" 'q' {{ a }} {% b %} &a *a !!str \u{FEFF}\u{200B}\u{202E}é";
        let v = json!({"k": hostile, "list": [hostile, {"nested": hostile}]});
        let back: serde_json::Value = serde_yaml_ng::from_str(&to_yaml(&v)).expect("parses");
        assert_eq!(back, v);
    }
}
