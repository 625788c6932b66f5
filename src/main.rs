// Exports and imports move millions of small strings between two threads; mimalloc frees
// across threads far more cheaply than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(mou::main());
}
