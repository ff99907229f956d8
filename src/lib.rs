//! `stackc` compiles one typed `stack.kdl` into a rendered GitOps tree.
//!
//! The pipeline, one module per stage, each with one entry point:
//!
//! 1. [`syntax`]: KDL text → [`syntax::Document`]
//! 2. [`model`]: Document → [`model::Stack`] (typed, names unresolved)
//! 3. [`check`]: Stack → one [`check::ResolvedStack`] per cluster (every reference resolved)
//! 4. [`derive`](mod@derive): ResolvedStack → [`derive::Derived`] (objects and policies)
//! 5. [`verify`]: proof that the derived policies allow exactly the graph
//! 6. [`render`]: every cluster's Derived → one [`render::Tree`] (path → bytes)
//! 7. [`emit`]: Tree → `out/` (atomic write, or a drift report for `--check`)
//!
//! [`compile`] runs stages 1–6 on the stack source and the encrypted secret
//! store ([`secrets::SecretStore`], loaded beside the stack by the CLI); only
//! [`emit`], [`secrets`] and [`cli`] touch the file system. [`lsp`] runs
//! stages 1–6 for an editor, in memory (`stackc lsp`).

pub mod build;
pub mod charts;
pub mod check;
pub mod cli;
pub mod derive;
pub mod diagnostic;
pub mod emit;
pub mod fmt;
pub mod import;
pub mod labels;
pub mod lsp;
pub mod model;
pub mod parallel;
pub mod render;
pub mod review;
pub mod secrets;
pub mod syntax;
pub mod verify;

pub use build::compile;
use diagnostic::Diagnostics;

/// The result of compiling a stack: every stage's output.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// One per cluster, in declaration order.
    pub clusters: Vec<Analyzed>,
    /// The rendered tree of every cluster.
    pub tree: render::Tree,
}

/// One cluster of a stack, resolved and derived.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub stack: check::ResolvedStack,
    pub derived: derive::Derived,
}

/// What a compilation reads besides the stack source.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Templates and the source name for file headers.
    pub render: render::RenderOptions,
    /// The encrypted values of the stack's Secrets (ciphertexts only).
    pub secrets: secrets::SecretStore,
    /// The output directory relative to the root of the Git repository
    /// holding it (`""`: the output directory is that root), as `stackc
    /// build` finds it; a cluster's `git path=` wins. The engine's paths
    /// (Flux Kustomizations, Argo CD Applications) start there.
    pub repository: String,
}

/// Run stages 1–3: source text to the resolved stack, one per cluster (what
/// the `secrets` commands need).
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn resolve(source: &str) -> Result<Vec<check::ResolvedStack>, Diagnostics> {
    let document = syntax::parse(source)?;
    let stack = model::lower(&document)?;
    check::check(stack)
}

/// Run stages 1–4: source text and store to derived objects, one per
/// cluster, not yet verified.
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn analyze(source: &str, secrets: &secrets::SecretStore) -> Result<Vec<Analyzed>, Diagnostics> {
    let mut analyzed = Vec::new();
    let mut d = Diagnostics::default();
    for stack in resolve(source)? {
        match derive::derive(&stack, secrets) {
            Ok(derived) => analyzed.push(Analyzed { stack, derived }),
            Err(e) => d.extend(e),
        }
    }
    if d.has_errors() { Err(d) } else { Ok(analyzed) }
}
