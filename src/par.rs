//! Data parallelism for the two hot loops (normalising rows, scoring items), in one place.

/// Maps `items` with `f`, split across the machine's cores (at most 8) when there are at
/// least `min` of them; results keep the input's order, and the first error in input
/// order wins, exactly as a sequential run would give.
pub fn try_map<T: Sync, U: Send, E: Send>(
    items: &[T],
    min: usize,
    f: impl Fn(&T) -> Result<U, E> + Sync,
) -> Result<Vec<U>, E> {
    try_map_with(items, min, || (), |(), x| f(x))
}

/// [`try_map`] with scratch state made by `init` once per thread (a regex cache, say)
/// and lent to every call on that thread.
pub fn try_map_with<T: Sync, U: Send, E: Send, S>(
    items: &[T],
    min: usize,
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> Result<U, E> + Sync,
) -> Result<Vec<U>, E> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
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

/// The result of a scoped thread; its panic, if any, resumes in the caller.
pub fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
}

/// [`try_map_with`] for a function that cannot fail.
pub fn map_with<T: Sync, U: Send, S>(
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
pub fn map<T: Sync, U: Send>(items: &[T], min: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    match try_map(items, min, |x| Ok::<U, std::convert::Infallible>(f(x))) {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn order_and_first_error_are_kept() {
        let v: Vec<u32> = (0..20_000).collect();
        assert_eq!(super::map(&v, 10, |x| x * 2), v.iter().map(|x| x * 2).collect::<Vec<_>>());
        let r = super::try_map(&v, 10, |&x| if x == 15_000 || x == 3 { Err(x) } else { Ok(x) });
        assert_eq!(r, Err(3));
    }
}
