//! Reading YAML text the way sops does (go-yaml v3 nodes decoded into `interface{}`): plain
//! scalars typed by [`resolve_plain`], quoted and block scalars strings, aliases expanded,
//! keys required to be unique strings, comments dropped.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, StrInput, Tag};

use super::resolve::{Resolved, resolve_plain};
use super::scalar::Scalar;
use super::tree::{Node, aad};
use super::{Result, SopsError};

const MAX_DEPTH: usize = 256;
const MAX_NODES: usize = 1_000_000;

/// Parses every document of a YAML stream into trees. An empty document is an empty mapping.
///
/// # Errors
/// Syntax errors, non-mapping documents, non-string or duplicate keys, unknown aliases,
/// unsupported tags, integers beyond `i64`, and size limits.
pub fn parse_yaml(text: &str) -> Result<Vec<Node>> {
    Reader { parser: Parser::new_from_str(text), anchors: HashMap::new(), nodes: 0 }.documents()
}

struct Reader<'a> {
    parser: Parser<'a, StrInput<'a>>,
    anchors: HashMap<usize, Node>,
    nodes: usize,
}

fn syntax(error: &ScanError) -> SopsError {
    let info = error.info();
    // One scanner message quotes an input character; keep input out of errors.
    let message = if info.contains('`') { "unexpected character" } else { info };
    SopsError::YamlSyntax { line: error.marker().line(), column: error.marker().col(), message: message.to_owned() }
}

fn unexpected(what: &str) -> SopsError {
    SopsError::YamlSyntax { line: 0, column: 0, message: format!("unexpected {what}") }
}

fn size(node: &Node) -> usize {
    1 + match node {
        Node::Map(entries) => entries.iter().map(|(_, v)| size(v)).sum(),
        Node::Seq(items) => items.iter().map(size).sum(),
        Node::Null | Node::Scalar(_) => 0,
    }
}

impl<'a> Reader<'a> {
    fn next(&mut self) -> Result<Event<'a>> {
        match self.parser.next_event() {
            Some(Ok((event, _))) => Ok(event),
            Some(Err(error)) => Err(syntax(&error)),
            None => Err(unexpected("end of input")),
        }
    }

    fn count(&mut self, nodes: usize) -> Result<()> {
        self.nodes += nodes;
        if self.nodes > MAX_NODES {
            return Err(SopsError::TooLarge { limit: MAX_NODES });
        }
        Ok(())
    }

    fn documents(mut self) -> Result<Vec<Node>> {
        let mut documents = Vec::new();
        loop {
            match self.next()? {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(documents),
                Event::DocumentStart(_) => {
                    self.anchors.clear();
                    let event = self.next()?;
                    let node = match self.node(event, &mut Vec::new(), 0)? {
                        Node::Null => Node::Map(Vec::new()),
                        node @ Node::Map(_) => node,
                        _ => {
                            return Err(SopsError::NotAMapping { document: documents.len() });
                        }
                    };
                    documents.push(node);
                }
                _ => return Err(unexpected("event outside a document")),
            }
        }
    }

    fn node(&mut self, event: Event<'a>, path: &mut Vec<String>, depth: usize) -> Result<Node> {
        if depth > MAX_DEPTH {
            return Err(SopsError::TooLarge { limit: MAX_DEPTH });
        }
        self.count(1)?;
        let (node, anchor) = match event {
            Event::Scalar(text, style, anchor, tag) => (scalar(&text, style, tag.as_deref(), path)?, anchor),
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().ok_or_else(|| SopsError::UnknownAlias { path: aad(path) })?;
                self.count(size(&node))?;
                return Ok(node);
            }
            Event::SequenceStart(anchor, _) => {
                let mut items = Vec::new();
                loop {
                    let event = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, path, depth + 1)?);
                }
                (Node::Seq(items), anchor)
            }
            Event::MappingStart(anchor, _) => (self.mapping(path, depth)?, anchor),
            _ => return Err(unexpected("event inside a document")),
        };
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        Ok(node)
    }

    fn mapping(&mut self, path: &mut Vec<String>, depth: usize) -> Result<Node> {
        let mut entries = Vec::new();
        let mut seen = HashSet::new();
        loop {
            let event = self.next()?;
            if matches!(event, Event::MappingEnd) {
                return Ok(Node::Map(entries));
            }
            let key = if matches!(event, Event::Scalar(..) | Event::Alias(_)) {
                self.node(event, path, depth + 1)?
            } else {
                Node::Null
            };
            let Node::Scalar(Scalar::Str(key)) = key else {
                return Err(SopsError::NonStringKey { path: aad(path) });
            };
            if !seen.insert(key.clone()) {
                return Err(SopsError::DuplicateKey { path: aad(path), key });
            }
            path.push(key);
            let event = self.next()?;
            let value = self.node(event, path, depth + 1);
            let key = path.pop().unwrap_or_default();
            entries.push((key, value?));
        }
    }
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>, path: &[String]) -> Result<Node> {
    let resolved = match tag {
        None if style == ScalarStyle::Plain => resolve_plain(text),
        Some(tag) if tag.is_yaml_core_schema() => return core_tagged(text, tag, path),
        // Quoted and block scalars, and local tags (`!foo`), stay strings.
        _ => return Ok(Node::Scalar(Scalar::Str(text.to_owned()))),
    };
    match resolved {
        Resolved::Null => Ok(Node::Null),
        Resolved::Value(value) => Ok(Node::Scalar(value)),
        Resolved::Unsigned => Err(SopsError::IntegerOutOfRange { path: aad(path) }),
    }
}

/// `!!str`, `!!null`, `!!bool`, `!!int`, `!!float`, `!!timestamp`: resolve the text (in any
/// style) and insist on the tagged type; `!!float` also takes an integer.
fn core_tagged(text: &str, tag: &Tag, path: &[String]) -> Result<Node> {
    let mismatch = || SopsError::UnsupportedTag { tag: tag.to_string(), path: aad(path) };
    if tag.suffix == "str" {
        return Ok(Node::Scalar(Scalar::Str(text.to_owned())));
    }
    let resolved = resolve_plain(text);
    let node = match (tag.suffix.as_str(), resolved) {
        ("null", Resolved::Null) => Node::Null,
        ("int", Resolved::Unsigned) => {
            return Err(SopsError::IntegerOutOfRange { path: aad(path) });
        }
        ("float", Resolved::Value(Scalar::Int(i))) => {
            #[allow(clippy::cast_precision_loss)] // go-yaml converts the same way
            Node::Scalar(Scalar::Float(i as f64))
        }
        ("bool", Resolved::Value(v @ Scalar::Bool(_)))
        | ("int", Resolved::Value(v @ Scalar::Int(_)))
        | ("float", Resolved::Value(v @ Scalar::Float(_)))
        | ("timestamp", Resolved::Value(v @ Scalar::Time(_))) => Node::Scalar(v),
        _ => return Err(mismatch()),
    };
    Ok(node)
}
