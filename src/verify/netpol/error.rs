//! The one error type of the `netpol` module: what can be wrong in a
//! `NetworkPolicy` object, always with the JSON path of the offending field
//! (for example `spec.ingress[0].ports[1].endPort`).

/// Why a `NetworkPolicy` object could not be parsed into a [`super::Policy`].
///
/// Every variant carries `path`, the dotted JSON path inside the object.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetpolError {
    /// A field has the wrong JSON type.
    #[error("{path}: expected {expected}")]
    Type { path: String, expected: &'static str },
    /// A required field is missing (or null).
    #[error("{path}: required field is missing")]
    Missing { path: String },
    /// A field that `networking.k8s.io/v1` does not define at this place
    /// (the API server rejects it under strict field validation).
    #[error("{path}: unknown field")]
    UnknownField { path: String },
    /// The object is not a `networking.k8s.io/v1` `NetworkPolicy`.
    #[error("{path}: {value:?} is not networking.k8s.io/v1 NetworkPolicy")]
    NotNetworkPolicy { path: String, value: String },
    /// A field has the right type but a value the API would reject.
    #[error("{path}: invalid value {value:?}: {reason}")]
    Invalid { path: String, value: String, reason: &'static str },
}

impl NetpolError {
    /// The JSON path of the offending field.
    #[must_use]
    pub fn path(&self) -> &str {
        match self {
            Self::Type { path, .. }
            | Self::Missing { path }
            | Self::UnknownField { path }
            | Self::NotNetworkPolicy { path, .. }
            | Self::Invalid { path, .. } => path,
        }
    }

    pub(super) fn invalid(path: &impl std::fmt::Display, value: impl std::fmt::Display, reason: &'static str) -> Self {
        Self::Invalid { path: path.to_string(), value: value.to_string(), reason }
    }
}
