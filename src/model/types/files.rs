//! Files mounted into an app's container.

use schemars::JsonSchema;

use crate::diagnostic::{Span, Spanned};

/// `file "/etc/app/config.yaml" content="..."` or `source="config/app.yaml"`
/// (a ConfigMap), or
/// `file "/etc/app/token" secret="s" key="k"` (a key of a Secret).
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[schemars(transform = super::kdl::required(&["path"]))]
#[schemars(transform = super::kdl::file_source)]
pub struct File {
    /// The absolute path of the file in the container.
    pub path: Spanned<String>,
    /// Where its bytes come from.
    #[schemars(skip)]
    pub source: FileSource,
    /// The `file` node, for diagnostics.
    #[schemars(skip)]
    pub span: Span,
}

/// Where a file's bytes come from.
#[derive(Debug, Clone, JsonSchema)]
#[serde(untagged)]
pub enum FileSource {
    /// `content="..."`: the text, written in the stack (a ConfigMap key).
    Content {
        /// The file's text (KDL raw strings `#"..."#` and multi-line `"""` strings help).
        content: Spanned<String>,
    },
    /// `source="config/app.yaml"`: a file of the project, relative to the
    /// stack's directory (no `..`, no absolute path, no symlink out), read
    /// when the stack is built (a ConfigMap key).
    Project {
        /// The path, relative to the directory of `stack.kdl`.
        source: Spanned<String>,
    },
    /// `secret="s" key="k"`: a key of a declared Secret, for files that hold
    /// secrets; never in a ConfigMap.
    Secret {
        /// A Secret declared in the namespace.
        secret: Spanned<String>,
        /// One of its keys.
        key: Spanned<String>,
    },
}
