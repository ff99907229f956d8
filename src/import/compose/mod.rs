//! `stackc import compose`: a Compose file (and its env file) to a
//! formatted `stack.kdl` that builds, plus a report of what was not mapped
//! and the secret values for the encrypted store.
//!
//! The stages, one file each: [`yaml`] (text to a tree with lines),
//! [`read`] (interpolation, [`interpolate`], and the typed [`model`]),
//! [`infer`] (names, [`databases`], ports and connections; [`apps`],
//! [`mod@env`], [`volumes`] and [`secrets`] map each service into the
//! [`plan`]), [`mod@write`] (KDL text), [`report`] (stderr). The written text is
//! laid out by `crate::fmt` and must resolve, or the import is a bug.

pub mod apps;
pub mod connections;
pub mod databases;
pub mod env;
pub mod fields;
pub mod infer;
pub mod interpolate;
pub mod jobs;
pub mod model;
pub mod plan;
pub mod read;
pub mod report;
pub mod secrets;
pub mod service;
pub mod volumes;
pub mod write;
pub mod yaml;

use crate::diagnostic::{Code, Diagnostic, Span};
pub use interpolate::EnvFile;

/// What an import reads.
pub struct Request<'a> {
    /// The Compose file's text and its name (for comments and the report).
    pub text: &'a str,
    pub file: &'a str,
    pub env: &'a EnvFile,
    pub profiles: &'a [String],
    /// The stack's name (`--name`), before Compose's `name`.
    pub name: Option<&'a str>,
    /// The stack's name when `--name` gives none and Compose has no `name`.
    pub default_name: &'a str,
    pub namespace: Option<&'a str>,
    pub recipients: &'a [String],
    /// Reads a file relative to the Compose file.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

/// What an import produces.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The formatted stack file.
    pub stack: String,
    /// The report for stderr.
    pub report: String,
    pub namespace: String,
    /// Secret, key and value for the encrypted store.
    pub store: Vec<(String, String, String)>,
}

/// Import a Compose file.
///
/// # Errors
/// The Compose file's errors (with their place in it), or an `internal`
/// error when the written stack does not resolve (a bug of the import).
pub fn import(request: &Request) -> Result<Imported, Diagnostic> {
    let input = read::Input { text: request.text, env: request.env, profiles: request.profiles, read: request.read };
    let compose = read::read(&input)?;
    let stack = infer::label(request.name.or(compose.name.as_deref()).unwrap_or(request.default_name));
    let namespace = infer::label(request.namespace.unwrap_or(&stack));
    let options = infer::Options {
        stack,
        namespace: namespace.clone(),
        source: request.file.to_owned(),
        recipients: request.recipients.to_vec(),
        read: request.read,
    };
    let (plan, findings) = infer::infer(&compose, &options)?;
    let text = write::write(&plan);
    let internal = |what: String| Diagnostic::error(Code::Internal, Span::default(), what).label("the Compose file");
    let stack = crate::fmt::format(&text)
        .map_err(|d| internal(format!("the imported stack does not lay out: {}", first(&d))))?;
    crate::resolve(&stack).map_err(|d| internal(format!("the imported stack does not resolve: {}", first(&d))))?;
    Ok(Imported { stack, report: report::render(request.file, &findings), namespace, store: plan.store })
}

fn first(d: &crate::diagnostic::Diagnostics) -> String {
    d.iter()
        .filter(|d| d.severity == crate::diagnostic::Severity::Error)
        .map(|d| d.message.clone())
        .collect::<Vec<_>>()
        .join("; ")
}
