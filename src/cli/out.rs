//! Writing a command's output to stdout. A closed pipe (`stackc man | head`)
//! ends the command quietly, as it ends other Unix tools; any other write
//! error (`> /dev/full`) is one line on stderr and a non-zero exit. Never a
//! panic: `print!` panics on both.

use std::io::{ErrorKind, Write};

use super::exit;

/// Write `text` to stdout and flush it; `Err` holds the exit code to return.
///
/// # Errors
/// [`exit::CLOSED_PIPE`] when the reader has gone (nothing printed), or
/// [`exit::INPUT`] after printing the error for any other write failure.
pub fn print(text: impl AsRef<[u8]>) -> Result<(), i32> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_ref()).and_then(|()| stdout.flush()).map_err(|e| failed(&e))
}

/// Run `write` on a buffer, then print the buffer: for writers (clap's man
/// page and completions) that panic or fail half-way on a broken stdout.
///
/// # Errors
/// As [`print()`], and [`exit::INPUT`] if `write` fails.
pub fn print_with(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<(), i32> {
    let mut buffer = Vec::new();
    write(&mut buffer).map_err(|e| failed(&e))?;
    print(buffer)
}

/// Print `text` and return the exit code: `code` once it is written.
#[must_use]
pub fn print_then(text: impl AsRef<[u8]>, code: i32) -> i32 {
    print(text).map_or_else(|failed| failed, |()| code)
}

fn failed(e: &std::io::Error) -> i32 {
    if e.kind() == ErrorKind::BrokenPipe {
        return exit::CLOSED_PIPE;
    }
    // stderr may be gone as well: nothing more to do then.
    let _ = writeln!(std::io::stderr(), "error: cannot write the output: {e}");
    exit::INPUT
}

/// Let a closed pipe end the process as it ends other Unix tools (the shell
/// sees 128 + SIGPIPE, nothing is printed), for every write, clap's included:
/// the Rust runtime ignores SIGPIPE, which turns it into `BrokenPipe` errors
/// that `print!` panics on.
pub fn default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: sets the disposition of one signal to its default, before any
    // other thread exists; no handler runs.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
