//! Checks of the platform's `velero` node and of each namespace's backup
//! settings, and the schedule each namespace's backups run on.

use super::cluster::{invalid, label, printable};
use super::names::{is_dns1123_subdomain, is_duration};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{self, Stack};

pub(super) fn check_velero(stack: &Stack, d: &mut Diagnostics) {
    let Some(velero) = &stack.platform.velero else {
        return;
    };
    label(&velero.namespace, "namespace", d);
    cron(&velero.schedule, d);
    if !is_duration(&velero.ttl) {
        d.push(invalid(velero.ttl.span, "a duration like `720h` or `168h30m`", &velero.ttl));
    }
    if let Some(location) = &velero.storage_location
        && !is_dns1123_subdomain(location)
    {
        d.push(invalid(location.span, "a BackupStorageLocation name", location));
    }
}

/// The cron schedule of the namespace's Velero `Schedule`: `None` without
/// Velero or when the namespace opts out with `backup=#false`.
pub(super) fn namespace_schedule(stack: &Stack, ns: &model::Namespace, d: &mut Diagnostics) -> Option<String> {
    let velero = stack.platform.velero.as_ref();
    if let Some(own) = &ns.backup_schedule {
        if velero.is_none() {
            d.push(
                Diagnostic::error(Code::MissingPlatform, own.span, "a backup schedule needs Velero")
                    .label("backup-schedule")
                    .help("add `velero` to `platform { ... }`, or drop `backup-schedule`"),
            );
        }
        if !ns.backup {
            d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    own.span,
                    "`backup-schedule` on a namespace with `backup=#false`",
                )
                .label("never used")
                .help("drop one of them: `backup=#false` writes no Schedule for this namespace"),
            );
        }
        cron(own, d);
    }
    if !ns.backup {
        return None;
    }
    let schedule = ns.backup_schedule.as_ref().or(velero.map(|v| &v.schedule))?;
    Some(schedule.value.clone())
}

fn cron(schedule: &Spanned<String>, d: &mut Diagnostics) {
    if let Err(reason) = parse_cron(schedule) {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                schedule.span,
                format!("`{}` is not a cron schedule: {reason}", printable(schedule)),
            )
            .label("expected a cron schedule")
            .help(
                "five fields, minute hour day-of-month month day-of-week, e.g. `0 3 * * *`; or `@daily`, `@every 6h`",
            ),
        );
    }
}

/// The fields of a standard cron expression: name, bounds, and the names
/// the field also takes (robfig/cron, which Velero uses).
const FIELDS: [(&str, u32, u32, &[&str]); 5] = [
    ("minute", 0, 59, &[]),
    ("hour", 0, 23, &[]),
    ("day of month", 1, 31, &[]),
    ("month", 1, 12, &["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]),
    ("day of week", 0, 6, &["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
];

const DESCRIPTORS: &[&str] = &["@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"];

/// Whether Velero's cron parser (robfig/cron `ParseStandard`) accepts
/// `expression`; the error says what is wrong.
pub(crate) fn parse_cron(expression: &str) -> Result<(), String> {
    if let Some(every) = expression.strip_prefix("@every ") {
        return if is_duration(every.trim()) { Ok(()) } else { Err(format!("`{every}` is not a duration")) };
    }
    if expression.starts_with('@') {
        return if DESCRIPTORS.contains(&expression) {
            Ok(())
        } else {
            Err(format!("unknown descriptor; expected one of {}, `@every DURATION`", DESCRIPTORS.join(", ")))
        };
    }
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if fields.len() != FIELDS.len() {
        return Err(format!("expected 5 fields, found {}", fields.len()));
    }
    for (text, (name, min, max, names)) in fields.iter().zip(FIELDS) {
        for range in text.split(',') {
            cron_range(range, min, max, names).map_err(|e| format!("{name} `{text}`: {e}"))?;
        }
    }
    Ok(())
}

fn cron_range(range: &str, min: u32, max: u32, names: &[&str]) -> Result<(), String> {
    let (span, step) = match range.split_once('/') {
        Some((span, step)) => (span, Some(step)),
        None => (range, None),
    };
    if let Some(step) = step
        && !step.parse::<u32>().is_ok_and(|s| s > 0)
    {
        return Err(format!("step `{step}` is not a positive number"));
    }
    if span == "*" || span == "?" {
        return Ok(());
    }
    let value = |text: &str| -> Result<u32, String> {
        let lower = text.to_ascii_lowercase();
        let by_name = names.iter().position(|n| *n == lower).and_then(|i| u32::try_from(i).ok()).map(|i| i + min);
        let number = by_name.or_else(|| text.parse().ok()).ok_or_else(|| format!("`{text}` is not a number"))?;
        if (min..=max).contains(&number) { Ok(number) } else { Err(format!("{number} is outside {min}-{max}")) }
    };
    match span.split_once('-') {
        Some((start, end)) => {
            let (start, end) = (value(start)?, value(end)?);
            if start > end { Err(format!("range {start}-{end} runs backwards")) } else { Ok(()) }
        }
        None => value(span).map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_cron;

    #[test]
    fn cron_expressions() {
        for ok in ["0 3 * * *", "*/15 * * * *", "0 0-6/2 1,15 jan-mar MON-FRI", "0 3 ? * sun", "@daily", "@every 6h"] {
            assert_eq!(parse_cron(ok), Ok(()), "{ok}");
        }
        for bad in ["0 3 * *", "0 3 * * * *", "60 3 * * *", "0 24 * * *", "0 3 0 * *", "0 3 * 13 *", "0 3 * * 7"] {
            assert!(parse_cron(bad).is_err(), "{bad}");
        }
        for bad in ["*/0 * * * *", "5-1 * * * *", "x * * * *", "@nightly", "@every soon", ""] {
            assert!(parse_cron(bad).is_err(), "{bad}");
        }
    }
}
