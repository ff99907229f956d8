//! The `sops:` block: reading it from any store (weakly typed, any key order, old and new
//! styles) and writing it in sops 3.13's alphabetical order (stores/stores.go, metadata.go).

use serde_json::{Map, Value};

use super::gotime::GoTime;
use super::rule::Rule;
use super::scalar::{Scalar, parse_go_bool};
use super::tree::Node;
use super::{Result, SopsError};

/// The sops version this writer claims; the sops CLI requires a semver here.
pub const WRITER_VERSION: &str = "3.13.2";

const OTHER_KEY_KINDS: [&str; 6] = ["pgp", "kms", "gcp_kms", "azure_kv", "hc_vault", "hckms"];
const COMMENT_RULES: [&str; 2] = ["unencrypted_comment_regex", "encrypted_comment_regex"];

/// One `age:` entry: a recipient and the data key wrapped for it (an armored age file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgeEntry {
    /// `age1...` as given when encrypting.
    pub recipient: String,
    /// `-----BEGIN AGE ENCRYPTED FILE-----...`.
    pub enc: String,
}

/// The parts of the `sops` block this implementation reads and writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metadata {
    /// Age-wrapped data keys (top level, or the single key group).
    pub age: Vec<AgeEntry>,
    /// `lastmodified` as written (the MAC AAD is its canonical RFC 3339 form).
    pub lastmodified: String,
    /// The encrypted MAC; `None` when missing or empty.
    pub mac: Option<String>,
    /// The encryption rule (default `unencrypted_suffix: _unencrypted`).
    pub rule: Rule,
    /// Whether the MAC covers only encrypted values.
    pub mac_only_encrypted: bool,
    /// `version`, if present.
    pub version: Option<String>,
    /// Other non-empty key kinds present (`pgp`, `kms`, ...), for diagnostics.
    pub other_key_kinds: Vec<String>,
}

fn invalid(field: &str, reason: &'static str) -> SopsError {
    SopsError::InvalidMetadata { field: field.to_owned(), reason }
}

/// Weak typing (mapstructure `WeaklyTypedInput`): any scalar as text.
fn text(node: &Node) -> Option<String> {
    match node {
        Node::Scalar(Scalar::Str(s)) => Some(s.clone()),
        Node::Scalar(Scalar::Time(t)) => Some(t.to_string()),
        Node::Scalar(s) => s.to_bytes().map(|b| String::from_utf8_lossy(&b).into_owned()),
        _ => None,
    }
}

fn age_entries(node: Option<&Node>, field: &str) -> Result<Vec<AgeEntry>> {
    let items = match node {
        None | Some(Node::Null) => return Ok(Vec::new()),
        Some(Node::Seq(items)) => items,
        Some(_) => return Err(invalid(field, "not a list")),
    };
    items
        .iter()
        .map(|item| {
            let get = |key| item.get(key).and_then(text).filter(|s| !s.is_empty());
            Ok(AgeEntry {
                recipient: get("recipient").ok_or_else(|| invalid(field, "entry without recipient"))?,
                enc: get("enc").ok_or_else(|| invalid(field, "entry without enc"))?,
            })
        })
        .collect()
}

fn is_non_empty(node: Option<&Node>) -> bool {
    match node {
        None | Some(Node::Null) => false,
        Some(Node::Seq(items)) => !items.is_empty(),
        Some(Node::Map(entries)) => !entries.is_empty(),
        Some(Node::Scalar(s)) => !s.is_empty_str(),
    }
}

fn read_rule(block: &Node) -> Result<Rule> {
    if let Some(field) = COMMENT_RULES.iter().find(|f| is_non_empty(block.get(f))) {
        return Err(SopsError::UnsupportedRule { rule: (*field).to_owned() });
    }
    let mut rules = Vec::new();
    for field in Rule::FIELDS {
        if let Some(value) = block.get(field).and_then(text).filter(|v| !v.is_empty()) {
            rules.extend(Rule::from_field(field, value));
        }
    }
    match rules.len() {
        0 => Ok(Rule::default()),
        1 => Ok(rules.remove(0)),
        _ => Err(SopsError::ConflictingRules { rules: rules.iter().map(Rule::field).collect::<Vec<_>>().join(", ") }),
    }
}

