//! The [`Plan`] as stack KDL text: the layout of the examples (the caller
//! runs it through `crate::fmt`), every string quoted and escaped, every
//! inference and TODO a comment at its place.

use std::fmt::Write as _;

use super::plan::{AppPlan, Child, DatabasePlan, EnvPlan, FilePlan, JobPlan, Plan, ProbeTest};
use super::volumes::SIZE;

/// A KDL string literal.
#[must_use]
pub fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control()
                || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}') =>
            {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A comment's text on one line.
fn one_line(text: &str) -> String {
    text.replace(['\n', '\r'], " ")
}

/// The stack file (not yet laid out by the formatter).
#[must_use]
pub fn write(plan: &Plan) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "// Imported from `{}` by `stackc import compose` (docs/import.md). Review every TODO,",
        one_line(&plan.source)
    );
    let _ = writeln!(o, "// then run `stackc secrets generate` and `stackc build`.");
    let _ = writeln!(o, "stack {} {{", quote(&plan.stack));
    let _ = writeln!(o, "cluster \"production\" distribution=\"k3s\" version=\"1.33\" {{");
    let _ = writeln!(
        o,
        "// TODO: the Git repository Flux reads: `git url=\"ssh://git@github.com/you/cluster\" branch=\"main\"`"
    );
    if plan.recipients.is_empty() {
        let _ = writeln!(
            o,
            "// TODO: who can decrypt the secrets: `age-recipient \"age1...\"` (`stackc secrets keygen` prints one)"
        );
    }
    for r in &plan.recipients {
        let _ = writeln!(o, "age-recipient {}", quote(r));
    }
    let _ = writeln!(o, "}}");
    o.push('\n');
    if plan.http {
        // Commented out, as `stackc init` writes it: the issuer needs a DNS
        // API token only its owner has, and the stack must build without it.
        o.push_str(concat!(
            "// To expose an app: uncomment this platform, store the issuer's DNS API token with\n",
            "// `stackc secrets set cert-manager/cloudflare-api-token api-token`, then set the\n",
            "// host of the app's `expose` and uncomment it.\n",
            "// platform {\n",
            "//     traefik\n",
            "//     cert-manager {\n",
            "//         issuer \"letsencrypt\" acme-email=\"you@example.org\" dns01=\"cloudflare\" token-secret=\"cloudflare-api-token\"\n",
            "//     }\n",
            "// }\n",
            "\n",
        ));
    }
    for todo in &plan.todos {
        let _ = writeln!(o, "// TODO: {}", one_line(todo));
    }
    let _ = writeln!(o, "namespace {} {{", quote(&plan.namespace));
    if let Some(secret) = &plan.secret {
        let _ = writeln!(o, "// Values that are secrets: none of them is written here.");
        let _ = writeln!(o, "secret {} {{", quote(&secret.name));
        for k in &secret.keys {
            let generated = if k.generated { " generated=#true" } else { "" };
            let _ = writeln!(o, "key {}{generated} // {}", quote(&k.key), one_line(&k.comment));
        }
        let _ = writeln!(o, "}}");
    }
    for db in &plan.databases {
        database(&mut o, db);
    }
    for app in &plan.apps {
        o.push('\n');
        write_app(&mut o, app);
    }
    o.push_str("}\n}\n");
    o
}

fn database(o: &mut String, db: &DatabasePlan) {
    for c in &db.comments {
        let _ = writeln!(o, "// {}", one_line(c));
    }
    let _ = write!(
        o,
        "database {} engine={} version=\"{}\" size=\"{SIZE}\"",
        quote(&db.name),
        quote(db.engine),
        db.version
    );
    if db.aof {
        o.push_str(" persistence=\"aof\"");
    }
    if db.password {
        o.push_str(" password=#true");
    }
    o.push_str(" // size to review\n");
}

fn write_app(o: &mut String, app: &AppPlan) {
    for c in &app.comments {
        let _ = writeln!(o, "// {}", one_line(c));
    }
    match &app.job {
        None => {
            let _ = write!(o, "app {} image={}", quote(&app.name), quote(&app.image));
        }
        Some(JobPlan { image_of: Some(of) }) => {
            let _ = write!(o, "job {} image-of={}", quote(&app.name), quote(of));
        }
        Some(JobPlan { image_of: None }) => {
            let _ = write!(o, "job {} image={}", quote(&app.name), quote(&app.image));
        }
    }
    if let Some(r) = app.replicas {
        let _ = write!(o, " replicas={r}");
    }
    o.push_str(" {\n");
    for child in &app.children {
        write_child(o, child);
    }
    o.push_str("}\n");
}

