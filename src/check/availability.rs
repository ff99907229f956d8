//! Checking `availability`: a budget that lets a drain make progress and
//! apps whose pods stackc writes.

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{self, AppSource};

pub(super) fn check(app: &model::App, d: &mut Diagnostics) {
    let Some(a) = &app.availability else { return };
    if matches!(app.source, AppSource::Release { .. }) {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                a.span,
                "`availability` is set by the chart's values for release apps",
            )
            .label("app from a release")
            .help("put the chart's PodDisruptionBudget and spread settings in the release's `values { ... }`"),
        );
        return;
    }
    let Some(max) = &a.max_unavailable else { return };
    if max.value == 0 {
        d.push(
            Diagnostic::error(Code::InvalidValue, max.span, "`max-unavailable=0` blocks every node drain")
                .label("no pod may ever be evicted")
                .help("allow at least one pod down, or write `budget=#false` for no budget"),
        );
    } else if app.replicas.value > 1 && max.value >= app.replicas.value {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                max.span,
                format!("`max-unavailable={}` lets a drain take all {} replicas", max.value, app.replicas.value),
            )
            .label("not fewer than `replicas`")
            .also(app.replicas.span, "replicas")
            .help("allow fewer pods down than `replicas`, or write `budget=#false` for no budget"),
        );
    }
}
