//! The open documents: their text as the editor has it (changes applied
//! incrementally), and the index of the last version that parsed.

use std::collections::BTreeMap;
use std::sync::Arc;

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::index::Index;
use super::text::{Encoding, LineIndex};
use crate::syntax;

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub text: Arc<String>,
    pub version: i32,
    pub lines: LineIndex,
    /// The parsed document and index of the latest version that parsed,
    /// and that version: completion uses it while the text does not parse.
    parsed: Option<(i32, Arc<Parsed>)>,
}

/// A version of the document that parsed.
#[derive(Debug)]
pub struct Parsed {
    pub document: syntax::Document,
    pub index: Index,
}

impl Document {
    /// The parse of the current version, if it parses.
    pub fn current(&mut self) -> Option<Arc<Parsed>> {
        self.refresh();
        self.parsed.as_ref().filter(|(v, _)| *v == self.version).map(|(_, p)| Arc::clone(p))
    }

    /// The parse of the latest version that parsed.
    pub fn latest(&mut self) -> Option<Arc<Parsed>> {
        self.refresh();
        self.parsed.as_ref().map(|(_, p)| Arc::clone(p))
    }

    fn refresh(&mut self) {
        if self.parsed.as_ref().is_some_and(|(v, _)| *v == self.version) {
            return;
        }
        if let Ok(document) = syntax::parse(&self.text) {
            let index = Index::new(&document);
            self.parsed = Some((self.version, Arc::new(Parsed { document, index })));
        }
    }
}

/// Every open document, by URI.
#[derive(Debug)]
pub struct Documents {
    open: BTreeMap<String, Document>,
    encoding: Encoding,
}

impl Documents {
    #[must_use]
    pub fn new(encoding: Encoding) -> Self {
        Self { open: BTreeMap::new(), encoding }
    }

    pub fn open(&mut self, uri: &Uri, version: i32, text: String) {
        let lines = LineIndex::new(&text, self.encoding);
        let mut doc = Document { text: Arc::new(text), version, lines, parsed: None };
        // Parsed now, so completion has names from the start even if the
        // first change breaks the syntax; later versions parse on demand.
        doc.refresh();
        self.open.insert(uri.as_str().to_owned(), doc);
    }

    /// Apply the editor's changes in order; each range is in the text the
    /// previous change left.
    pub fn change(&mut self, uri: &Uri, version: i32, changes: Vec<TextDocumentContentChangeEvent>) {
        let encoding = self.encoding;
        let Some(doc) = self.open.get_mut(uri.as_str()) else { return };
        let mut text = std::mem::take(Arc::make_mut(&mut doc.text));
        for change in changes {
            match change.range {
                Some(range) => {
                    let start = doc.lines.offset(&text, range.start);
                    let end = doc.lines.offset(&text, range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
                None => text = change.text,
            }
            doc.lines = LineIndex::new(&text, encoding);
        }
        doc.text = Arc::new(text);
        doc.version = version;
    }

    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri.as_str());
    }

    pub fn get(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri.as_str())
    }
}