impl Metadata {
    /// Reads a `sops` block.
    ///
    /// # Errors
    /// [`SopsError::InvalidMetadata`], [`SopsError::ConflictingRules`],
    /// [`SopsError::UnsupportedRule`], [`SopsError::UnsupportedKeyGroups`].
    pub fn from_node(block: &Node) -> Result<Self> {
        if !matches!(block, Node::Map(_)) {
            return Err(invalid("sops", "not a mapping"));
        }
        let mut age = age_entries(block.get("age"), "age")?;
        let mut other_key_kinds: Vec<String> = OTHER_KEY_KINDS
            .iter()
            .filter(|kind| is_non_empty(block.get(kind)))
            .map(|kind| (*kind).to_owned())
            .collect();
        match block.get("key_groups") {
            None | Some(Node::Null) => {}
            Some(Node::Seq(groups)) if groups.len() <= 1 => {
                if let Some(group) = groups.first() {
                    age.extend(age_entries(group.get("age"), "key_groups")?);
                    other_key_kinds.extend(
                        OTHER_KEY_KINDS
                            .iter()
                            .filter(|kind| is_non_empty(group.get(kind)))
                            .map(|kind| (*kind).to_owned()),
                    );
                }
            }
            Some(Node::Seq(_)) => return Err(SopsError::UnsupportedKeyGroups),
            Some(_) => return Err(invalid("key_groups", "not a list")),
        }
        let lastmodified =
            block.get("lastmodified").and_then(text).ok_or_else(|| invalid("lastmodified", "missing"))?;
        let mac_only_encrypted = match block.get("mac_only_encrypted") {
            None | Some(Node::Null) => false,
            Some(Node::Scalar(Scalar::Bool(b))) => *b,
            Some(Node::Scalar(Scalar::Int(i))) => *i != 0,
            Some(node) => text(node)
                .and_then(|t| parse_go_bool(&t))
                .ok_or_else(|| invalid("mac_only_encrypted", "not a boolean"))?,
        };
        Ok(Self {
            age,
            lastmodified,
            mac: block.get("mac").and_then(text).filter(|m| !m.is_empty()),
            rule: read_rule(block)?,
            mac_only_encrypted,
            version: block.get("version").and_then(text),
            other_key_kinds,
        })
    }

    /// The MAC's AAD: `lastmodified` parsed as RFC 3339 and formatted back without fraction
    /// (`+00:00` becomes `Z`), as sops' `time.Parse`/`Format(time.RFC3339)`.
    ///
    /// # Errors
    /// [`SopsError::InvalidLastModified`].
    pub fn lastmodified_aad(&self) -> Result<String> {
        GoTime::parse_rfc3339(&self.lastmodified)
            .map(|t| t.format(false))
            .ok_or_else(|| SopsError::InvalidLastModified { value: self.lastmodified.clone() })
    }

    /// The block as this writer emits it: keys in sops 3.13's alphabetical order,
    /// `mac_only_encrypted` only when true, `version` only when known.
    #[must_use]
    pub fn to_json(&self) -> Value {
        let mut block = Map::new();
        let age = self
            .age
            .iter()
            .map(|e| {
                let mut entry = Map::new();
                entry.insert("recipient".to_owned(), Value::String(e.recipient.clone()));
                entry.insert("enc".to_owned(), Value::String(e.enc.clone()));
                Value::Object(entry)
            })
            .collect();
        block.insert("age".to_owned(), Value::Array(age));
        block.insert(self.rule.field().to_owned(), Value::String(self.rule.pattern().to_owned()));
        block.insert("lastmodified".to_owned(), Value::String(self.lastmodified.clone()));
        if let Some(mac) = &self.mac {
            block.insert("mac".to_owned(), Value::String(mac.clone()));
        }
        if self.mac_only_encrypted {
            block.insert("mac_only_encrypted".to_owned(), Value::Bool(true));
        }
        if let Some(version) = &self.version {
            block.insert("version".to_owned(), Value::String(version.clone()));
        }
        block.sort_keys();
        Value::Object(block)
    }
}
