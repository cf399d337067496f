//! Splitting CPU work over the machine's cores, deterministically: the work
//! is cut into a fixed number of chunks whatever the core count, and results
//! come back in chunk order, so sums are the same bit for bit everywhere.

use std::ops::Range;

/// How many pieces the work is cut into (not the thread count).
const CHUNKS: usize = 8;

/// `f` over `0..n` cut into `CHUNKS` consecutive ranges, run on scoped
/// threads (at most the available cores at a time); the results in order.
pub fn map_chunks<T: Send>(n: usize, f: impl Fn(Range<usize>) -> T + Sync) -> Vec<T> {
    let size = n.div_ceil(CHUNKS).max(1);
    let ranges: Vec<Range<usize>> = (0..n).step_by(size).map(|s| s..(s + size).min(n)).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .min(ranges.len());
    if threads <= 1 {
        return ranges.into_iter().map(&f).collect();
    }
    let mut out: Vec<Option<T>> = (0..ranges.len()).map(|_| None).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(&mut out);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(r) = ranges.get(i) else { break };
                    let value = f(r.clone());
                    results.lock().expect("no panics while holding it")[i] = Some(value);
                }
            });
        }
    });
    out.into_iter()
        .map(|v| v.expect("every chunk ran"))
        .collect()
}

/// The sum of `f(i)` over `0..n`, chunk by chunk (deterministic).
pub fn sum(n: usize, f: impl Fn(usize) -> f64 + Sync) -> f64 {
    map_chunks(n, |r| r.map(&f).sum::<f64>()).into_iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_cover_everything_in_order() {
        let parts = map_chunks(103, |r| r.collect::<Vec<_>>());
        let all: Vec<usize> = parts.into_iter().flatten().collect();
        assert_eq!(all, (0..103).collect::<Vec<_>>());
        assert_eq!(map_chunks(0, |r| r.len()).iter().sum::<usize>(), 0);
        let s = sum(1000, |i| i as f64);
        assert_eq!(s, 499_500.0);
    }
}
