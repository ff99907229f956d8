//! Typed leaf values and their bytes: what sops hashes into the MAC and encrypts
//! (sops.go `ToBytes`), and how decrypted bytes are parsed back per `type:`.

use std::borrow::Cow;
use std::fmt;

use super::cipher::ValueType;
use super::gotime::GoTime;

/// A non-null leaf value.
#[derive(Clone)]
pub enum Scalar {
    /// A string.
    Str(String),
    /// A signed 64-bit integer (Go `int`).
    Int(i64),
    /// A 64-bit float.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A go-yaml timestamp (only produced when reading YAML).
    Time(GoTime),
}

impl Scalar {
    /// The `type:` this value is encrypted as.
    #[must_use]
    pub const fn value_type(&self) -> ValueType {
        match self {
            Self::Str(_) => ValueType::Str,
            Self::Int(_) => ValueType::Int,
            Self::Float(_) => ValueType::Float,
            Self::Bool(_) => ValueType::Bool,
            Self::Time(_) => ValueType::Time,
        }
    }

    /// sops `ToBytes`: the plaintext that is encrypted and hashed into the MAC.
    /// `None` for a time that Go's `MarshalText` refuses.
    #[must_use]
    pub fn to_bytes(&self) -> Option<Cow<'_, [u8]>> {
        Some(match self {
            Self::Str(s) => Cow::Borrowed(s.as_bytes()),
            Self::Int(i) => Cow::Owned(i.to_string().into_bytes()),
            Self::Float(f) => Cow::Owned(format_float(*f).into_bytes()),
            Self::Bool(true) => Cow::Borrowed(b"True"),
            Self::Bool(false) => Cow::Borrowed(b"False"),
            Self::Time(t) => Cow::Owned(t.marshal_text()?.into_bytes()),
        })
    }

    /// Parses decrypted bytes as sops does for each `type:` (Go `Atoi`, `ParseFloat`,
    /// `ParseBool`, `Time.UnmarshalText`). Comments and legacy bytes become strings.
    #[must_use]
    pub fn from_plaintext(value_type: ValueType, bytes: Vec<u8>) -> Option<Self> {
        let text = String::from_utf8(bytes).ok()?;
        Some(match value_type {
            ValueType::Str | ValueType::Comment | ValueType::Bytes => Self::Str(text),
            ValueType::Int => Self::Int(text.parse().ok()?),
            ValueType::Float => Self::Float(parse_go_float(&text)?),
            ValueType::Bool => Self::Bool(parse_go_bool(&text)?),
            ValueType::Time => Self::Time(GoTime::parse_rfc3339(&text)?),
        })
    }

    /// The empty string, which sops never encrypts.
    #[must_use]
    pub fn is_empty_str(&self) -> bool {
        matches!(self, Self::Str(s) if s.is_empty())
    }
}

impl PartialEq for Scalar {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Str(a), Self::Str(b)) => a == b,
            (Self::Int(a), Self::Int(b)) => a == b,
            (Self::Float(a), Self::Float(b)) => (a.is_nan() && b.is_nan()) || a == b,
            (Self::Bool(a), Self::Bool(b)) => a == b,
            (Self::Time(a), Self::Time(b)) => a == b,
            _ => false,
        }
    }
}

/// Redacted: shows the type, never the value.
impl fmt::Debug for Scalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(<redacted>)", self.value_type().as_str())
    }
}

/// Go `strconv.FormatFloat(v, 'f', -1, 64)`: shortest round-trip digits, never an exponent.
#[must_use]
pub fn format_float(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_owned()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        // Rust's `Display` for f64 prints the shortest round-trip digits without exponent.
        format!("{value}")
    }
}

/// Go `strconv.ParseBool`.
#[must_use]
pub fn parse_go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go `strconv.ParseFloat(s, 64)` for decimal input: out-of-range input is an error
/// rather than an infinity; `Inf`, `Infinity` and `NaN` are accepted in any case.
#[must_use]
pub fn parse_go_float(text: &str) -> Option<f64> {
    let value: f64 = text.parse().ok()?;
    let spelled_infinite = text.to_ascii_lowercase().contains("inf");
    (value.is_finite() || value.is_nan() || spelled_infinite).then_some(value)
}
