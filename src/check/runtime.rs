//! Image apps that start under the hardened defaults: the user a pod runs
//! as must be one the kubelet accepts under `runAsNonRoot`, and every path
//! a known image writes (`check/images.rs`) must be on a volume when the
//! root filesystem is read-only.

use super::images::{self, ImageFacts, Writable};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use crate::model::{App, Security};

/// The user and group image apps run as unless they say otherwise: one no
/// image owns files as, so the image's own files stay read-only to it.
pub const DEFAULT_USER: i64 = 65_532;

/// Check one image app's security context against its image.
pub(super) fn check_image_app(app: &App, image: &str, d: &mut Diagnostics) {
    ids(&app.security, d);
    let Some(facts) = images::facts(image) else { return };
    if let Some(trust) = app.security.trust_image_user.as_ref().filter(|t| t.value)
        && facts.user.is_none()
    {
        d.push(root_image(facts, trust.span));
    }
    if app.security.read_only_root_filesystem {
        for w in facts.writable {
            if !app.volumes.iter().any(|v| within(w.path, &v.mount.value)) {
                d.push(unwritable(app, facts, w));
            }
        }
    }
}

/// Ids are non-negative; uid 0 contradicts `runAsNonRoot`; the image's
/// `USER` and an explicit user exclude each other.
fn ids(security: &Security, d: &mut Diagnostics) {
    for (key, id) in [
        ("run-as-user", &security.run_as_user),
        ("run-as-group", &security.run_as_group),
        ("fs-group", &security.fs_group),
    ] {
        if let Some(id) = id.as_ref().filter(|id| id.value < 0) {
            d.push(
                Diagnostic::error(Code::InvalidValue, id.span, format!("`{key}` must not be negative"))
                    .label("negative id"),
            );
        }
    }
    if let Some(user) = security.run_as_user.as_ref().filter(|u| u.value == 0)
        && security.run_as_non_root
    {
        d.push(
            Diagnostic::error(Code::ImageRuntime, user.span, "uid 0 is root, and the pod refuses to run as root")
                .label("root")
                .help("pick a non-root uid, or set `run-as-non-root=#false` if the image truly needs root"),
        );
    }
    if let (Some(trust), Some(user)) = (security.trust_image_user.as_ref().filter(|t| t.value), &security.run_as_user) {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                trust.span,
                "`trust-image-user` and `run-as-user` exclude each other",
            )
            .label("the image's USER")
            .help(format!("keep `run-as-user={}` or the image's own USER, not both", user.value)),
        );
    }
}

/// `path` is `mount` or lies below it.
fn within(path: &str, mount: &str) -> bool {
    let mount = mount.trim_end_matches('/');
    path == mount || path.strip_prefix(mount).is_some_and(|rest| rest.starts_with('/'))
}

fn root_image(facts: &ImageFacts, span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::ImageRuntime,
        span,
        format!("`{}` has no USER: it runs as root, which the kubelet refuses under runAsNonRoot", facts.repository),
    )
    .label("the image's USER is root")
    .help(format!(
        "drop `trust-image-user` (stackc then runs it as {DEFAULT_USER}) or give `run-as-user=N`; see {}",
        facts.sources[0]
    ))
}

fn unwritable(app: &App, facts: &ImageFacts, w: &Writable) -> Diagnostic {
    Diagnostic::error(
        Code::ImageRuntime,
        app.name.span,
        format!("`{}` writes `{}` ({}), but its root filesystem is read-only", facts.repository, w.path, w.why),
    )
    .label("no volume there")
    .help(format!(
        "add `volume \"{}\" mount=\"{}\"` (an emptyDir; give it a `size` to keep the data), or a volume above it",
        w.volume, w.path
    ))
}

#[cfg(test)]
mod tests {
    use super::within;

    #[test]
    fn a_mount_covers_itself_and_below() {
        assert!(within("/data/data", "/data/data"));
        assert!(within("/data/apps/web/.next/cache", "/data/apps/web/.next/"));
        assert!(!within("/data/database", "/data/data"));
        assert!(!within("/data", "/data/data"));
    }
}
