//! Closed pipes and full disks: a command whose reader has gone ends quietly,
//! as other Unix tools do; one that cannot write says so in one line and
//! exits non-zero. Neither panics.

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Output, Stdio};

use crate::support::root;

/// Commands that print to stdout, run on the repository's stack.
const PRINTING: &[&[&str]] = &[
    &["man"],
    &["schema"],
    &["completions", "bash"],
    &["renovate"],
    &["verify"],
    &["explain", "linkwarden/linkwarden", "linkwarden/postgres"],
    &["graph", "--format", "dot"],
    &["--help"],
];

fn run(args: &[&str], stdout: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stackc"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("stackc runs")
}

/// The write end of a pipe whose reader is already closed. (Closed before
/// the spawn: a process another test forks at that moment would otherwise
/// hold the read end open until it execs.)
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    Stdio::from(writer)
}

#[test]
fn a_closed_pipe_ends_every_printing_command_quietly() {
    for args in PRINTING {
        let out = run(args, closed_pipe());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr, "", "{args:?} printed to stderr");
        assert!(
            out.status.signal() == Some(libc_sigpipe()) || out.status.code() == Some(141),
            "{args:?} ended with {:?}",
            out.status
        );
    }
}

#[test]
fn a_reader_that_stops_early_sees_no_error() {
    // `stackc man | head -1`, as typed.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' man | head -1", env!("CARGO_BIN_EXE_stackc")))
        .output()
        .expect("sh runs");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.stdout.iter().filter(|b| **b == b'\n').count(), 1);
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_one_line_and_a_non_zero_exit() {
    for args in PRINTING {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full opens");
        let out = run(args, Stdio::from(full));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains("No space left on device"), "{args:?}: {stderr}");
    }
}

/// SIGPIPE's number (13 on every Unix stackc runs on).
fn libc_sigpipe() -> i32 {
    13
}
