//! One-shot services that others wait for become `job`s: a service whose
//! `restart` is `no`, `on-failure` or unset (Compose's default is `no`: it
//! is not brought back once it exits) and that some
//! other service names in `depends_on` with `condition:
//! service_completed_successfully` (it must have run before they start) is a
//! migration or an init task. Nothing connects to a job (`check` refuses it),
//! so the waiting is not a connection; a job's own connections are inferred
//! like an app's.

use std::collections::BTreeMap;

use super::apps::AppContext;
use super::model::{Compose, Service};
use super::plan::JobPlan;
use super::report::Finding;

/// A service mapped to a `job`.
#[derive(Debug, Clone, Default)]
pub struct Job {
    /// The services that wait for it, in the Compose file's order.
    pub waiters: Vec<String>,
    /// The first app (not a job, not a database) that runs the same image.
    pub image_of: Option<String>,
}

/// The jobs among `compose`'s services, by Compose name; `is_db` tells the
/// services that become databases (never jobs, never an `image-of`).
#[must_use]
pub fn find(compose: &Compose, is_db: &dyn Fn(&str) -> bool) -> BTreeMap<String, Job> {
    let mut jobs: BTreeMap<String, Job> = BTreeMap::new();
    for s in compose.services.iter().filter(|s| !s.restarts && !is_db(&s.name)) {
        let waiters: Vec<String> =
            compose.services.iter().filter(|w| w.awaits.contains(&s.name)).map(|w| w.name.clone()).collect();
        if !waiters.is_empty() {
            jobs.insert(s.name.clone(), Job { waiters, image_of: None });
        }
    }
    let jobs_names: Vec<String> = jobs.keys().cloned().collect();
    for (name, job) in &mut jobs {
        let image = compose.services.iter().find(|s| s.name == *name).and_then(|s| s.image.as_ref());
        job.image_of = compose
            .services
            .iter()
            .filter(|s| s.name != *name && !is_db(&s.name) && !jobs_names.contains(&s.name))
            .find(|s| image.is_some_and(|(i, _)| s.image.as_ref().is_some_and(|(o, _)| o == i)))
            .map(|s| s.name.clone());
    }
    jobs
}

/// The `job` of service `s`, with the evidence as comments.
pub fn job_plan(s: &Service, job: &Job, cx: &AppContext, comments: &mut Vec<String>) -> JobPlan {
    let name = |n: &str| cx.names.get(n).cloned().unwrap_or_else(|| n.to_owned());
    let waiters: Vec<String> = job.waiters.iter().map(|w| format!("`{}`", name(w))).collect();
    let wait = if waiters.len() == 1 { "waits" } else { "wait" };
    comments.push(format!(
        "a job: service `{}` runs once ({}) and {} {wait} for it to complete \
         (`depends_on` with `service_completed_successfully`); Kubernetes starts them together, so they may \
         restart until it has",
        s.name,
        if s.one_shot.is_some() {
            "`restart` is `no` or `on-failure`"
        } else {
            "no `restart`: Compose's default is `no`"
        },
        waiters.join(", "),
    ));
    let image_of = job.image_of.as_deref().map(name);
    if let Some(of) = &image_of {
        comments.push(format!("the image of app `{of}`: a new image of it is a new run of this job"));
    }
    JobPlan { image_of }
}

/// What a job cannot have, said in the report.
pub fn dropped(s: &Service, findings: &mut Vec<Finding>) {
    if let Some(port) = s.ports.first() {
        findings.push(Finding::note(port.at, Some(&s.name), "a job takes no traffic: its ports are left out"));
    }
    if let Some(h) = &s.healthcheck {
        findings.push(Finding::note(h.at, Some(&s.name), "a job has no probes: its healthcheck is left out"));
    }
    if let Some((_, at)) = s.replicas {
        findings.push(Finding::note(at, Some(&s.name), "a job runs one pod: `replicas` is left out"));
    }
}
