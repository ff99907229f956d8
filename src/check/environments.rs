//! Environments: a stack with several clusters is checked once per
//! cluster, each time as a single-cluster stack with that cluster's
//! `override`s applied to the shared workloads.

use super::references::unknown_reference;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{App, Cluster, Database, Override, Resources, Stack};

/// Cluster names must differ: each names a directory under `clusters/`.
pub(super) fn unique_clusters(stack: &Stack, d: &mut Diagnostics) {
    let mut seen = std::collections::BTreeMap::new();
    for cluster in &stack.clusters {
        if let Some(first) = seen.insert(cluster.name.value.as_str(), cluster.name.span) {
            d.push(
                Diagnostic::duplicate(
                    Code::DuplicateName,
                    first,
                    cluster.name.span,
                    format!("cluster `{}` is declared twice", cluster.name.value),
                )
                .help("each cluster renders to its own `clusters/<name>/`; give every cluster its own name"),
            );
        }
    }
}

/// The stack as `cluster` sees it: only that cluster, its overrides applied.
pub(super) fn for_cluster(stack: &Stack, cluster: &Cluster, d: &mut Diagnostics) -> Stack {
    let mut view = Stack {
        name: stack.name.clone(),
        clusters: vec![cluster.clone()],
        platform: stack.platform.clone(),
        helm_repositories: stack.helm_repositories.clone(),
        namespaces: stack.namespaces.clone(),
    };
    let mut seen = std::collections::BTreeMap::new();
    for o in &cluster.overrides {
        if let Some(first) = seen.get(o.workload.value.as_str()) {
            d.push(
                Diagnostic::duplicate(
                    Code::DuplicateName,
                    *first,
                    o.workload.span,
                    format!("`{}` is overridden twice in cluster `{}`", o.workload.value, cluster.name.value),
                )
                .help("merge the two `override` nodes into one"),
            );
            continue;
        }
        seen.insert(o.workload.value.as_str(), o.workload.span);
        apply(&mut view, o, d);
    }
    view
}

fn apply(view: &mut Stack, o: &Override, d: &mut Diagnostics) {
    let Some((ns_name, name)) = o.workload.value.split_once('/') else {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                o.workload.span,
                "an override names its workload as `namespace/name`",
            )
            .label("no `/`"),
        );
        return;
    };
    let Some(ns) = view.namespaces.iter_mut().find(|n| n.name.value == ns_name) else {
        let known: Vec<&str> = view.namespaces.iter().map(|n| n.name.value.as_str()).collect();
        d.push(unknown_reference("namespace", &Spanned::new(ns_name.to_owned(), o.workload.span), &known));
        return;
    };
    if let Some(app) = ns.apps.iter_mut().find(|a| a.name.value == name) {
        app_override(app, o, d);
    } else if let Some(db) = ns.databases.iter_mut().find(|b| b.name.value == name) {
        database_override(db, o, d);
    } else {
        let known: Vec<String> = ns
            .apps
            .iter()
            .map(|a| &a.name.value)
            .chain(ns.databases.iter().map(|b| &b.name.value))
            .map(|n| format!("{ns_name}/{n}"))
            .collect();
        let known: Vec<&str> = known.iter().map(String::as_str).collect();
        d.push(unknown_reference("workload", &o.workload, &known));
    }
}

fn app_override(app: &mut App, o: &Override, d: &mut Diagnostics) {
    if let Some(replicas) = &o.replicas {
        match &app.run {
            // A job runs one pod at a time; its overrides (resources, volume
            // sizes) change its spec, and so its Job's name, in this cluster.
            Some(run) => d.push(
                not_for(replicas.span, "`replicas`", &format!("a {}", run.node())).help("a job runs one pod at a time"),
            ),
            None => app.replicas = replicas.clone(),
        }
    }
    if let Some(size) = &o.size {
        d.push(
            not_for(size.span, "`size`", "an app").help("size an app's volumes with `volume \"name\" size=\"...\"`"),
        );
    }
    if let Some(host) = &o.host {
        // One host, perhaps at several paths (apps share a host by path): all move.
        let mut hosts: Vec<String> = app.exposes.iter().map(|e| e.host.value.to_ascii_lowercase()).collect();
        hosts.sort();
        hosts.dedup();
        match hosts.len() {
            0 => d.push(not_for(host.span, "`host`", "an app that exposes nothing")),
            1 => app.exposes.iter_mut().for_each(|e| e.host = host.clone()),
            several => d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    host.span,
                    format!("`{}` exposes {several} hosts; say which one changes", app.name.value),
                )
                .label("which host?")
                .help("write one `expose \"<declared host>\" host=\"<new host>\"` child per host"),
            ),
        }
    }
    for change in &o.exposes {
        let mut moved = false;
        for expose in app.exposes.iter_mut().filter(|e| e.host.value.eq_ignore_ascii_case(&change.from.value)) {
            expose.host = change.host.clone();
            moved = true;
        }
        if !moved {
            let hosts: Vec<&str> = app.exposes.iter().map(|e| e.host.value.as_str()).collect();
            d.push(unknown_reference("exposed host", &change.from, &hosts));
        }
    }
    for change in &o.volumes {
        match app.volumes.iter_mut().find(|v| v.name.value == change.name.value) {
            Some(volume) => volume.size = Some(change.size.clone()),
            None => {
                let names: Vec<&str> = app.volumes.iter().map(|v| v.name.value.as_str()).collect();
                d.push(unknown_reference("volume", &change.name, &names));
            }
        }
    }
    if let Some(resources) = &o.resources {
        merge(&mut app.resources, resources);
    }
}

fn database_override(db: &mut Database, o: &Override, d: &mut Diagnostics) {
    if let Some(size) = &o.size {
        db.size = size.clone();
    }
    if let Some(replicas) = &o.replicas {
        d.push(not_for(replicas.span, "`replicas`", "a database").help("stackc runs each database as one replica"));
    }
    if let Some(host) = &o.host {
        d.push(not_for(host.span, "`host`", "a database").help("databases are never exposed"));
    }
    for change in &o.exposes {
        d.push(not_for(change.from.span, "`expose`", "a database").help("databases are never exposed"));
    }
    for change in &o.volumes {
        d.push(not_for(change.name.span, "`volume`", "a database").help("size a database with `size=\"...\"`"));
    }
    if let Some(resources) = &o.resources {
        merge(&mut db.resources, resources);
    }
}

/// What the override names replaces the shared value; the rest stays.
fn merge(into: &mut Resources, from: &Resources) {
    for (to, value) in [
        (&mut into.requests_cpu, &from.requests_cpu),
        (&mut into.requests_memory, &from.requests_memory),
        (&mut into.limits_cpu, &from.limits_cpu),
        (&mut into.limits_memory, &from.limits_memory),
    ] {
        if value.is_some() {
            to.clone_from(value);
        }
    }
}

fn not_for(span: crate::diagnostic::Span, what: &str, target: &str) -> Diagnostic {
    Diagnostic::error(Code::UnknownProperty, span, format!("{what} does not apply to {target}")).label("not here")
}
