//! `stackc build` and `stackc build --check`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::outcome::{Level, Outcome};
use super::{BuildArgs, exit, try_load_secrets, try_read_stack};
use crate::CompileOptions;
use crate::emit;
use crate::render::RenderOptions;

pub(super) fn run(args: &BuildArgs) -> i32 {
    let mut outcome = Outcome::new(args.format, args.check);
    let code = build(args, &mut outcome);
    outcome.finish(code)
}

/// The build, reporting into `outcome`; returns the exit code.
fn build(args: &BuildArgs, outcome: &mut Outcome) -> i32 {
    let started = Instant::now();
    let (name, source) = match try_read_stack(&args.input) {
        Ok(read) => read,
        Err(message) => return failed(outcome, &message),
    };
    let templates = match read_templates(&args.input.stack) {
        Ok(t) => t,
        Err(message) => return failed(outcome, &message),
    };
    let file_name = args.input.stack.file_name().map_or_else(|| name.clone(), |f| f.to_string_lossy().into_owned());
    let secrets = match try_load_secrets(&args.input) {
        Ok(store) => store,
        Err(message) => return failed(outcome, &message),
    };
    let options = CompileOptions { render: RenderOptions { source_name: file_name, templates }, secrets };
    let compiled = match crate::compile(&source, &options) {
        Ok(c) => {
            let mut warnings = crate::diagnostic::Diagnostics::default();
            for cluster in &c.clusters {
                warnings.extend(cluster.derived.warnings.clone());
            }
            if !warnings.is_empty() {
                outcome.diagnostics(&warnings, &name, &source);
            }
            // The process exits after this command: let the OS reclaim the
            // objects instead of freeing them one by one (0.2 s at N = 5000).
            std::mem::ManuallyDrop::new(c)
        }
        Err(d) => {
            outcome.diagnostics(&d, &name, &source);
            return exit::INPUT;
        }
    };
    let out = args.out.display();
    // `--check` writes nothing, not even a lock; a build locks the directory
    // and first rolls back a build that was interrupted.
    let output = if args.check {
        None
    } else {
        match emit::Output::open(&args.out) {
            Ok(output) => Some(output),
            Err(e) => return failed(outcome, &format!("{out}: {e}")),
        }
    };
    let planned = match &output {
        Some(output) => output.plan(&compiled.tree),
        None => emit::plan(&compiled.tree, &args.out),
    };
    let plan = match planned {
        Ok(plan) => plan,
        Err(e) => return failed(outcome, &format!("{out}: {e}")),
    };
    for missing in &plan.missing_foreign {
        outcome.message(
            Level::Warning,
            &format!("`{missing}` is listed in a kustomization.yaml but does not exist (stackc does not write it)"),
        );
    }
    let objects: usize = compiled.clusters.iter().flat_map(|c| &c.derived.components).map(|c| c.objects.len()).sum();
    outcome.summary(objects, compiled.tree.files.len());
    let paths = |paths: &[String]| paths.iter().map(|p| args.out.join(p).display().to_string()).collect();
    outcome.files(paths(&plan.added), paths(&plan.changed), paths(&plan.removed), plan.unchanged);
    if args.check {
        let stale: Vec<String> =
            compiled.clusters.iter().flat_map(|c| c.derived.stale_recipients.iter().cloned()).collect();
        if !stale.is_empty() {
            outcome.message(
                Level::Info,
                &format!(
                    "{} Secret file{} encrypted to other recipients than the stack lists; run `stackc secrets rotate`",
                    stale.len(),
                    if stale.len() == 1 { " is" } else { "s are" }
                ),
            );
        }
        let clean = stale.is_empty();
        outcome.stale_recipients(stale);
        if plan.is_clean() && clean {
            outcome.message(Level::Info, &format!("{out} is up to date ({} files)", compiled.tree.files.len()));
            return exit::OK;
        }
        if !plan.is_clean() {
            outcome.message(
                Level::Info,
                &format!(
                    "{out} is out of date: {} added, {} changed, {} removed; run `stackc build`",
                    plan.added.len(),
                    plan.changed.len(),
                    plan.removed.len()
                ),
            );
        }
        return exit::DRIFT;
    }
    let Some(output) = output else {
        return exit::OK;
    };
    if let Err(e) = output.write(&compiled.tree, &plan) {
        return failed(outcome, &format!("{out}: {e}"));
    }
    outcome.message(
        Level::Info,
        &format!(
            "{objects} objects, {} files: {} added, {} changed, {} removed, {} unchanged in {} ms",
            compiled.tree.files.len(),
            plan.added.len(),
            plan.changed.len(),
            plan.removed.len(),
            plan.unchanged,
            started.elapsed().as_millis()
        ),
    );
    exit::OK
}

fn failed(outcome: &mut Outcome, message: &str) -> i32 {
    outcome.message(Level::Error, message);
    exit::INPUT
}

/// `*.j2` files of the `templates/` directory beside the stack.
fn read_templates(stack: &Path) -> Result<BTreeMap<String, String>, String> {
    let dir = stack.parent().unwrap_or(Path::new(".")).join("templates");
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Ok(out);
    };
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".j2") {
            let text = std::fs::read_to_string(entry.path())
                .map_err(|e| format!("reading {}: {e}", entry.path().display()))?;
            out.insert(name, text);
        }
    }
    Ok(out)
}
