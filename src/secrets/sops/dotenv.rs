//! Reading sops' dotenv store (stores/dotenv/store.go, stores/flatten.go): `KEY=VALUE` lines
//! of strings, `\n` escapes, and the metadata flattened into `sops_`-prefixed keys such as
//! `sops_age__list_0__map_enc`.

use super::scalar::Scalar;
use super::tree::Node;
use super::{Result, SopsError};

const SOPS_PREFIX: &str = "sops_";
const MAP_SEPARATOR: &str = "__map_";
const LIST_SEPARATOR: &str = "__list_";

/// Splits a dotenv file into its data mapping and its unflattened `sops` block.
///
/// # Errors
/// [`SopsError::DotenvSyntax`] for a line without `=`, [`SopsError::InvalidMetadata`] for a
/// malformed flattened metadata key.
pub fn parse_dotenv(text: &str) -> Result<(Node, Node)> {
    let mut data = Vec::new();
    let mut metadata = Node::Map(Vec::new());
    for (index, line) in text.split('\n').enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or(SopsError::DotenvSyntax { line: index + 1 })?;
        let value = Node::Scalar(Scalar::Str(value.replace("\\n", "\n")));
        match key.strip_prefix(SOPS_PREFIX) {
            Some(flat) => insert(&mut metadata, &tokenize(flat)?, value)?,
            None => data.push((key.to_owned(), value)),
        }
    }
    Ok((Node::Map(data), metadata))
}

enum Token {
    Key(String),
    Index(usize),
}

fn malformed() -> SopsError {
    SopsError::InvalidMetadata { field: "sops_*".to_owned(), reason: "malformed flattened dotenv metadata key" }
}

/// `age__list_0__map_enc` -> `[Key("age"), Index(0), Key("enc")]`.
fn tokenize(flat: &str) -> Result<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut rest = flat;
    let mut current: fn(&str) -> Result<Token> = |s| Ok(Token::Key(s.to_owned()));
    loop {
        let next = [MAP_SEPARATOR, LIST_SEPARATOR]
            .iter()
            .filter_map(|sep| rest.find(sep).map(|at| (at, *sep)))
            .min_by_key(|(at, _)| *at);
        let Some((at, separator)) = next else {
            tokens.push(current(rest)?);
            return Ok(tokens);
        };
        tokens.push(current(&rest[..at])?);
        rest = &rest[at + separator.len()..];
        current = if separator == MAP_SEPARATOR {
            |s| Ok(Token::Key(s.to_owned()))
        } else {
            |s| s.parse().map(Token::Index).map_err(|_| malformed())
        };
    }
}

fn insert(node: &mut Node, tokens: &[Token], value: Node) -> Result<()> {
    let Some((first, rest)) = tokens.split_first() else {
        *node = value;
        return Ok(());
    };
    if matches!(node, Node::Null) {
        *node = match first {
            Token::Key(_) => Node::Map(Vec::new()),
            Token::Index(_) => Node::Seq(Vec::new()),
        };
    }
    let child = match (first, node) {
        (Token::Key(key), Node::Map(entries)) => {
            let at = if let Some(at) = entries.iter().position(|(k, _)| k == key) {
                at
            } else {
                entries.push((key.clone(), Node::Null));
                entries.len() - 1
            };
            &mut entries[at].1
        }
        (Token::Index(index), Node::Seq(items)) => {
            if *index >= items.len() {
                // Bounded by the number of lines in practice; refuse absurd indices.
                if *index > 10_000 {
                    return Err(malformed());
                }
                items.resize(index + 1, Node::Null);
            }
            &mut items[*index]
        }
        _ => return Err(malformed()),
    };
    insert(child, rest, value)
}
