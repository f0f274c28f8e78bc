#!/usr/bin/env python3
"""One timed CSV import by a peer of rolecall, for `cargo bench --bench pipeline`.

usage: csv_peer.py ENGINE FILE   (ENGINE: csv | pandas | polars)

Timed: reading the whole FILE into memory -
  csv:    list(csv.reader(open(FILE, newline='', encoding='utf-8-sig')))
  pandas: pandas.read_csv(FILE)   (default engine)
  polars: polars.read_csv(FILE)
Not timed, to be fair to them: interpreter start-up and the import of the library
(nor freeing the data: it is still alive when the clock stops).

Prints one line: `<engine> <ms> <peak_rss_kb> <rows>`; rows counts data records (not the
header). Peak RSS is this whole process's, interpreter and library included: VmHWM from
/proc/self/status, the same measure as rolecall's. Not ru_maxrss where /proc has it: after
a posix_spawn/vfork, Linux's ru_maxrss starts at the *parent's* peak (the bench's), which
would be reported instead of ours. A missing library prints `<engine> skipped <reason>`
and exits 0.
"""
import importlib, resource, sys, time


def peak_rss_kb():
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


engine, path = sys.argv[1], sys.argv[2]
if engine not in ("csv", "pandas", "polars"):
    sys.exit(f"unknown engine {engine!r} (csv, pandas or polars)")
try:
    lib = importlib.import_module(engine)
except ImportError as e:
    print(f"{engine} skipped {e}")
    sys.exit(0)

start = time.perf_counter()
if engine == "csv":
    with open(path, newline="", encoding="utf-8-sig") as f:
        data = list(lib.reader(f))
else:
    data = lib.read_csv(path)
ms = (time.perf_counter() - start) * 1e3
rows = len(data) - 1 if engine == "csv" else data.shape[0]
print(f"{engine} {ms:.1f} {peak_rss_kb()} {rows}")
