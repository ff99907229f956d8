//! `job` and `cronjob`: folded into image [`App`]s with a [`Run`] before
//! anything else is checked, so that names, connections, env, Secrets,
//! files and volumes are checked once, the app's way. What only jobs have is
//! checked here: the image they borrow (`image-of`), the schedule, the name
//! a Job gets from its spec, and the Kubernetes version native sidecars need.

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::cluster::printable;
use super::references::unknown_reference;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{self, App, AppSource, EnvValue, FileSource, Job, JobImage, Probes, Run, Schedule, Stack};

/// The longest CronJob name: the controller names each Job
/// `<cronjob>-<minutes since the epoch>`, 11 more characters, within a
/// Job name's 63; the API server refuses a longer CronJob name with "must be
/// no more than 52 characters" (kubernetes/kubernetes
/// `pkg/apis/batch/validation/validation.go`, `ValidateCronJobCreate`).
const CRONJOB_NAME: usize = 52;
/// Hex digits of the spec hash in a Job's name.
const HASH_DIGITS: usize = 8;
/// The first Kubernetes minor version with native sidecars on by default
/// (`SidecarContainers`, beta in 1.29; linkerd/linkerd2 edge-25.10.7
/// `charts/linkerd-control-plane/values.yaml:253-257`: "It requires Kubernetes >= 1.29").
const NATIVE_SIDECAR_MINOR: u32 = 29;

/// Move every `job` and `cronjob` of the stack into its namespace's apps.
pub(super) fn fold(stack: &mut Stack, d: &mut Diagnostics) {
    for ns in &mut stack.namespaces {
        let jobs = std::mem::take(&mut ns.jobs);
        let cronjobs = std::mem::take(&mut ns.cronjobs);
        let mut folded = Vec::new();
        for job in jobs {
            folded.extend(app(&ns.apps, job, None, d));
        }
        for cron in cronjobs {
            let schedule = schedule(&cron, d);
            folded.extend(app(&ns.apps, cron.job, Some(schedule), d));
        }
        ns.apps.extend(folded);
    }
}

fn app(apps: &[App], job: Job, schedule: Option<Schedule>, d: &mut Diagnostics) -> Option<App> {
    if schedule.is_some() && job.name.chars().count() > CRONJOB_NAME {
        d.push(
            Diagnostic::error(
                Code::InvalidName,
                job.name.span,
                format!("a CronJob name has at most {CRONJOB_NAME} characters"),
            )
            .label(format!("{} characters", job.name.chars().count()))
            .help("the CronJob controller appends 11 characters to name each run's Job"),
        );
    }
    let image = match job.image {
        JobImage::Image(image) => image,
        JobImage::Of(of) => borrowed_image(apps, &of, d)?,
    };
    let run = Run {
        schedule,
        backoff_limit: job.backoff_limit.map(|b| b.value),
        active_deadline: job.active_deadline.map(|a| a.value),
        span: job.span,
    };
    Some(App {
        replicas: Spanned::new(1, job.name.span),
        name: job.name,
        source: AppSource::Image(image),
        ports: Vec::new(),
        exposes: Vec::new(),
        expose_ports: Vec::new(),
        connects: job.connects,
        resources: job.resources,
        env: job.env,
        volumes: job.volumes,
        security: job.security,
        api_access: job.api_access,
        internet: job.internet,
        metrics: None,
        command: job.command,
        args: job.args,
        files: job.files,
        probes: Probes::default(),
        availability: None,
        run: Some(Box::new(run)),
    })
}

/// `image-of="web"`: the image of the image app `web`, at the place the job
/// names it (for the diagnostics about the image).
fn borrowed_image(apps: &[App], of: &Spanned<String>, d: &mut Diagnostics) -> Option<Spanned<String>> {
    let Some(app) = apps.iter().find(|a| a.name.value == of.value) else {
        let names: Vec<&str> = apps.iter().map(|a| a.name.value.as_str()).collect();
        d.push(unknown_reference("app", of, &names).label("no such app in this namespace"));
        return None;
    };
    match &app.source {
        AppSource::Image(image) => Some(Spanned::new(image.value.clone(), of.span)),
        AppSource::Release { .. } => {
            d.push(
                Diagnostic::error(Code::InvalidValue, of.span, format!("`{}` runs a release's pods", printable(of)))
                    .label("no image of its own")
                    .also(app.name.span, "from a release")
                    .help("`image-of` names an app with `image=`; write the chart's image as `image=\"...\"`"),
            );
            None
        }
    }
}

fn schedule(cron: &model::CronJob, d: &mut Diagnostics) -> Schedule {
    if let Err(reason) = super::velero::parse_cron(&cron.schedule) {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                cron.schedule.span,
                format!("`{}` is not a cron schedule: {reason}", printable(&cron.schedule)),
            )
            .label("expected a cron schedule")
            .help("five fields, minute hour day-of-month month day-of-week, e.g. `0 3 * * *`; or `@daily`"),
        );
    }
    if let Some(zone) = &cron.time_zone
        && !is_time_zone(zone)
    {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                zone.span,
                format!("`{}` is not an IANA time zone name", printable(zone)),
            )
            .label("expected e.g. `Europe/Berlin`")
            .help("a name of the tz database, e.g. `UTC`, `Europe/Berlin`, `America/New_York`"),
        );
    }
    Schedule {
        cron: cron.schedule.clone(),
        concurrency: cron.concurrency,
        successful_history: cron.successful_history.as_ref().map(|h| h.value),
        failed_history: cron.failed_history.as_ref().map(|h| h.value),
        time_zone: cron.time_zone.clone(),
        suspend: cron.suspend,
        starting_deadline: cron.starting_deadline.as_ref().map(|s| s.value),
    }
}

