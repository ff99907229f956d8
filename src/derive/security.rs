//! Security contexts of the pods stackc writes: who each runs as (an image
//! app's own ids, its image's USER, or the non-root default; a database's
//! official image user, `check/images.rs`) and the hardened settings.

use serde_json::{Map, Value, json};

use crate::check::images::{self, ImageFacts};
use crate::check::runtime::DEFAULT_USER;
use crate::check::{ResolvedStack, WorkloadKind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{AppSource, Security};

/// A warning for every image app whose image stackc knows at another tag
/// than the one its runtime facts were read at: the checks still use those
/// facts, which a newer Dockerfile may contradict.
pub(super) fn stale_image_facts(stack: &ResolvedStack, d: &mut Diagnostics) {
    for w in stack.namespaces.iter().flat_map(|ns| &ns.workloads) {
        let WorkloadKind::Image(app) = &w.kind else { continue };
        let AppSource::Image(image) = &app.source else { continue };
        let Some(facts) = images::facts(image).filter(|f| !f.read_at.is_empty()) else { continue };
        let tag = images::tag(image).unwrap_or("latest");
        if !facts.read_at.contains(&tag) {
            d.push(
                Diagnostic::warning(
                    Code::ImageRuntime,
                    image.span,
                    format!(
                        "stackc read the user and writable paths of `{}` at {}, not at {tag}",
                        facts.repository,
                        facts.read_at.join(", ")
                    ),
                )
                .label("another tag")
                .help(format!(
                    "check its Dockerfile at {tag} (USER, paths it writes) against src/check/images.rs; the checks use the facts of {}",
                    facts.read_at.join(", ")
                )),
            );
        }
    }
}

/// A warning for every image app whose image has neither a tag nor a
/// digest: the container runtime pulls `latest`, so two nodes (or two
/// restarts) may run different code, and the committed tree does not say
/// which.
pub(super) fn untagged_images(stack: &ResolvedStack, d: &mut Diagnostics) {
    for w in stack.namespaces.iter().flat_map(|ns| &ns.workloads) {
        let WorkloadKind::Image(app) = &w.kind else { continue };
        let AppSource::Image(image) = &app.source else { continue };
        if images::tag(image).is_none() && !image.value.contains('@') {
            d.push(
                Diagnostic::warning(
                    Code::UntaggedImage,
                    image.span,
                    format!("image `{}` has no tag: each node runs whatever `latest` is when it pulls", image.value),
                )
                .label("no tag")
                .help(format!("pin a version, e.g. `{}:1.2.3`, or a digest (`@sha256:…`)", image.value)),
            );
        }
    }
}

/// Who a pod runs as and what it may write.
pub(super) struct PodIdentity {
    user: Option<i64>,
    group: Option<i64>,
    fs_group: Option<i64>,
    non_root: bool,
    read_only: bool,
    /// Change a volume's group only when its root does not match already:
    /// PostgreSQL refuses a data directory whose mode is not 0700 or 0750,
    /// which a recursive fsGroup change on every start would break.
    on_root_mismatch: bool,
}

impl PodIdentity {
    /// An image app: its own ids, the image's USER when it trusts it, or
    /// [`DEFAULT_USER`].
    pub(super) fn of_app(s: &Security) -> Self {
        let value = |id: &Option<crate::diagnostic::Spanned<i64>>| id.as_ref().map(|i| i.value);
        let (user, group) = if s.trusts_image_user() {
            (None, value(&s.run_as_group))
        } else {
            let user = value(&s.run_as_user).unwrap_or(DEFAULT_USER);
            (Some(user), Some(value(&s.run_as_group).unwrap_or(user)))
        };
        Self {
            user,
            group,
            fs_group: value(&s.fs_group).or(group),
            non_root: s.run_as_non_root,
            read_only: s.read_only_root_filesystem,
            on_root_mismatch: false,
        }
    }

    /// A database: the user of its official image (`check/images.rs`).
    pub(super) fn of_image(facts: &ImageFacts) -> Self {
        let (user, group) = facts.user.map_or((None, None), |(u, g)| (Some(u), Some(g)));
        Self { user, group, fs_group: group, non_root: true, read_only: true, on_root_mismatch: true }
    }
}

impl PodIdentity {
    /// The pod's `securityContext`.
    pub(super) fn pod_context(&self) -> Value {
        let mut context = Map::new();
        context.insert("runAsNonRoot".into(), json!(self.non_root));
        for (key, value) in [("runAsUser", self.user), ("runAsGroup", self.group), ("fsGroup", self.fs_group)] {
            if let Some(v) = value {
                context.insert(key.into(), json!(v));
            }
        }
        if self.on_root_mismatch && self.fs_group.is_some() {
            context.insert("fsGroupChangePolicy".into(), json!("OnRootMismatch"));
        }
        context.insert("seccompProfile".into(), json!({"type": "RuntimeDefault"}));
        Value::Object(context)
    }

    /// The container's `securityContext`.
    pub(super) fn container_context(&self) -> Value {
        json!({
            "allowPrivilegeEscalation": false,
            "readOnlyRootFilesystem": self.read_only,
            "runAsNonRoot": self.non_root,
            "capabilities": {"drop": ["ALL"]},
        })
    }
}
