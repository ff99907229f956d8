//! The fast path of stage 1: a hand-written, non-recursive KDL v2 reader
//! straight into [`Node`]s, with the same spans as the `kdl` crate gives.
//!
//! It returns `None` ("not handled") for anything it does not read exactly
//! as the `kdl` crate would: syntax errors, type annotations, duplicate
//! properties (whose diagnostics come from the `kdl` path), and the few
//! corners listed in `docs/decisions/0007-kdl-reader.md`. The caller then runs
//! the `kdl` crate, so output never depends on which path read the input.
//! Nesting lives on an explicit stack, never the call stack.

mod lex;
mod numbers;
mod strings;
pub(crate) mod tokens;

use super::{Arg, Node, Prop, Scalar};
use crate::diagnostic::Span;
use lex::Cursor;

/// The nodes of `source`, or `None` when the `kdl` crate must read it.
pub(super) fn read(source: &str) -> Option<Vec<Node>> {
    if lex::has_disallowed(source) {
        return None;
    }
    let mut reader = Reader { c: Cursor::new(source), stack: Vec::new(), root: Vec::new() };
    if source.starts_with('\u{feff}') {
        reader.c.pos = '\u{feff}'.len_utf8();
    }
    reader.document()?;
    Some(reader.root)
}

/// The kind of the last children block of a node.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Real,
    Slashdashed,
}

/// A node being read: its entries are done once a block is open.
struct Open {
    node: Node,
    /// Slashdashed: read, then dropped.
    discard: bool,
    /// The nodes of the open block.
    block: Vec<Node>,
    last_block: Option<Block>,
    has_children: bool,
}

struct Reader<'a> {
    c: Cursor<'a>,
    stack: Vec<Open>,
    root: Vec<Node>,
}

impl Reader<'_> {
    /// `nodes`, at every level: line space, slashdashed nodes, nodes, `}`.
    fn document(&mut self) -> Option<()> {
        loop {
            self.c.skip_line_space()?;
            match self.c.peek() {
                None => return self.stack.is_empty().then_some(()),
                Some(b'}') => self.close_block()?,
                Some(b'/') if self.c.peek_at(1) == Some(b'-') => {
                    self.c.pos += 2;
                    self.c.skip_line_space()?;
                    self.start_node(true)?;
                }
                Some(_) => self.start_node(false)?,
            }
        }
    }

    fn start_node(&mut self, discard: bool) -> Option<()> {
        if !self.c.at_string() {
            return None;
        }
        let start = self.c.pos;
        let name = self.c.string()?;
        let name_span = Span::new(start, self.c.pos - start);
        let node = Node {
            name,
            name_span,
            span: Span::new(start, 0),
            args: Vec::new(),
            props: Vec::new(),
            children: Vec::new(),
        };
        self.stack.push(Open { node, discard, block: Vec::new(), last_block: None, has_children: false });
        self.node_body()
    }

    /// Entries, then children blocks, until the node ends or a block opens.
    fn node_body(&mut self) -> Option<()> {
        loop {
            let space = self.c.skip_node_space()?;
            if self.c.at_node_end() {
                return self.end_node();
            }
            let last_block = self.stack.last()?.last_block;
            if self.c.peek() == Some(b'{') {
                return self.open_block(Block::Real);
            }
            if self.c.starts_with("/-") {
                // After real children the first `/- {}` needs no space.
                if !space && last_block != Some(Block::Real) {
                    return None;
                }
                self.c.pos += 2;
                self.c.skip_line_space()?;
                if self.c.peek() == Some(b'{') {
                    return self.open_block(Block::Slashdashed);
                }
                if last_block.is_some() {
                    return None;
                }
                self.entry()?;
                continue;
            }
            if !space || last_block.is_some() {
                return None;
            }
            match self.entry()? {
                Entry::Arg(arg) => self.stack.last_mut()?.node.args.push(arg),
                Entry::Prop(prop) => self.stack.last_mut()?.node.props.push(prop),
            }
        }
    }

    fn open_block(&mut self, kind: Block) -> Option<()> {
        let open = self.stack.last_mut()?;
        if kind == Block::Real {
            if open.has_children {
                return None;
            }
            open.has_children = true;
        }
        open.last_block = Some(kind);
        self.c.pos += 1;
        Some(())
    }

    /// `}`: the open block ends and its node goes on.
    fn close_block(&mut self) -> Option<()> {
        let open = self.stack.last_mut()?;
        self.c.pos += 1;
        let block = std::mem::take(&mut open.block);
        if open.last_block == Some(Block::Real) {
            open.node.children = block;
        }
        self.node_body()
    }

    /// The node ends at the cursor (after its trailing node space), before
    /// its terminator.
    fn end_node(&mut self) -> Option<()> {
        let open = self.stack.pop()?;
        if open.discard {
            // The `kdl` crate reads no `;` after a slashdashed node.
            return Some(());
        }
        let mut node = open.node;
        node.span.len = self.c.pos - node.span.offset;
        if has_duplicate_keys(&node.props) {
            return None;
        }
        match self.stack.last_mut() {
            Some(parent) => parent.block.push(node),
            None => self.root.push(node),
        }
        self.c.eat_node_terminator();
        Some(())
    }

    /// `prop | value`, the cursor on its first character.
    fn entry(&mut self) -> Option<Entry> {
        let start = self.c.pos;
        if !self.c.at_string() {
            let value = self.c.keyword_or_number()?;
            return Some(Entry::Arg(Arg { value, span: Span::new(start, self.c.pos - start) }));
        }
        let text = self.c.string()?;
        let key_end = self.c.pos;
        self.c.skip_node_space()?;
        if self.c.peek() != Some(b'=') {
            self.c.pos = key_end;
            let span = Span::new(start, key_end - start);
            return Some(Entry::Arg(Arg { value: Scalar::String(text), span }));
        }
        self.c.pos += 1;
        self.c.skip_node_space()?;
        let value = if self.c.at_string() { Scalar::String(self.c.string()?) } else { self.c.keyword_or_number()? };
        Some(Entry::Prop(Prop {
            key: text,
            key_span: Span::new(start, key_end - start),
            value,
            span: Span::new(start, self.c.pos - start),
        }))
    }
}

enum Entry {
    Arg(Arg),
    Prop(Prop),
}

/// Duplicate keys are reported by the `kdl` path; sorting keeps a node with
/// thousands of properties linear-logarithmic.
fn has_duplicate_keys(props: &[Prop]) -> bool {
    if props.len() <= 16 {
        return props.iter().enumerate().any(|(i, p)| props[..i].iter().any(|q| q.key == p.key));
    }
    let mut keys: Vec<&str> = props.iter().map(|p| p.key.as_str()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}
