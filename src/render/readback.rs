//! Proof that a rendered file holds exactly its object. An independent YAML
//! parser (saphyr) reads the text, and its event stream is matched against
//! the JSON tree, typing plain scalars as go-yaml v3 does (the reader Flux,
//! kubectl's apply path and sops use). No tree is built, so the check costs
//! little even on thousands of files. Anchors, aliases, tags, a second
//! document or any other shape than the object's fail it.

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde_json::Value;

use crate::secrets::sops::Scalar;
use crate::secrets::sops::resolve::{Resolved, resolve_plain};

/// Whether `text` is one YAML document holding exactly `expected`.
#[must_use]
pub fn holds(text: &str, expected: &Value) -> bool {
    let mut reader = Reader { parser: Parser::new_from_str(text) };
    reader.document(expected).unwrap_or(false)
}

struct Reader<'a> {
    parser: Parser<'a, saphyr_parser::StrInput<'a>>,
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<Event<'a>> {
        match self.parser.next_event() {
            Some(Ok((event, _))) => Some(event),
            _ => None,
        }
    }

    fn document(&mut self, expected: &Value) -> Option<bool> {
        if !matches!(self.next()?, Event::StreamStart) || !matches!(self.next()?, Event::DocumentStart(_)) {
            return Some(false);
        }
        let event = self.next()?;
        if !self.value(event, expected, 0)? {
            return Some(false);
        }
        Some(matches!(self.next()?, Event::DocumentEnd) && matches!(self.next()?, Event::StreamEnd))
    }

    fn value(&mut self, event: Event<'a>, expected: &Value, depth: usize) -> Option<bool> {
        if depth > 256 {
            return Some(false);
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                Some(anchor == 0 && tag.is_none() && scalar(&text, style, expected))
            }
            Event::SequenceStart(anchor, tag) => {
                let Value::Array(items) = expected else {
                    return Some(false);
                };
                if anchor != 0 || tag.is_some() {
                    return Some(false);
                }
                for item in items {
                    let event = self.next()?;
                    if !self.value(event, item, depth + 1)? {
                        return Some(false);
                    }
                }
                Some(matches!(self.next()?, Event::SequenceEnd))
            }
            Event::MappingStart(anchor, tag) => {
                let Value::Object(map) = expected else {
                    return Some(false);
                };
                if anchor != 0 || tag.is_some() {
                    return Some(false);
                }
                for (key, value) in map {
                    let Event::Scalar(text, style, 0, None) = self.next()? else {
                        return Some(false);
                    };
                    if !scalar(&text, style, &Value::String(key.clone())) {
                        return Some(false);
                    }
                    let event = self.next()?;
                    if !self.value(event, value, depth + 1)? {
                        return Some(false);
                    }
                }
                Some(matches!(self.next()?, Event::MappingEnd))
            }
            _ => Some(false),
        }
    }
}

/// A scalar event against a JSON leaf: quoted and block scalars are strings;
/// plain ones are typed as go-yaml types them.
fn scalar(text: &str, style: ScalarStyle, expected: &Value) -> bool {
    if style != ScalarStyle::Plain {
        return expected.as_str() == Some(text);
    }
    match (resolve_plain(text), expected) {
        (Resolved::Null, Value::Null) => true,
        (Resolved::Value(Scalar::Str(s)), Value::String(e)) => s == *e,
        (Resolved::Value(Scalar::Bool(b)), Value::Bool(e)) => b == *e,
        (Resolved::Value(Scalar::Int(i)), Value::Number(n)) => n.as_i64() == Some(i),
        (Resolved::Value(Scalar::Float(f)), Value::Number(n)) => {
            n.as_f64().is_some_and(|e| e == f) && !n.is_i64() && !n.is_u64()
        }
        (Resolved::Unsigned, Value::Number(n)) => n.as_u64().is_some_and(|u| u.to_string() == text),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::holds;
    use crate::render::yaml::to_yaml;

    #[test]
    fn accepts_the_emitters_output_and_nothing_else() {
        let object = json!({"a": {"b": [1, {"c": "d", "e": []}], "f": {}}, "g": true, "h": null, "i": "1.33", "j": 2.5, "k": "yes"});
        let text = to_yaml(&object);
        assert!(holds(&text, &object));
        assert!(!holds(&format!("{text}extra: 1\n"), &object), "an extra key");
        assert!(!holds(&format!("{text}---\nkind: Secret\n"), &object), "a second document");
        assert!(!holds(&text.replace("\"1.33\"", "1.33"), &object), "a string typed as a number");
        assert!(!holds(&text.replace("\"yes\"", "yes"), &json!({"k": "yes"})), "yes stays quoted");
        assert!(!holds("a: &x 1\nb: *x\n", &json!({"a": 1, "b": 1})), "anchors and aliases");
        assert!(!holds("a: !!str 1\n", &json!({"a": "1"})), "tags");
        assert!(!holds("b: 1\na: 2\n", &json!({"a": 2, "b": 1})), "key order");
        assert!(!holds("a: [1, 2\n", &json!({"a": [1, 2]})), "invalid YAML");
    }
}
