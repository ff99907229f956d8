//! The command line: clap definitions, then one function per command. Only
//! this module and `emit` touch the file system.

mod build;
mod diff;
mod fmt;
pub mod graph;
mod init;
pub mod renovate;
pub mod report;
pub mod repository;
mod secrets;
mod tty;
mod verify;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use report::Format;

/// Exit codes of the CLI contract.
pub mod exit {
    pub const OK: i32 = 0;
    pub const DRIFT: i32 = 1;
    pub const INPUT: i32 = 2;
}

/// stackc compiles one typed stack.kdl into a rendered GitOps tree.
#[derive(Debug, Parser)]
#[command(name = "stackc", version, about, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compile the stack into the output directory (or check it is up to date).
    Build(BuildArgs),
    /// Print the network graph the stack declares.
    Graph(GraphArgs),
    /// Prove the derived NetworkPolicies allow exactly the declared graph (of every cluster).
    Verify(verify::VerifyArgs),
    /// Explain whether one connection is allowed, by which objects, from which stack lines.
    Explain(verify::ExplainArgs),
    /// Print the JSON Schema of the stack language.
    Schema,
    /// Summarize what a change to the stack means: connections, exposure, egress, workloads.
    Diff(diff::DiffArgs),
    /// Rewrite stack files in the canonical layout (or list those that would change).
    Fmt(fmt::FmtArgs),
    /// Write a starter stack.kdl (and a .gitignore) that builds as it is.
    Init(init::InitArgs),
    /// Print a renovate.json that bumps image tags and chart versions in the stack.
    Renovate(StackArgs),
    /// Print shell completions.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
    /// Manage the encrypted values of the stack's Secrets (see docs/secrets.md).
    #[command(subcommand)]
    Secrets(secrets::SecretsCommand),
}

#[derive(Debug, clap::Args)]
pub struct StackArgs {
    /// The stack file.
    #[arg(long, default_value = "stack.kdl")]
    pub stack: PathBuf,
}

/// Which cluster a command looks at, in a stack that declares several.
#[derive(Debug, Default, clap::Args)]
pub struct ClusterArg {
    /// The cluster (required when the stack declares several).
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub input: StackArgs,
    /// The output directory.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    /// Write nothing; list added, changed and removed files; exit 1 on drift.
    #[arg(long)]
    pub check: bool,
    /// How to print diagnostics.
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: StackArgs,
    #[command(flatten)]
    pub cluster: ClusterArg,
    /// Output format of the graph.
    #[arg(long, value_enum, default_value = "mermaid")]
    pub format: graph::GraphFormat,
}

/// Run the CLI with the process arguments; returns the exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { exit::INPUT } else { exit::OK };
        }
    };
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Verify(args) => verify::run_verify(&args),
        Command::Explain(args) => verify::run_explain(&args),
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Renovate(args) => renovate::run(&args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut command, "stackc", &mut std::io::stdout());
            exit::OK
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            match clap_mangen::Man::new(command).render(&mut std::io::stdout()) {
                Ok(()) => exit::OK,
                Err(e) => {
                    eprintln!("error: {e}");
                    exit::INPUT
                }
            }
        }
        Command::Secrets(command) => secrets::run(&command),
        Command::Schema => {
            let schema = schemars::schema_for!(crate::model::Stack);
            println!("{}", serde_json::to_string_pretty(&schema).unwrap_or_default());
            exit::OK
        }
    }
}

/// Whether stderr gets colour: a terminal, and `NO_COLOR` unset.
fn color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal()
}

/// Read the stack file, or print why not.
fn read_stack(args: &StackArgs) -> Result<(String, String), i32> {
    let name = args.stack.display().to_string();
    match std::fs::read_to_string(&args.stack) {
        Ok(source) => Ok((name, source)),
        Err(e) => {
            eprintln!("error: cannot read `{name}`: {e}");
            Err(exit::INPUT)
        }
    }
}

/// The directory of the stack file (its `secrets/` and `templates/` are there).
fn stack_dir(args: &StackArgs) -> &std::path::Path {
    args.stack.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."))
}

/// Read the encrypted store beside the stack, or print why not.
fn load_secrets(args: &StackArgs) -> Result<crate::secrets::SecretStore, i32> {
    crate::secrets::load_store(stack_dir(args)).map_err(|e| {
        eprintln!("error: {e}");
        exit::INPUT
    })
}

/// The clusters `arg` selects: the one it names, or all of them.
fn select<T>(items: Vec<T>, name: impl Fn(&T) -> &str, arg: &ClusterArg) -> Result<Vec<T>, i32> {
    let Some(wanted) = &arg.cluster else { return Ok(items) };
    let names: Vec<String> = items.iter().map(|i| name(i).to_owned()).collect();
    let chosen: Vec<T> = items.into_iter().filter(|i| name(i) == wanted).collect();
    if chosen.is_empty() {
        eprintln!("error: the stack has no cluster `{wanted}` (clusters: {})", names.join(", "));
        return Err(exit::INPUT);
    }
    Ok(chosen)
}

/// The one cluster `arg` selects; with several clusters, `--cluster` is required.
fn select_one<T>(items: Vec<T>, name: impl Fn(&T) -> &str, arg: &ClusterArg) -> Result<T, i32> {
    let names: Vec<String> = items.iter().map(|i| name(i).to_owned()).collect();
    let mut chosen = select(items, name, arg)?;
    if chosen.len() > 1 {
        eprintln!("error: the stack declares clusters {}; choose one with `--cluster NAME`", names.join(", "));
        return Err(exit::INPUT);
    }
    chosen.pop().ok_or(exit::INPUT)
}

/// Print diagnostics to stderr.
fn print_diagnostics(d: &crate::diagnostic::Diagnostics, name: &str, source: &str, format: Format) {
    eprint!("{}", report::render(d, name, source, format, color()));
}
