//! The `topolint` binary: parse arguments, run, map the outcome to an exit code.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use topolint::cli::{self, Cli};
use topolint::commands::{self, Env};

/// mimalloc: a topology is lowered into many small strings and vectors, which the system
/// allocator serves noticeably slower (see the README's Performance section).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::with_default_subcommand(std::env::args_os().collect());
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return ExitCode::from(if err.use_stderr() { 2 } else { 0 });
        }
    };
    let env = Env::from_process();
    commands::exit_after_run();
    // A panic is a bug, never an exit status of its own: report it and exit 2.
    std::panic::set_hook(Box::new(|info| {
        let mut stderr = std::io::stderr();
        let _ = writeln!(
            stderr,
            "topolint: internal error: {info}\nThis is a bug; please report it with the input that caused it."
        );
    }));
    let outcome = std::panic::catch_unwind(|| {
        commands::run(cli.command, &env, &mut std::io::stdout().lock())
    });
    match outcome {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(fatal)) => {
            let color = std::io::IsTerminal::is_terminal(&std::io::stderr())
                && env.console.color
                && !env.no_color;
            let ascii = !env.console.unicode;
            let _ = std::io::stderr()
                .write_all(topolint::report::fatal::render(&fatal, color, ascii, 100).as_bytes());
            ExitCode::from(2)
        }
        Err(_) => ExitCode::from(2),
    }
}
