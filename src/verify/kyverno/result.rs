//! The verdict of one rule on one resource, with Kyverno's report statuses
//! (`pass`, `fail`, `skip`, `error`) and its failure messages:
//! `validation error: <message>. rule <rule> failed at path /spec/containers/0/image/`.

use std::fmt;

use super::policy::{Autogen, FailureAction};

/// The verdict of one rule (or one rule Kyverno generated from it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleResult {
    /// The policy's `metadata.name`.
    pub policy: String,
    /// The rule's name as Kyverno reports it (`autogen-<name>` for a
    /// generated rule).
    pub rule: String,
    /// The name of the rule as written in the policy.
    pub source_rule: String,
    /// Whether Kyverno generated this rule for Pod controllers.
    pub autogen: Option<Autogen>,
    /// What Kyverno does on failure for this resource's namespace.
    pub action: FailureAction,
    pub outcome: Outcome,
}

/// What a rule says of a resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The resource satisfies the rule.
    Pass,
    /// The resource violates the rule: Kyverno's message, and for patterns
    /// the path of the first mismatch (`/spec/containers/0/image/`).
    Fail { message: String, path: Option<String> },
    /// The rule does not apply.
    Skip(SkipReason),
    /// The rule could not be evaluated on this resource (a variable without
    /// a value): neither a pass nor, for Kyverno, a plain fail.
    Error { message: String },
}

/// Why a rule does not apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// `match` does not select the resource (or a namespaced `Policy` is in
    /// another namespace).
    NotMatched,
    /// `exclude` removes it.
    Excluded,
    /// The `preconditions` do not hold.
    Preconditions,
    /// A conditional or global anchor does not hold, at this path.
    Anchor { path: String },
}

impl RuleResult {
    #[must_use]
    pub fn is_pass(&self) -> bool {
        self.outcome == Outcome::Pass
    }

    #[must_use]
    pub fn is_fail(&self) -> bool {
        matches!(self.outcome, Outcome::Fail { .. })
    }

    #[must_use]
    pub fn is_skip(&self) -> bool {
        matches!(self.outcome, Outcome::Skip(_))
    }

    #[must_use]
    pub fn is_error(&self) -> bool {
        matches!(self.outcome, Outcome::Error { .. })
    }

    /// Whether the resource is not proven to satisfy the rule: a failure or
    /// an error, whatever the failure action.
    #[must_use]
    pub fn is_violation(&self) -> bool {
        self.is_fail() || self.is_error()
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Pass => f.write_str("pass"),
            Self::Fail { message, .. } => write!(f, "fail: {message}"),
            Self::Skip(SkipReason::NotMatched) => f.write_str("skip (not matched)"),
            Self::Skip(SkipReason::Excluded) => f.write_str("skip (excluded)"),
            Self::Skip(SkipReason::Preconditions) => f.write_str("skip (preconditions)"),
            Self::Skip(SkipReason::Anchor { path }) => write!(f, "skip (anchor at {path})"),
            Self::Error { message } => write!(f, "error: {message}"),
        }
    }
}

impl fmt::Display for RuleResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}: {}", self.policy, self.rule, self.outcome)
    }
}

/// `<message>.` (a period added unless there is one).
fn sentence(message: &str) -> String {
    if message.ends_with('.') { message.to_owned() } else { format!("{message}.") }
}

/// Kyverno's message for a pattern that fails at `path`.
pub(crate) fn pattern_failure(message: &str, rule: &str, path: &str) -> String {
    if message.is_empty() {
        format!("validation error: rule {rule} failed at path {path}")
    } else {
        format!("validation error: {} rule {rule} failed at path {path}", sentence(message))
    }
}

/// Kyverno's message for an `anyPattern` none of which matches.
pub(crate) fn any_pattern_failure(message: &str, rule: &str, paths: &[(usize, String)]) -> String {
    let each: Vec<String> = paths.iter().map(|(i, p)| format!("rule {rule}[{i}] failed at path {p}")).collect();
    if message.is_empty() {
        format!("validation error: {}", each.join(" "))
    } else {
        format!("validation error: {} {}", sentence(message), each.join(" "))
    }
}

/// Kyverno's message for a `deny` that holds.
pub(crate) fn deny_failure(message: &str, rule: &str) -> String {
    if message.is_empty() { format!("validation error: rule {rule} failed") } else { message.to_owned() }
}
