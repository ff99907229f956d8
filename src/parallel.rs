//! Work on every core with results in input order, so that what runs in
//! parallel never changes the output: items go in chunks to up to
//! [`threads`] scoped threads (the calling one included), each taking the
//! next chunk when done with one (so cheap and costly chunks even out), and
//! the results come back in chunk order, as a single thread would give them.

use std::num::NonZero;
use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

/// Chunks per thread: enough for a thread with cheap chunks to take over
/// the work of one with costly chunks.
const CHUNKS_PER_THREAD: usize = 16;

/// `work` on consecutive ranges covering `0..len`, results in range order.
/// Fewer than `per_thread` items per thread are not worth a thread; on one
/// thread, `work` runs once on `0..len`.
pub fn in_order<T: Send>(len: usize, per_thread: usize, work: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let threads = threads().min(len / per_thread.max(1));
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

/// How many threads to use: the cores the process may run on, at most 8.
#[must_use]
pub fn threads() -> usize {
    thread::available_parallelism().map_or(1, NonZero::get).min(8)
}

/// `items.iter().map(f).collect()` with [`in_order`], for items each worth
/// a thread (an app namespace, say).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    in_order(items.len(), 1, |range| items[range].iter().map(&f).collect::<Vec<R>>()).into_iter().flatten().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_input_order() {
        let items: Vec<u64> = (0..10_000).collect();
        let work = |i: &u64| (0..(i % 97) * 50).fold(*i, |a, b| a.wrapping_mul(31).wrapping_add(b));
        // Uneven work, so threads finish out of order.
        let serial: Vec<u64> = items.iter().map(work).collect();
        assert_eq!(super::map(&items, work), serial);
        let chunks = super::in_order(items.len(), 100, |r| items[r].iter().map(work).collect::<Vec<_>>());
        assert_eq!(chunks.concat(), serial);
    }
}
