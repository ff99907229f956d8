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
//! [`compile`] runs stages 1–6; only [`emit`] and [`cli`] touch the file system.

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

/// Run stages 1–4: source text to derived objects, not yet verified.
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn analyze(source: &str) -> Result<(check::ResolvedStack, derive::Derived), Diagnostics> {
    let document = syntax::parse(source)?;
    let stack = model::lower(&document)?;
    let resolved = check::check(stack)?;
    let derived = derive::derive(&resolved)?;
    Ok((resolved, derived))
}

/// Run stages 1–5: source text to the rendered tree.
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn compile(source: &str, options: &render::RenderOptions) -> Result<Compiled, Diagnostics> {
    let (stack, derived) = analyze(source)?;
    verify::verify(&stack, &derived)?;
    let tree = render::render(&derived, options)?;
    Ok(Compiled {
        stack,
        derived,
        tree,
    })
}
