//! Times each stage of the stackc pipeline on one stack file.
//!
//! ```sh
//! cd bench/stages && cargo run --release -- STACK.kdl [REPEATS]
//! ```
//!
//! Prints, per stage, the median wall time over REPEATS runs (default 3) and
//! the bytes allocated by the stage (a counting global allocator), then the
//! peak live heap of one whole in-process compile + write + check.

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
    bytes: usize,
}

fn timed<T>(stages: &mut Vec<Stage>, name: &'static str, f: impl FnOnce() -> T) -> T {
    let before = ALLOCATED.load(Relaxed);
    let started = Instant::now();
    let value = f();
    let elapsed = started.elapsed();
    let bytes = ALLOCATED.load(Relaxed) - before;
    match stages.iter_mut().find(|s| s.name == name) {
        Some(s) => {
            s.times.push(elapsed);
            s.bytes = bytes;
        }
        None => stages.push(Stage {
            name,
            times: vec![elapsed],
            bytes,
        }),
    }
    value
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(stack_path) = args.next() else {
        eprintln!("usage: stackc-stages STACK.kdl [REPEATS]");
        std::process::exit(2);
    };
    let repeats: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let out_root = std::env::temp_dir().join(format!("stackc-stages-{}", std::process::id()));
    let mut stages: Vec<Stage> = Vec::new();
    let mut peak = 0;
    for round in 0..repeats {
        let _ = std::fs::remove_dir_all(&out_root);
        PEAK.store(LIVE.load(Relaxed), Relaxed);
        let base = LIVE.load(Relaxed);
        let source = timed(&mut stages, "read", || std::fs::read_to_string(&stack_path).unwrap());
        let document = timed(&mut stages, "parse (syntax)", || stackc::syntax::parse(&source).unwrap());
        let stack = timed(&mut stages, "lower (model)", || stackc::model::lower(&document).unwrap());
        let resolved = timed(&mut stages, "check", || stackc::check::check(stack).unwrap());
        let derived = timed(&mut stages, "derive", || stackc::derive::derive(&resolved).unwrap());
        timed(&mut stages, "verify", || stackc::verify::verify(&resolved, &derived).unwrap());
        let options = stackc::render::RenderOptions {
            source_name: Path::new(&stack_path)
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
            templates: Default::default(),
        };
        let tree = timed(&mut stages, "render", || stackc::render::render(&derived, &options).unwrap());
        let plan = timed(&mut stages, "emit: plan (empty dir)", || stackc::emit::plan(&tree, &out_root).unwrap());
        timed(&mut stages, "emit: write", || stackc::emit::write(&tree, &out_root, &plan).unwrap());
        let again = timed(&mut stages, "emit: plan (--check, clean)", || {
            stackc::emit::plan(&tree, &out_root).unwrap()
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
    }
    let _ = std::fs::remove_dir_all(&out_root);
    let median = |s: &Stage| {
        let mut t = s.times.clone();
        t.sort();
        t[t.len() / 2]
    };
    let total: Duration = stages.iter().filter(|s| !s.name.contains("--check")).map(median).sum();
    println!("stage\tmedian_ms\tshare\tallocated_MB");
    for s in &stages {
        let m = median(s);
        println!(
            "{}\t{:.1}\t{:.1}%\t{:.1}",
            s.name,
            m.as_secs_f64() * 1e3,
            100.0 * m.as_secs_f64() / total.as_secs_f64(),
            s.bytes as f64 / 1e6
        );
    }
    println!("build total (read..write)\t{:.1}\t100%\t", total.as_secs_f64() * 1e3);
    println!("peak live heap\t\t\t{:.1}", peak as f64 / 1e6);
}
