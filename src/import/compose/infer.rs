//! From the typed Compose model to a [`Plan`]: names, databases, the ports
//! each app listens on, and the connections between services, each with its
//! evidence. A connection needs evidence in the file (`depends_on`, or a
//! service's name as the host of an environment value: `DB_HOST=db`,
//! `redis://cache:6379`, `http://server:2283/api`) and a port (the one of
//! the URL, or the target's only port, or the well-known port of its image);
//! what has evidence but no certain port is listed as a TODO, never guessed.

use std::collections::BTreeMap;

use super::apps::{self, AppContext};
use super::databases::{self, Database};
use super::model::{Compose, Service};
use super::plan::{Child, Plan};
use super::read::error;
use super::report::Finding;
use super::secrets::SecretBook;
use crate::check::images;
use crate::diagnostic::Diagnostic;

/// How the imported stack is named and what it may read.
pub struct Options<'a> {
    pub stack: String,
    pub namespace: String,
    pub source: String,
    pub recipients: Vec<String>,
    /// Reads a file relative to the Compose file (bind-mounted files).
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

/// A DNS-1123 label from a Compose name (`immich_server` -> `immich-server`).
#[must_use]
pub fn label(name: &str) -> String {
    let mapped: String =
        name.to_ascii_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let trimmed: String = mapped.trim_matches('-').chars().take(63).collect();
    let trimmed = trimmed.trim_end_matches('-').to_owned();
    if trimmed.is_empty() { "app".to_owned() } else { trimmed }
}

/// One app's ports: number, UDP, published port.
#[derive(Debug, Clone, Default)]
pub struct Ports {
    pub list: Vec<(u16, bool, Option<u16>)>,
    /// Ports added from evidence, with why.
    pub inferred: Vec<(u16, String)>,
}

/// Well-known ports of images that do not declare one in Compose files.
const DEFAULT_PORTS: &[(&str, u16)] = &[
    ("postgres", 5432),
    ("mariadb", 3306),
    ("mysql", 3306),
    ("mongo", 27017),
    ("redis", 6379),
    ("valkey", 6379),
    ("keydb", 6379),
    ("dragonfly", 6379),
    ("memcached", 11211),
    ("meilisearch", 7700),
    ("elasticsearch", 9200),
    ("opensearch", 9200),
    ("rabbitmq", 5672),
    ("clickhouse", 8123),
    ("gotenberg", 3000),
    ("tika", 9998),
    ("nats", 4222),
    ("typesense", 8108),
    ("minio", 9000),
];

