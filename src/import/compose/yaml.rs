//! A Compose file's YAML as a tree that remembers where each value was
//! written (saphyr's event markers), so every error and every report names
//! the file's line. Anchors and aliases are expanded and `<<` merge keys
//! applied (Compose files share settings with `x-` anchors); comments are
//! dropped; every scalar stays text (Compose reads `8000` and `"8000"` alike).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, StrInput};

use crate::diagnostic::Span;

/// Where a value was written: the byte range, and its 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct At {
    pub span: Span,
    pub line: usize,
}

/// One YAML value and where it starts.
#[derive(Debug, Clone)]
pub struct Yaml {
    pub value: Value,
    pub at: At,
}

#[derive(Debug, Clone)]
pub enum Value {
    Null,
    /// The text and whether it was written plain (unquoted).
    Scalar(String, bool),
    Seq(Vec<Yaml>),
    Map(Vec<(Key, Yaml)>),
}

/// A mapping key and where it was written.
#[derive(Debug, Clone)]
pub struct Key {
    pub name: String,
    pub at: At,
}

/// Why the text is not YAML this reader takes.
#[derive(Debug, Clone)]
pub struct YamlError {
    pub at: At,
    pub message: String,
}

const MAX_DEPTH: usize = 128;
const MAX_NODES: usize = 200_000;

/// Parse the first document of `text`.
///
/// # Errors
/// Syntax errors, non-scalar or duplicate keys, unknown aliases, size limits.
pub fn parse(text: &str) -> Result<Yaml, YamlError> {
    let offsets: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
    let mut reader = Reader { parser: Parser::new_from_str(text), offsets, anchors: HashMap::new(), nodes: 0 };
    reader.document()
}

struct Reader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    /// The byte offset of each character (saphyr's markers count characters).
    offsets: Vec<usize>,
    anchors: HashMap<usize, Yaml>,
    nodes: usize,
}

impl<'a> Reader<'a> {
    fn at(&self, marker: saphyr_parser::Marker, end: saphyr_parser::Marker) -> At {
        let byte = |i: usize| self.offsets.get(i).copied().unwrap_or_else(|| self.offsets.last().copied().unwrap_or(0));
        let start = byte(marker.index());
        At { span: Span::new(start, byte(end.index()).saturating_sub(start)), line: marker.line() }
    }

    fn next(&mut self) -> Result<(Event<'a>, At), YamlError> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                let at = self.at(span.start, span.end);
                Ok((event, at))
            }
            Some(Err(e)) => {
                let at = self.at(*e.marker(), *e.marker());
                Err(YamlError { at, message: e.info().to_owned() })
            }
            None => Err(YamlError { at: At::default(), message: "unexpected end of input".into() }),
        }
    }

    fn document(&mut self) -> Result<Yaml, YamlError> {
        loop {
            let (event, at) = self.next()?;
            match event {
                Event::StreamStart | Event::Nothing => {}
                Event::StreamEnd => return Ok(Yaml { value: Value::Null, at }),
                Event::DocumentStart(_) => {
                    let (event, at) = self.next()?;
                    return self.node(event, at, 0);
                }
                _ => return Err(YamlError { at, message: "unexpected event outside a document".into() }),
            }
        }
    }

    fn node(&mut self, event: Event<'a>, at: At, depth: usize) -> Result<Yaml, YamlError> {
        self.nodes += 1;
        if depth > MAX_DEPTH || self.nodes > MAX_NODES {
            return Err(YamlError { at, message: "the document is too large or too deeply nested".into() });
        }
        let (value, anchor) = match event {
            Event::Scalar(text, style, anchor, _) => {
                let plain = style == ScalarStyle::Plain;
                let null = plain && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL");
                (if null { Value::Null } else { Value::Scalar(text.into_owned(), plain) }, anchor)
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned();
                return node.ok_or(YamlError { at, message: "an alias to an unknown anchor".into() });
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let (event, at) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, at, depth + 1)?);
                }
                (Value::Seq(items), anchor)
            }
            Event::MappingStart(anchor, _) => (Value::Map(self.mapping(depth)?), anchor),
            _ => return Err(YamlError { at, message: "unexpected YAML event".into() }),
        };
        let node = Yaml { value, at };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn mapping(&mut self, depth: usize) -> Result<Vec<(Key, Yaml)>, YamlError> {
        let mut entries: Vec<(Key, Yaml)> = Vec::new();
        let mut merged: Vec<(Key, Yaml)> = Vec::new();
        loop {
            let (event, at) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key = self.node(event, at, depth + 1)?;
            let name = match key.value {
                Value::Scalar(name, _) => name,
                Value::Null => String::new(),
                _ => return Err(YamlError { at, message: "a mapping key that is not a scalar".into() }),
            };
            let (event, value_at) = self.next()?;
            let value = self.node(event, value_at, depth + 1)?;
            if name == "<<" {
                // A merge key: the merged maps' entries, the first map winning.
                let maps = match value.value {
                    Value::Seq(items) => items,
                    _ => vec![value],
                };
                for map in maps {
                    let Value::Map(more) = map.value else {
                        return Err(YamlError { at, message: "`<<` merges a mapping or a list of mappings".into() });
                    };
                    for (k, v) in more {
                        if !merged.iter().any(|(m, _)| m.name == k.name) {
                            merged.push((k, v));
                        }
                    }
                }
                continue;
            }
            if entries.iter().any(|(k, _)| k.name == name) {
                return Err(YamlError { at, message: format!("the key `{name}` appears twice in one mapping") });
            }
            entries.push((Key { name, at }, value));
        }
        // Keys written in the mapping override merged ones.
        for (k, v) in merged {
            if !entries.iter().any(|(e, _)| e.name == k.name) {
                entries.push((k, v));
            }
        }
        Ok(entries)
    }
}

impl Yaml {
    /// The entries of a mapping.
    #[must_use]
    pub fn entries(&self) -> Option<&[(Key, Yaml)]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value under `key` of a mapping.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.entries()?.iter().find(|(k, _)| k.name == key).map(|(_, v)| v)
    }

    /// A scalar's text.
    #[must_use]
    pub fn text(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(text, _) => Some(text),
            _ => None,
        }
    }

    /// The items of a sequence.
    #[must_use]
    pub fn items(&self) -> Option<&[Yaml]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the value is YAML's null (`~`, `null`, nothing).
    #[must_use]
    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_anchors_and_merge_keys() {
        let text =
            "x-common: &common\n  restart: always\n  image: a\nservices:\n  web:\n    <<: *common\n    image: b\n";
        let doc = parse(text).unwrap();
        let web = doc.get("services").and_then(|s| s.get("web")).unwrap();
        assert_eq!(web.get("image").and_then(Yaml::text), Some("b"));
        assert_eq!(web.get("restart").and_then(Yaml::text), Some("always"));
        assert_eq!(web.get("image").unwrap().at.line, 7);
        let dup = parse("a: 1\na: 2\n").unwrap_err();
        assert_eq!(dup.at.line, 2);
    }
}