fn words(items: &[String]) -> String {
    items.iter().map(|i| quote(i)).collect::<Vec<_>>().join(" ")
}

fn write_child(o: &mut String, child: &Child) {
    match child {
        Child::Port { name, number, udp } => {
            let protocol = if *udp { " protocol=\"UDP\"" } else { "" };
            let _ = writeln!(o, "port {} {number}{protocol}", quote(name));
        }
        Child::Expose { host, port } => {
            let _ = writeln!(o, "// expose {} port={}", quote(host), quote(port));
        }
        Child::ConnectsTo { target, port, evidence } => {
            let port = port.as_ref().map(|p| format!(" port={}", quote(p))).unwrap_or_default();
            let _ = writeln!(o, "connects-to {}{port} // {}", quote(target), one_line(evidence));
        }
        Child::Env { name, value, comment } => {
            let value = match value {
                EnvPlan::Literal(v) => quote(v),
                EnvPlan::Secret { secret, key } => format!("secret={} key={}", quote(secret), quote(key)),
            };
            let comment = comment.as_ref().map(|c| format!(" // {}", one_line(c))).unwrap_or_default();
            let _ = writeln!(o, "env {} {value}{comment}", quote(name));
        }
        Child::Volume { name, mount, size, comment } => {
            let size = size.as_ref().map(|s| format!(" size={}", quote(s))).unwrap_or_default();
            let _ = writeln!(o, "volume {} mount={}{size} // {}", quote(name), quote(mount), one_line(comment));
        }
        Child::File { path, content } => match content {
            FilePlan::Inline(text) => {
                let _ = writeln!(o, "file {} content={}", quote(path), multiline(text));
            }
            FilePlan::Secret { secret, key } => {
                let _ = writeln!(o, "file {} secret={} key={}", quote(path), quote(secret), quote(key));
            }
        },
        Child::Probe { test, period, timeout, failures, delay } => {
            o.push_str("readiness");
            if let ProbeTest::Http { path, port } = test {
                let _ = write!(o, " http={} port={}", quote(path), quote(port));
            }
            for (k, v) in
                [("initial-delay", delay), ("period", period), ("timeout", timeout), ("failure-threshold", failures)]
            {
                if let Some(v) = v.filter(|v| *v > 0) {
                    let _ = write!(o, " {k}={v}");
                }
            }
            match test {
                ProbeTest::Exec(command) => {
                    let _ = writeln!(o, " {{\nexec {}\n}}", words(command));
                }
                ProbeTest::Http { .. } => o.push('\n'),
            }
        }
        Child::Command(items) => {
            let _ = writeln!(o, "command {}", words(items));
        }
        Child::Args(items) => {
            let _ = writeln!(o, "args {}", words(items));
        }
        Child::Security { user, group } => {
            let _ = writeln!(o, "security run-as-user={user} run-as-group={group}");
        }
        Child::Resources { requests, limits } => {
            o.push_str("resources {\n");
            for (name, (cpu, memory)) in [("requests", requests), ("limits", limits)] {
                if cpu.is_some() || memory.is_some() {
                    o.push_str(name);
                    if let Some(cpu) = cpu {
                        let _ = write!(o, " cpu={}", quote(cpu));
                    }
                    if let Some(memory) = memory {
                        let _ = write!(o, " memory={}", quote(memory));
                    }
                    o.push('\n');
                }
            }
            o.push_str("}\n");
        }
        Child::Todo(text) => {
            let _ = writeln!(o, "// TODO: {}", one_line(text));
        }
        Child::Comment(text) => {
            let _ = writeln!(o, "// {}", one_line(text));
        }
    }
}

/// A file's text as a raw multi-line string (`#"""` ... `"""#`, with as
/// many `#` as it takes): its lines exactly, a final newline kept, indented
/// as an app's child (KDL strips the closing line's indentation from each).
fn multiline(text: &str) -> String {
    const INDENT: &str = "            ";
    let mut hashes = String::from("#");
    while text.contains(&format!("\"\"\"{hashes}")) {
        hashes.push('#');
    }
    let mut out = format!("{hashes}\"\"\"\n");
    for line in text.split('\n') {
        if !line.trim().is_empty() {
            out.push_str(INDENT);
            out.push_str(line);
        }
        out.push('\n');
    }
    let _ = write!(out, "{INDENT}\"\"\"{hashes}");
    out
}
