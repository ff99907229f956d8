//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stackc::render::{RenderOptions, Tree};

/// The benchmark's stack generator (`cargo run --example gen_stack`).
#[path = "../examples/gen_stack.rs"]
#[allow(dead_code)]
pub mod gen_stack;
use stackc::secrets::{SecretId, SecretStore};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compile stack source with the built-in templates, no stored app
/// secrets, and the Secrets its platform reads ([`platform_store`]).
pub fn compile(source: &str) -> Result<Tree, String> {
    compile_with(source, platform_store(source))
}

/// The seed's store file of a Secret the platform reads: Linkerd's identity
/// or a DNS-01 token (encrypted to the demo recipient).
fn seed_platform_file(namespace: &str) -> stackc::secrets::StoredSecret {
    let seed = match namespace {
        "linkerd" => SecretId::new("linkerd", "linkerd-identity"),
        _ => SecretId::new("cert-manager", "cloudflare-api-token"),
    };
    stackc::secrets::files::read_stored(&root(), &seed).expect("the seed stores the platform's secrets")
}

/// Every Secret the platform of `source` reads (Linkerd's identity, DNS-01
/// tokens), in every cluster's store, with the seed's values: for tests
/// that are not about those Secrets. Empty when `source` does not resolve.
pub fn platform_store(source: &str) -> SecretStore {
    let mut store = SecretStore::default();
    for stack in stackc::resolve(source).unwrap_or_default() {
        for p in stackc::check::platform_secrets::platform_secrets(&stack.platform) {
            let id = SecretId::new(p.namespace, &p.secret.name.value).in_scope(stack.store_scope.as_deref());
            let mut stored = seed_platform_file(p.namespace);
            stored.path = id.store_path();
            store.insert(id, stored);
        }
    }
    store
}

/// Writes [`platform_store`]'s files into the store beside a stack in `dir`.
pub fn write_platform_secrets(dir: &Path, source: &str) {
    for (id, stored) in platform_store(source).iter() {
        let path = dir.join(id.store_path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &stored.text).unwrap();
    }
}

/// Compile stack source with the secret store of `dir` (the stack's directory).
pub fn compile_in(dir: &Path, source: &str) -> Result<Tree, String> {
    let mut store = stackc::secrets::load_store(dir).expect("store loads");
    stackc::secrets::project_files::load(dir, source, &mut store);
    compile_with(source, store)
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
///
/// The Secrets its platform reads are in its store ([`write_platform_secrets`]).
pub fn project(stack: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.kdl"), stack).unwrap();
    write_platform_secrets(dir.path(), stack);
    dir
}
