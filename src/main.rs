// The pipeline allocates millions of small strings on large exports; mimalloc handles that
// far better than the system allocator (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(rolecall::cli::main());
}
