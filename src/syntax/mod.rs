//! Stage 1, `syntax`: KDL v2 text to a [`Document`] of plain [`Node`]s with
//! spans. This is the only module that touches the `kdl` crate; later stages
//! see stackc's own node type.

mod hints;
mod limits;
mod reader;
mod slashdashed;

pub(crate) use reader::tokens;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
pub use limits::{MAX_BYTES, MAX_DEPTH, MAX_SLASHDASHED_DEPTH};

/// A parsed `stack.kdl`.
#[derive(Debug, Clone)]
pub struct Document {
    pub nodes: Vec<Node>,
}

/// One KDL node: a name, positional arguments, properties and children.
#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub name_span: Span,
    pub span: Span,
    pub args: Vec<Arg>,
    pub props: Vec<Prop>,
    pub children: Vec<Node>,
}

/// A positional argument.
#[derive(Debug, Clone)]
pub struct Arg {
    pub value: Scalar,
    pub span: Span,
}

/// A `key=value` property.
#[derive(Debug, Clone)]
pub struct Prop {
    pub key: String,
    pub key_span: Span,
    pub value: Scalar,
    pub span: Span,
}

/// A KDL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    String(String),
    Integer(i128),
    Float(f64),
    Bool(bool),
    Null,
}

impl Scalar {
    /// The KDL type name, for "expected a string, found an integer".
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match self {
            Scalar::String(_) => "a string",
            Scalar::Integer(_) => "an integer",
            Scalar::Float(_) => "a number",
            Scalar::Bool(_) => "a boolean",
            Scalar::Null => "#null",
        }
    }
}

/// Parse KDL v2 source. Syntax errors come back as diagnostics with spans.
///
/// The fast reader reads what it can; everything else (syntax errors
/// included) goes through the `kdl` crate, which gives the diagnostics.
///
/// # Errors
/// Every syntax error of the input, when it is not valid KDL v2.
pub fn parse(source: &str) -> Result<Document, Diagnostics> {
    if let Some(limit) = limits::check(source) {
        let mut d = Diagnostics::default();
        d.push(limit);
        return Err(d);
    }
    if let Some(nodes) = reader::read(source) {
        return Ok(Document { nodes });
    }
    parse_with_kdl(source)
}

/// The fast reader alone: `None` where it leaves the input to the `kdl`
/// crate. For the differential tests and the `syntax_differential` fuzz
/// target.
#[doc(hidden)]
#[must_use]
pub fn parse_fast(source: &str) -> Option<Document> {
    reader::read(source).map(|nodes| Document { nodes })
}

/// The `kdl` crate path alone, without the limits check.
///
/// # Errors
/// Every syntax error of the input, when it is not valid KDL v2.
#[doc(hidden)]
pub fn parse_with_kdl(source: &str) -> Result<Document, Diagnostics> {
    let document = kdl::KdlDocument::parse_v2(source).map_err(|error| {
        let mut diagnostics = Diagnostics::default();
        for d in error.diagnostics {
            let message = d.message.unwrap_or_else(|| "invalid KDL".to_owned());
            let mut diagnostic = Diagnostic::error(Code::Syntax, d.span.into(), message)
                .label(d.label.unwrap_or_else(|| "here".to_owned()));
            if let Some(help) = d.help {
                diagnostic = diagnostic.help(help);
            }
            diagnostics.push(diagnostic);
        }
        if diagnostics.is_empty() {
            diagnostics.push(Diagnostic::error(Code::Syntax, Span::default(), "invalid KDL"));
        }
        let mut improved = Diagnostics::default();
        for d in hints::improve(source, diagnostics.into_sorted()) {
            improved.push(d);
        }
        improved
    })?;
    let mut diagnostics = Diagnostics::default();
    let nodes = convert_nodes(document.nodes(), &mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    Ok(Document { nodes })
}

/// Whether the fast reader agrees with the `kdl` crate on `source`: when it
/// reads the input, the `kdl` crate must read the same nodes and spans.
/// Inputs over the limits are not compared (the `kdl` crate may overflow).
///
/// # Errors
/// A description of the disagreement.
#[doc(hidden)]
pub fn check_fast_path(source: &str) -> Result<(), String> {
    if limits::check(source).is_some() {
        return Ok(());
    }
    let Some(fast) = parse_fast(source) else { return Ok(()) };
    match parse_with_kdl(source) {
        Ok(slow) if format!("{slow:?}") == format!("{fast:?}") => Ok(()),
        Ok(slow) => Err(format!("different documents\nfast: {fast:#?}\nkdl:  {slow:#?}")),
        Err(d) => Err(format!("the fast reader accepts what the kdl crate rejects: {d:?}\nfast: {fast:#?}")),
    }
}

fn type_annotation(span: Span) -> Diagnostic {
    Diagnostic::error(Code::Unsupported, span, "type annotations are not used by the stack language")
        .help("remove the `(...)` annotation")
}

fn convert_nodes(nodes: &[kdl::KdlNode], diagnostics: &mut Diagnostics) -> Vec<Node> {
    nodes.iter().map(|n| convert_node(n, diagnostics)).collect()
}

fn convert_node(node: &kdl::KdlNode, diagnostics: &mut Diagnostics) -> Node {
    if let Some(ty) = node.ty() {
        diagnostics.push(type_annotation(ty.span().into()));
    }
    let mut args = Vec::new();
    let mut props: Vec<Prop> = Vec::new();
    for entry in node.entries() {
        if let Some(ty) = entry.ty() {
            diagnostics.push(type_annotation(ty.span().into()));
        }
        let value = convert_value(entry.value());
        match entry.name() {
            None => args.push(Arg { value, span: entry.span().into() }),
            Some(key) => {
                if let Some(previous) = props.iter().find(|p| p.key == key.value()) {
                    diagnostics.push(
                        Diagnostic::duplicate(
                            Code::DuplicateName,
                            previous.key_span,
                            key.span().into(),
                            format!("property `{}` is given twice", key.value()),
                        )
                        .help("keep one"),
                    );
                    continue;
                }
                props.push(Prop {
                    key: key.value().to_owned(),
                    key_span: key.span().into(),
                    value,
                    span: entry.span().into(),
                });
            }
        }
    }
    let children = node.children().map(|doc| convert_nodes(doc.nodes(), diagnostics)).unwrap_or_default();
    Node {
        name: node.name().value().to_owned(),
        name_span: node.name().span().into(),
        span: node.span().into(),
        args,
        props,
        children,
    }
}

fn convert_value(value: &kdl::KdlValue) -> Scalar {
    match value {
        kdl::KdlValue::String(s) => Scalar::String(s.clone()),
        kdl::KdlValue::Integer(i) => Scalar::Integer(*i),
        kdl::KdlValue::Float(f) => Scalar::Float(*f),
        kdl::KdlValue::Bool(b) => Scalar::Bool(*b),
        kdl::KdlValue::Null => Scalar::Null,
    }
}
