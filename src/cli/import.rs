//! `stackc import compose FILE`: the thin entry of [`crate::import`]. Reads
//! the Compose file, its env file and the files it mounts; writes the stack
//! file (never over an existing one) and stores the secret values found, as
//! `stackc secrets set` would. Bad input writes nothing and exits 2.

use std::path::{Component, Path, PathBuf};

use super::{Format, exit, print_diagnostics};
use crate::diagnostic::Diagnostics;
use crate::import::compose::{self, EnvFile, Request};
use crate::secrets::clock::now_utc;
use crate::secrets::sops::OsRng;
use crate::secrets::{self, Project, SecretId};

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// Write a stack.kdl from a Compose file (see docs/import.md).
    Compose(ComposeArgs),
}

#[derive(Debug, clap::Args)]
pub struct ComposeArgs {
    /// The Compose file (docker-compose.yml, compose.yaml).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The env file its `${VAR}`s are read from [default: `.env` beside FILE, if any].
    #[arg(long, value_name = "F")]
    pub env_file: Option<PathBuf>,
    /// The namespace of the apps [default: the stack's name].
    #[arg(long, value_name = "NAME")]
    pub namespace: Option<String>,
    /// The stack's name [default: Compose's `name`, else FILE's directory].
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// Activate services of this Compose profile (repeatable).
    #[arg(long, value_name = "NAME")]
    pub profile: Vec<String>,
    /// Who can decrypt the stack's secrets (repeatable): without one, no value is stored.
    #[arg(long, value_name = "AGE1...")]
    pub age_recipient: Vec<String>,
    /// Where to write the stack; an existing file is never overwritten.
    #[arg(long, value_name = "FILE", default_value = "stack.kdl")]
    pub out: PathBuf,
}

pub(super) fn run(command: &ImportCommand) -> i32 {
    let ImportCommand::Compose(args) = command;
    let name = args.file.display().to_string();
    let text = match std::fs::read_to_string(&args.file) {
        Ok(text) => text,
        Err(e) => return fail(&format!("cannot read `{name}`: {e}")),
    };
    let dir = args.file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_owned();
    let env_path = args.env_file.clone().or_else(|| Some(dir.join(".env")).filter(|p| p.is_file()));
    let env = match &env_path {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => EnvFile::parse(&text),
            Err(e) => return fail(&format!("cannot read `{}`: {e}", path.display())),
        },
        None => EnvFile::default(),
    };
    if args.out.exists() {
        return fail(&format!(
            "`{}` exists; stackc import never overwrites a file (choose another with `--out`)",
            args.out.display()
        ));
    }
    let read = |relative: &str| read_beside(&dir, relative);
    let file = args.file.file_name().map_or(name.clone(), |f| f.to_string_lossy().into_owned());
    let default_name =
        std::fs::canonicalize(&dir).ok().and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()));
    let request = Request {
        text: &text,
        file: &file,
        env: &env,
        profiles: &args.profile,
        name: args.name.as_deref(),
        default_name: default_name.as_deref().unwrap_or("imported"),
        namespace: args.namespace.as_deref(),
        recipients: &args.age_recipient,
        read: &read,
    };
    let imported = match compose::import(&request) {
        Ok(imported) => imported,
        Err(d) => {
            let mut all = Diagnostics::default();
            all.push(d);
            print_diagnostics(&all, &name, &text, Format::Human);
            return exit::INPUT;
        }
    };
    if let Err(e) = std::fs::write(&args.out, &imported.stack) {
        return fail(&format!("cannot write `{}`: {e}", args.out.display()));
    }
    eprint!("{}", imported.report);
    let stored = store(&args.out, &imported);
    eprintln!("stackc: wrote {}", args.out.display());
    let stack = args.out.display();
    if args.age_recipient.is_empty() && !imported.store.is_empty() {
        eprintln!(
            "stackc: no `--age-recipient`: add one to the cluster, then store these values with `stackc secrets set --stack {stack}`:"
        );
        for (secret, key, _) in &imported.store {
            eprintln!("  {}/{secret} {key}", imported.namespace);
        }
    }
    eprintln!(
        "next: review the TODOs, then `stackc secrets generate --stack {stack}` and `stackc build --stack {stack}`"
    );
    stored
}

/// Store the values found, as `stackc secrets set` does.
fn store(out: &Path, imported: &compose::Imported) -> i32 {
    let recipients_missing = !imported.stack.contains("age-recipient \"");
    if imported.store.is_empty() || recipients_missing {
        return exit::OK;
    }
    let stacks = match crate::resolve(&imported.stack) {
        Ok(stacks) => stacks,
        Err(_) => return fail("the imported stack does not resolve (a bug)"),
    };
    let Some(stack) = stacks.into_iter().next() else { return exit::OK };
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let project = Project::new(dir, stack);
    // One write per Secret, all its values at once.
    let mut by_secret: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (secret, key, value) in &imported.store {
        match by_secret.iter_mut().find(|(s, _)| s == secret) {
            Some((_, values)) => values.push((key.clone(), value.clone())),
            None => by_secret.push((secret.clone(), vec![(key.clone(), value.clone())])),
        }
    }
    for (secret, values) in by_secret {
        let id = SecretId::new(&imported.namespace, &secret);
        let keys: Vec<String> = values.iter().map(|(k, _)| k.clone()).collect();
        if let Err(e) = secrets::edit::set_all(&project, &id, values, None, &now_utc(), &mut OsRng) {
            eprintln!("error: storing {id}: {e}");
            return exit::INPUT;
        }
        eprintln!("stackc: stored {id} {} in {}", keys.join(", "), id.store_path());
    }
    exit::OK
}

/// A file beside the Compose file, by the relative path Compose names it with.
fn read_beside(dir: &Path, relative: &str) -> Option<String> {
    let path = Path::new(relative);
    if path.is_absolute() || path.components().any(|c| matches!(c, Component::ParentDir)) {
        return None;
    }
    let full = dir.join(path);
    full.is_file().then(|| std::fs::read_to_string(full).ok()).flatten()
}

fn fail(message: &str) -> i32 {
    eprintln!("error: {message}");
    exit::INPUT
}
