//! Diagnostics on open and on change: the compile pipeline `stackc build`
//! runs, in memory, on a worker thread, and the conversion of its
//! [`Diagnostic`]s to the protocol's.
//!
//! Changes are debounced: the worker waits until a document has been quiet
//! for the debounce interval, compiles its latest text, and publishes only
//! if no newer version arrived meanwhile, so the main loop never waits for
//! a compile and the client never sees a stale result after a fresh one.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, PublishDiagnosticsParams, Uri,
};

use super::text::{Encoding, LineIndex};
use crate::CompileOptions;
use crate::diagnostic::{Diagnostic, Diagnostics, Severity};

/// What a compile reads besides the text: the secret store, templates and
/// repository location beside the stack file (the CLI reads them).
pub type Loader = Arc<dyn Fn(&Uri, &str) -> CompileOptions + Send + Sync>;

/// One document version to check, or (`text: None`) a closed document
/// whose diagnostics are cleared.
#[derive(Debug, Clone)]
pub struct Job {
    pub uri: Uri,
    pub version: Option<i32>,
    pub text: Option<Arc<String>>,
}

/// Start the worker; it publishes through `client` and ends when the
/// returned sender is dropped.
pub fn spawn(client: Sender<Message>, loader: Loader, encoding: Encoding, debounce: Duration) -> Sender<Job> {
    let (jobs, receiver) = crossbeam_channel::unbounded::<Job>();
    std::thread::spawn(move || work(&receiver, &client, &loader, encoding, debounce));
    jobs
}

fn work(jobs: &Receiver<Job>, client: &Sender<Message>, loader: &Loader, encoding: Encoding, debounce: Duration) {
    // The latest job of each document, by URI.
    let mut pending: BTreeMap<String, Job> = BTreeMap::new();
    loop {
        if pending.is_empty() {
            let Ok(job) = jobs.recv() else { return };
            pending.insert(job.uri.as_str().to_owned(), job);
        }
        loop {
            match jobs.recv_timeout(debounce) {
                Ok(job) => {
                    pending.insert(job.uri.as_str().to_owned(), job);
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let Some((uri, job)) = pending.pop_first() else { continue };
        let diagnostics = match &job.text {
            // A bug in a stage must not end the worker (and so every later
            // diagnostic of the session): it is reported on the document.
            Some(text) => {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&job.uri, text, loader, encoding)))
                    .unwrap_or_else(|_| vec![internal()])
            }
            None => Vec::new(),
        };
        // A newer version of this document makes the result stale.
        while let Ok(newer) = jobs.try_recv() {
            pending.insert(newer.uri.as_str().to_owned(), newer);
        }
        if pending.contains_key(&uri) {
            continue;
        }
        let params = PublishDiagnosticsParams { uri: job.uri, diagnostics, version: job.version };
        let notification = Notification::new(PublishDiagnostics::METHOD.to_owned(), params);
        if client.send(notification.into()).is_err() {
            return;
        }
    }
}

/// Compile `text` as `stackc build` does, writing nothing: its errors, or
/// its warnings.
#[must_use]
pub fn check(uri: &Uri, text: &str, loader: &Loader, encoding: Encoding) -> Vec<lsp_types::Diagnostic> {
    let options = loader(uri, text);
    let found = match crate::compile(text, &options) {
        Ok(compiled) => {
            let mut warnings = Diagnostics::default();
            for cluster in &compiled.clusters {
                warnings.extend(cluster.derived.warnings.clone());
            }
            warnings
        }
        Err(errors) => errors,
    };
    let lines = LineIndex::new(text, encoding);
    found.into_sorted().iter().map(|d| convert(uri, text, &lines, d)).collect()
}

/// What a panic while checking becomes: an `internal` error at the start.
fn internal() -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String(crate::diagnostic::Code::Internal.as_str().to_owned())),
        source: Some("stackc".to_owned()),
        message: "stackc failed while checking this stack (a bug); `stackc build` shows the details".to_owned(),
        ..lsp_types::Diagnostic::default()
    }
}

/// One diagnostic in the protocol's terms: the same code and message as
/// `stackc build --format json`, the hint on a line of its own after it,
/// and each related label as related information.
#[must_use]
pub fn convert(uri: &Uri, text: &str, lines: &LineIndex, d: &Diagnostic) -> lsp_types::Diagnostic {
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let related = d
        .related
        .iter()
        .map(|(span, label)| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), lines.range(text, *span)),
            message: label.clone(),
        })
        .collect::<Vec<_>>();
    lsp_types::Diagnostic {
        range: lines.range(text, d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_owned())),
        source: Some("stackc".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    }
}
