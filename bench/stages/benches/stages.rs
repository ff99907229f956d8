//! Criterion benchmarks of the pipeline stages, each on its own input made
//! once beforehand: parse, lower + check, derive, verify (the network proof)
//! and render, on the repository's `stack.kdl` and on a generated stack of
//! 1000 apps (`examples/gen_stack.rs`, seed 42, made in process).
//!
//! ```sh
//! cd bench/stages && cargo bench                    # every stage, both stacks
//! cd bench/stages && cargo bench -- 'n1000/derive'  # a filter
//! ```
//!
//! Criterion keeps the last run in `target/criterion/` and reports the
//! change against it. Each timing includes dropping the stage's output. The seed stack is read with its `templates/` overrides
//! and its secret store, as `stackc build` reads it.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use stackc::render::RenderOptions;
use stackc::secrets::SecretStore;

#[allow(dead_code)] // its `main` and `--json` are the example binary's
#[path = "../../../examples/gen_stack.rs"]
mod gen_stack;

/// One stack and what each stage needs as input.
struct Input {
    name: &'static str,
    source: String,
    secrets: SecretStore,
    options: RenderOptions,
}

fn seed() -> Input {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    Input {
        name: "seed",
        source: std::fs::read_to_string(root.join("stack.kdl")).expect("the repository's stack.kdl"),
        secrets: stackc::secrets::load_store(&root).expect("the secret store beside stack.kdl"),
        options: RenderOptions { source_name: "stack.kdl".to_owned(), templates: templates(&root) },
    }
}

/// The generated stack of `docs/performance.md`'s N = 1000 rows.
fn n1000() -> Input {
    Input {
        name: "n1000",
        source: gen_stack::stack_kdl(1000, 42),
        secrets: SecretStore::default(),
        options: RenderOptions { source_name: "stack.kdl".to_owned(), templates: BTreeMap::new() },
    }
}

/// `*.j2` files of `templates/` beside the stack, as `stackc build` reads them.
fn templates(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir.join("templates")).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".j2") {
            out.insert(name, std::fs::read_to_string(entry.path()).expect("a readable template"));
        }
    }
    out
}

fn stages(c: &mut Criterion, input: &Input) {
    let document = stackc::syntax::parse(&input.source).expect("the stack parses");
    let resolved = stackc::check::check(stackc::model::lower(&document).expect("lowers")).expect("checks").remove(0);
    let derived = stackc::derive::derive(&resolved, &input.secrets).expect("derives");

    let mut group = c.benchmark_group(input.name);
    if input.name != "seed" {
        // Tens to hundreds of milliseconds an iteration: fewer, longer samples.
        group.sample_size(10).measurement_time(Duration::from_secs(8));
    }
    group.bench_function("parse", |b| b.iter(|| stackc::syntax::parse(black_box(&input.source))));
    group.bench_function("lower+check", |b| {
        b.iter(|| stackc::check::check(stackc::model::lower(black_box(&document)).expect("lowers")))
    });
    group.bench_function("derive", |b| b.iter(|| stackc::derive::derive(black_box(&resolved), &input.secrets)));
    group.bench_function("verify", |b| b.iter(|| stackc::verify::verify(black_box(&resolved), &derived)));
    group.bench_function("render", |b| b.iter(|| stackc::render::render(&[black_box(&derived)], &input.options)));
    group.finish();
}

fn benches(c: &mut Criterion) {
    stages(c, &seed());
    stages(c, &n1000());
}

criterion_group!(all, benches);
criterion_main!(all);
