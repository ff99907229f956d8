//! One Compose service to one `app`: its ports (named), the offered
//! `expose`, environment (`env.rs`), volumes and files (`volumes.rs`), the
//! healthcheck as a readiness probe, command, user, resources, replicas,
//! and a `// TODO` for each setting the stack language has no word for.

use std::collections::BTreeMap;

use super::databases::Database;
use super::infer::{Ports, label};
use super::model::Service;
use super::plan::{AppPlan, Child, ProbeTest};
use super::report::Finding;
use super::secrets::SecretBook;
use super::{env, volumes};

/// What mapping one app needs to know of the others.
pub struct AppContext<'a> {
    pub names: &'a BTreeMap<String, String>,
    pub dbs: &'a [Database],
    pub ports: &'a BTreeMap<String, Ports>,
    pub service_names: &'a [&'a str],
    /// Top-level Compose `secrets:`.
    pub secrets: &'a [(String, super::model::SecretSource)],
    pub read: &'a dyn Fn(&str) -> Option<String>,
    /// The one-shot services others wait for (`jobs::find`): each a `job`.
    pub jobs: &'a BTreeMap<String, super::jobs::Job>,
}

/// Every service named as a host in `value`, with the port after it:
/// `db`, `redis://cache:6379/0`, `http://server:2283/api`, `db:5432`.
#[must_use]
pub fn hosts_in<'a>(var: &str, value: &str, services: &[&'a str]) -> Vec<(&'a str, Option<u16>)> {
    let mut found: Vec<(&'a str, Option<u16>)> = Vec::new();
    for (start, end, name) in host_spans(var, value, services) {
        let port =
            value[end..].strip_prefix(':').map(|r| r.chars().take_while(char::is_ascii_digit).collect::<String>());
        let port = port.and_then(|p| p.parse().ok());
        let _ = start;
        if !found.iter().any(|(n, _)| *n == name) {
            found.push((name, port));
        }
    }
    found
}

/// Where service names stand as hosts in `value` of variable `var`: start,
/// end, name. A value that is only a name counts when the variable's name
/// says it holds a host (`DB_HOST`, `REDIS_SERVER`, `BROKER_URL`, ...).
#[must_use]
pub fn host_spans<'a>(var: &str, value: &str, services: &[&'a str]) -> Vec<(usize, usize, &'a str)> {
    let upper = var.to_ascii_uppercase();
    let host_var =
        ["HOST", "SERVER", "ADDR", "URL", "URI", "ENDPOINT", "BROKER", "SERVICE"].iter().any(|h| upper.contains(h));
    let before = |c: char| matches!(c, '/' | '@' | '=' | ',' | ' ' | ';' | '"' | '\'');
    let after = |c: char| matches!(c, ':' | '/' | ',' | ' ' | ';' | '?' | '"' | '\'');
    let mut spans = Vec::new();
    for name in services {
        let mut from = 0;
        while let Some(i) = value[from..].find(name) {
            let start = from + i;
            let end = start + name.len();
            let ok_before = value[..start].chars().next_back().is_none_or(before);
            let ok_after = value[end..].chars().next().is_none_or(after);
            // A bare word is a host only when it is the whole value or follows `//` or `@`.
            let whole = start == 0 && end == value.len() && host_var;
            let url = value[..start].ends_with("//") || value[..start].ends_with('@');
            let listed = value[..start].ends_with(',') || value[end..].starts_with(':');
            // `//web:password@db`: a word before the authority's `@` is its user, not a host.
            let userinfo = value[end..].split(['/', '?', '#', ' ', ',', ';']).next().is_some_and(|a| a.contains('@'));
            if ok_before && ok_after && (whole || url || listed) && !userinfo {
                spans.push((start, end, *name));
            }
            from = end;
        }
    }
    spans.sort_unstable();
    spans
}

/// The well-known name of a TCP port.
fn known_port(number: u16) -> Option<&'static str> {
    match number {
        22 | 2222 => Some("ssh"),
        53 => Some("dns"),
        25 | 465 | 587 => Some("smtp"),
        443 | 8443 | 9443 => Some("https"),
        1883 => Some("mqtt"),
        3306 => Some("mysql"),
        5432 => Some("postgresql"),
        6379 => Some("redis"),
        27017 => Some("mongodb"),
        _ => None,
    }
}