/// The shape of a tz database name (`Area/Location`, `UTC`, `Etc/GMT+1`):
/// the API server loads it from its own database, which stackc cannot see.
fn is_time_zone(zone: &str) -> bool {
    !zone.is_empty()
        && zone.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
        })
}

/// A meshed job needs native sidecars, and so Kubernetes 1.29 or later.
pub(super) fn check_native_sidecars(stack: &Stack, d: &mut Diagnostics) {
    let cluster = stack.cluster();
    let minor = cluster.version.value.strip_prefix("1.").and_then(|m| m.split('.').next()?.parse::<u32>().ok());
    if minor.is_some_and(|m| m >= NATIVE_SIDECAR_MINOR) || minor.is_none() {
        // A version that does not parse is reported where the cluster is checked.
        return;
    }
    for ns in stack.namespaces.iter().filter(|n| n.mesh) {
        for app in &ns.apps {
            let Some(run) = &app.run else { continue };
            d.push(
                Diagnostic::error(
                    Code::Unsupported,
                    app.name.span,
                    format!("a meshed {} needs Kubernetes 1.{NATIVE_SIDECAR_MINOR} or later", run.node()),
                )
                .label("in a meshed namespace")
                .also(cluster.version.span, "an older Kubernetes")
                .help("its Linkerd proxy must exit when the job's container does, which takes a native sidecar (Kubernetes 1.29+); move the job to a namespace without `mesh=#true`, or upgrade the cluster"),
            );
        }
    }
}

/// The name of a Job: `<name>-<hash>`, the hash of everything stackc writes
/// into its pod template. A Job's template is immutable, so a changed job
/// must be a new Job: it runs once more, and the engine prunes the old one.
/// Inputs read from the project at build time (`file source=`) count by
/// path only; the pod template carries no hash of them either.
#[must_use]
pub fn job_name(stack: &str, mesh: bool, app: &App) -> String {
    let mut digest = Sha256::new();
    digest.update(spec(stack, mesh, app).to_string().as_bytes());
    let hash: String = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
    // At most 63 characters: the name, `-`, the hash.
    let base: String = app.name.value.chars().take(63 - 1 - HASH_DIGITS).collect();
    format!("{}-{}", base.trim_end_matches('-'), &hash[..HASH_DIGITS])
}

/// Everything of a job that shapes its pod template, in a fixed order.
fn spec(stack: &str, mesh: bool, app: &App) -> Value {
    let image = match &app.source {
        AppSource::Image(image) => image.value.as_str(),
        AppSource::Release { .. } => "",
    };
    let env: Vec<Value> = app
        .env
        .iter()
        .map(|e| match &e.value {
            EnvValue::Literal(v) => json!([e.name.value, v]),
            EnvValue::Secret { secret, key } => json!([e.name.value, secret.value, key.value]),
        })
        .collect();
    let volumes: Vec<Value> = app
        .volumes
        .iter()
        .map(|v| {
            json!([
                v.name.value,
                v.mount.value,
                v.size.as_ref().map(|s| &s.value),
                v.storage_class.as_ref().map(|s| &s.value)
            ])
        })
        .collect();
    let files: Vec<Value> = app
        .files
        .iter()
        .map(|f| match &f.source {
            FileSource::Content { content } => json!([f.path.value, "content", content.value]),
            FileSource::Project { source } => json!([f.path.value, "source", source.value]),
            FileSource::Secret { secret, key } => json!([f.path.value, "secret", secret.value, key.value]),
        })
        .collect();
    let s = &app.security;
    let r = &app.resources;
    let quantity = |q: &Option<Spanned<String>>| q.as_ref().map(|q| q.value.clone());
    let run = app.run.as_ref();
    json!({
        "stack": stack,
        "mesh": mesh,
        "image": image,
        "command": app.command,
        "args": app.args,
        "env": env,
        "volumes": volumes,
        "files": files,
        "security": [
            s.run_as_user.as_ref().map(|v| v.value),
            s.run_as_group.as_ref().map(|v| v.value),
            s.fs_group.as_ref().map(|v| v.value),
            s.trusts_image_user(),
            s.read_only_root_filesystem,
            s.run_as_non_root,
        ],
        "resources": [quantity(&r.requests_cpu), quantity(&r.requests_memory), quantity(&r.limits_cpu), quantity(&r.limits_memory)],
        "api-access": app.api_access,
        "backoff-limit": run.and_then(|r| r.backoff_limit),
        "active-deadline": run.and_then(|r| r.active_deadline),
    })
}
