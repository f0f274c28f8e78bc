//! What a run costs, for `-vv`: wall time since the command started, CPU time, peak memory.
//! Read from `/proc/self` where it exists; elsewhere the CPU and memory parts are left out.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Instant> = OnceLock::new();

/// Marks the start of the command; later calls keep the first mark.
pub(crate) fn start() {
    START.get_or_init(Instant::now);
}

/// Milliseconds since [`start`] (or since the first call, if `start` was never called).
pub(crate) fn elapsed_ms() -> u128 {
    START.get_or_init(Instant::now).elapsed().as_millis()
}

/// CPU time of the process so far, user and system, in milliseconds (10 ms resolution).
pub(crate) fn cpu_ms() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; fields after its `)` are plain.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some((utime + stime) * 10)
}

/// Peak resident memory so far, in MB.
pub(crate) fn peak_memory_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024 / 1_000_000)
}

/// Logs a stage at debug level: "sources loaded: 180 ms (CPU 310 ms, peak 120 MB)".
pub(crate) fn lap(stage: &str) {
    match (cpu_ms(), peak_memory_mb()) {
        (Some(cpu), Some(mb)) => {
            tracing::debug!("{stage}: {} ms (CPU {cpu} ms, peak {mb} MB)", elapsed_ms())
        }
        _ => tracing::debug!("{stage}: {} ms", elapsed_ms()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_time_grows_and_memory_is_read_on_linux() {
        start();
        if cfg!(target_os = "linux") {
            // Spins until the process has used 20 ms more CPU: on a busy machine that
            // takes longer, so the limit is generous; failing to get there means the
            // reading never moves.
            let before = cpu_ms().expect("linux has /proc/self/stat");
            let mut x = 0u64;
            let t = Instant::now();
            while cpu_ms().unwrap() < before + 20 {
                assert!(t.elapsed().as_secs() < 20, "CPU time did not grow");
                for _ in 0..100_000 {
                    x = x.wrapping_mul(31).wrapping_add(7);
                }
            }
            std::hint::black_box(x);
            assert!(peak_memory_mb().unwrap() > 0);
        }
    }
}