/// The name of an app's port: well-known names, else `http` for the first
/// other TCP port and `http-<n>` for the rest, `udp-<n>` for UDP; a name
/// already taken by an earlier port gets `-<n>` (names are unique).
#[must_use]
pub fn port_name(number: u16, udp: bool, ports: &Ports) -> String {
    let mut taken: Vec<String> = Vec::new();
    let mut http = false;
    for (n, u, _) in &ports.list {
        let base = match (u, known_port(*n)) {
            (true, _) => format!("udp-{n}"),
            (false, Some(known)) => known.to_owned(),
            (false, None) if !http => {
                http = true;
                "http".to_owned()
            }
            (false, None) => format!("http-{n}"),
        };
        let name = if taken.contains(&base) { format!("{base}-{n}") } else { base };
        if *n == number && *u == udp {
            return name;
        }
        taken.push(name);
    }
    if udp { format!("udp-{number}") } else { format!("http-{number}") }
}

/// Map one service.
pub fn map_app(
    s: &Service,
    cx: &AppContext,
    book: &mut SecretBook,
    shared: &mut BTreeMap<String, String>,
    findings: &mut Vec<Finding>,
) -> AppPlan {
    let name = cx.names.get(&s.name).cloned().unwrap_or_else(|| label(&s.name));
    let mut app = AppPlan { name: name.clone(), ..AppPlan::default() };
    app.comments.push(format!("service `{}` (compose line {})", s.name, s.at.line));
    for issue in &s.issues {
        findings.push(Finding::from_issue(Some(&s.name), issue));
        if issue.todo {
            app.children.push(Child::Todo(format!("compose line {}: {}", issue.at.line, issue.what)));
        }
    }
    app.image = match &s.image {
        Some((image, _)) => image.clone(),
        None => {
            let what = "built from source (`build:`): push the image to a registry and name it here";
            findings.push(Finding::todo(s.build.unwrap_or(s.at), Some(&s.name), what));
            app.children.push(Child::Todo(what.to_owned()));
            format!("registry.example.org/{name}:todo")
        }
    };
    let job = cx.jobs.get(&s.name);
    if let Some(j) = job {
        app.job = Some(super::jobs::job_plan(s, j, cx, &mut app.comments));
        super::jobs::dropped(s, findings);
    }
    if let Some(at) = s.one_shot.filter(|_| job.is_none()) {
        let what = "a one-shot task (`restart` is `no` or `on-failure`) that no service waits for: imported as an app, which Kubernetes restarts when it exits; make it a `job` if it runs once, a `cronjob` if on a schedule";
        findings.push(Finding::todo(at, Some(&s.name), what));
        app.children.push(Child::Todo(what.to_owned()));
    }
    // Ports, and the offered exposure.
    // A job takes no traffic and has no probes (`check` refuses both).
    let ports = if job.is_some() { Ports::default() } else { cx.ports.get(&s.name).cloned().unwrap_or_default() };
    let mut exposed = false;
    for (number, udp, published) in &ports.list {
        let port = port_name(*number, *udp, &ports);
        app.children.push(Child::Port { name: port.clone(), number: *number, udp: *udp });
        if let Some((_, why)) = ports.inferred.iter().find(|(n, _)| n == number) {
            app.children.push(Child::Comment(format!("port {number}: {why}")));
        }
        let Some(published) = published else { continue };
        if !exposed && !udp && (port == "http" || port.starts_with("http-")) {
            exposed = true;
            app.children.push(Child::Expose { host: format!("{name}.example.org"), port: port.clone() });
            findings.push(Finding::todo(s.at, Some(&s.name), format!(
                "published HTTP port {published} is offered as `expose \"{name}.example.org\"` (commented out): set the host, add the cert-manager issuer, uncomment"
            )));
        } else {
            // Traefik's own ports cannot be taken by an `expose-port` (check/exposure.rs).
            let what = if matches!(published, 80 | 443 | 8000 | 8080 | 8443 | 9100) {
                format!(
                    "published port {published} (container {number}) is one of Traefik's own: \
                     publish it on another with `expose-port N port=\"{port}\"`"
                )
            } else {
                format!(
                    "published port {published} (container {number}): Traefik can publish it with `expose-port {published} port=\"{port}\"`"
                )
            };
            findings.push(Finding::note(s.at, Some(&s.name), what.clone()));
            app.children.push(Child::Comment(what));
        }
    }
    env::map_env(s, cx, book, &mut app, findings);
    volumes::map_volumes(s, cx, book, shared, &mut app, findings);
    volumes::map_secrets(s, cx, book, &mut app, findings);
    // A PostgreSQL-based image initialises PGDATA, which must be an empty
    // directory: a PVC's root is not (`lost+found`), so the data goes one
    // level down, as stackc's own database does (`check::images::postgres_data`).
    let postgres_like = s
        .image
        .as_ref()
        .and_then(|(i, _)| volumes::facts_of(i))
        .is_some_and(|f| f.repository == crate::check::images::POSTGRES.repository);
    let (volume, pgdata) = crate::check::images::postgres_data(17);
    let on_pvc =
        app.children.iter().any(|c| matches!(c, Child::Volume { mount, size: Some(_), .. } if mount == volume));
    if postgres_like && on_pvc && !s.env.iter().any(|e| e.name == "PGDATA") {
        let comment = Some("a subdirectory: the volume's root is not empty".to_owned());
        app.children.push(Child::Env { name: "PGDATA".into(), value: super::plan::EnvPlan::Literal(pgdata), comment });
    }
    if let Some(h) = s.healthcheck.as_ref().filter(|_| job.is_none()) {
        let test = http_probe(&h.test, &ports).unwrap_or_else(|| ProbeTest::Exec(h.test.clone()));
        app.children.push(Child::Probe {
            test,
            period: h.interval,
            timeout: h.timeout,
            failures: h.retries,
            delay: h.start_period,
        });
    }
    if let Some((entrypoint, _)) = &s.entrypoint {
        app.children.push(Child::Command(entrypoint.clone()));
    }
    if let Some((command, _)) = &s.command {
        app.children.push(Child::Args(command.clone()));
    }
    if let Some((user, at)) = &s.user {
        let mut ids = user.split(':').map(str::parse::<i64>);
        match (ids.next(), ids.next()) {
            (Some(Ok(uid)), gid) if uid > 0 => {
                let group = gid.and_then(Result::ok).unwrap_or(uid);
                app.children.push(Child::Security { user: uid, group });
            }
            _ => {
                let what = format!(
                    "`user: {user}`: stackc runs pods as a numeric non-root user (65532 unless `security run-as-user=` says which)"
                );
                findings.push(Finding::todo(*at, Some(&s.name), what.clone()));
                app.children.push(Child::Todo(what));
            }
        }
    }
    // An image stackc knows runs as its own user (a PostgreSQL-based one as postgres).
    let known_user = s.image.as_ref().and_then(|(i, _)| volumes::facts_of(i)).and_then(|f| f.user);
    if let (None, Some((user, group))) = (&s.user, known_user) {
        app.children.push(Child::Comment(format!("the user its image runs as ({user}:{group})")));
        app.children.push(Child::Security { user, group });
    }
    let (l, r) = (&s.limits, &s.reservations);
    if l.cpu.is_some() || l.memory.is_some() || r.cpu.is_some() || r.memory.is_some() {
        app.children.push(Child::Resources {
            requests: (r.cpu.clone(), r.memory.clone()),
            limits: (l.cpu.clone(), l.memory.clone()),
        });
    }
    app.replicas = s.replicas.map(|(r, _)| r).filter(|r| *r != 1 && job.is_none());
    app
}

