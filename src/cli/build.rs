//! `stackc build` and `stackc build --check`.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use super::outcome::{Level, Outcome};
use super::repository::{self, Location};
use super::{BuildArgs, exit, try_load_secrets, try_read_stack};
use crate::CompileOptions;
use crate::emit;
use crate::model::GitOpsEngine;
use crate::render::RenderOptions;

pub(super) fn run(args: &BuildArgs) -> i32 {
    let mut outcome = Outcome::new(args.format, args.check);
    let code = build(args, &mut outcome);
    outcome.finish(code)
}

/// The build, reporting into `outcome`; returns the exit code.
fn build(args: &BuildArgs, outcome: &mut Outcome) -> i32 {
    let started = Instant::now();
    let out_dir = args.out_dir();
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
    let location = match repository::locate(&out_dir) {
        Ok(location) => location,
        Err(message) => return failed(outcome, &message),
    };
    let options = CompileOptions {
        render: RenderOptions { source_name: file_name, templates },
        secrets,
        repository: location.prefix().to_owned(),
    };
    let compiled = match crate::compile(&source, &options) {
        Ok(c) => {
            let mut warnings = crate::diagnostic::Diagnostics::default();
            for cluster in &c.clusters {
                warnings.extend(cluster.derived.warnings.clone());
            }
            if !warnings.is_empty() {
                outcome.diagnostics(&warnings, &name, &source);
            }
            warn_about_location(&c, &location, &out_dir, outcome);
            // The process exits after this command: let the OS reclaim the
            // objects instead of freeing them one by one (0.2 s at N = 5000).
            std::mem::ManuallyDrop::new(c)
        }
        Err(d) => {
            outcome.diagnostics(&d, &name, &source);
            return exit::INPUT;
        }
    };
    let out = out_dir.display();
    // `--check` writes nothing, not even a lock; a build locks the directory
    // and first rolls back a build that was interrupted.
    let output = if args.check {
        None
    } else {
        match emit::Output::open(&out_dir) {
            Ok(output) => Some(output),
            Err(e) => return failed(outcome, &format!("{out}: {e}")),
        }
    };
    let planned = match &output {
        Some(output) => output.plan(&compiled.tree),
        None => emit::plan(&compiled.tree, &out_dir),
    };
    let plan = match planned {
        Ok(plan) => plan,
        Err(e) => return failed(outcome, &format!("{out}: {e}")),
    };
    let install_manifests = flux_install_manifests(&compiled);
    for path in &plan.unlisted {
        let warning = format!(
            "`{}` is not listed by any kustomization.yaml, so nothing applies it (stackc does not write it; declare it in the stack, or move it out)",
            out_dir.join(path).display()
        );
        outcome.message(Level::Warning, &warning);
    }
    for missing in &plan.missing_foreign {
        let warning = if install_manifests.contains(missing) {
            let path = out_dir.join(missing);
            format!(
                "{} does not exist: Flux's own manifests, listed in its kustomization.yaml, are not \
                 stackc's to write; create them with `flux install --export > {}` or let `flux bootstrap` \
                 commit them (docs/engines.md), or write `install-manifest=#false` on the engine",
                path.display(),
                path.display()
            )
        } else {
            format!("`{missing}` is listed in a kustomization.yaml but does not exist (stackc does not write it)")
        };
        outcome.message(Level::Warning, &warning);
    }
    let objects: usize = compiled.clusters.iter().flat_map(|c| &c.derived.components).map(|c| c.objects.len()).sum();
    outcome.summary(objects, compiled.tree.files.len());
    let paths = |paths: &[String]| paths.iter().map(|p| out_dir.join(p).display().to_string()).collect();
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
    // The time is for people; the JSON document stays deterministic.
    let elapsed = match args.format {
        super::Format::Human => format!(" in {} ms", started.elapsed().as_millis()),
        super::Format::Json => String::new(),
    };
    outcome.message(
        Level::Info,
        &format!(
            "{objects} objects, {} files: {} added, {} changed, {} removed, {} unchanged{elapsed}",
            compiled.tree.files.len(),
            plan.added.len(),
            plan.changed.len(),
            plan.removed.len(),
            plan.unchanged,
        ),
    );
    exit::OK
}

fn failed(outcome: &mut Outcome, message: &str) -> i32 {
    outcome.message(Level::Error, message);
    exit::INPUT
}

/// The paths (in the tree) of every cluster's Flux install manifest.
fn flux_install_manifests(compiled: &crate::Compiled) -> Vec<String> {
    let mut paths = Vec::new();
    for cluster in &compiled.clusters {
        if let GitOpsEngine::Flux(_) = cluster.stack.platform.engine {
            for c in &cluster.derived.components {
                paths.extend(c.foreign.iter().map(|file| crate::render::path_in(&c.dir, file)));
            }
        }
    }
    paths
}

/// Say where the engine's paths start when the file system and the stack
/// disagree, or when nothing tells (no Git repository, no `git path=`).
fn warn_about_location(compiled: &crate::Compiled, location: &Location, out: &Path, outcome: &mut Outcome) {
    for cluster in &compiled.clusters {
        let stack = &cluster.stack;
        if matches!(stack.platform.engine, GitOpsEngine::Kustomize { .. }) {
            continue;
        }
        let declared = stack.cluster.git.as_ref().and_then(|g| g.path.as_ref()).map(|p| p.value.as_str());
        let shown = |path: &str| if path.is_empty() { ".".to_owned() } else { path.to_owned() };
        match (location, declared) {
            (Location::Outside, None) => outcome.message(
                Level::Warning,
                &format!(
                    "{} is in no Git repository: cluster `{}`'s {} paths take it as the repository root; \
                 declare where it will live with `git path=\"…\"`",
                    out.display(),
                    stack.cluster.name.value,
                    stack.platform.engine.name(),
                ),
            ),
            (Location::Repository { root, path }, Some(declared)) if path != declared => outcome.message(
                Level::Warning,
                &format!(
                    "cluster `{}` declares `git path=\"{}\"`, but {} is `{}` in the repository at {}; \
                 the {} paths use the declared one",
                    stack.cluster.name.value,
                    shown(declared),
                    out.display(),
                    shown(path),
                    root.display(),
                    stack.platform.engine.name(),
                ),
            ),
            _ => {}
        }
    }
}

/// `*.j2` files of the `templates/` directory beside the stack.
pub(super) fn read_templates(stack: &Path) -> Result<BTreeMap<String, String>, String> {
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
