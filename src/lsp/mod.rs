//! `stackc lsp`: a Language Server Protocol server for `stack.kdl`.
//!
//! The main loop ([`serve`]) owns the open [`documents`] and answers
//! requests from them at once; diagnostics come from the compile pipeline
//! on a worker thread ([`diagnostics`]). Completion, hover and navigation
//! read the [`schema`] (the model's own descriptions) and an [`index`] of
//! the names the document declares and uses. Nothing here touches the file
//! system: the CLI (`src/cli/lsp.rs`) supplies the transport and a
//! [`diagnostics::Loader`] for the secret store and templates.
//! `docs/decisions/0016-language-server.md` records the choices.

pub mod completion;
pub mod context;
pub mod diagnostics;
pub mod documents;
pub mod format;
pub mod hover;
pub mod index;
pub mod navigation;
pub mod schema;
pub mod summary;
pub mod text;

use std::time::Duration;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CompletionOptions, DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    InitializeParams, OneOf, PositionEncodingKind, ServerCapabilities, ServerInfo, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind,
};
use serde_json::Value;

use diagnostics::{Job, Loader};
use documents::Documents;
use text::Encoding;

/// How long a document must be quiet before it is compiled.
pub const DEBOUNCE: Duration = Duration::from_millis(200);

/// Run the server on `connection` until the client's `exit`.
///
/// # Errors
/// A protocol error: a malformed handshake, or the client went away.
pub fn serve(connection: &Connection, loader: Loader, debounce: Duration) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).map_err(|e| e.to_string())?;
    let encoding = negotiate(&params);
    let result = serde_json::json!({
        "capabilities": capabilities(encoding),
        "serverInfo": ServerInfo { name: "stackc".to_owned(), version: Some(env!("CARGO_PKG_VERSION").to_owned()) },
    });
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;
    let jobs = diagnostics::spawn(connection.sender.clone(), loader, encoding, debounce);
    let mut documents = Documents::new(encoding);
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection.handle_shutdown(&request).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let response = respond(&mut documents, request);
                connection.sender.send(response.into()).map_err(|e| e.to_string())?;
            }
            Message::Notification(notification) => notify(&mut documents, &jobs, notification),
            Message::Response(_) => {}
        }
    }
    Ok(())
}

/// UTF-8 when the client offers it (no conversion), else UTF-16.
fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params.capabilities.general.as_ref().and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::INCREMENTAL)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["\"".to_owned(), "=".to_owned(), "/".to_owned(), " ".to_owned()]),
            ..CompletionOptions::default()
        }),
        hover_provider: Some(lsp_types::HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

fn notify(documents: &mut Documents, jobs: &crossbeam_channel::Sender<Job>, notification: Notification) {
    let job = match notification.method.as_str() {
        "textDocument/didOpen" => {
            let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(notification.params) else { return };
            let doc = p.text_document;
            documents.open(&doc.uri, doc.version, doc.text);
            Some(doc.uri)
        }
        "textDocument/didChange" => {
            let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(notification.params) else { return };
            documents.change(&p.text_document.uri, p.text_document.version, p.content_changes);
            Some(p.text_document.uri)
        }
        "textDocument/didClose" => {
            let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(notification.params) else { return };
            documents.close(&p.text_document.uri);
            let _ = jobs.send(Job { uri: p.text_document.uri, version: None, text: None });
            None
        }
        _ => None,
    };
    if let Some(uri) = job
        && let Some(doc) = documents.get(&uri)
    {
        let _ = jobs.send(Job { uri, version: Some(doc.version), text: Some(doc.text.clone()) });
    }
}

/// Answer one request.
fn respond(documents: &mut Documents, request: Request) -> Response {
    let Request { id, method, params } = request;
    let result = match method.as_str() {
        "textDocument/completion" => at(documents, &params, |doc, _, offset| Some(completion::complete(doc, offset))),
        "textDocument/hover" => at(documents, &params, |doc, _, offset| hover::hover(doc, offset)),
        "textDocument/definition" => {
            at(documents, &params, |doc, uri, offset| Some(navigation::definition(doc, uri, offset)))
        }
        "textDocument/references" => {
            let declarations = params.pointer("/context/includeDeclaration").and_then(Value::as_bool).unwrap_or(false);
            at(documents, &params, |doc, uri, offset| Some(navigation::references(doc, uri, offset, declarations)))
        }
        "textDocument/documentSymbol" => document(documents, &params, |doc| Some(navigation::symbols(doc))),
        "textDocument/formatting" => document(documents, &params, format::format),
        _ => return Response::new_err(id, ErrorCode::MethodNotFound as i32, format!("unhandled method `{method}`")),
    };
    match result {
        Ok(value) => Response::new_ok(id, value),
        Err(message) => Response::new_err(id, ErrorCode::InvalidParams as i32, message),
    }
}

type Doc = documents::Document;

/// A request about a position in an open document.
fn at<T: serde::Serialize>(
    documents: &mut Documents,
    params: &Value,
    answer: impl FnOnce(&mut Doc, &lsp_types::Uri, usize) -> Option<T>,
) -> Result<Value, String> {
    let p: TextDocumentPositionParams = serde_json::from_value(params.clone()).map_err(|e| e.to_string())?;
    let uri = p.text_document.uri;
    let Some(doc) = documents.get(&uri) else { return Ok(Value::Null) };
    let offset = doc.lines.offset(&doc.text, p.position);
    Ok(serde_json::to_value(answer(doc, &uri, offset)).unwrap_or_default())
}

/// A request about a whole open document.
fn document<T: serde::Serialize>(
    documents: &mut Documents,
    params: &Value,
    answer: impl FnOnce(&mut Doc) -> Option<T>,
) -> Result<Value, String> {
    let uri: lsp_types::Uri = params
        .pointer("/textDocument/uri")
        .and_then(|u| serde_json::from_value(u.clone()).ok())
        .ok_or("no textDocument.uri")?;
    let Some(doc) = documents.get(&uri) else { return Ok(Value::Null) };
    Ok(serde_json::to_value(answer(doc)).unwrap_or_default())
}