/// `curl`/`wget` of `http://localhost:<port>/path` on a port the app
/// declares: an HTTP probe the kubelet makes (no tool needed in the image).
/// A trailing `|| exit 1` (or `|| false`) changes nothing a probe sees: it
/// only turns curl's or wget's failure into status 1, which the kubelet
/// reads as failed as it does any HTTP error.
fn http_probe(test: &[String], ports: &Ports) -> Option<ProbeTest> {
    let joined = test.join(" ");
    let mut line = joined.trim();
    for fallback in ["|| exit 1", "|| exit", "|| false"] {
        line = line.strip_suffix(fallback).map_or(line, str::trim_end);
    }
    if !(line.contains("curl") || line.contains("wget")) || line.contains("&&") || line.contains('|') {
        return None;
    }
    let url = line.split_whitespace().find_map(|w| w.trim_matches(['"', '\'']).strip_prefix("http://"))?;
    let (authority, path) = url.split_once('/').map_or((url, String::from("/")), |(a, p)| (a, format!("/{p}")));
    let (host, port) = authority.split_once(':').unwrap_or((authority, "80"));
    if !matches!(host, "localhost" | "127.0.0.1" | "0.0.0.0") {
        return None;
    }
    let port: u16 = port.parse().ok()?;
    ports
        .list
        .iter()
        .any(|(n, u, _)| *n == port && !u)
        .then(|| ProbeTest::Http { path, port: port_name(port, false, ports) })
}

#[cfg(test)]
mod tests;
