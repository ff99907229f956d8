//! Lowering of `job` and `cronjob`: the children of an image app that fit a
//! pod that runs to completion, the Job and CronJob knobs, and a named
//! error for every app child that does not fit (a job has no ingress).

use super::apps::internet;
use super::containers::{env, resources, security, volume};
use super::lower::{one_of, string_args};
use super::ports::connect;
use super::reader::{Reader, integer, missing};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::syntax::Node;

const JOB_PROPS: &[&str] = &["image", "image-of", "backoff-limit", "active-deadline", "api-access"];
const CRON_PROPS: &[&str] =
    &["schedule", "concurrency", "successful-history", "failed-history", "time-zone", "suspend", "starting-deadline"];
const JOB_CHILDREN: &[&str] =
    &["connects-to", "resources", "env", "volume", "security", "internet", "command", "args", "file"];

/// App properties a job refuses by name, and why.
const NOT_PROPS: &[(&str, &str, &str)] = &[
    ("replicas", "a job runs one pod at a time", "`backoff-limit=N` sets how often a failed pod is retried"),
    ("release", "a job runs an image", "write `image=\"...\"`, or `image-of=\"app\"` for an app's image"),
    ("workload", "a job runs an image", "write `image=\"...\"`, or `image-of=\"app\"` for an app's image"),
    ("service-account", "a job runs as its own ServiceAccount", "stackc names it after the job"),
    ("service-account-value", "a job runs as its own ServiceAccount", "stackc names it after the job"),
];

/// App children a job refuses by name, and why.
const NOT_CHILDREN: &[(&str, &str, &str)] = &[
    ("port", "a job takes no inbound traffic", "jobs only open connections (`connects-to`); serve ports from an `app`"),
    ("expose", "a job takes no inbound traffic", "expose a host from an `app`; a job only opens connections"),
    ("expose-port", "a job takes no inbound traffic", "expose a port from an `app`; a job only opens connections"),
    ("metrics", "a job takes no inbound traffic, so nothing can scrape it", "serve metrics from an `app`"),
    (
        "readiness",
        "a job's pod runs to completion: it has no probes",
        "bound its run time with `active-deadline=SECONDS`",
    ),
    (
        "liveness",
        "a job's pod runs to completion: it has no probes",
        "bound its run time with `active-deadline=SECONDS`",
    ),
    (
        "startup",
        "a job's pod runs to completion: it has no probes",
        "bound its run time with `active-deadline=SECONDS`",
    ),
    ("availability", "a job runs one pod at a time", "a job has no disruption budget or spread"),
    ("pods", "a job runs an image", "stackc labels the pods of jobs itself"),
];

/// What a deadline or a count may be.
const SECONDS: &str = "seconds, from 1 to 4294967295";
const COUNT: &str = "a count, from 0 to 4294967295";

/// `job "name" image=... { ... }`.
pub(super) fn job(node: &Node, d: &mut Diagnostics) -> Option<Job> {
    let r = reader(node, &[], d);
    job_of(&r, d)
}

/// `cronjob "name" schedule=... { ... }`.
pub(super) fn cronjob(node: &Node, d: &mut Diagnostics) -> Option<CronJob> {
    let r = reader(node, CRON_PROPS, d);
    let job = job_of(&r, d);
    let schedule = r.required_string("schedule", d);
    let concurrency = match r.string("concurrency", d) {
        None => Some(Concurrency::default()),
        Some(s) => match s.value.as_str() {
            "allow" => Some(Concurrency::Allow),
            "forbid" => Some(Concurrency::Forbid),
            "replace" => Some(Concurrency::Replace),
            other => {
                d.push(one_of(s.span, "concurrency policy", other, &["forbid", "allow", "replace"]));
                None
            }
        },
    };
    let successful_history = r.integer("successful-history", COUNT, d);
    let failed_history = r.integer("failed-history", COUNT, d);
    let time_zone = r.string("time-zone", d);
    let suspend = r.bool("suspend", false, d);
    let starting_deadline = positive(&r, "starting-deadline", d);
    Some(CronJob {
        job: job?,
        schedule: schedule?,
        concurrency: concurrency?,
        successful_history,
        failed_history,
        time_zone,
        suspend,
        starting_deadline,
    })
}

