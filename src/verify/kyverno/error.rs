//! The one error type of the `kyverno` module: a policy the evaluator cannot
//! read, a feature outside the supported subset, or a resource it cannot
//! evaluate. Every variant names where: `path` is the dotted JSON path inside
//! the policy (for example `spec.rules[0].validate.deny.conditions.any[1].key`)
//! or inside the resource.
//!
//! An unsupported feature is always an error, never a silent pass: stackc
//! must not claim an object passes a rule it could not evaluate.

/// Why a policy could not be parsed or a resource could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KyvernoError {
    /// A field has the wrong JSON type.
    #[error("{path}: expected {expected}")]
    Type { path: String, expected: &'static str },
    /// A required field is missing (or null).
    #[error("{path}: required field is missing")]
    Missing { path: String },
    /// A field has the right type but a value Kyverno rejects.
    #[error("{path}: invalid value {value:?}: {reason}")]
    Invalid { path: String, value: String, reason: String },
    /// A Kyverno feature outside the subset this evaluator implements.
    #[error("{path}: unsupported: {what}")]
    Unsupported { path: String, what: String },
    /// A `namespaceSelector` needs the labels of a namespace the
    /// [`super::Context`] does not know.
    #[error("a namespaceSelector needs the labels of namespace {namespace:?}, which the context does not have")]
    NamespaceLabels { namespace: String },
}

impl KyvernoError {
    /// The JSON path of the offending field (empty for
    /// [`KyvernoError::NamespaceLabels`]).
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::Type { path, .. }
            | Self::Missing { path }
            | Self::Invalid { path, .. }
            | Self::Unsupported { path, .. } => path,
            Self::NamespaceLabels { .. } => "",
        }
    }

    pub(crate) fn invalid(path: &str, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Self::Invalid { path: path.to_owned(), value: value.to_string(), reason: reason.into() }
    }

    pub(crate) fn unsupported(path: &str, what: impl Into<String>) -> Self {
        Self::Unsupported { path: path.to_owned(), what: what.into() }
    }

    pub(crate) fn type_error(path: &str, expected: &'static str) -> Self {
        Self::Type { path: path.to_owned(), expected }
    }
}
