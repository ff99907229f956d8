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
use super::model::{Compose, MountKind, Service};
use super::plan::{Child, Plan};
use super::report::Finding;
use super::secrets::SecretBook;
use super::{connections, jobs};
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
    connections::check_depends_on(compose)?;
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
    // A `container_name` is a second host name of its service (Docker's DNS
    // resolves both); in the cluster only the service's name resolves, so
    // values naming the container are rewritten to it (`env.rs`).
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for s in &compose.services {
        let Some(alias) = s.container_name.as_ref() else { continue };
        if *alias != s.name && !compose.services.iter().any(|o| o.name == *alias) {
            aliases.insert(alias.clone(), s.name.clone());
            let stack_name = names.get(&s.name).cloned().unwrap_or_else(|| label(&s.name));
            names.insert(alias.clone(), stack_name);
        }
    }
    let name = |s: &str| names.get(s).cloned().unwrap_or_else(|| label(s));
    let dbs: Vec<Database> = compose.services.iter().filter_map(|s| databases::recognise(s, &name(&s.name))).collect();
    let is_db = |s: &str| dbs.iter().any(|d| d.service == s);
    let apps: Vec<&Service> = compose.services.iter().filter(|s| !is_db(&s.name)).collect();
    let jobs = jobs::find(compose, &is_db);

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
    let mut service_names: Vec<&str> = compose.services.iter().map(|s| s.name.as_str()).collect();
    service_names.extend(aliases.keys().map(String::as_str));
    let mut evidence: BTreeMap<(String, String), (Vec<String>, Option<u16>)> = BTreeMap::new();
    for s in &apps {
        for (target, _) in &s.depends_on {
            // Waiting for a job to finish is an order, not a connection.
            if service_names.contains(&target.as_str()) && !jobs.contains_key(target) {
                evidence.entry((s.name.clone(), target.clone())).or_default().0.push("depends_on".into());
            }
        }
        for e in &s.env {
            for (host, port) in apps::hosts_in(&e.name, e.value.as_deref().unwrap_or_default(), &service_names) {
                let host = aliases.get(host).map_or(host, String::as_str);
                if host == s.name || jobs.contains_key(host) {
                    continue;
                }
                let entry = evidence.entry((s.name.clone(), host.to_owned())).or_default();
                if !entry.0.contains(&e.name) {
                    entry.0.push(e.name.clone());
                }
                entry.1 = entry.1.or(port);
            }
        }
        // A configuration file beside the Compose file that names a
        // service with its port (nginx's `server app:9000;`, a proxy's
        // upstream). Only `name:port`: a bare word in a file is too weak.
        for m in &s.mounts {
            let MountKind::Bind(source) = &m.kind else { continue };
            if source.starts_with(['/', '~']) {
                continue;
            }
            let Some(text) = (options.read)(source) else { continue };
            for (host, port) in apps::hosts_in("", &text, &service_names) {
                let host = aliases.get(host).map_or(host, String::as_str);
                let Some(port) = port.filter(|_| host != s.name && !jobs.contains_key(host)) else { continue };
                let entry = evidence.entry((s.name.clone(), host.to_owned())).or_default();
                let why = format!("`{source}`");
                if !entry.0.contains(&why) {
                    entry.0.push(why);
                }
                entry.1 = entry.1.or(Some(port));
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
    plan.todos =
        compose.issues.iter().filter(|i| i.todo).map(|i| format!("compose line {}: {}", i.at.line, i.what)).collect();
    for db in &dbs {
        let service = compose.services.iter().find(|s| s.name == db.service);
        let mut plan_db = db.plan.clone();
        for i in service.map(|s| s.issues.as_slice()).unwrap_or_default() {
            findings.push(Finding::from_issue(Some(&db.service), i));
            if i.todo {
                plan_db.comments.push(format!("TODO: compose line {}: {}", i.at.line, i.what));
            }
        }
        for port in service.map(|s| s.ports.as_slice()).unwrap_or_default().iter().filter(|p| p.published.is_some()) {
            let what = "its published port is not carried over: apps reach a database inside the cluster only";
            findings.push(Finding::note(port.at, Some(&db.service), what));
        }
        findings.push(Finding::note(
            service.map(|s| s.at).unwrap_or_default(),
            Some(&db.service),
            format!(
                "a `database` ({} {}); its volumes, healthcheck and settings are stackc's own (size 1Gi: review)",
                db.plan.engine, db.plan.version
            ),
        ));
        plan.databases.push(plan_db);
    }
    let context = AppContext {
        names: &names,
        dbs: &dbs,
        ports: &ports,
        service_names: &service_names,
        secrets: &compose.secrets,
        read: options.read,
        jobs: &jobs,
    };
    let mut shared: BTreeMap<String, String> = BTreeMap::new();
    for s in &apps {
        let mut app = apps::map_app(s, &context, &mut book, &mut shared, &mut findings);
        let mut connections = Vec::new();
        for ((from, target), (why, port)) in evidence.iter().filter(|((f, _), _)| *f == s.name) {
            let _ = from;
            connections.push(connections::connection(s, target, why, *port, &context, &mut findings));
        }
        let missing = connections::credentials_todo(&connections, &app, &dbs);
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
