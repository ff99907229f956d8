//! Reading a secret value from standard input: never from argv, and without
//! echo when stdin is a terminal.

use std::io::{self, BufRead, IsTerminal, Read, Write};

/// The value: one line from a terminal (typed without echo, after a prompt on
/// stderr), or everything piped in. One trailing newline (`\n` or `\r\n`) is
/// dropped.
///
/// # Errors
/// Reading fails, or the input is not UTF-8 (`InvalidData`).
pub fn read_value(prompt: &str) -> io::Result<String> {
    let stdin = io::stdin();
    let mut bytes = Vec::new();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        io::stderr().flush()?;
        let guard = NoEcho::new();
        let result = stdin.lock().read_until(b'\n', &mut bytes);
        drop(guard);
        eprintln!();
        result?;
    } else {
        stdin.lock().read_to_end(&mut bytes)?;
    }
    if bytes.ends_with(b"\n") {
        bytes.pop();
        if bytes.ends_with(b"\r") {
            bytes.pop();
        }
    }
    String::from_utf8(bytes).map_err(|e| {
        let mut bytes = e.into_bytes();
        bytes.fill(0);
        io::Error::from(io::ErrorKind::InvalidData)
    })
}

/// Turns terminal echo off for stdin until dropped (Unix termios).
struct NoEcho {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl NoEcho {
    #[cfg(unix)]
    fn new() -> Self {
        // SAFETY: tcgetattr writes a termios for fd 0 into the zeroed struct,
        // which is plain old data; tcsetattr only reads the struct we pass.
        unsafe {
            let mut term: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &raw mut term) != 0 {
                return Self { saved: None };
            }
            let saved = term;
            term.c_lflag &= !libc::ECHO;
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &raw const term) != 0 {
                return Self { saved: None };
            }
            Self { saved: Some(saved) }
        }
    }

    #[cfg(not(unix))]
    fn new() -> Self {
        Self {}
    }
}

impl Drop for NoEcho {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            // SAFETY: restores the attributes read by tcgetattr in `new`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}
