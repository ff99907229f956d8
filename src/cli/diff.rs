//! `stackc diff OLD NEW`: a semantic summary of a change for review. OLD and
//! NEW are stack files, or Git revisions as `REV` or `REV:path` (read with
//! `git show`).

use std::process::Command;

use super::{Format, exit, print_diagnostics, select};
use crate::review;

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
    let mut analyzed = Vec::new();
    for spec in [&args.old, &args.new] {
        let source = match load(spec) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: {e}");
                return exit::INPUT;
            }
        };
        match crate::resolve(&source) {
            Ok(stacks) => {
                // The named cluster, else the first declared: a stack with one
                // cluster compares with one of another name (after a rename).
                let Some(stack) =
                    select(stacks, |s| &s.cluster.name.value, &args.cluster).ok().and_then(|s| s.into_iter().next())
                else {
                    return exit::INPUT;
                };
                let graph = crate::derive::network_graph(&stack);
                analyzed.push((stack, graph));
            }
            Err(d) => {
                print_diagnostics(&d, spec, &source, Format::Human);
                return exit::INPUT;
            }
        }
    }
    let (old, new) = (&analyzed[0], &analyzed[1]);
    let r = review::review((&old.0, &old.1), (&new.0, &new.1));
    match args.format {
        DiffFormat::Markdown => print!("{}", review::markdown(&r, &args.old, &args.new)),
        DiffFormat::Json => print!("{}", review::json(&r)),
    }
    exit::OK
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
