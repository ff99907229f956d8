//! How an app with several replicas stays available: its disruption budget
//! and how its pods spread across nodes.

use schemars::JsonSchema;

use crate::diagnostic::Spanned;

/// `availability max-unavailable=1 spread="soft" budget=#true`: overrides of
/// what an app with more than one replica gets by default (a
/// PodDisruptionBudget allowing one pod down, and a soft spread across nodes).
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub struct Availability {
    /// Pods a voluntary disruption (a node drain) may take down at once; at
    /// least 1 and fewer than `replicas`. Default 1.
    pub max_unavailable: Option<Spanned<u32>>,
    /// Write a PodDisruptionBudget (default `#true`).
    pub budget: bool,
    /// Spread across nodes: `"soft"` (default; `ScheduleAnyway`), `"hard"`
    /// (`DoNotSchedule`) or `"off"`.
    pub spread: Option<Spanned<Spread>>,
    /// Where the node was written.
    #[schemars(skip)]
    pub span: crate::diagnostic::Span,
}

/// How strictly pods spread across nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Spread {
    /// Prefer other nodes, but schedule anyway (`ScheduleAnyway`).
    Soft,
    /// Never put more pods on one node than on another plus one (`DoNotSchedule`).
    Hard,
    /// No spread constraint.
    Off,
}
