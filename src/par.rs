//! Data parallelism for the two hot loops (normalising rows, scoring items), in one place.

/// Maps `items` with `f`, split across the machine's cores (at most 8) when there are at
/// least `min` of them; results keep the input's order, and the first error in input
/// order wins, exactly as a sequential run would give.
pub(crate) fn try_map<T: Sync, U: Send, E: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&T) -> Result<U, E> + Sync,
) -> Result<Vec<U>, E> {
    try_map_with(items, min, || (), |(), x| f(x))
}

/// [`try_map`] with scratch state made by `init` once per thread (a regex cache, say)
/// and lent to every call on that thread.
pub(crate) fn try_map_with<T: Sync, U: Send, E: Send, S>(
    items: &[T],
    min: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> Result<U, E> + Sync,
) -> Result<Vec<U>, E> {
    let threads = threads();
    if threads < 2 || items.len() < min.max(2) {
        let mut state = init();
        return items.iter().map(|x| f(&mut state, x)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let parts: Vec<Result<Vec<U>, E>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(i, part)| {
                let (f, init) = (&f, &init);
                // Sized up front (collecting a `Result` would grow it by doubling); the
                // first part's vector has room for all, as it becomes the result.
                let capacity = if i == 0 { items.len() } else { part.len() };
                scope.spawn(move || {
                    let mut state = init();
                    let mut out = Vec::with_capacity(capacity);
                    for x in part {
                        out.push(f(&mut state, x)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        handles.into_iter().map(join).collect()
    });
    // The first part becomes the result, so only the others are copied, into room it
    // already has.
    let mut parts = parts.into_iter();
    let mut out = parts.next().unwrap_or_else(|| Ok(Vec::new()))?;
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

/// Runs `work` on every job on all cores, with state made by `init` once per thread, and
/// hands each result to `merge` on the calling thread, in job order, as soon as the
/// results before it are in. Jobs are taken from `jobs` one at a time, under a lock, by
/// whichever thread is free: an iterator that reads a file as it goes (see
/// `source::chunks`) is read by the cores in turn, each reading its next job while the
/// other works on its own. A thread starts a job only while it is fewer than
/// `4 × threads` jobs ahead of the merge, so the results waiting for an earlier one are
/// few however the threads are scheduled (an import's peak memory varied by 10 % with
/// it), and the merged whole is never held twice.
pub(crate) fn ordered<I, R: Send, T>(
    jobs: I,
    init: impl Fn() -> T + Sync,
    work: impl Fn(&mut T, I::Item) -> R + Sync,
    mut merge: impl FnMut(R),
) where
    I: IntoIterator,
    I::IntoIter: Send,
    I::Item: Send,
{
    let threads = threads();
    let jobs = jobs.into_iter();
    if threads < 2 || jobs.size_hint().1.is_some_and(|n| n < 2) {
        let mut state = init();
        jobs.for_each(|j| merge(work(&mut state, j)));
        return;
    }
    // The next job's index, and the jobs.
    let source = std::sync::Mutex::new((0usize, jobs));
    let gate = Gate::new(4 * threads);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, R)>();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (tx, init, work, gate, source) = (tx.clone(), &init, &work, &gate, &source);
                scope.spawn(move || {
                    // A panic here opens the gate, so that no other thread waits for a
                    // merge that will not come; the panic resumes in the caller.
                    let _open_on_panic = OpenOnPanic(gate);
                    let mut state = init();
                    loop {
                        let (i, job) = {
                            let mut s = source.lock().unwrap_or_else(|e| e.into_inner());
                            let Some(job) = s.1.next() else { return };
                            s.0 += 1;
                            (s.0 - 1, job)
                        };
                        // Every job before `i` was taken already, and the one the merge
                        // waits for is never held back here: no thread waits forever.
                        if !gate.wait_for(i) {
                            return;
                        }
                        // The receiver lives until every sender is gone.
                        let _ = tx.send((i, work(&mut state, job)));
                    }
                })
            })
            .collect();
        drop(tx);
        // A panic in `merge` opens the gate too: the threads waiting at it stop, and the
        // panic resumes once they have.
        let _open_on_panic = OpenOnPanic(&gate);
        let mut early = std::collections::BTreeMap::new();
        let mut next = 0;
        for (i, r) in rx {
            early.insert(i, r);
            while let Some(r) = early.remove(&next) {
                merge(r);
                next += 1;
                gate.merged(next);
            }
        }
        // A worker that panicked stopped sending: its panic resumes here.
        handles.into_iter().for_each(join);
    });
}

/// How far [`ordered`]'s threads may run ahead of its merge.
struct Gate {
    lead: usize,
    /// Jobs merged so far, and whether a thread panicked.
    state: std::sync::Mutex<(usize, bool)>,
    moved: std::sync::Condvar,
}

impl Gate {
    fn new(lead: usize) -> Self {
        Gate { lead, state: std::sync::Mutex::new((0, false)), moved: std::sync::Condvar::new() }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (usize, bool)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until job `i` may start; false if a thread panicked and work should stop.
    fn wait_for(&self, i: usize) -> bool {
        let mut s = self.lock();
        while i >= s.0 + self.lead && !s.1 {
            s = self.moved.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        !s.1
    }

    fn merged(&self, n: usize) {
        self.lock().0 = n;
        self.moved.notify_all();
    }

    fn open(&self) {
        self.lock().1 = true;
        self.moved.notify_all();
    }
}

struct OpenOnPanic<'a>(&'a Gate);

impl Drop for OpenOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.open();
        }
    }
}

