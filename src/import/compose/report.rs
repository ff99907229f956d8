//! The import's report on stderr: every setting it did not map, with the
//! Compose file's line, and what the person must still do. TODOs are also
//! comments at their place in `stack.kdl`; notes are settings Kubernetes
//! needs no counterpart of, said once so nothing is dropped silently.

use super::model::Issue;
use super::yaml::At;

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub service: Option<String>,
    pub what: String,
    pub todo: bool,
}

impl Finding {
    #[must_use]
    pub fn from_issue(service: Option<&str>, issue: &Issue) -> Self {
        Self { line: issue.at.line, service: service.map(str::to_owned), what: issue.what.clone(), todo: issue.todo }
    }

    #[must_use]
    pub fn todo(at: At, service: Option<&str>, what: impl Into<String>) -> Self {
        Self { line: at.line, service: service.map(str::to_owned), what: what.into(), todo: true }
    }

    #[must_use]
    pub fn note(at: At, service: Option<&str>, what: impl Into<String>) -> Self {
        Self { line: at.line, service: service.map(str::to_owned), what: what.into(), todo: false }
    }
}

/// The report's text: TODOs first, then notes, each in line order.
#[must_use]
pub fn render(file: &str, findings: &[Finding]) -> String {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by(|a, b| (!a.todo, a.line, &a.service, &a.what).cmp(&(!b.todo, b.line, &b.service, &b.what)));
    sorted.dedup();
    let mut out = String::new();
    for f in sorted {
        let kind = if f.todo { "TODO" } else { "note" };
        let service = f.service.as_deref().map(|s| format!("service `{s}`: ")).unwrap_or_default();
        out.push_str(&format!("{kind}: {file}:{}: {service}{}\n", f.line, f.what));
    }
    out
}