/// Build the plan.
///
/// # Errors
/// `depends_on` naming an unknown service, or a cycle of `depends_on`.
pub fn infer(compose: &Compose, options: &Options) -> Result<(Plan, Vec<Finding>), Diagnostic> {
    check_depends_on(compose)?;
    let mut findings: Vec<Finding> = compose.issues.iter().map(|i| Finding::from_issue(None, i)).collect();
    for (name, at, profiles) in &compose.inactive {
        findings.push(Finding::note(
            *at,
            Some(name),
            format!("left out: its profiles ({}) are not active (`--profile`)", profiles.join(", ")),
        ));
    }
    // Names: Compose name -> stack name, unique.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for s in &compose.services {
        let mut name = label(&s.name);
        let mut n = 2;
        while names.values().any(|v| *v == name) {
            name = format!("{}-{n}", label(&s.name));
            n += 1;
        }
        names.insert(s.name.clone(), name);
    }
    let name = |s: &str| names.get(s).cloned().unwrap_or_else(|| label(s));
    let dbs: Vec<Database> = compose.services.iter().filter_map(|s| databases::recognise(s, &name(&s.name))).collect();
    let is_db = |s: &str| dbs.iter().any(|d| d.service == s);
    let apps: Vec<&Service> = compose.services.iter().filter(|s| !is_db(&s.name)).collect();

    // Ports: declared, then from URLs, then the image's well-known port.
    let mut ports: BTreeMap<String, Ports> = BTreeMap::new();
    for s in &apps {
        let p = ports.entry(s.name.clone()).or_default();
        for port in &s.ports {
            if !p.list.iter().any(|(n, u, _)| *n == port.target && *u == port.udp) {
                p.list.push((port.target, port.udp, port.published));
            }
        }
        for (port, _) in &s.expose {
            if !p.list.iter().any(|(n, u, _)| n == port && !u) {
                p.list.push((*port, false, None));
            }
        }
    }
    let service_names: Vec<&str> = compose.services.iter().map(|s| s.name.as_str()).collect();
    let mut evidence: BTreeMap<(String, String), (Vec<String>, Option<u16>)> = BTreeMap::new();
    for s in &apps {
        for (target, _) in &s.depends_on {
            if service_names.contains(&target.as_str()) {
                evidence.entry((s.name.clone(), target.clone())).or_default().0.push("depends_on".into());
            }
        }
        for e in &s.env {
            for (host, port) in apps::hosts_in(&e.name, e.value.as_deref().unwrap_or_default(), &service_names) {
                if host == s.name {
                    continue;
                }
                let entry = evidence.entry((s.name.clone(), host.to_owned())).or_default();
                if !entry.0.contains(&e.name) {
                    entry.0.push(e.name.clone());
                }
                entry.1 = entry.1.or(port);
            }
        }
    }
    for ((from, target), (why, port)) in &evidence {
        let Some(p) = ports.get_mut(target) else { continue };
        if let Some(port) = port.filter(|port| !p.list.iter().any(|(n, u, _)| n == port && !u)) {
            p.list.push((port, false, None));
            p.inferred.push((port, format!("from `{from}`'s {}", why.last().cloned().unwrap_or_default())));
        }
    }
    for s in &apps {
        let targeted = evidence.keys().any(|(_, t)| *t == s.name);
        let p = ports.entry(s.name.clone()).or_default();
        if targeted && p.list.is_empty() {
            let repository = s.image.as_ref().map(|(i, _)| images::repository(i)).unwrap_or_default();
            let image = repository.rsplit('/').next().unwrap_or_default().to_owned();
            if let Some((_, port)) = DEFAULT_PORTS.iter().find(|(k, _)| image.contains(k)) {
                p.list.push((*port, false, None));
                p.inferred.push((*port, format!("the usual port of `{image}`")));
            }
        }
    }

    let mut book = SecretBook::new(format!("{}-secrets", options.namespace));
    let mut plan = Plan {
        stack: options.stack.clone(),
        namespace: options.namespace.clone(),
        source: options.source.clone(),
        recipients: options.recipients.clone(),
        ..Plan::default()
    };
    let todo = |c: &Compose| {
        c.issues
            .iter()
            .filter(|i| i.todo)
            .map(|i| format!("compose line {}: {}", i.at.line, i.what))
            .collect::<Vec<_>>()
    };
    plan.todos = todo(compose);
    for db in &dbs {
        let service = compose.services.iter().find(|s| s.name == db.service);
        for i in service.map(|s| s.issues.as_slice()).unwrap_or_default() {
            findings.push(Finding::from_issue(Some(&db.service), i));
        }
        findings.push(Finding::note(
            service.map(|s| s.at).unwrap_or_default(),
            Some(&db.service),
            format!(
                "a `database` ({} {}); its volumes, healthcheck and settings are stackc's own (size 1Gi: review)",
                db.plan.engine, db.plan.version
            ),
        ));
        plan.databases.push(db.plan.clone());
    }
    let context =
        AppContext { names: &names, dbs: &dbs, ports: &ports, service_names: &service_names, read: options.read };
    let mut shared: BTreeMap<String, String> = BTreeMap::new();
    for s in &apps {
        let mut app = apps::map_app(s, &context, &mut book, &mut shared, &mut findings);
        let mut connections = Vec::new();
        for ((from, target), (why, port)) in evidence.iter().filter(|((f, _), _)| *f == s.name) {
            let _ = from;
            connections.push(connection(s, target, why, *port, &context, &mut findings));
        }
        let missing = credentials_todo(&connections, &app, &dbs);
        let at = app
            .children
            .iter()
            .position(|c| !matches!(c, Child::Port { .. } | Child::Expose { .. } | Child::Todo(_) | Child::Comment(_)))
            .unwrap_or(app.children.len());
        app.children.splice(at..at, connections);
        for what in missing {
            findings.push(Finding::todo(s.at, Some(&s.name), what.clone()));
            app.children.insert(at, Child::Todo(what));
        }
        plan.http |= app.children.iter().any(|c| matches!(c, Child::Expose { .. }));
        plan.apps.push(app);
    }
    plan.secret = book.plan();
    plan.store = book.values.iter().map(|(k, v)| (book.name.clone(), k.clone(), v.clone())).collect();
    Ok((plan, findings))
}

