//! Work on every core with results in input order, so that what runs in
//! parallel never changes the output.

use std::num::NonZero;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How many threads to use: the cores the process may run on, at most 8.
#[must_use]
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, NonZero::get).min(8)
}

/// `items.iter().map(f).collect()`, with the items shared out one at a time
/// among [`threads`] threads (uneven items balance themselves). The result is
/// in the order of `items` whatever the thread timing.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads().min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { return done };
            done.push((i, f(item)));
        }
    };
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_input_order() {
        let items: Vec<u64> = (0..10_000).collect();
        // Uneven work, so threads finish out of order.
        let out = super::map(&items, |i| (0..(i % 97) * 50).fold(*i, |a, b| a.wrapping_mul(31).wrapping_add(b)));
        let serial: Vec<u64> =
            items.iter().map(|i| (0..(i % 97) * 50).fold(*i, |a, b| a.wrapping_mul(31).wrapping_add(b))).collect();
        assert_eq!(out, serial);
    }
}
