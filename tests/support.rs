//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stackc::render::{RenderOptions, Tree};

/// The benchmark's stack generator (`cargo run --example gen_stack`).
#[path = "../examples/gen_stack.rs"]
#[allow(dead_code)]
pub mod gen_stack;
use stackc::secrets::SecretStore;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compile stack source with the built-in templates and no stored secrets.
pub fn compile(source: &str) -> Result<Tree, String> {
    compile_with(source, SecretStore::default())
}

/// Compile stack source with the secret store of `dir` (the stack's directory).
pub fn compile_in(dir: &Path, source: &str) -> Result<Tree, String> {
    compile_with(source, stackc::secrets::load_store(dir).expect("store loads"))
}

fn compile_with(source: &str, secrets: SecretStore) -> Result<Tree, String> {
    let options = stackc::CompileOptions {
        render: RenderOptions { source_name: "stack.kdl".into(), templates: Default::default() },
        secrets,
        repository: String::new(),
    };
    stackc::compile(source, &options).map(|c| c.tree).map_err(|d| render_diagnostics(&d, source))
}

/// Human diagnostics without colour, as the CLI prints them.
pub fn render_diagnostics(d: &stackc::diagnostic::Diagnostics, source: &str) -> String {
    stackc::cli::report::render(d, "stack.kdl", source, stackc::cli::Format::Human, false)
}

/// The whole tree as one text: every file under a `=== path` header.
pub fn tree_text(tree: &Tree) -> String {
    let mut out = String::new();
    for (path, bytes) in &tree.files {
        out.push_str("=== ");
        out.push_str(path);
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(bytes));
    }
    out
}

/// Run the stackc binary in `dir`.
pub fn stackc(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackc"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("stackc runs")
}

/// Every file below `dir` with its bytes, for before/after comparisons.
pub fn snapshot_dir(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push((path.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

/// A temporary project directory holding `stack.kdl`.
pub fn project(stack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.kdl"), stack).unwrap();
    dir
}
