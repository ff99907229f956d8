//! Pods that run to completion: `job` (once per spec) and `cronjob` (on a
//! schedule). They take the children of an image app that make sense for a
//! pod without ingress; `check` folds each into an [`App`] with a [`Run`].

use schemars::JsonSchema;

use super::*;
use crate::diagnostic::{Span, Spanned};

/// A Kubernetes Job: `job "migrate" image-of="web" { command ...; connects-to "db" }`.
/// Its object name carries a hash of its pod template, so a changed job is
/// a new Job that runs once (docs/decisions/0014-jobs.md).
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name"]))]
#[schemars(transform = super::kdl::job_image)]
pub struct Job {
    /// The job name (the Job is `<name>-<hash>`); its ServiceAccount.
    pub name: Name,
    /// `image=` or `image-of=` (described on the node itself).
    #[schemars(skip)]
    pub image: JobImage,
    /// Retries before the Job fails (Kubernetes' default 6).
    pub backoff_limit: Option<Spanned<u32>>,
    /// Seconds the Job may run before it is stopped and fails.
    #[schemars(range(min = 1))]
    pub active_deadline: Option<Spanned<u32>>,
    /// The pods talk to the Kubernetes API server.
    pub api_access: bool,
    /// Connections the pods open; the only traffic their policies allow.
    #[serde(rename = "connects-to")]
    pub connects: Vec<Connect>,
    /// CPU and memory requests and limits.
    pub resources: Resources,
    /// Environment variables.
    pub env: Vec<Env>,
    /// Mounted volumes.
    #[serde(rename = "volume")]
    pub volumes: Vec<Volume>,
    /// Overrides of the hardened security context.
    pub security: Security,
    /// Egress to the internet (outside cluster and private ranges).
    pub internet: Vec<InternetEgress>,
    /// The container command.
    pub command: Vec<String>,
    /// The container arguments.
    pub args: Vec<String>,
    /// Files mounted into the container.
    #[serde(rename = "file")]
    pub files: Vec<File>,
    /// The node, for labels on the job as a whole.
    #[schemars(skip)]
    pub span: Span,
}

/// A Kubernetes CronJob: a [`Job`] on a schedule.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["name", "schedule"]))]
pub struct CronJob {
    /// What each run is.
    #[serde(flatten)]
    pub job: Job,
    /// Five cron fields (minute hour day-of-month month day-of-week; ranges,
    /// lists, steps, `JAN`/`MON` names) or `@hourly`, `@daily`, `@weekly`,
    /// `@monthly`, `@yearly`.
    pub schedule: Spanned<String>,
    /// What a run due while the previous one still runs does.
    pub concurrency: Concurrency,
    /// Finished Jobs kept for inspection (Kubernetes' default 3).
    pub successful_history: Option<Spanned<u32>>,
    /// Failed Jobs kept for inspection (Kubernetes' default 1).
    pub failed_history: Option<Spanned<u32>>,
    /// An IANA time zone for the schedule, e.g. `Europe/Berlin` (default:
    /// the kube-controller-manager's).
    pub time_zone: Option<Spanned<String>>,
    /// `#true` schedules no new runs.
    pub suspend: bool,
    /// Seconds after its time a missed run may still start.
    #[schemars(range(min = 1))]
    pub starting_deadline: Option<Spanned<u32>>,
}

/// A CronJob's `concurrencyPolicy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Concurrency {
    /// Runs may overlap.
    Allow,
    /// A run due while the previous one runs is skipped (the default).
    #[default]
    Forbid,
    /// A run due while the previous one runs replaces it.
    Replace,
}

impl Concurrency {
    /// The `concurrencyPolicy` value.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Concurrency::Allow => "Allow",
            Concurrency::Forbid => "Forbid",
            Concurrency::Replace => "Replace",
        }
    }
}

/// Where a job's image comes from.
#[derive(Debug, Clone)]
pub enum JobImage {
    /// `image="registry/repo:tag"`.
    Image(Spanned<String>),
    /// `image-of="app"`: the image of an image app in the same namespace,
    /// so a migration always runs the code it migrates for.
    Of(Name),
}

/// How an [`App`] folded from a `job` or `cronjob` runs.
#[derive(Debug, Clone)]
pub struct Run {
    pub schedule: Option<Schedule>,
    pub backoff_limit: Option<u32>,
    pub active_deadline: Option<u32>,
    /// The `job` or `cronjob` node's name.
    pub span: Span,
}

impl Run {
    /// `job` or `cronjob`, as written.
    #[must_use]
    pub fn node(&self) -> &'static str {
        if self.schedule.is_some() { "cronjob" } else { "job" }
    }
}

/// A CronJob's schedule and its knobs.
#[derive(Debug, Clone)]
pub struct Schedule {
    pub cron: Spanned<String>,
    pub concurrency: Concurrency,
    pub successful_history: Option<u32>,
    pub failed_history: Option<u32>,
    pub time_zone: Option<Spanned<String>>,
    pub suspend: bool,
    pub starting_deadline: Option<u32>,
}
