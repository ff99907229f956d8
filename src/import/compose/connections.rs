//! The edges between services: a `connects-to` with its evidence, or the
//! TODO saying why not; the order of `depends_on` (no unknown service, no
//! cycle); and the credentials an app must be given when it connects to a
//! database without naming them.

use super::apps::{self, AppContext};
use super::databases::Database;
use super::infer::label;
use super::model::{Compose, Service};
use super::plan::Child;
use super::read::error;
use super::report::Finding;
use crate::diagnostic::Diagnostic;

/// The `connects-to` from `s` to `target`, or the TODO that says why not.
pub fn connection(
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
pub fn check_depends_on(compose: &Compose) -> Result<(), Diagnostic> {
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
pub fn credentials_todo(connections: &[Child], app: &super::plan::AppPlan, dbs: &[Database]) -> Vec<String> {
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
