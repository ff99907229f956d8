//! Which leaves get encrypted (sops.go `shouldBeEncrypted`): one rule tested against every
//! key on the leaf's path.

use regex_lite::Regex;

use super::{Result, SopsError};

/// The suffix the sops CLI and readers use when a file names no rule.
pub const DEFAULT_UNENCRYPTED_SUFFIX: &str = "_unencrypted";

/// An encryption rule as stored in the `sops` block.
///
/// Regexes use Go RE2 syntax as far as `regex-lite` shares it (no Unicode classes such as
/// `\pL`); matching is an unanchored search, as Go's `regexp.MatchString`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Encrypt unless some key on the path ends with the suffix.
    UnencryptedSuffix(String),
    /// Encrypt only if some key on the path ends with the suffix.
    EncryptedSuffix(String),
    /// Encrypt unless some key on the path matches.
    UnencryptedRegex(String),
    /// Encrypt only if some key on the path matches (Flux: `^(data|stringData)$`).
    EncryptedRegex(String),
}

impl Default for Rule {
    fn default() -> Self {
        Self::UnencryptedSuffix(DEFAULT_UNENCRYPTED_SUFFIX.to_owned())
    }
}

impl Rule {
    /// The field names of the four supported rules, in the order sops checks them.
    pub const FIELDS: [&'static str; 4] =
        ["unencrypted_suffix", "encrypted_suffix", "unencrypted_regex", "encrypted_regex"];

    /// Builds a rule from its `sops` block field name.
    #[must_use]
    pub fn from_field(field: &str, value: String) -> Option<Self> {
        Some(match field {
            "unencrypted_suffix" => Self::UnencryptedSuffix(value),
            "encrypted_suffix" => Self::EncryptedSuffix(value),
            "unencrypted_regex" => Self::UnencryptedRegex(value),
            "encrypted_regex" => Self::EncryptedRegex(value),
            _ => return None,
        })
    }

    /// The `sops` block field name.
    #[must_use]
    pub const fn field(&self) -> &'static str {
        match self {
            Self::UnencryptedSuffix(_) => Self::FIELDS[0],
            Self::EncryptedSuffix(_) => Self::FIELDS[1],
            Self::UnencryptedRegex(_) => Self::FIELDS[2],
            Self::EncryptedRegex(_) => Self::FIELDS[3],
        }
    }

    /// The suffix or pattern.
    #[must_use]
    pub fn pattern(&self) -> &str {
        match self {
            Self::UnencryptedSuffix(p)
            | Self::EncryptedSuffix(p)
            | Self::UnencryptedRegex(p)
            | Self::EncryptedRegex(p) => p,
        }
    }

    /// Compiles the rule.
    ///
    /// # Errors
    /// [`SopsError::InvalidRule`] for an empty pattern or an invalid regex.
    pub fn matcher(&self) -> Result<Matcher> {
        let pattern = self.pattern();
        let invalid = |message: String| SopsError::InvalidRule { pattern: pattern.to_owned(), message };
        if pattern.is_empty() {
            return Err(invalid("empty".to_owned()));
        }
        let test = match self {
            Self::UnencryptedSuffix(s) | Self::EncryptedSuffix(s) => Test::Suffix(s.clone()),
            Self::UnencryptedRegex(r) | Self::EncryptedRegex(r) => {
                Test::Regex(Regex::new(r).map_err(|e| invalid(e.to_string()))?)
            }
        };
        let encrypt_on_match = matches!(self, Self::EncryptedSuffix(_) | Self::EncryptedRegex(_));
        Ok(Matcher { test, encrypt_on_match })
    }
}

#[derive(Clone, Debug)]
enum Test {
    Suffix(String),
    Regex(Regex),
}

/// A compiled [`Rule`].
#[derive(Clone, Debug)]
pub struct Matcher {
    test: Test,
    encrypt_on_match: bool,
}

impl Matcher {
    /// Whether the leaf at `path` is encrypted.
    #[must_use]
    pub fn should_encrypt(&self, path: &[String]) -> bool {
        let matched = path.iter().any(|key| match &self.test {
            Test::Suffix(suffix) => key.ends_with(suffix.as_str()),
            Test::Regex(regex) => regex.is_match(key),
        });
        matched == self.encrypt_on_match
    }
}
