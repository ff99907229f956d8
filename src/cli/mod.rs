//! The command line: clap definitions, then one function per command. Only
//! this module and `emit` touch the file system.

mod build;
mod diff;
mod document;
mod explain;
mod fmt;
pub mod graph;
mod import;
mod init;
mod lsp;
pub mod out;
mod outcome;
pub mod renovate;
pub mod report;
pub mod repository;
mod secrets;
mod tty;
mod verify;
mod wrap;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

pub use report::Format;

/// Exit codes of the CLI contract.
pub mod exit {
    pub const OK: i32 = 0;
    pub const DRIFT: i32 = 1;
    pub const INPUT: i32 = 2;
    /// The reader of stdout went away (128 + SIGPIPE, as a shell reports a
    /// tool a closed pipe ended); only where SIGPIPE cannot end the process.
    pub const CLOSED_PIPE: i32 = 141;
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
    Explain(explain::ExplainArgs),
    /// Print the JSON Schema of the stack language.
    Schema,
    /// Summarize what a change to the stack means: connections, exposure, egress, workloads.
    Diff(diff::DiffArgs),
    /// Rewrite stack files in the canonical layout (or list those that would change).
    Fmt(fmt::FmtArgs),
    /// Run the language server on stdin and stdout (see docs/editors.md).
    Lsp(lsp::LspArgs),
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
    /// Write a stack.kdl from another tool's description (a Compose file; see docs/import.md).
    #[command(subcommand)]
    Import(import::ImportCommand),
}

#[derive(Debug, clap::Args)]
pub struct StackArgs {
    /// The stack file, relative to the current directory. Its `secrets/` and
    /// `templates/` are read beside it, and `build` writes `out/` beside it.
    #[arg(long, value_name = "FILE", default_value = "stack.kdl")]
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
    /// The output directory [default: `out/` beside the stack file]. A
    /// directory given here is relative to the current directory.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Write nothing; list added, changed and removed files; exit 1 on drift.
    #[arg(long)]
    pub check: bool,
    /// How to report: `human` (diagnostics on stderr, the `--check` list on stdout) or `json` (one
    /// JSON document on stdout for every outcome; see docs/editors.md).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

impl BuildArgs {
    /// The output directory: `--out` as given (relative to the current
    /// directory), else `out/` beside the stack file, like its `secrets/`.
    #[must_use]
    pub fn out_dir(&self) -> PathBuf {
        match (&self.out, self.input.stack.parent()) {
            (Some(out), _) => out.clone(),
            (None, Some(dir)) if !dir.as_os_str().is_empty() => dir.join("out"),
            (None, _) => PathBuf::from("out"),
        }
    }
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
    out::default_sigpipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            let _ = e.print();
            return exit::INPUT;
        }
        // `--help`, `--version`: output, which may meet a full disk.
        Err(e) if std::io::IsTerminal::is_terminal(&std::io::stdout()) => {
            let _ = e.print();
            return exit::OK;
        }
        Err(e) => return out::print_then(e.render().to_string(), exit::OK),
    };
    match cli.command {
        Command::Build(args) => build::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Verify(args) => verify::run_verify(&args),
        Command::Explain(args) => explain::run_explain(&args),
        Command::Init(args) => init::run(&args),
        Command::Fmt(args) => fmt::run(&args),
        Command::Lsp(args) => lsp::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Renovate(args) => renovate::run(&args),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // `generate` panics on a write error: it writes to a buffer.
            let written = out::print_with(|buffer| {
                clap_complete::generate(shell, &mut command, "stackc", buffer);
                Ok(())
            });
            written.err().unwrap_or(exit::OK)
        }
        Command::Man => {
            let command = <Cli as clap::CommandFactory>::command();
            out::print_with(|buffer| clap_mangen::Man::new(command).render(buffer)).err().unwrap_or(exit::OK)
        }
        Command::Secrets(command) => secrets::run(&command),
        Command::Import(command) => import::run(&command),
        Command::Schema => {
            let schema = crate::model::stack_schema();
            out::print_then(serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n", exit::OK)
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
    try_read_stack(args).map_err(|e| {
        eprintln!("error: {e}");
        exit::INPUT
    })
}

/// Read the stack file: its name and text, or why not.
fn try_read_stack(args: &StackArgs) -> Result<(String, String), String> {
    let name = args.stack.display().to_string();
    std::fs::read_to_string(&args.stack)
        .map(|source| (name.clone(), source))
        .map_err(|e| format!("cannot read `{name}`: {e}"))
}

/// The directory of the stack file (its `secrets/` and `templates/` are there).
fn stack_dir(args: &StackArgs) -> &std::path::Path {
    args.stack.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."))
}

/// Read the encrypted store beside the stack, and the project files it
/// mounts, or say why not.
fn try_load_secrets(args: &StackArgs) -> Result<crate::secrets::SecretStore, String> {
    let mut store = crate::secrets::load_store(stack_dir(args)).map_err(|e| e.to_string())?;
    // The project files the stack mounts are read here too; a stack that
    // cannot be read is reported by the command itself.
    if let Ok(source) = std::fs::read_to_string(&args.stack) {
        crate::secrets::project_files::load(stack_dir(args), &source, &mut store);
    }
    Ok(store)
}

/// The clusters `arg` selects: the one it names, or all of them.
fn select<T>(items: Vec<T>, name: impl Fn(&T) -> &str, arg: &ClusterArg) -> Result<Vec<T>, i32> {
    try_select(items, name, arg).map_err(|e| {
        eprintln!("error: {e}");
        exit::INPUT
    })
}

/// The clusters `arg` selects, or why none.
fn try_select<T>(items: Vec<T>, name: impl Fn(&T) -> &str, arg: &ClusterArg) -> Result<Vec<T>, String> {
    let Some(wanted) = &arg.cluster else { return Ok(items) };
    let names: Vec<String> = items.iter().map(|i| name(i).to_owned()).collect();
    let chosen: Vec<T> = items.into_iter().filter(|i| name(i) == wanted).collect();
    if chosen.is_empty() {
        return Err(format!("the stack has no cluster `{wanted}` (clusters: {})", names.join(", ")));
    }
    Ok(chosen)
}

/// The one cluster `arg` selects; with several clusters, `--cluster` is required.
fn select_one<T>(items: Vec<T>, name: impl Fn(&T) -> &str, arg: &ClusterArg) -> Result<T, i32> {
    try_select_one(items, name, arg).map_err(|e| {
        eprintln!("error: {e}");
        exit::INPUT
    })
}

/// The one cluster `arg` selects, or why not.
fn try_select_one<T>(items: Vec<T>, name: impl Fn(&T) -> &str, arg: &ClusterArg) -> Result<T, String> {
    let names: Vec<String> = items.iter().map(|i| name(i).to_owned()).collect();
    let mut chosen = try_select(items, name, arg)?;
    if chosen.len() > 1 {
        return Err(format!("the stack declares clusters {}; choose one with `--cluster NAME`", names.join(", ")));
    }
    chosen.pop().ok_or_else(|| "the stack declares no cluster".to_owned())
}

/// Print diagnostics to stderr.
fn print_diagnostics(d: &crate::diagnostic::Diagnostics, name: &str, source: &str, format: Format) {
    use std::io::Write;
    // An unwritable stderr leaves nothing to tell; the exit code still says it.
    let _ = std::io::stderr().write_all(report::render(d, name, source, format, color()).as_bytes());
}
