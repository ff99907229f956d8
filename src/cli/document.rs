//! What `graph`, `verify`, `explain` and `diff` report, collected as they
//! run: for people (errors and diagnostics on stderr, the result on
//! stdout), or with `--format json` as one JSON document on stdout and
//! nothing on stderr, whatever the outcome (docs/json-output.md). `build`
//! has its own, older document with the same envelope (`outcome.rs`).

use std::io::Write;

use serde_json::{Map, Value, json};

use super::{Format, out, outcome::JSON_VERSION, report};
use crate::diagnostic::Diagnostics;

/// The report of one command run.
pub struct Document {
    format: Format,
    command: &'static str,
    diagnostics: Vec<Value>,
    messages: Vec<Value>,
}

impl Document {
    #[must_use]
    pub fn new(command: &'static str, format: Format) -> Self {
        Self { format, command, diagnostics: Vec::new(), messages: Vec::new() }
    }

    /// An error about no place in the stack (an unreadable file, an unknown
    /// cluster or endpoint): `error: …` for people.
    pub fn error(&mut self, text: &str) {
        match self.format {
            Format::Human => {
                let _ = writeln!(std::io::stderr(), "error: {text}");
            }
            Format::Json => self.messages.push(json!({"severity": "error", "message": text})),
        }
    }

    /// Diagnostics of the stack `name` holding `source`.
    pub fn diagnostics(&mut self, d: &Diagnostics, name: &str, source: &str) {
        match self.format {
            Format::Human => super::print_diagnostics(d, name, source, Format::Human),
            Format::Json => self.diagnostics.extend(report::json_items(d, name, source)),
        }
    }

    /// End with `code` and no result (the errors are reported).
    #[must_use]
    pub fn fail(self, code: i32) -> i32 {
        self.finish(code, "error", String::new(), Map::new())
    }

    /// Print the result and return `code`: `text` for people, or the
    /// document with `status` and the command's `fields`.
    #[must_use]
    pub fn finish(self, code: i32, status: &str, text: String, fields: Map<String, Value>) -> i32 {
        match self.format {
            Format::Human if text.is_empty() => code,
            Format::Human => out::print_then(text, code),
            Format::Json => {
                let mut document = json!({
                    "version": JSON_VERSION,
                    "command": self.command,
                    "status": status,
                    "exit": code,
                    "diagnostics": self.diagnostics,
                    "messages": self.messages,
                });
                if let Some(map) = document.as_object_mut() {
                    map.extend(fields);
                }
                let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
                text.push('\n');
                out::print_then(text, code)
            }
        }
    }
}

/// The fields of a JSON object (a command's own document), or none.
#[must_use]
pub fn fields(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}
