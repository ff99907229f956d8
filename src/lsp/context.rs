//! What the cursor is on, for completion: which nodes enclose it and
//! whether it is at a node name, a property name or argument, or a value.
//!
//! Completion runs on text being typed, which is rarely valid KDL, so this
//! is a tolerant scan of the text before the cursor, not the syntax stage:
//! braces open and close nodes, a newline or `;` ends a statement, strings
//! and comments are skipped, and an unterminated string is the value being
//! written.

/// The cursor's context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The enclosing nodes, outermost first: name and first argument.
    pub parents: Vec<(String, Option<String>)>,
    /// The node of the cursor's statement, as far as it is written.
    pub node: Partial,
    pub slot: Slot,
    /// Where the word or value being typed starts (a completion replaces
    /// from here to the cursor).
    pub start: usize,
    /// Whether the cursor is inside a quoted string.
    pub quoted: bool,
}

/// A node's name, arguments and properties up to the cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partial {
    pub name: String,
    pub args: Vec<String>,
    pub props: Vec<(String, String)>,
}

impl Partial {
    #[must_use]
    pub fn prop(&self, key: &str) -> Option<&str> {
        self.props.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }
}

/// What may be written at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// A child node's name.
    NodeName,
    /// A property name, or the node's argument with this index.
    Entry(usize),
    /// The value of this property.
    Value(String),
    /// Nothing to complete (a comment, just after a closing quote).
    Nothing,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Eq,
}

/// The context at byte `cursor` of `text`.
#[must_use]
pub fn at(text: &str, cursor: usize) -> Context {
    let prefix = &text[..floor(text, cursor)];
    let b = prefix.as_bytes();
    let mut parents: Vec<(String, Option<String>)> = Vec::new();
    let mut stmt: Vec<(Tok, usize)> = Vec::new();
    let mut i = 0;
    let nothing = |parents, stmt: &[(Tok, usize)]| Context {
        parents,
        node: partial(stmt),
        slot: Slot::Nothing,
        start: prefix.len(),
        quoted: false,
    };
    while i < b.len() {
        match b[i] {
            b'\n' | b';' | b'\r' => {
                stmt.clear();
                i += 1;
            }
            b'{' => {
                let node = partial(&stmt);
                parents.push((node.name, node.args.into_iter().next()));
                stmt.clear();
                i += 1;
            }
            b'}' => {
                parents.pop();
                stmt.clear();
                i += 1;
            }
            b'\\' => i = prefix[i..].find('\n').map_or(b.len(), |n| i + n + 1),
            b'/' if b.get(i + 1) == Some(&b'/') => i = prefix[i..].find('\n').map_or(b.len(), |n| i + n),
            b'/' if b.get(i + 1) == Some(&b'*') => match prefix[i..].find("*/") {
                Some(n) => i += n + 2,
                None => return nothing(parents, &stmt),
            },
            b'/' if b.get(i + 1) == Some(&b'-') => i += 2,
            b'=' => {
                stmt.push((Tok::Eq, i));
                i += 1;
            }
            b'"' | b'#' if is_string_start(&b[i..]) => match string_end(prefix, i) {
                Some((value, end)) => {
                    stmt.push((Tok::Str(value), i));
                    i = end;
                }
                None => return in_string(parents, &stmt, prefix, i),
            },
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && !b"=;{}\"\\".contains(&b[i]) {
                    i += 1;
                }
                stmt.push((Tok::Word(prefix[start..i].to_owned()), start));
            }
        }
    }
    let end_in_word = matches!(stmt.last(), Some((Tok::Word(w), s)) if s + w.len() == prefix.len());
    let (slot, start) = if end_in_word {
        let (_, start) = stmt.pop().unwrap_or((Tok::Eq, prefix.len()));
        (slot_after(&stmt), start)
    } else if matches!(stmt.last(), Some((Tok::Eq, s)) if s + 1 == prefix.len())
        || stmt.is_empty()
        || prefix.ends_with(|c: char| c.is_whitespace())
    {
        (slot_after(&stmt), prefix.len())
    } else {
        (Slot::Nothing, prefix.len())
    };
    Context { parents, node: partial(&stmt), slot, start, quoted: false }
}

/// The slot after the tokens of a statement.
fn slot_after(stmt: &[(Tok, usize)]) -> Slot {
    match stmt {
        [] => Slot::NodeName,
        [.., (Tok::Word(key) | Tok::Str(key), _), (Tok::Eq, _)] => Slot::Value(key.clone()),
        _ => Slot::Entry(partial(stmt).args.len()),
    }
}

/// The context inside a string that starts at `start` and is not closed.
fn in_string(parents: Vec<(String, Option<String>)>, stmt: &[(Tok, usize)], prefix: &str, start: usize) -> Context {
    let open = prefix[start..].find('"').map_or(prefix.len(), |n| start + n + 1);
    let slot = if stmt.is_empty() { Slot::Nothing } else { slot_after(stmt) };
    Context { parents, node: partial(stmt), slot, start: open, quoted: true }
}

/// The node a statement's tokens write: a name, then arguments and
/// `key=value` properties.
fn partial(stmt: &[(Tok, usize)]) -> Partial {
    let text = |t: &Tok| match t {
        Tok::Word(s) | Tok::Str(s) => s.clone(),
        Tok::Eq => String::new(),
    };
    let mut node = Partial::default();
    let Some(((first, _), rest)) = stmt.split_first() else { return node };
    node.name = text(first);
    let mut i = 0;
    while i < rest.len() {
        match (&rest[i].0, rest.get(i + 1).map(|t| &t.0), rest.get(i + 2).map(|t| &t.0)) {
            (key, Some(Tok::Eq), Some(value)) if *value != Tok::Eq => {
                node.props.push((text(key), text(value)));
                i += 3;
            }
            (_, Some(Tok::Eq), _) => i += 2,
            (Tok::Eq, ..) => i += 1,
            (arg, ..) => {
                node.args.push(text(arg));
                i += 1;
            }
        }
    }
    node
}

fn is_string_start(b: &[u8]) -> bool {
    b[0] == b'"' || (b[0] == b'#' && b.iter().find(|&&c| c != b'#') == Some(&b'"'))
}

/// A string starting at `start` (quoted, multi-line or raw): its content
/// and the offset after it, or `None` when it is not closed.
fn string_end(text: &str, start: usize) -> Option<(String, usize)> {
    let hashes = text[start..].bytes().take_while(|&c| c == b'#').count();
    let open = start + hashes;
    let triple = text[open..].starts_with("\"\"\"");
    let body = open + if triple { 3 } else { 1 };
    let close = format!("{}{}", if triple { "\"\"\"" } else { "\"" }, "#".repeat(hashes));
    let mut i = body;
    while i <= text.len() {
        let rest = &text[i..];
        if hashes == 0 && rest.starts_with('\\') {
            i += 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if rest.starts_with(&close) {
            return Some((text[body..i].to_owned(), i + close.len()));
        }
        // A quoted string cannot span lines: the cursor is past it.
        if !triple && rest.starts_with('\n') {
            return Some((text[body..i].to_owned(), i));
        }
        i += rest.chars().next()?.len_utf8();
    }
    None
}

fn floor(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}