/// Maps `items` by mutable reference with `f(index, item)`, split across the cores when
/// there are at least `min` of them; results keep the input's order. For a pass that
/// both reads and empties its items (scores into classifications, text that is done).
pub(crate) fn map_mut<T: Send, U: Send>(
    items: &mut [T],
    min: usize,
    f: impl Fn(usize, &mut T) -> U + Sync,
) -> Vec<U> {
    let threads = threads();
    if threads < 2 || items.len() < min.max(2) {
        return items.iter_mut().enumerate().map(|(i, x)| f(i, x)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    let parts: Vec<Vec<U>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks_mut(chunk)
            .enumerate()
            .map(|(n, part)| {
                let f = &f;
                scope.spawn(move || {
                    let start = n * chunk;
                    part.iter_mut().enumerate().map(|(i, x)| f(start + i, x)).collect()
                })
            })
            .collect();
        handles.into_iter().map(join).collect()
    });
    let mut out = Vec::with_capacity(items.len());
    parts.into_iter().for_each(|p| out.extend(p));
    out
}

/// The threads to split work across: the machine's cores, at most 8.
pub(crate) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).min(8)
}

/// The result of a scoped thread; its panic, if any, resumes in the caller.
pub(crate) fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// [`try_map_with`] for a function that cannot fail.
pub(crate) fn map_with<T: Sync, U: Send, S>(
    items: &[T],
    min: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> U + Sync,
) -> Vec<U> {
    match try_map_with(items, min, init, |s, x| Ok::<U, std::convert::Infallible>(f(s, x))) {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

/// [`try_map`] for a function that cannot fail.
pub(crate) fn map<T: Sync, U: Send>(items: &[T], min: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    match try_map(items, min, |x| Ok::<U, std::convert::Infallible>(f(x))) {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

/// Runs the future `make` gives to completion on a runtime of its own (one thread, with
/// I/O and timers), as the GitHub and publishing code does from the synchronous
/// pipeline. Called from inside another runtime (a library caller's async code), where
/// tokio refuses to block, it runs on a thread of its own, which this waits for.
pub(crate) fn block_on<F, Fut>(make: F) -> std::io::Result<Fut::Output>
where
    F: FnOnce() -> Fut + Send,
    Fut: std::future::Future,
    Fut::Output: Send,
{
    let run = move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        Ok(runtime.block_on(make()))
    };
    if tokio::runtime::Handle::try_current().is_err() {
        return run();
    }
    std::thread::scope(|s| s.spawn(run).join()).unwrap_or_else(|p| std::panic::resume_unwind(p))
}

#[cfg(test)]
mod tests {
    #[test]
    fn map_mut_sees_every_index_once_and_keeps_order() {
        let mut v: Vec<usize> = (0..10_001).collect();
        let out = super::map_mut(&mut v, 100, |i, x| {
            assert_eq!(*x, i);
            *x = 0;
            i * 2
        });
        assert_eq!(out, (0..10_001).map(|i| i * 2).collect::<Vec<_>>());
        assert!(v.iter().all(|&x| x == 0));
    }

    #[test]
    fn order_and_first_error_are_kept() {
        let v: Vec<u32> = (0..20_000).collect();
        assert_eq!(super::map(&v, 10, |x| x * 2), v.iter().map(|x| x * 2).collect::<Vec<_>>());
        let r = super::try_map(&v, 10, |&x| if x == 15_000 || x == 3 { Err(x) } else { Ok(x) });
        assert_eq!(r, Err(3));
    }

    #[test]
    fn ordered_merges_in_job_order() {
        let jobs: Vec<u64> = (0..50).collect();
        let mut seen = Vec::new();
        // Early jobs take longest, so later results arrive first and must wait.
        super::ordered(
            jobs,
            || (),
            |(), j| {
                std::thread::sleep(std::time::Duration::from_millis(50u64.saturating_sub(j)));
                j * 10
            },
            |r| seen.push(r),
        );
        assert_eq!(seen, (0..50).map(|j| j * 10).collect::<Vec<_>>());
    }

    #[test]
    fn ordered_keeps_threads_close_to_the_merge() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let merged = AtomicUsize::new(0);
        let furthest_lead = AtomicUsize::new(0);
        let jobs: Vec<usize> = (0..200).collect();
        super::ordered(
            jobs,
            || (),
            |(), j| {
                // Job 0 is slow: without the gate the other thread would finish all of
                // its jobs meanwhile.
                if j == 0 {
                    std::thread::sleep(std::time::Duration::from_millis(100));
                }
                let lead = j - merged.load(Ordering::SeqCst).min(j);
                furthest_lead.fetch_max(lead, Ordering::SeqCst);
                j
            },
            |_| {
                merged.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!(merged.load(Ordering::SeqCst), 200);
        if super::threads() > 1 {
            assert!(furthest_lead.load(Ordering::SeqCst) < 4 * super::threads());
        }
    }

    #[test]
    fn a_panicking_merge_reaches_the_caller_without_a_hang() {
        let result = std::panic::catch_unwind(|| {
            super::ordered(0..1000u32, || (), |(), j| j, |r| assert_ne!(r, 0, "merge fails"))
        });
        assert!(result.is_err());
    }

    #[test]
    fn a_panicking_job_reaches_the_caller_without_a_hang() {
        let result = std::panic::catch_unwind(|| {
            super::ordered(
                (0..100).collect::<Vec<u32>>(),
                || (),
                |(), j| {
                    if j == 1 {
                        panic!("job 1 fails");
                    }
                    // Job 0 waits, so the other jobs pile up at the gate meanwhile.
                    if j == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    j
                },
                |_| {},
            )
        });
        assert!(result.is_err());
    }
}
