//! What `stackc build` reports, collected as it runs and printed once at the
//! end: for people (diagnostics and notes on stderr, the `--check` drift
//! list on stdout), or with `--format json` as one JSON document on stdout
//! and nothing on stderr, whatever the outcome (docs/editors.md has its
//! schema).

use std::io::Write;

use serde_json::{Value, json};

use super::{Format, exit, out, report};
use crate::diagnostic::Diagnostics;

/// The version of the JSON document; bumped when a field changes meaning.
pub const JSON_VERSION: u32 = 1;

/// The report of one build, for people or as JSON.
pub struct Outcome {
    format: Format,
    check: bool,
    diagnostics: Vec<Value>,
    messages: Vec<Value>,
    files: [Vec<String>; 3],
    unchanged: usize,
    stale: Vec<String>,
    summary: Value,
}

/// How serious a message without a place in the stack is.
#[derive(Debug, Clone, Copy)]
pub enum Level {
    Error,
    Warning,
    Info,
}

impl Outcome {
    #[must_use]
    pub fn new(format: Format, check: bool) -> Self {
        Self {
            format,
            check,
            diagnostics: Vec::new(),
            messages: Vec::new(),
            files: Default::default(),
            unchanged: 0,
            stale: Vec::new(),
            summary: Value::Null,
        }
    }

    /// Diagnostics of the stack `name` holding `source`.
    pub fn diagnostics(&mut self, d: &Diagnostics, name: &str, source: &str) {
        match self.format {
            Format::Human => super::print_diagnostics(d, name, source, Format::Human),
            Format::Json => self.diagnostics.extend(report::json_items(d, name, source)),
        }
    }

    /// A message about no place in the stack: `error: …`, `warning: …`, or a
    /// `stackc: …` note.
    pub fn message(&mut self, level: Level, text: &str) {
        let (prefix, severity) = match level {
            Level::Error => ("error", "error"),
            Level::Warning => ("warning", "warning"),
            Level::Info => ("stackc", "info"),
        };
        match self.format {
            Format::Human => {
                let _ = writeln!(std::io::stderr(), "{prefix}: {text}");
            }
            Format::Json => self.messages.push(json!({"severity": severity, "message": text})),
        }
    }

    /// The files a build writes or `--check` finds different; `unchanged` counts the rest.
    pub fn files(&mut self, added: Vec<String>, changed: Vec<String>, removed: Vec<String>, unchanged: usize) {
        self.files = [added, changed, removed];
        self.unchanged = unchanged;
    }

    /// Secret files encrypted to other recipients than the stack lists.
    pub fn stale_recipients(&mut self, paths: Vec<String>) {
        self.stale = paths;
    }

    /// The numbers of a finished build.
    pub fn summary(&mut self, objects: usize, files: usize) {
        self.summary = json!({"objects": objects, "files": files});
    }

    /// Print what is left to print and return `code`'s exit code.
    #[must_use]
    pub fn finish(self, code: i32) -> i32 {
        match self.format {
            Format::Human if self.check => {
                let mut listed = String::new();
                for (mark, paths) in ["added", "changed", "removed"].iter().zip(&self.files) {
                    for path in paths {
                        listed.push_str(&format!("{mark}: {path}\n"));
                    }
                }
                for path in &self.stale {
                    listed.push_str(&format!("stale-recipients: {path}\n"));
                }
                out::print_then(listed, code)
            }
            Format::Human => code,
            Format::Json => {
                let [added, changed, removed] = &self.files;
                let status = match code {
                    exit::OK => "ok",
                    exit::DRIFT => "drift",
                    _ => "error",
                };
                let document = json!({
                    "version": JSON_VERSION,
                    "command": if self.check { "build --check" } else { "build" },
                    "status": status,
                    "exit": code,
                    "diagnostics": self.diagnostics,
                    "messages": self.messages,
                    "files": {"added": added, "changed": changed, "removed": removed, "unchanged": self.unchanged},
                    "stale-recipients": self.stale,
                    "summary": self.summary,
                });
                let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
                text.push('\n');
                out::print_then(text, code)
            }
        }
    }
}
