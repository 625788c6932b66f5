fn main() {
    std::process::exit(mou::main());
}
