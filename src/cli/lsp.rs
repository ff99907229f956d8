//! `stackc lsp`: the language server of [`crate::lsp`] on stdin and stdout.
//! This side reads what a compile needs beside the stack text, as `stackc
//! build` does, read-only: the encrypted store (ciphertexts; no value is
//! decrypted or sent to the client), the project files the stack mounts,
//! `templates/`, and where the output directory sits in its repository.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lsp_types::Uri;

use super::exit;
use crate::CompileOptions;
use crate::render::RenderOptions;

#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    pub stdio: bool,
    /// How long a document must be unchanged before it is checked, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 200)]
    pub debounce: u64,
}

pub(super) fn run(args: &LspArgs) -> i32 {
    let (connection, threads) = lsp_server::Connection::stdio();
    let served = crate::lsp::serve(&connection, Arc::new(options), Duration::from_millis(args.debounce));
    drop(connection);
    let joined = threads.join();
    match served.and(joined.map_err(|e| e.to_string())) {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("error: {e}");
            exit::INPUT
        }
    }
}

/// What `stackc build` would read beside the stack file at `uri`; what
/// cannot be read is left out (its diagnostics say what it misses).
fn options(uri: &Uri, source: &str) -> CompileOptions {
    let Some(stack) = file_path(uri) else { return CompileOptions::default() };
    let dir = stack.parent().unwrap_or(Path::new(".")).to_path_buf();
    let mut secrets = crate::secrets::load_store(&dir).unwrap_or_default();
    crate::secrets::project_files::load(&dir, source, &mut secrets);
    let templates = super::build::read_templates(&stack).unwrap_or_default();
    let source_name = stack.file_name().map_or_else(|| "stack.kdl".to_owned(), |f| f.to_string_lossy().into_owned());
    let repository = super::repository::locate(&dir.join("out")).map(|l| l.prefix().to_owned()).unwrap_or_default();
    CompileOptions { render: RenderOptions { source_name, templates }, secrets, repository }
}

/// The path of a `file://` URI.
fn file_path(uri: &Uri) -> Option<PathBuf> {
    let path = uri.as_str().strip_prefix("file://")?;
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(high), Some(low)) => {
                out.push(u8::try_from(high * 16 + low).ok()?);
                i += 3;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(PathBuf::from)
}