/// The `connects-to` from `s` to `target`, or the TODO that says why not.
fn connection(
    s: &Service,
    target: &str,
    why: &[String],
    port: Option<u16>,
    cx: &AppContext,
    findings: &mut Vec<Finding>,
) -> Child {
    let evidence = why.join(", ");
    let to = cx.names.get(target).cloned().unwrap_or_else(|| label(target));
    if cx.dbs.iter().any(|d| d.service == target) {
        return Child::ConnectsTo { target: to, port: None, evidence };
    }
    let p = cx.ports.get(target).cloned().unwrap_or_default();
    let tcp: Vec<u16> = p.list.iter().filter(|(_, u, _)| !u).map(|(n, _, _)| *n).collect();
    let chosen = match (port, tcp.as_slice()) {
        (Some(port), _) if tcp.contains(&port) => Some(port),
        (None, [only]) => Some(*only),
        _ => None,
    };
    match chosen {
        Some(number) => {
            let name = apps::port_name(number, false, &p);
            let port = (p.list.len() > 1).then_some(name);
            Child::ConnectsTo { target: to, port, evidence }
        }
        None => {
            let what = if tcp.is_empty() {
                format!(
                    "`{}` connects to `{target}` ({evidence}), which declares no port: add `port` there and `connects-to \"{to}\"` here",
                    s.name
                )
            } else {
                format!(
                    "`{}` connects to `{target}` ({evidence}) on one of its ports: choose it with `connects-to \"{to}\" port=...`",
                    s.name
                )
            };
            findings.push(Finding::todo(s.at, Some(&s.name), what.clone()));
            Child::Todo(what)
        }
    }
}

/// `depends_on` names declared services and has no cycle.
fn check_depends_on(compose: &Compose) -> Result<(), Diagnostic> {
    let known: Vec<&str> = compose.services.iter().map(|s| s.name.as_str()).collect();
    for s in &compose.services {
        for (target, at) in &s.depends_on {
            if !known.contains(&target.as_str()) && !compose.inactive.iter().any(|(n, _, _)| n == target) {
                return Err(error(
                    *at,
                    format!("service `{}` depends on `{target}`, which is not a service", s.name),
                    "unknown service",
                ));
            }
        }
    }
    // Depth-first search; a service met again on the current path closes a cycle.
    fn visit<'a>(
        c: &'a Compose,
        s: &'a Service,
        path: &mut Vec<&'a str>,
        done: &mut Vec<&'a str>,
    ) -> Result<(), Diagnostic> {
        if done.contains(&s.name.as_str()) {
            return Ok(());
        }
        path.push(&s.name);
        for (target, at) in &s.depends_on {
            if let Some(i) = path.iter().position(|p| p == target) {
                let cycle = path[i..].iter().chain([&target.as_str()]).copied().collect::<Vec<_>>().join(" -> ");
                return Err(error(*at, format!("`depends_on` forms a cycle: {cycle}"), "closes the cycle")
                    .also(
                        c.services.iter().find(|x| x.name == *target).map(|x| x.at.span).unwrap_or_default(),
                        "the cycle starts here",
                    )
                    .help("docker compose cannot start these services either; remove one of the dependencies"));
            }
            if let Some(next) = c.services.iter().find(|x| x.name == *target) {
                visit(c, next, path, done)?;
            }
        }
        path.pop();
        done.push(&s.name);
        Ok(())
    }
    let mut done = Vec::new();
    for s in &compose.services {
        visit(compose, s, &mut Vec::new(), &mut done)?;
    }
    Ok(())
}

/// A TODO when an app connects to a PostgreSQL database but none of its
/// variables carries the database's credentials: it relies on defaults of
/// its own, which the Compose file made match the database's settings.
fn credentials_todo(connections: &[Child], app: &super::plan::AppPlan, dbs: &[Database]) -> Vec<String> {
    let mut missing = Vec::new();
    for d in dbs.iter().filter(|d| d.postgres) {
        let connected =
            connections.iter().any(|c| matches!(c, Child::ConnectsTo { target, .. } if *target == d.plan.name));
        let secret = format!("{}-credentials", d.plan.name);
        let reads = app.children.iter().any(
            |c| matches!(c, Child::Env { value: super::plan::EnvPlan::Secret { secret: x, .. }, .. } if *x == secret),
        );
        if connected && !reads {
            missing.push(format!(
                "reads none of database `{}`'s credentials: give it user `postgres`, database `postgres` and \
                 `env \"...\" secret=\"{secret}\" key=\"password\"` in the variables it reads (Compose had user `{}`, database `{}`)",
                d.plan.name, d.user, d.database
            ));
        }
    }
    missing
}
