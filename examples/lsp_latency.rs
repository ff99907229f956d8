//! How long `stackc lsp` takes from a change to its published diagnostics
//! on a large generated stack, and how long a completion waits meanwhile.
//!
//! ```sh
//! cargo build --release --bin stackc --example lsp_latency
//! target/release/examples/lsp_latency target/release/stackc 5000 10
//! ```
//!
//! It runs the server with `--debounce 0` (the figure is the compile, not
//! the editor's pause; add the 200 ms default debounce for what a user
//! waits after the last keystroke), opens `examples/gen_stack.rs`'s stack of
//! N apps, then makes R changes (one app's replica count each): for each,
//! the time from sending `didChange` to the `publishDiagnostics` of that
//! version, and the time of a completion request sent right after the
//! change, while the worker compiles. It prints the median and maximum.

use std::io::{BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

#[path = "gen_stack.rs"]
#[allow(dead_code)]
mod gen_stack;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let binary = args.get(1).map_or("target/release/stackc", String::as_str);
    let n: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5000);
    let rounds: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(10);
    let dir = std::env::temp_dir().join(format!("stackc-lsp-latency-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let source = gen_stack::stack_kdl(n, 42);
    let uri = format!("file://{}/stack.kdl", dir.display());
    let mut child = Command::new(binary)
        .args(["lsp", "--debounce", "0"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("stackc lsp starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let (tx, rx) = channel::<(Instant, String)>();
    std::thread::spawn(move || {
        // The framing is lsp-server's own, the crate the server speaks with.
        while let Ok(Some(message)) = lsp_server::Message::read(&mut stdout) {
            let at = Instant::now();
            let body = serde_json::to_string(&message).expect("a message serialises");
            if tx.send((at, body)).is_err() {
                return;
            }
        }
    });
    let mut send = |body: String| {
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        stdin.flush().expect("flush");
        Instant::now()
    };
    let wait = |needle: &str| loop {
        let (at, body) = rx.recv_timeout(Duration::from_secs(600)).expect("a reply");
        if body.contains(needle) {
            return at;
        }
    };
    send(r#"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"capabilities":{}}}"#.to_owned());
    wait(r#""id":0"#);
    send(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#.to_owned());
    let open = serde_json::to_string(&source).expect("a string");
    let sent = send(format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{{"textDocument":{{"uri":"{uri}","languageId":"kdl","version":1,"text":{open}}}}}}}"#
    ));
    let opened = wait(r#""version":1}"#) - sent;
    let mut publish = Vec::new();
    let mut complete = Vec::new();
    let line = source.lines().position(|l| l.contains("replicas=")).expect("an app with replicas");
    let column = source.lines().nth(line).and_then(|l| l.find("replicas=")).expect("replicas") + "replicas=".len();
    for round in 0..rounds {
        let version = round + 2;
        let replicas = 1 + round % 3;
        let change = format!(
            r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":{version}}},"contentChanges":[{{"range":{{"start":{{"line":{line},"character":{column}}},"end":{{"line":{line},"character":{}}}}},"text":"{replicas}"}}]}}}}"#,
            column + 1
        );
        let sent = send(change);
        let id = 1000 + round;
        let asked = send(format!(
            r#"{{"jsonrpc":"2.0","id":{id},"method":"textDocument/completion","params":{{"textDocument":{{"uri":"{uri}"}},"position":{{"line":{line},"character":{column}}}}}}}"#
        ));
        complete.push(wait(&format!(r#""id":{id}"#)) - asked);
        publish.push(wait(&format!(r#""version":{version}}}"#)) - sent);
    }
    send(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#.to_owned());
    wait(r#""id":1"#);
    send(r#"{"jsonrpc":"2.0","method":"exit"}"#.to_owned());
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    println!("N = {n}: open → diagnostics {} ms", opened.as_millis());
    println!("change → diagnostics: {}", stats(&mut publish));
    println!("completion during a compile: {}", stats(&mut complete));
}

/// `median X ms, max Y ms over R`.
fn stats(times: &mut [Duration]) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "median {:.0} ms, max {:.0} ms over {}",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    )
}
