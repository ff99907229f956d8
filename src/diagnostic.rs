//! Diagnostics as data: every error a stage reports is a [`Diagnostic`] with a
//! stable [`Code`], a primary span in `stack.kdl`, a label and an optional hint.
//! Stages collect them into [`Diagnostics`]; only the CLI renders them.

use std::fmt;

/// A byte range in the stack source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub offset: usize,
    pub len: usize,
}

impl Span {
    #[must_use]
    pub fn new(offset: usize, len: usize) -> Self {
        Self { offset, len }
    }
}

impl From<miette::SourceSpan> for Span {
    fn from(span: miette::SourceSpan) -> Self {
        Self::new(span.offset(), span.len())
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.offset, span.len).into()
    }
}

/// A value and where it was written.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Self {
        Self { value, span }
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Spanned<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

macro_rules! codes {
    ($($variant:ident => $code:literal, $summary:literal;)*) => {
        /// The stable code of every diagnostic stackc reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            /// Every code, for documentation and `stackc explain`.
            pub const ALL: &[Code] = &[$(Code::$variant,)*];

            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            #[must_use]
            pub fn summary(self) -> &'static str {
                match self { $(Code::$variant => $summary,)* }
            }
        }
    };
}

codes! {
    Syntax => "syntax", "the file is not valid KDL v2";
    UnknownNode => "unknown-node", "a node that is not part of the stack language at this place";
    UnknownProperty => "unknown-property", "a property the node does not take";
    UnexpectedArgument => "unexpected-argument", "more arguments than the node takes";
    MissingValue => "missing-value", "a required argument, property or child node is missing";
    WrongType => "wrong-type", "a value of the wrong type";
    InvalidValue => "invalid-value", "a value outside the allowed set or range";
    DuplicateName => "duplicate-name", "two declarations with the same name";
    InvalidName => "invalid-name", "a name that is not a valid Kubernetes (DNS-1123) name";
    InvalidQuantity => "invalid-quantity", "a malformed Kubernetes resource quantity";
    UnknownReference => "unknown-reference", "a reference to something that is not declared";
    UndeclaredPort => "undeclared-port", "a connection or exposure to a port the target does not declare";
    UnknownEngine => "unknown-engine", "a database engine or version stackc cannot run";
    DuplicateHost => "duplicate-host", "the same host exposed twice";
    DependencyCycle => "dependency-cycle", "namespaces that depend on each other in a cycle";
    Unenforceable => "unenforceable", "a connection stackc cannot express as policy";
    OpenNamespace => "open-namespace", "a namespace stackc writes without NetworkPolicies: its pods stay open";
    ChartVersion => "chart-version", "a platform chart pinned at a version stackc has no chart facts for";
    MissingPlatform => "missing-platform", "a feature used without the platform component it needs";
    Unsupported => "unsupported", "valid input that stackc does not support yet";
    MissingSecret => "missing-secret", "a declared Secret or Secret key that has no value in the encrypted store";
    SecretStore => "secret-store", "an encrypted store file stackc cannot use, or one no declaration needs";
    StaleRecipients => "stale-recipients", "a Secret encrypted to other age recipients than the cluster lists";
    NothingToBackUp => "nothing-to-back-up", "Velero is configured but no namespace holds a PVC to back up";
    ImageRuntime => "image-runtime", "a pod its image cannot run in: root under runAsNonRoot, or a path it writes on a read-only root filesystem";
    UntaggedImage => "untagged-image", "an image with neither tag nor digest: each node runs whatever `latest` is when it pulls";
    PolicyViolation => "policy-violation", "an object stackc writes would break a Kyverno rule stackc writes";
    Template => "template", "a template in `templates/` that fails or changes the output's structure";
    Compose => "compose", "a Compose file `stackc import compose` cannot read: not YAML, not Compose, a variable without a value, a `depends_on` cycle";
    Internal => "internal", "stackc produced output that failed its own checks (a bug)";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in the stack source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub label: String,
    pub help: Option<String>,
    /// Other places the message is about (the first of two declarations),
    /// each with its own label; rendered with line and column.
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            label: "here".to_owned(),
            help: None,
            related: Vec::new(),
        }
    }

    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, ..Self::error(code, span, message) }
    }

    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// A second label, at another place the message is about.
    #[must_use]
    pub fn also(mut self, span: Span, label: impl Into<String>) -> Self {
        self.related.push((span, label.into()));
        self
    }

    /// `duplicate-name` (or `code`) for `again`, which repeats `first`: the
    /// primary label on the later one in the file, a second on the earlier.
    pub fn duplicate(code: Code, first: Span, again: Span, message: impl Into<String>) -> Self {
        let (first, again) = if again < first { (again, first) } else { (first, again) };
        Self::error(code, again, message).label("declared again here").also(first, "first declared here")
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The diagnostics of one compilation, in the order found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorted by position, so all errors read top to bottom.
    #[must_use]
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by_key(|d| (d.span, d.code));
        self.0.dedup();
        self.0
    }
}

/// The closest candidate to `name`, if one is close enough to be a likely typo.
#[must_use]
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (levenshtein(name, c), c))
        .filter(|(d, c)| *d <= (name.len().max(c.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

/// Edit distance counting an adjacent transposition as one edit (optimal
/// string alignment), so `imgae` is one edit from `image`.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    d[0] = (0..=b.len()).collect();
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("imgae", ["image", "port"]), Some("image"));
        assert_eq!(did_you_mean("zzzzz", ["image", "port"]), None);
    }
}
