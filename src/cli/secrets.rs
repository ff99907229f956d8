//! `stackc secrets …`: keygen, set, generate, rotate, show. The logic is in
//! [`crate::secrets`]; this file parses arguments, finds identities, prints,
//! and maps errors to exit codes. Only `show` ever prints a value.

use std::path::PathBuf;

use super::{ClusterArg, StackArgs, exit, print_diagnostics, read_stack, select, select_one, stack_dir, tty};
use crate::cli::Format;
use crate::secrets::clock::now_utc;
use crate::secrets::identity::default_identity_file;
use crate::secrets::sops::{Identities, OsRng};
use crate::secrets::{self, IdentitySources, Project, SecretsError};

#[derive(Debug, clap::Subcommand)]
pub enum SecretsCommand {
    /// Create an age identity (mode 0600) and print its recipient.
    Keygen {
        /// Where to write it (default: the sops location, ~/.config/sops/age/keys.txt).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Store one value, read from stdin (without echo on a terminal).
    Set {
        /// The Secret, as NAMESPACE/NAME.
        secret: String,
        /// The key, as declared in the stack.
        key: String,
        #[command(flatten)]
        input: StackArgs,
        #[command(flatten)]
        cluster: ClusterArg,
        #[command(flatten)]
        identity: IdentityArg,
    },
    /// Fill every `generated=#true` key that has no value with 256 random bits.
    Generate {
        #[command(flatten)]
        input: StackArgs,
        #[command(flatten)]
        cluster: ClusterArg,
        #[command(flatten)]
        identity: IdentityArg,
    },
    /// Re-encrypt every store file with a new data key to the stack's current recipients.
    Rotate {
        #[command(flatten)]
        input: StackArgs,
        #[command(flatten)]
        cluster: ClusterArg,
        #[command(flatten)]
        identity: IdentityArg,
    },
    /// Issue Linkerd's identity issuer from the trust anchor in `--anchor`
    /// (created there first when the file does not exist) and store it.
    LinkerdIdentity {
        /// The trust anchor's certificate and private key (PEM, mode 0600):
        /// keep it offline, never in the repository.
        #[arg(long)]
        anchor: PathBuf,
        #[command(flatten)]
        input: StackArgs,
        #[command(flatten)]
        cluster: ClusterArg,
        #[command(flatten)]
        identity: IdentityArg,
    },
    /// Decrypt one Secret (MAC verified) and print `KEY=value` lines.
    Show {
        /// The Secret, as NAMESPACE/NAME.
        secret: String,
        #[command(flatten)]
        input: StackArgs,
        #[command(flatten)]
        cluster: ClusterArg,
        #[command(flatten)]
        identity: IdentityArg,
    },
}

#[derive(Debug, clap::Args)]
pub struct IdentityArg {
    /// An age identity file (default: SOPS_AGE_KEY_FILE, SOPS_AGE_KEY, ~/.config/sops/age/keys.txt).
    #[arg(long)]
    identity: Option<PathBuf>,
}

pub(super) fn run(command: &SecretsCommand) -> i32 {
    let result = match command {
        SecretsCommand::Keygen { out } => keygen(out.as_ref()),
        SecretsCommand::Set { secret, key, input, cluster, identity } => {
            with_project(input, cluster, |p| set(p, secret, key, identity))
        }
        SecretsCommand::Generate { input, cluster, identity } => {
            each_project(input, cluster, |p| generate(p, identity))
        }
        SecretsCommand::Rotate { input, cluster, identity } => each_project(input, cluster, |p| rotate(p, identity)),
        SecretsCommand::LinkerdIdentity { anchor, input, cluster, identity } => {
            with_project(input, cluster, |p| linkerd_identity(p, anchor, identity))
        }
        SecretsCommand::Show { secret, input, cluster, identity } => {
            with_project(input, cluster, |p| show(p, secret, identity))
        }
    };
    match result {
        Ok(code) => code,
        Err(Failure::Error(e)) => {
            eprintln!("error: {e}");
            exit::INPUT
        }
        Err(Failure::Exit(code)) => code,
    }
}

enum Failure {
    Error(SecretsError),
    Exit(i32),
}

impl From<SecretsError> for Failure {
    fn from(e: SecretsError) -> Self {
        Self::Error(e)
    }
}

type Outcome = Result<i32, Failure>;

fn resolve(input: &StackArgs) -> Result<Vec<crate::check::ResolvedStack>, Failure> {
    let (name, source) = read_stack(input).map_err(Failure::Exit)?;
    crate::resolve(&source).map_err(|d| {
        print_diagnostics(&d, &name, &source, Format::Human);
        Failure::Exit(exit::INPUT)
    })
}

/// Run `f` on the one cluster selected (`--cluster` is required when the
/// stack declares several: each has its own store and recipients).
fn with_project(input: &StackArgs, cluster: &ClusterArg, f: impl FnOnce(&Project) -> Outcome) -> Outcome {
    let stack = select_one(resolve(input)?, |s| &s.cluster.name.value, cluster).map_err(Failure::Exit)?;
    f(&Project::new(stack_dir(input), stack))
}

/// Run `f` on every selected cluster; the worst exit code wins.
fn each_project(input: &StackArgs, cluster: &ClusterArg, mut f: impl FnMut(&Project) -> Outcome) -> Outcome {
    let stacks = select(resolve(input)?, |s| &s.cluster.name.value, cluster).map_err(Failure::Exit)?;
    let several = stacks.len() > 1;
    let mut code = exit::OK;
    for stack in stacks {
        if several {
            eprintln!("stackc: cluster `{}`", stack.cluster.name.value);
        }
        code = code.max(f(&Project::new(stack_dir(input), stack))?);
    }
    Ok(code)
}

fn warn(message: String) {
    eprintln!("warning: {message}");
}

fn identities(arg: &IdentityArg) -> Result<Option<Identities>, SecretsError> {
    IdentitySources::from_env(arg.identity.clone()).load(&mut warn)
}

fn required_identities(arg: &IdentityArg) -> Result<Identities, SecretsError> {
    IdentitySources::from_env(arg.identity.clone()).require(&mut warn)
}

fn keygen(out: Option<&PathBuf>) -> Outcome {
    let path = match out {
        Some(path) => path.clone(),
        None => default_identity_file(
            std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
            std::env::var_os("HOME").map(PathBuf::from),
        )
        .ok_or_else(|| Failure::Error(SecretsError::NoIdentity { tried: "HOME".into() }))?,
    };
    if path.exists() {
        // Never overwritten: say how to read the one there, or write another.
        eprintln!(
            "error: `{p}` already exists; stackc never overwrites an identity\n  \
             its recipient: `grep 'public key' {p}` (or `age-keygen -y {p}`)\n  \
             a new identity elsewhere: `stackc secrets keygen --out NEW.agekey`",
            p = path.display()
        );
        return Ok(exit::INPUT);
    }
    let recipient = secrets::keygen(&path, &now_utc())?;
    if let Err(code) = super::out::print(format!("{recipient}\n")) {
        return Ok(code);
    }
    eprintln!(
        "stackc: wrote identity {} (mode 0600); add `age-recipient \"{recipient}\"` to the cluster in stack.kdl",
        path.display()
    );
    Ok(exit::OK)
}

fn set(project: &Project, secret: &str, key: &str, identity: &IdentityArg) -> Outcome {
    let id = project.id(secret)?;
    project.find(&id)?;
    let value = tty::read_value(&format!("value of {id} {key} (input hidden): ")).map_err(|e| {
        if e.kind() == std::io::ErrorKind::InvalidData {
            SecretsError::NotUtf8
        } else {
            SecretsError::Io { action: "reading", path: "stdin".into(), source: e }
        }
    })?;
    let ids = identities(identity)?;
    let replaced = secrets::edit::replaces_generated(project, &id, key)?;
    secrets::set(project, &id, key, value, ids.as_ref(), &now_utc(), &mut OsRng)?;
    eprintln!("stackc: stored {id} {key} in {}", id.store_path());
    if replaced {
        eprintln!(
            "stackc: this replaced the generated value of {id} {key} (`generated=#true`); \
             the old value is gone, and whatever used it must now use the new one"
        );
    }
    Ok(exit::OK)
}

fn generate(project: &Project, identity: &IdentityArg) -> Outcome {
    let ids = identities(identity)?;
    let report = secrets::generate(project, ids.as_ref(), &now_utc(), &mut OsRng)?;
    for (id, keys) in &report.filled {
        eprintln!("stackc: generated {id} {}", keys.join(", "));
    }
    for (id, error) in &report.failed {
        eprintln!("error: {id}: {error}");
    }
    if report.filled.is_empty() && report.failed.is_empty() {
        eprintln!("stackc: every generated key has a value; nothing to do");
    }
    Ok(if report.failed.is_empty() { exit::OK } else { exit::INPUT })
}

fn rotate(project: &Project, identity: &IdentityArg) -> Outcome {
    let ids = required_identities(identity)?;
    let report = secrets::rotate(project, &ids, &now_utc(), &mut OsRng)?;
    for path in &report.rotated {
        eprintln!("stackc: rotated {path}");
    }
    for id in &report.missing {
        eprintln!("stackc: {id} has no store file; nothing to rotate");
    }
    for (id, error) in &report.failed {
        eprintln!("error: {id}: {error}");
    }
    Ok(if report.failed.is_empty() { exit::OK } else { exit::INPUT })
}

fn linkerd_identity(project: &Project, anchor: &std::path::Path, identity: &IdentityArg) -> Outcome {
    let ids = identities(identity)?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let issued = secrets::linkerd_identity(project, anchor, ids.as_ref(), now, &now_utc(), &mut OsRng)?;
    if issued.new_anchor {
        eprintln!(
            "stackc: wrote a new trust anchor to {} (mode 0600): keep it offline, it is needed to renew the issuer",
            anchor.display()
        );
    }
    eprintln!("stackc: stored a new issuer (valid until {}) in {}", issued.issuer_not_after, issued.id.store_path());
    Ok(exit::OK)
}

fn show(project: &Project, secret: &str, identity: &IdentityArg) -> Outcome {
    let id = project.id(secret)?;
    let ids = required_identities(identity)?;
    let plain = secrets::show(project, &id, &ids)?;
    let mut out = String::new();
    for (key, value) in &plain.string_data {
        out.push_str(&format!("{key}={value}\n"));
    }
    for (key, value) in &plain.data {
        out.push_str(&format!("{key}={value}\n"));
    }
    if !plain.data.is_empty() {
        eprintln!("stackc: values of `data` are printed as stored (base64)");
    }
    Ok(super::out::print_then(out, exit::OK))
}
