//! `stackc diff OLD NEW`: a semantic summary of a change for review. OLD and
//! NEW are stack files, or Git revisions as `REV` or `REV:path` (read with
//! `git show`). Both versions are also compiled, with the templates and
//! the encrypted store beside NEW, so every rendered file that differs is in
//! the review.

use std::path::Path;
use std::process::Command;

use serde_json::Map;

use super::document::{Document, fields};
use super::{Format, exit, try_select};
use crate::render::{RenderOptions, Tree};
use crate::{CompileOptions, review};

/// Output formats of `stackc diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Markdown,
    Json,
}

/// Arguments of `stackc diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The old stack: a file, or a Git revision (`main`, `HEAD~1:stack.kdl`).
    pub old: String,
    /// The new stack: a file (default `stack.kdl`), or a Git revision.
    #[arg(default_value = "stack.kdl")]
    pub new: String,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: DiffFormat,
    /// With several clusters, review this one (default: the first declared in NEW).
    #[command(flatten)]
    pub cluster: super::ClusterArg,
}

pub(super) fn run(args: &DiffArgs) -> i32 {
    let format = if args.format == DiffFormat::Json { Format::Json } else { Format::Human };
    let mut report = Document::new("diff", format);
    let mut analyzed = Vec::new();
    let mut sources = Vec::new();
    for spec in [&args.old, &args.new] {
        let source = match load(spec) {
            Ok(s) => s,
            Err(e) => {
                report.error(&e);
                return report.fail(exit::INPUT);
            }
        };
        sources.push(source.clone());
        match crate::resolve(&source) {
            Ok(stacks) => {
                // The named cluster, else the first declared: a stack with one
                // cluster compares with one of another name (after a rename).
                let stack = match try_select(stacks, |s| &s.cluster.name.value, &args.cluster) {
                    Ok(stacks) => stacks.into_iter().next(),
                    Err(e) => {
                        report.error(&format!("`{spec}`: {e}"));
                        return report.fail(exit::INPUT);
                    }
                };
                let Some(stack) = stack else { return report.fail(exit::INPUT) };
                let graph = crate::derive::network_graph(&stack);
                analyzed.push((stack, graph));
            }
            Err(d) => {
                report.diagnostics(&d, spec, &source);
                return report.fail(exit::INPUT);
            }
        }
    }
    let (old, new) = (&analyzed[0], &analyzed[1]);
    let mut r = review::review((&old.0, &old.1), (&new.0, &new.1));
    let clusters = [old.0.cluster.name.value.as_str(), new.0.cluster.name.value.as_str()];
    match trees(args, &sources) {
        Ok((a, b)) => r.compare_files(&a, &b, &clusters),
        Err(why) => r.files_not_compared = Some(why),
    }
    match args.format {
        DiffFormat::Markdown => report.finish(exit::OK, "ok", review::markdown(&r, &args.old, &args.new), Map::new()),
        DiffFormat::Json => {
            let review = serde_json::from_str(&review::json(&r)).unwrap_or_default();
            report.finish(exit::OK, "ok", String::new(), fields(review))
        }
    }
}

/// Both versions' rendered trees, compiled alike: the templates and store
/// beside NEW (the current directory for a Git revision), NEW's file name
/// in the headers; or why one does not build.
fn trees(args: &DiffArgs, sources: &[String]) -> Result<(Tree, Tree), String> {
    let new = Path::new(&args.new);
    let stack = if new.is_file() { new.to_path_buf() } else { Path::new("stack.kdl").to_path_buf() };
    let dir = stack.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let templates = super::build::read_templates(&stack)?;
    let secrets = crate::secrets::load_store(dir).map_err(|e| e.to_string())?;
    let source_name = stack.file_name().map_or_else(|| "stack.kdl".to_owned(), |f| f.to_string_lossy().into_owned());
    // Where `out/` beside NEW lives in its repository: both versions' engine
    // paths start there, so they differ only where the stacks do.
    let repository = super::repository::locate(&dir.join("out"))?.prefix().to_owned();
    let options = CompileOptions { render: RenderOptions { source_name, templates }, secrets, repository };
    let mut out = Vec::new();
    for (spec, source) in [&args.old, &args.new].into_iter().zip(sources) {
        match crate::compile(source, &options) {
            Ok(compiled) => out.push(compiled.tree),
            Err(d) => {
                let first = d
                    .iter()
                    .find(|x| x.severity == crate::diagnostic::Severity::Error)
                    .map_or_else(String::new, |x| format!(": {}", x.message));
                return Err(format!("`{spec}` does not build here{first}"));
            }
        }
    }
    let new_tree = out.pop().unwrap_or_default();
    Ok((out.pop().unwrap_or_default(), new_tree))
}

/// A file if one exists at `spec`, else `git show REV:path`.
fn load(spec: &str) -> Result<String, String> {
    if std::path::Path::new(spec).is_file() {
        return std::fs::read_to_string(spec).map_err(|e| format!("cannot read `{spec}`: {e}"));
    }
    let object = if spec.contains(':') { spec.to_owned() } else { format!("{spec}:stack.kdl") };
    let out = Command::new("git").args(["show", &object]).output().map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`{spec}` is neither a file nor a Git revision ({})",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    String::from_utf8(out.stdout).map_err(|_| format!("`{object}` is not UTF-8"))
}
