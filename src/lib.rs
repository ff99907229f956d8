//! `stackc` compiles one typed `stack.kdl` into a rendered GitOps tree.
//!
//! The pipeline, one module per stage, each with one entry point:
//!
//! 1. [`syntax`]: KDL text → [`syntax::Document`]
//! 2. [`model`]: Document → [`model::Stack`] (typed, names unresolved)
//! 3. [`check`]: Stack → [`check::ResolvedStack`] (every reference resolved)
//! 4. [`derive`](mod@derive): ResolvedStack → [`derive::Derived`] (objects and policies)
//! 5. [`verify`]: proof that the derived policies allow exactly the graph
//! 6. [`render`]: Derived → [`render::Tree`] (path → bytes)
//! 7. [`emit`]: Tree → `out/` (atomic write, or a drift report for `--check`)
//!
//! [`compile`] runs stages 1–6 on the stack source and the encrypted secret
//! store ([`secrets::SecretStore`], loaded beside the stack by the CLI); only
//! [`emit`], [`secrets`] and [`cli`] touch the file system.

pub mod check;
pub mod cli;
pub mod derive;
pub mod diagnostic;
pub mod emit;
pub mod model;
pub mod render;
pub mod review;
pub mod secrets;
pub mod syntax;
pub mod verify;

use diagnostic::Diagnostics;

/// The result of compiling a stack: every stage's output.
#[derive(Debug, Clone)]
pub struct Compiled {
    pub stack: check::ResolvedStack,
    pub derived: derive::Derived,
    pub tree: render::Tree,
}

/// What a compilation reads besides the stack source.
#[derive(Debug, Clone, Default)]
pub struct CompileOptions {
    /// Templates and the source name for file headers.
    pub render: render::RenderOptions,
    /// The encrypted values of the stack's Secrets (ciphertexts only).
    pub secrets: secrets::SecretStore,
}

/// Run stages 1–3: source text to the resolved stack (what the `secrets`
/// commands need).
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn resolve(source: &str) -> Result<check::ResolvedStack, Diagnostics> {
    let document = syntax::parse(source)?;
    let stack = model::lower(&document)?;
    check::check(stack)
}

/// Run stages 1–4: source text and store to derived objects, not yet verified.
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn analyze(
    source: &str,
    secrets: &secrets::SecretStore,
) -> Result<(check::ResolvedStack, derive::Derived), Diagnostics> {
    let resolved = resolve(source)?;
    let derived = derive::derive(&resolved, secrets)?;
    Ok((resolved, derived))
}

/// Run stages 1–6: source text and store to the rendered tree. Warnings are
/// in `derived.warnings`.
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn compile(source: &str, options: &CompileOptions) -> Result<Compiled, Diagnostics> {
    let (stack, derived) = analyze(source, &options.secrets)?;
    verify::verify(&stack, &derived)?;
    let report = verify::policies(&derived)?;
    let mut tree = render::render(&derived, &options.render)?;
    tree.files.extend(render::kyverno_tests::files(&derived, &report));
    Ok(Compiled { stack, derived, tree })
}
