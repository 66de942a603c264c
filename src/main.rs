//! The `dun` binary: parse the command line, run, map errors to exit codes.

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind};
use dun::cli::Cli;

/// dun builds hundreds of thousands of small values when it evaluates a
/// large ledger; mimalloc serves them markedly faster than the system
/// allocator (see BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(&e),
    };
    let today = chrono::Local::now().date_naive();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let result = dun::commands::run(cli, today, &mut out);
    let flushed = out.flush();
    match result {
        Ok(()) => match flushed {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => report(&anyhow::Error::from(e)),
        },
        Err(e) => report(&e),
    }
}

/// True when the error, or any of its causes, is a write to a reader that
/// has gone away (`dun … | head` once head has quit).
fn is_closed_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(is_broken_pipe)
}

/// True for a broken pipe, also as CSV and JSON writers wrap it (and as
/// an IO error wraps theirs in turn).
fn is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(io) = error.downcast_ref::<std::io::Error>() {
        return io.kind() == std::io::ErrorKind::BrokenPipe
            || io.get_ref().is_some_and(|inner| is_broken_pipe(inner));
    }
    if let Some(json) = error.downcast_ref::<serde_json::Error>() {
        return json.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe);
    }
    if let Some(csv) = error.downcast_ref::<csv::Error>()
        && let csv::ErrorKind::Io(io) = csv.kind()
    {
        return is_broken_pipe(io);
    }
    false
}

/// One line on stderr: the error and its causes, data made safe to print.
/// A closed pipe on stdout ends quietly: the reader had all it wanted.
fn report(error: &anyhow::Error) -> ExitCode {
    if is_closed_pipe(error) {
        return ExitCode::SUCCESS;
    }
    // thiserror messages already include their source; skip a cause whose
    // text the previous message ends with.
    let mut chain: Vec<String> = Vec::new();
    for cause in error.chain().map(ToString::to_string) {
        if chain.last().is_some_and(|last| last.ends_with(&cause)) {
            continue;
        }
        chain.push(cause);
    }
    let message = chain.join(": ");
    // Nowhere left to say it when stderr is closed too.
    let _ = writeln!(
        std::io::stderr(),
        "error: {}",
        dun::text::sanitize(&message)
    );
    ExitCode::from(1)
}

/// Help and version print normally. A missing flag or a value that does
/// not parse is bad input: one line, exit 1. Other usage errors keep
/// clap's own message and exit 2.
fn usage_error(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = match e.get(ContextKind::InvalidArg) {
                Some(ContextValue::Strings(args)) => args.join(", "),
                _ => "a required argument".to_string(),
            };
            eprintln!("error: missing {missing} (see --help)");
            ExitCode::from(1)
        }
        ErrorKind::ValueValidation | ErrorKind::InvalidValue => {
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or("error: invalid value");
            let valid = match e.get(ContextKind::ValidValue) {
                Some(ContextValue::Strings(values)) if !values.is_empty() => {
                    format!("; expected one of {}", values.join(", "))
                }
                _ => String::new(),
            };
            eprintln!("{}{valid}", dun::text::sanitize(first));
            ExitCode::from(1)
        }
        _ => {
            let _ = e.print();
            ExitCode::from(2)
        }
    }
}
