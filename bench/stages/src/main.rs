//! Times each stage of the stackc pipeline on one stack file. The stages are
//! called one by one as `stackc::compile` and `stackc build` call them; when
//! the pipeline changes, change them here too.
//!
//! ```sh
//! cd bench/stages && cargo run --release -- STACK.kdl [REPEATS]
//! cd bench/stages && cargo run --release -- --proof STACK.kdl [REPEATS]   # the network proof alone
//! cd bench/stages && cargo run --release -- --model STACK.kdl   # what the proof's model holds
//! cd bench/stages && cargo run --release -- --timeline STACK.kdl   # live heap over one compile
//! ```
//!
//! Prints, per stage, the median wall time over REPEATS runs (default 3), the
//! bytes the stage allocated, its peak live heap above what was live when it
//! started, and what it leaves live (its output), from a counting global
//! allocator; then the peak live heap of one whole compile + write + check.
//! Each round writes into a fresh temporary directory, removed at the end.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Relaxed);
        let live = LIVE.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size, Relaxed);
        let live = LIVE.fetch_add(new_size, Relaxed) + new_size - layout.size();
        LIVE.fetch_sub(layout.size(), Relaxed);
        PEAK.fetch_max(live, Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

struct Stage {
    name: &'static str,
    times: Vec<Duration>,
    /// Bytes allocated during the stage.
    bytes: usize,
    /// Peak live heap during the stage, above the live heap at its start.
    peak: usize,
    /// Live heap the stage leaves behind (its output), signed.
    kept: isize,
}

fn timed<T>(stages: &mut Vec<Stage>, name: &'static str, f: impl FnOnce() -> T) -> T {
    let before = ALLOCATED.load(Relaxed);
    let live = LIVE.load(Relaxed);
    let outer_peak = PEAK.swap(live, Relaxed);
    let started = Instant::now();
    let value = f();
    let elapsed = started.elapsed();
    let bytes = ALLOCATED.load(Relaxed) - before;
    let stage_peak = PEAK.load(Relaxed);
    PEAK.fetch_max(outer_peak, Relaxed);
    let peak = stage_peak - live;
    let kept = LIVE.load(Relaxed) as isize - live as isize;
    match stages.iter_mut().find(|s| s.name == name) {
        Some(s) => {
            s.times.push(elapsed);
            (s.bytes, s.peak, s.kept) = (bytes, peak, kept);
        }
        None => stages.push(Stage {
            name,
            times: vec![elapsed],
            bytes,
            peak,
            kept,
        }),
    }
    value
}

/// `--parse STACK [REPEATS]`: stage 1 alone, both readers, best and median
/// of the runs, in MB/s (the minimum is the figure least disturbed by load).
fn parse_only(stack_path: &str, repeats: usize) {
    let source = std::fs::read_to_string(stack_path).unwrap();
    let mb = source.len() as f64 / 1e6;
    type Reader = fn(&str) -> bool;
    let readers: [(&str, Reader); 2] = [
        ("syntax::parse (fast reader)", |s| stackc::syntax::parse(s).is_ok()),
        ("syntax::parse_with_kdl (the kdl crate)", |s| stackc::syntax::parse_with_kdl(s).is_ok()),
    ];
    println!("reader\tbest_ms\tmedian_ms\tbest_MB/s\tallocated_MB");
    for (name, read) in readers {
        let mut times = Vec::new();
        let mut allocated = 0;
        for _ in 0..repeats {
            let before = ALLOCATED.load(Relaxed);
            let started = Instant::now();
            assert!(read(&source));
            times.push(started.elapsed());
            allocated = ALLOCATED.load(Relaxed) - before;
        }
        times.sort();
        let (best, median) = (times[0].as_secs_f64(), times[times.len() / 2].as_secs_f64());
        println!("{name}\t{:.1}\t{:.1}\t{:.1}\t{:.1}", best * 1e3, median * 1e3, mb / best, allocated as f64 / 1e6);
    }
}

/// `--proof STACK [REPEATS]`: stage 5's network proof alone, on a stack
/// analyzed once beforehand: best and median time, bytes allocated and the
/// peak live heap of one run above what was live before it. Also the program
/// to run under `valgrind --tool=callgrind` for the proof's instructions.
fn proof_only(stack_path: &str, repeats: usize) {
    let source = std::fs::read_to_string(stack_path).unwrap();
    let dir = Path::new(stack_path).parent().unwrap_or(Path::new("."));
    let secrets = stackc::secrets::load_store(dir).unwrap();
    let stackc::Analyzed { stack, derived } = stackc::analyze(&source, &secrets).unwrap().remove(0);
    let mut times = Vec::new();
    let (mut allocated, mut peak) = (0, 0);
    let mut proof = None;
    for _ in 0..repeats {
        let live = LIVE.load(Relaxed);
        PEAK.store(live, Relaxed);
        let before = ALLOCATED.load(Relaxed);
        let started = Instant::now();
        proof = Some(stackc::verify::verify(&stack, &derived).unwrap());
        times.push(started.elapsed());
        allocated = ALLOCATED.load(Relaxed) - before;
        peak = PEAK.load(Relaxed) - live;
    }
    times.sort();
    let (best, median) = (times[0].as_secs_f64(), times[times.len() / 2].as_secs_f64());
    println!("{:?}", proof.unwrap());
    println!("proof\tbest_ms\tmedian_ms\tallocated_MB\tpeak_MB");
    println!("verify\t{:.1}\t{:.1}\t{:.1}\t{:.1}", best * 1e3, median * 1e3, allocated as f64 / 1e6, peak as f64 / 1e6);
}

/// `--model STACK`: what the network proof's model holds, part by part:
/// live bytes of the parsed policies and pods, the peak and kept bytes of
/// the evaluator's tables built over them, and the derive graph (a copy).
fn model_only(stack_path: &str) {
    let source = std::fs::read_to_string(stack_path).unwrap();
    let dir = Path::new(stack_path).parent().unwrap_or(Path::new("."));
    let secrets = stackc::secrets::load_store(dir).unwrap();
    let stackc::Analyzed { stack, derived } = stackc::analyze(&source, &secrets).unwrap().remove(0);
    let mb = |b: usize| b as f64 / 1e6;
    let live = LIVE.load(Relaxed);
    PEAK.store(live, Relaxed);
    let cluster = stackc::verify::cluster(&stack, &derived).unwrap();
    let (cl_live, cl_peak) = (LIVE.load(Relaxed) - live, PEAK.load(Relaxed) - live);
    let pods_only = stackc::verify::cluster_of(&stack, &derived.graph, Vec::new());
    let pods_live = LIVE.load(Relaxed) - live - cl_live;
    drop(pods_only);
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    let evaluator = cluster.evaluator();
    let (ev_live, ev_peak) = (LIVE.load(Relaxed) - before, PEAK.load(Relaxed) - before);
    let before = LIVE.load(Relaxed);
    let nodes = derived.graph.nodes.clone();
    let nodes_live = LIVE.load(Relaxed) - before;
    let graph = stackc::derive::Graph::new(nodes, derived.graph.edges.clone());
    let graph_live = LIVE.load(Relaxed) - before;
    drop(graph);
    println!("part\tlive_MB\tpeak_MB");
    println!("cluster (pods + policies)\t{:.1}\t{:.1}", mb(cl_live), mb(cl_peak));
    println!("  of which pods\t{:.1}\t", mb(pods_live));
    println!("evaluator (tables, order)\t{:.1}\t{:.1}", mb(ev_live), mb(ev_peak));
    println!("derive graph (nodes, edges, lookups)\t{:.1}\t", mb(graph_live));
    println!("  of which nodes\t{:.1}\t", mb(nodes_live));
    println!("pods {} policies {}", cluster.pods.len(), cluster.policies.len());
    drop(evaluator);
}

/// `--timeline STACK`: one `stackc::compile`, and every 20 ms the peak live
/// heap of the last 20 ms: where in the pipeline the build's peak is.
fn timeline(stack_path: &str) {
    let source = std::fs::read_to_string(stack_path).unwrap();
    let dir = Path::new(stack_path).parent().unwrap_or(Path::new("."));
    let secrets = stackc::secrets::load_store(dir).unwrap();
    let render = stackc::render::RenderOptions { source_name: "stack.kdl".into(), templates: read_templates(dir) };
    let options = stackc::CompileOptions { render, secrets, repository: String::new() };
    let done = std::sync::atomic::AtomicBool::new(false);
    let base = LIVE.load(Relaxed);
    println!("ms\tpeak_MB");
    std::thread::scope(|s| {
        s.spawn(|| {
            let started = Instant::now();
            while !done.load(Relaxed) {
                let peak = PEAK.swap(LIVE.load(Relaxed), Relaxed);
                println!("{:.0}\t{:.1}", started.elapsed().as_secs_f64() * 1e3, (peak - base) as f64 / 1e6);
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let compiled = stackc::compile(&source, &options).unwrap();
        done.store(true, Relaxed);
        drop(compiled);
    });
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.next_if_eq("--timeline").is_some() {
        timeline(&args.next().expect("usage: stackc-stages --timeline STACK.kdl"));
        return;
    }
    if args.next_if_eq("--model").is_some() {
        model_only(&args.next().expect("usage: stackc-stages --model STACK.kdl"));
        return;
    }
    if args.next_if_eq("--parse").is_some() {
        let stack_path = args.next().expect("usage: stackc-stages --parse STACK.kdl [REPEATS]");
        parse_only(&stack_path, args.next().and_then(|r| r.parse().ok()).unwrap_or(9));
        return;
    }
    if args.next_if_eq("--proof").is_some() {
        let stack_path = args.next().expect("usage: stackc-stages --proof STACK.kdl [REPEATS]");
        proof_only(&stack_path, args.next().and_then(|r| r.parse().ok()).unwrap_or(9));
        return;
    }
    let Some(stack_path) = args.next() else {
        eprintln!("usage: stackc-stages STACK.kdl [REPEATS] | --parse STACK.kdl [REPEATS] | --proof STACK.kdl [REPEATS] | --model STACK.kdl | --timeline STACK.kdl");
        std::process::exit(2);
    };
    let repeats: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let out_root = std::env::temp_dir().join(format!("stackc-stages-{}", std::process::id()));
    let mut stages: Vec<Stage> = Vec::new();
    let mut peak = 0;
    // What `stackc build` reads besides the stack: the encrypted secret store
    // and the `templates/*.j2` overrides beside the stack file.
    let stack_dir = Path::new(&stack_path).parent().unwrap_or(Path::new(".")).to_path_buf();
    let secrets = stackc::secrets::load_store(&stack_dir).unwrap();
    let templates = read_templates(&stack_dir);
    if !templates.is_empty() {
        eprintln!("templates beside the stack (overrides): {:?}", templates.keys().collect::<Vec<_>>());
    }
    for round in 0..repeats {
        // A fresh directory per round, and nothing deleted until the end: on
        // ext4 without a journal, creating files shortly after deleting many
        // is slow (the kernel skips recently deleted inodes one by one).
        let out_dir = out_root.join(round.to_string());
        PEAK.store(LIVE.load(Relaxed), Relaxed);
        let base = LIVE.load(Relaxed);
        let source = timed(&mut stages, "read", || std::fs::read_to_string(&stack_path).unwrap());
        let document = timed(&mut stages, "parse (syntax)", || stackc::syntax::parse(&source).unwrap());
        timed(&mut stages, "compare: parse with the kdl crate alone", || {
            drop(stackc::syntax::parse_with_kdl(&source).unwrap());
        });
        let stack = timed(&mut stages, "lower (model)", || stackc::model::lower(&document).unwrap());
        let resolved = timed(&mut stages, "check", || stackc::check::check(stack).unwrap().remove(0));
        let derived = timed(&mut stages, "derive", || stackc::derive::derive(&resolved, &secrets).unwrap());
        timed(&mut stages, "verify (network proof)", || stackc::verify::verify(&resolved, &derived).unwrap());
        let report = timed(&mut stages, "verify: kyverno policies", || stackc::verify::policies(&derived).unwrap());
        let options = stackc::render::RenderOptions {
            source_name: Path::new(&stack_path)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            templates: templates.clone(),
        };
        let mut tree = timed(&mut stages, "render", || stackc::render::render(&[&derived], &options).unwrap());
        timed(&mut stages, "render: kyverno tests", || {
            tree.files.extend(stackc::render::kyverno_tests::files(&derived, &report, &Default::default()).unwrap());
        });
        let output = timed(&mut stages, "emit: open (lock)", || stackc::emit::Output::open(&out_dir).unwrap());
        let plan = timed(&mut stages, "emit: plan (empty dir)", || output.plan(&tree).unwrap());
        timed(&mut stages, "emit: write", || output.write(&tree, &plan).unwrap());
        drop(output);
        let again = timed(&mut stages, "emit: plan (--check, clean)", || {
            stackc::emit::plan(&tree, &out_dir).unwrap()
        });
        assert!(again.is_clean());
        peak = PEAK.load(Relaxed) - base;
        if round == 0 {
            let bytes: usize = tree.files.values().map(Vec::len).sum();
            eprintln!(
                "{}: {} files, {:.1} MB of output",
                stack_path,
                tree.files.len(),
                bytes as f64 / 1e6
            );
        }
        drop((document, resolved, derived, tree));
        // Stages 1–6 as `stackc build` runs them: app namespaces derived,
        // checked and rendered on every core, their trees dropped as it goes.
        let compile_options = stackc::CompileOptions { render: options, secrets: secrets.clone(), repository: String::new() };
        // Kept: what the build holds while it writes (the stacks, the derived
        // objects' metadata, the files).
        let compiled = timed(&mut stages, "compare: stackc::compile (parse..render, as build runs it)", || {
            stackc::compile(&source, &compile_options).unwrap()
        });
        drop(compiled);
    }
    let _ = std::fs::remove_dir_all(&out_root);
    let median = |s: &Stage| {
        let mut t = s.times.clone();
        t.sort();
        t[t.len() / 2]
    };
    let total: Duration = stages.iter().filter(|s| !s.name.contains("--check") && !s.name.starts_with("compare:")).map(median).sum();
    println!("stage\tmedian_ms\tshare\tallocated_MB\tstage_peak_MB\tkept_MB");
    for s in &stages {
        let m = median(s);
        println!(
            "{}\t{:.1}\t{:.1}%\t{:.1}\t{:.1}\t{:.1}",
            s.name,
            m.as_secs_f64() * 1e3,
            100.0 * m.as_secs_f64() / total.as_secs_f64(),
            s.bytes as f64 / 1e6,
            s.peak as f64 / 1e6,
            s.kept as f64 / 1e6
        );
    }
    println!("build total (read..write)\t{:.1}\t100%", total.as_secs_f64() * 1e3);
    println!("peak live heap of the whole build: {:.1} MB", peak as f64 / 1e6);
}

/// `*.j2` files of the `templates/` directory beside the stack, as `stackc build` reads them.
fn read_templates(stack_dir: &Path) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(stack_dir.join("templates")) else {
        return out;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".j2") {
            out.insert(name, std::fs::read_to_string(entry.path()).unwrap());
        }
    }
    out
}
