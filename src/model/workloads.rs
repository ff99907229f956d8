//! Lowering of a `namespace` and what it holds: releases, databases and
//! secrets (apps are lowered in `apps`).

use super::apps::app;
use super::containers::resources;
use super::reader::{Reader, string};
use super::types::*;
use super::values::values;
use crate::diagnostic::{Diagnostics, Spanned};
use crate::syntax::{Node, Scalar};

pub(super) fn namespace(node: &Node, d: &mut Diagnostics) -> Option<Namespace> {
    let r = Reader::new(
        node,
        1,
        &["mesh", "backup", "backup-schedule"],
        &["depends-on", "release", "app", "database", "job", "cronjob", "secret"],
        d,
    );
    let name = r.arg_string(0, "name", d);
    let mesh = r.bool("mesh", false, d);
    let backup = r.bool("backup", true, d);
    let backup_schedule = r.string("backup-schedule", d);
    let depends_on = r
        .children("depends-on")
        .flat_map(|n| {
            Reader::new(n, usize::MAX, &[], &[], d);
            n.args.iter().filter_map(|a| string(&a.value, a.span, d)).collect::<Vec<_>>()
        })
        .collect();
    let releases = r.children("release").filter_map(|n| release(n, d)).collect();
    let apps = r.children("app").filter_map(|n| app(n, d)).collect();
    let databases = r.children("database").filter_map(|n| database(n, d)).collect();
    let jobs = r.children("job").filter_map(|n| super::jobs::job(n, d)).collect();
    let cronjobs = r.children("cronjob").filter_map(|n| super::jobs::cronjob(n, d)).collect();
    let secrets = r.children("secret").filter_map(|n| secret(n, d)).collect();
    Some(Namespace {
        name: name?,
        mesh,
        backup,
        backup_schedule,
        depends_on,
        releases,
        apps,
        databases,
        jobs,
        cronjobs,
        secrets,
    })
}

fn release(node: &Node, d: &mut Diagnostics) -> Option<Release> {
    let r = Reader::new(node, 1, &["chart", "repository", "version"], &["values"], d);
    let values = r.child("values", d).map_or_else(|| serde_json::json!({}), |n| values(n, d));
    Some(Release {
        name: r.arg_string(0, "name", d)?,
        chart: r.required_string("chart", d)?,
        repository: r.required_string("repository", d)?,
        version: r.required_string("version", d)?,
        values,
    })
}

fn database(node: &Node, d: &mut Diagnostics) -> Option<Database> {
    let r = Reader::new(
        node,
        1,
        &["engine", "version", "size", "storage-class", "persistence", "password"],
        &["resources"],
        d,
    );
    let password = r.prop("password").and_then(|(value, span)| match value {
        Scalar::Bool(b) => Some(Spanned::new(*b, span)),
        other => {
            d.push(super::reader::wrong_type(span, "a boolean (#true or #false)", other));
            None
        }
    });
    Some(Database {
        name: r.arg_string(0, "name", d)?,
        engine: r.required_string("engine", d)?,
        version: r.required_string("version", d)?,
        size: r.required_string("size", d)?,
        storage_class: r.string("storage-class", d),
        persistence: r.string("persistence", d),
        password,
        resources: r.child("resources", d).map(|n| resources(n, d)).unwrap_or_default(),
    })
}

fn secret(node: &Node, d: &mut Diagnostics) -> Option<Secret> {
    let r = Reader::new(node, 1, &["external"], &["key"], d);
    let keys = r
        .children("key")
        .filter_map(|n| {
            let r = Reader::new(n, 1, &["generated"], &[], d);
            Some(SecretKey { name: r.arg_string(0, "name", d)?, generated: r.bool("generated", false, d) })
        })
        .collect();
    Some(Secret { name: r.arg_string(0, "name", d)?, external: r.bool("external", false, d), keys })
}
