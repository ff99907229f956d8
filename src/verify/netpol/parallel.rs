//! Work shared out among threads, with results in a fixed order (for the
//! tables here and for the proof in `verify`): items
//! `0..len` go in chunks to up to `available_parallelism` scoped threads,
//! each taking the next chunk when done with one (so cheap and costly
//! chunks even out), and the results come back in chunk order, as a
//! single thread would give them.

use std::num::NonZeroUsize;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Chunks per thread: enough for a thread with cheap chunks to take over
/// the work of one with costly chunks.
const CHUNKS_PER_THREAD: usize = 16;

/// `work` on consecutive ranges covering `0..len`, results in range order.
/// Fewer than `per_thread` items per thread are not worth a thread; on one
/// thread, `work` runs once on `0..len`.
pub(in crate::verify) fn in_order<T: Send>(
    len: usize,
    per_thread: usize,
    work: impl Fn(Range<usize>) -> T + Sync,
) -> Vec<T> {
    let threads = thread::available_parallelism().map_or(1, NonZeroUsize::get).min(len / per_thread.max(1));
    if threads <= 1 {
        return vec![work(0..len)];
    }
    let size = len.div_ceil(threads * CHUNKS_PER_THREAD);
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut done = Vec::new();
        loop {
            let chunk = next.fetch_add(1, Ordering::Relaxed);
            let start = chunk * size;
            if start >= len {
                return done;
            }
            done.push((chunk, work(start..len.min(start + size))));
        }
    };
    let mut done = thread::scope(|s| {
        let helpers: Vec<_> = (1..threads).map(|_| s.spawn(worker)).collect();
        let mut done = worker();
        for helper in helpers {
            done.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        done
    });
    done.sort_unstable_by_key(|&(chunk, _)| chunk);
    done.into_iter().map(|(_, result)| result).collect()
}