/// The node's shape: the job's own properties and children, `extra`
/// properties, and the app's that a job refuses with a reason of their own.
fn reader<'n>(node: &'n Node, extra: &[&str], d: &mut Diagnostics) -> Reader<'n> {
    let mut props: Vec<&str> = JOB_PROPS.iter().chain(extra).copied().collect();
    props.extend(NOT_PROPS.iter().map(|(name, _, _)| *name));
    let children: Vec<&str> = JOB_CHILDREN.iter().copied().chain(NOT_CHILDREN.iter().map(|(n, _, _)| *n)).collect();
    let r = Reader::new(node, 1, &props, &children, d);
    for (name, why, help) in NOT_PROPS {
        if let Some((_, span)) = r.prop(name) {
            d.push(refused(node, name, span, why, help));
        }
    }
    for child in &node.children {
        if let Some((name, why, help)) = NOT_CHILDREN.iter().find(|(n, _, _)| *n == child.name) {
            d.push(refused(node, name, child.name_span, why, help));
        }
    }
    r
}

fn refused(node: &Node, name: &str, span: crate::diagnostic::Span, why: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidValue, span, format!("`{name}` is not for a `{}`: {why}", node.name))
        .label(format!("not on a {}", node.name))
        .help(help.to_owned())
}

fn job_of(r: &Reader<'_>, d: &mut Diagnostics) -> Option<Job> {
    let name = r.arg_string(0, "name", d);
    let image = match (r.string("image", d), r.string("image-of", d)) {
        (Some(image), None) => Some(JobImage::Image(image)),
        (None, Some(app)) => Some(JobImage::Of(app)),
        (Some(_), Some(app)) => {
            d.push(
                Diagnostic::error(Code::InvalidValue, app.span, "a job has either `image` or `image-of`, not both")
                    .label("second image"),
            );
            None
        }
        (None, None) => {
            d.push(missing(r.node, "`image=\"...\"` or `image-of=\"app\"`"));
            None
        }
    };
    // Every property is read before giving up, so all of its errors show.
    let backoff_limit = r.integer("backoff-limit", COUNT, d);
    let active_deadline = positive(r, "active-deadline", d);
    let api_access = r.bool("api-access", false, d);
    Some(Job {
        name: name?,
        image: image?,
        backoff_limit,
        active_deadline,
        api_access,
        connects: r.children("connects-to").filter_map(|n| connect(n, d)).collect(),
        resources: r.child("resources", d).map(|n| resources(n, d)).unwrap_or_default(),
        env: r.children("env").filter_map(|n| env(n, d)).collect(),
        volumes: r.children("volume").filter_map(|n| volume(n, d)).collect(),
        security: r.child("security", d).map(|n| security(n, d)).unwrap_or_default(),
        internet: internet(r, d),
        command: r.child("command", d).map(|n| string_args(n, d)).unwrap_or_default(),
        args: r.child("args", d).map(|n| string_args(n, d)).unwrap_or_default(),
        files: r.children("file").filter_map(|n| super::files::file(n, d)).collect(),
        span: r.name_span(),
    })
}

/// A number of seconds that must be at least 1 (Kubernetes refuses 0).
fn positive(r: &Reader<'_>, key: &str, d: &mut Diagnostics) -> Option<Spanned<u32>> {
    let (value, span) = r.prop(key)?;
    let n = integer::<u32>(value, span, SECONDS, d)?;
    if n.value == 0 {
        d.push(
            Diagnostic::error(Code::InvalidValue, span, format!("`{key}` must be at least 1 second"))
                .label("zero")
                .help(SECONDS),
        );
        return None;
    }
    Some(n)
}
