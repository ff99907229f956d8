//! Go to definition, find references and the document outline, from the
//! [`Index`](super::index::Index) of the current text.

use lsp_types::{DocumentSymbol, Location, SymbolKind, Uri};

use super::documents::Document;
use super::index::{Kind, Symbol};

/// Where the name at byte `offset` is declared (several places for a
/// storage class every cluster declares).
pub fn definition(doc: &mut Document, uri: &Uri, offset: usize) -> Vec<Location> {
    let Some(parsed) = doc.current() else { return Vec::new() };
    let Some((kind, key)) = parsed.index.at(offset) else { return Vec::new() };
    let spans: Vec<_> = parsed.index.declarations(kind, key).map(|s| s.span).collect();
    spans.into_iter().map(|span| Location::new(uri.clone(), doc.lines.range(&doc.text, span))).collect()
}

/// Every use of the name at byte `offset`, and its declarations when asked.
pub fn references(doc: &mut Document, uri: &Uri, offset: usize, declarations: bool) -> Vec<Location> {
    let Some(parsed) = doc.current() else { return Vec::new() };
    let Some((kind, key)) = parsed.index.at(offset) else { return Vec::new() };
    let mut spans: Vec<_> = Vec::new();
    if declarations {
        spans.extend(parsed.index.declarations(kind, key).map(|s| s.span));
    }
    spans.extend(parsed.index.references.iter().filter(|r| r.kind == kind && r.key == key).map(|r| r.span));
    spans.sort();
    spans.into_iter().map(|span| Location::new(uri.clone(), doc.lines.range(&doc.text, span))).collect()
}

/// The outline: clusters, repositories and issuers, and namespaces with
/// their apps, databases, releases and secrets.
pub fn symbols(doc: &mut Document) -> Vec<DocumentSymbol> {
    let Some(parsed) = doc.current() else { return Vec::new() };
    let symbol = |s: &Symbol, children: Vec<DocumentSymbol>| {
        let name = s.key.rsplit('/').next().unwrap_or(&s.key).to_owned();
        #[allow(deprecated)] // `deprecated` is a required field of the type
        DocumentSymbol {
            name,
            detail: Some(s.node.clone()),
            kind: match (s.kind, s.node.as_str()) {
                (Kind::Namespace, _) => SymbolKind::NAMESPACE,
                (Kind::Workload, "database") => SymbolKind::STRUCT,
                (Kind::Workload, _) => SymbolKind::CLASS,
                (Kind::Secret, _) => SymbolKind::KEY,
                (Kind::Release | Kind::Repository, _) => SymbolKind::PACKAGE,
                _ => SymbolKind::OBJECT,
            },
            tags: None,
            deprecated: None,
            range: doc.lines.range(&doc.text, s.node_span),
            selection_range: doc.lines.range(&doc.text, s.span),
            children: (!children.is_empty()).then_some(children),
        }
    };
    let index = &parsed.index;
    let explicit = |s: &&Symbol| !s.implicit;
    let mut out = Vec::new();
    for s in index.symbols.iter().filter(|s| matches!(s.kind, Kind::Cluster | Kind::Repository | Kind::Issuer)) {
        out.push(symbol(s, Vec::new()));
    }
    for ns in index.all(Kind::Namespace, "") {
        let prefix = format!("{}/", ns.key);
        let inside =
            |s: &&Symbol| matches!(s.kind, Kind::Workload | Kind::Release | Kind::Secret) && s.key.starts_with(&prefix);
        let children = index.symbols.iter().filter(inside).filter(explicit).map(|s| symbol(s, Vec::new())).collect();
        out.push(symbol(ns, children));
    }
    out.sort_by_key(|s| (s.range.start.line, s.range.start.character));
    out
}
