//! Work shared out over threads: each takes the next item until none is
//! left, so a slow item does not hold up the others' share.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Calls `f(i, item)` for every item on `workers` threads (at least one),
/// returning when all are done.
pub fn each<T: Sync>(items: &[T], workers: usize, f: impl Fn(usize, &T) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    f(i, item);
                }
            });
        }
    });
}
