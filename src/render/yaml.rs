//! A deterministic YAML emitter for JSON trees. Every string that a YAML 1.1
//! or 1.2 reader (go-yaml v3, kubectl, PyYAML) could take for another type,
//! or that holds an indicator, a line break or an invisible character, is
//! double-quoted with escapes, so no value can change the document's shape.
//! Each thread writes into one buffer it keeps from file to file, so a
//! document costs one allocation of its exact size.

mod plain;
mod quoted;

use std::cell::RefCell;

use serde_json::Value;

pub use quoted::string;

thread_local! {
    static BUFFER: RefCell<String> = const { RefCell::new(String::new()) };
}

/// One YAML document (no `---`), ending in a newline.
#[must_use]
pub fn to_yaml(value: &Value) -> String {
    with_buffer(|out| {
        write_yaml(value, out);
        out.as_str().to_owned()
    })
}

/// `f` given this thread's reusable buffer, empty. A nested call gets a
/// fresh buffer.
pub fn with_buffer<R>(f: impl FnOnce(&mut String) -> R) -> R {
    BUFFER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            f(&mut buffer)
        }
        Err(_) => f(&mut String::new()),
    })
}

/// Append [`to_yaml`] of `value` to `out`.
pub fn write_yaml(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) if !map.is_empty() => block_map(map, 0, out),
        Value::Array(items) if !items.is_empty() => block_seq(items, 0, out),
        other => {
            scalar(other, out);
            out.push('\n');
        }
    }
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

/// Spaces for [`pad`]; deeper indents take several slices.
const SPACES: &str = "                                                                ";

fn pad(mut indent: usize, out: &mut String) {
    while indent > 0 {
        let n = indent.min(SPACES.len());
        out.push_str(&SPACES[..n]);
        indent -= n;
    }
}

fn scalar(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push_str(itoa::Buffer::new().format(u));
            } else if let Some(i) = n.as_i64() {
                out.push_str(itoa::Buffer::new().format(i));
            } else {
                let text = n.to_string();
                out.push_str(&text);
                if !text.contains(['.', 'e', 'E']) && !text.contains("inf") && !text.contains("NaN") {
                    out.push_str(".0");
                }
            }
        }
        Value::String(s) => string(s, out),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::to_yaml;

    #[test]
    fn reserved_words_are_short() {
        assert!(super::plain::RESERVED.iter().all(|w| w.len() <= 5));
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
