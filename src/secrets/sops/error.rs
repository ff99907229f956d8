//! The one error type of the `sops` module.
//!
//! Invariant: no variant carries a plaintext value, a ciphertext of a secret, a data key or
//! an age identity. Paths (`a:b:` as used for the AAD) and mapping keys are clear text in
//! every sops file, so they may appear; so may public age recipients and rule patterns.

use thiserror::Error;

/// Everything that can go wrong while reading, decrypting or writing a sops file.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SopsError {
    /// The YAML text is not well-formed.
    #[error("YAML syntax error at line {line}, column {column}: {message}")]
    YamlSyntax {
        /// 1-based line.
        line: usize,
        /// 0-based column.
        column: usize,
        /// The parser's message (never quotes the input).
        message: String,
    },
    /// The JSON text is not well-formed.
    #[error("JSON syntax error at line {line}, column {column}")]
    JsonSyntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A dotenv line has no `=`.
    #[error("dotenv line {line} has no `=`")]
    DotenvSyntax {
        /// 1-based line.
        line: usize,
    },
    /// Nesting or alias expansion exceeds the reader's limits.
    #[error("document too large or too deeply nested (limit {limit})")]
    TooLarge {
        /// The limit that was hit.
        limit: usize,
    },
    /// A YAML alias names an anchor that is not (yet) defined.
    #[error("YAML alias at `{path}` refers to an unknown anchor")]
    UnknownAlias {
        /// Where the alias is.
        path: String,
    },
    /// A document's top level is not a mapping.
    #[error("document {document}: the top level must be a mapping")]
    NotAMapping {
        /// 0-based document index.
        document: usize,
    },
    /// A mapping key does not resolve to a string.
    #[error("mapping key under `{path}` is not a string")]
    NonStringKey {
        /// The mapping's path.
        path: String,
    },
    /// A mapping has the same key twice.
    #[error("duplicate mapping key `{key}` under `{path}`")]
    DuplicateKey {
        /// The mapping's path.
        path: String,
        /// The repeated key.
        key: String,
    },
    /// A YAML tag this reader does not implement, or a value that does not fit its tag.
    #[error("unsupported or mismatched YAML tag `{tag}` at `{path}`")]
    UnsupportedTag {
        /// The tag as written.
        tag: String,
        /// Where it is.
        path: String,
    },
    /// An integer outside the signed 64-bit range (sops cannot hash or encrypt it).
    #[error("integer at `{path}` does not fit in a signed 64-bit integer")]
    IntegerOutOfRange {
        /// Where it is.
        path: String,
    },
    /// A time whose zone offset Go's `MarshalText` refuses (24 hours or more).
    #[error("time at `{path}` has a zone offset of 24 hours or more")]
    TimeOutOfRange {
        /// Where it is.
        path: String,
    },
    /// `encrypt` was called with no documents.
    #[error("nothing to encrypt: no documents")]
    NoDocuments,
    /// A document given to `encrypt` already has a top-level `sops` key.
    #[error("document {document} already has a top-level `sops` key")]
    AlreadyEncrypted {
        /// 0-based document index.
        document: usize,
    },
    /// The file has no `sops` metadata block.
    #[error("no `sops` metadata found: the file is not sops-encrypted")]
    NotEncrypted,
    /// A field of the `sops` block has the wrong shape.
    #[error("invalid sops metadata field `{field}`: {reason}")]
    InvalidMetadata {
        /// The field name.
        field: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The `sops` block names more than one encryption rule.
    #[error("sops metadata names more than one encryption rule: {rules}")]
    ConflictingRules {
        /// The rule fields present.
        rules: String,
    },
    /// A rule this implementation cannot apply (the comment-regex rules).
    #[error("encryption rule `{rule}` is not supported")]
    UnsupportedRule {
        /// The rule field.
        rule: String,
    },
    /// A rule pattern is empty or not a valid regular expression.
    #[error("invalid encryption rule pattern `{pattern}`: {message}")]
    InvalidRule {
        /// The pattern.
        pattern: String,
        /// Why it was rejected.
        message: String,
    },
    /// `lastmodified` is not `YYYY-MM-DDTHH:MM:SSZ` (writing) or not RFC 3339 (reading).
    #[error("invalid lastmodified `{value}`: expected an RFC 3339 UTC time like 2024-11-12T13:33:42Z")]
    InvalidLastModified {
        /// The rejected value (a timestamp, never secret).
        value: String,
    },
    /// `encrypt` was called without recipients.
    #[error("no age recipients given")]
    NoRecipients,
    /// A recipient string is not a valid X25519 age recipient.
    #[error("invalid age recipient `{recipient}`")]
    InvalidRecipient {
        /// The recipient as given (public).
        recipient: String,
    },
    /// A recipient kind the `age` crate cannot encrypt to.
    #[error("unsupported age recipient kind `{recipient}` ({kind})")]
    UnsupportedRecipient {
        /// The recipient as given (public).
        recipient: String,
        /// What kind it is.
        kind: &'static str,
    },
    /// An identity line is not a valid age identity.
    #[error("identity line {line} is not a valid age identity")]
    InvalidIdentity {
        /// 1-based line in the identity text.
        line: usize,
    },
    /// An identity kind the `age` crate cannot decrypt with.
    #[error("identity line {line} is an unsupported identity kind ({kind})")]
    UnsupportedIdentity {
        /// 1-based line in the identity text.
        line: usize,
        /// What kind it is.
        kind: &'static str,
    },
    /// The identity text holds no identity at all.
    #[error("no age identities given")]
    NoIdentities,
    /// The file's data key is not wrapped for any age recipient.
    #[error("the file has no age-wrapped data key (key kinds present: {kinds})")]
    NoAgeKeys {
        /// Key kinds found in the metadata, e.g. `pgp`.
        kinds: String,
    },
    /// The file wraps the data key in several Shamir key groups.
    #[error("files with several key groups (Shamir secret sharing) are not supported")]
    UnsupportedKeyGroups,
    /// None of the identities opens any wrapped data key.
    #[error("none of the given age identities can open any of the {wrapped} wrapped data keys")]
    NoMatchingIdentity {
        /// Number of `age` entries tried.
        wrapped: usize,
    },
    /// An `age` entry is not a valid armored age file.
    #[error("age entry for `{recipient}` is malformed: {message}")]
    AgeFormat {
        /// The entry's recipient.
        recipient: String,
        /// The age crate's message.
        message: String,
    },
    /// age refused to encrypt.
    #[error("age encryption to `{recipient}` failed: {message}")]
    AgeEncrypt {
        /// The recipient.
        recipient: String,
        /// The age crate's message.
        message: String,
    },
    /// The unwrapped data key is not 32 bytes long.
    #[error("unwrapped data key has {len} bytes, expected 32")]
    DataKeyLength {
        /// Its length.
        len: usize,
    },
    /// A value selected by the rule is not a well-formed `ENC[AES256_GCM,...]` string.
    #[error("value at `{path}` is not a well-formed sops ENC value: {reason}")]
    MalformedValue {
        /// Where it is.
        path: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// AES-GCM authentication failed: the value (or its IV or tag) was altered.
    #[error("value at `{path}` failed authentication: it was altered or belongs to another data key")]
    ValueAuthentication {
        /// Where it is.
        path: String,
    },
    /// The value authenticates, but only under another path: it was moved or swapped.
    #[error("value at `{path}` was encrypted for `{origin}`: it was moved or swapped")]
    ValueMoved {
        /// Where it is.
        path: String,
        /// The path (AAD) it was encrypted for.
        origin: String,
    },
    /// The decrypted bytes do not parse as the value's declared type.
    #[error("decrypted value at `{path}` is not a valid `{value_type}`")]
    BadPlaintext {
        /// Where it is.
        path: String,
        /// The declared type.
        value_type: String,
    },
    /// The `type:` field of an ENC value is unknown.
    #[error("value at `{path}` has unknown type `{value_type}`")]
    UnknownValueType {
        /// Where it is.
        path: String,
        /// The type field.
        value_type: String,
    },
    /// Encryption of a value failed (plaintext too long for AES-GCM).
    #[error("encrypting the value at `{path}` failed")]
    Encryption {
        /// Where it is.
        path: String,
    },
    /// The file has no (or an empty) `mac`.
    #[error("the file has no MAC")]
    MissingMac,
    /// The `mac` does not authenticate under `lastmodified`.
    #[error("the MAC failed authentication: `mac` or `lastmodified` was altered")]
    MacAuthentication,
    /// The recomputed MAC differs from the stored one.
    #[error("MAC mismatch: the file's values were altered outside sops")]
    MacMismatch,
    /// `reencrypt_without_key` cannot keep the previous ciphertexts.
    #[error("the data key is needed: {reason}")]
    NeedsDataKey {
        /// Why (may name a path).
        reason: String,
    },
}

/// Shorthand used throughout the module.
pub type Result<T, E = SopsError> = std::result::Result<T, E>;
