//! The `orgsim` binary: everything happens in [`orgsim::cli`].

fn main() -> std::process::ExitCode {
    orgsim::cli::main()
}
