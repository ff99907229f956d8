//! Hover: for a reference or a declared name, what it points at; for a
//! node or property name, what it means (the schema's description, which
//! is the model's doc comment).

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::documents::{Document, Parsed};
use super::index::Kind;
use super::schema;
use crate::diagnostic::Span;
use crate::syntax::Node;

/// The hover at byte `offset` of `doc`, when its text parses.
pub fn hover(doc: &mut Document, offset: usize) -> Option<Hover> {
    let parsed = doc.current()?;
    let (text, span) = reference(&parsed, &doc.text, &doc.lines, offset).or_else(|| meaning(&parsed, offset))?;
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }),
        range: Some(doc.lines.range(&doc.text, span)),
    })
}

/// What the name under the cursor declares or refers to.
fn reference(parsed: &Parsed, text: &str, lines: &super::text::LineIndex, offset: usize) -> Option<(String, Span)> {
    let (kind, key) = parsed.index.at(offset)?;
    let span = parsed
        .index
        .references
        .iter()
        .map(|r| r.span)
        .chain(parsed.index.symbols.iter().filter(|s| !s.implicit).map(|s| s.span))
        .find(|s| s.offset <= offset && offset <= s.offset + s.len)?;
    let mut out = String::new();
    let declarations: Vec<_> = parsed.index.declarations(kind, key).collect();
    if declarations.is_empty() {
        out.push_str(&format!("{} `{key}`: not declared", kind.word()));
    }
    for symbol in declarations {
        let line = lines.position(text, symbol.node_span.offset).line + 1;
        out.push_str(&format!("{} `{key}` (line {line})\n```kdl\n{}\n```\n", kind.word(), symbol.detail));
        if kind == Kind::Secret && symbol.node == "database" {
            out.push_str("the database's implicit credentials Secret\n");
        }
    }
    Some((out.trim_end().to_owned(), span))
}

/// The description of the node or property name under the cursor.
fn meaning(parsed: &Parsed, offset: usize) -> Option<(String, Span)> {
    let path = path_at(&parsed.document.nodes, offset);
    let node = *path.last()?;
    let names: Vec<&str> = path.iter().map(|n| n.name.as_str()).collect();
    if contains(node.name_span, offset) {
        let shape = schema::shape(&names)?;
        return Some((format!("**{}**\n\n{}", node.name, shape.description), node.name_span));
    }
    let prop = node.props.iter().find(|p| contains(p.span, offset))?;
    let shape = schema::shape(&names)?;
    let field = shape.properties.iter().find(|f| f.name == prop.key)?;
    let mut out = format!("**{}** `{}=`\n\n{}", node.name, prop.key, field.description);
    if !field.values.is_empty() {
        out.push_str(&format!(
            "\n\nOne of: {}",
            field.values.iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    Some((out, prop.key_span))
}

/// The nodes enclosing `offset`, outermost first.
fn path_at(nodes: &[Node], offset: usize) -> Vec<&Node> {
    let mut path = Vec::new();
    let mut level = nodes;
    while let Some(node) = level.iter().find(|n| contains(n.span, offset)) {
        path.push(node);
        level = &node.children;
    }
    path
}

fn contains(span: Span, offset: usize) -> bool {
    span.offset <= offset && offset <= span.offset + span.len
}
