//! Rendering diagnostics for people (miette, with source excerpts) or for
//! machines (one JSON object per diagnostic, with line and column).

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use serde_json::json;

use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

/// Render all diagnostics of one file.
#[must_use]
pub fn render(diagnostics: &Diagnostics, file: &str, source: &str, format: Format, color: bool) -> String {
    let sorted = diagnostics.clone().into_sorted();
    match format {
        Format::Json => {
            let items: Vec<_> = sorted.iter().map(|d| json_of(d, file, source)).collect();
            let mut text = serde_json::to_string_pretty(&json!({"diagnostics": items})).unwrap_or_default();
            text.push('\n');
            text
        }
        Format::Human => {
            let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
            let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
            let mut out = String::new();
            for d in &sorted {
                let report = Report { d, source: NamedSource::new(file, source.to_owned()) };
                let _ = handler.render_report(&mut out, &report);
                out.push('\n');
            }
            let errors = sorted.iter().filter(|d| d.severity == Severity::Error).count();
            if errors > 0 {
                out.push_str(&format!("error: {file}: {errors} error{}\n", if errors == 1 { "" } else { "s" }));
            }
            out
        }
    }
}

fn json_of(d: &Diagnostic, file: &str, source: &str) -> serde_json::Value {
    let (line, column) = line_column(source, d.span.offset);
    let mut value = json!({
        "code": d.code.as_str(),
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "message": d.message,
        "file": file,
        "line": line,
        "column": column,
        "label": d.label,
        "help": d.help,
    });
    if !d.related.is_empty() {
        let related: Vec<_> = d
            .related
            .iter()
            .map(|(span, label)| {
                let (line, column) = line_column(source, span.offset);
                json!({"line": line, "column": column, "label": label})
            })
            .collect();
        value["related"] = json!(related);
    }
    value
}

/// 1-based line and column (in characters) of a byte offset.
#[must_use]
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct Report<'a> {
    d: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.d.code.as_str()))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.d.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let primary = LabeledSpan::new_with_span(Some(self.d.label.clone()), self.d.span);
        let related = self.d.related.iter().map(|(span, label)| LabeledSpan::new_with_span(Some(label.clone()), *span));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
