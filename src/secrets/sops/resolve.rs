//! go-yaml v3 typing of plain (unquoted) scalars (resolve.go `resolve`), which decides the
//! `type:` and the MAC bytes of every value sops reads from YAML.

use super::gotime::GoTime;
use super::scalar::{Scalar, parse_go_float};

/// What a plain scalar resolves to.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// `~`, `null`, `Null`, `NULL` or nothing.
    Null,
    /// A value sops can hold.
    Value(Scalar),
    /// An integer beyond `i64` that fits `u64`: go-yaml yields `uint64`, which sops rejects.
    Unsigned,
}

/// Resolves a plain scalar's text exactly as go-yaml v3 does with no explicit tag.
#[must_use]
pub fn resolve_plain(text: &str) -> Resolved {
    let Some(&first) = text.as_bytes().first() else {
        return Resolved::Null;
    };
    // resolveTable: only these first bytes can give anything but a string.
    let hint = match first {
        b'+' | b'-' | b'0'..=b'9' => b'D',
        b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~' => b'M',
        b'.' => b'.',
        _ => return str_value(text),
    };
    if let Some(known) = resolve_map(text) {
        return known;
    }
    match hint {
        b'.' => match parse_go_float(text) {
            Some(f) if f.is_finite() => Resolved::Value(Scalar::Float(f)),
            _ => str_value(text),
        },
        b'D' => resolve_number(text),
        _ => str_value(text),
    }
}

fn str_value(text: &str) -> Resolved {
    Resolved::Value(Scalar::Str(text.to_owned()))
}

/// go-yaml's `resolveMap` (the `<<` merge key is left to the caller as a string).
fn resolve_map(text: &str) -> Option<Resolved> {
    let value = match text {
        "~" | "null" | "Null" | "NULL" => return Some(Resolved::Null),
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        ".nan" | ".NaN" | ".NAN" => Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Scalar::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Scalar::Float(f64::NEG_INFINITY),
        _ => return None,
    };
    Some(Resolved::Value(value))
}

/// Digits or a sign first: timestamp, then int (`_` deleted, Go base prefixes), then the
/// YAML float pattern.
fn resolve_number(text: &str) -> Resolved {
    if let Some(time) = GoTime::parse_yaml(text) {
        return Resolved::Value(Scalar::Time(time));
    }
    let plain = text.replace('_', "");
    if let Some(int) = parse_go_int(&plain) {
        return Resolved::Value(Scalar::Int(int));
    }
    if parse_go_uint(&plain).is_some() {
        return Resolved::Unsigned;
    }
    let float = yaml_style_float(&plain).then(|| parse_go_float(&plain)).flatten().filter(|f| f.is_finite());
    float.map_or_else(|| str_value(text), |f| Resolved::Value(Scalar::Float(f)))
}

/// Go `strconv.ParseInt(s, 0, 64)` without underscores.
#[must_use]
pub fn parse_go_int(text: &str) -> Option<i64> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = parse_go_uint(digits)?;
    if negative { 0i64.checked_sub_unsigned(magnitude) } else { i64::try_from(magnitude).ok() }
}

/// Go `strconv.ParseUint(s, 0, 64)` without underscores: `0x`, `0o`, `0b` and a leading
/// `0` (octal) select the base.
#[must_use]
pub fn parse_go_uint(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let (radix, digits) = match bytes {
        [] => return None,
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'x') => (16, &text[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'o') => (8, &text[2..]),
        [b'0', p, _, ..] if p.eq_ignore_ascii_case(&b'b') => (2, &text[2..]),
        [b'0', ..] => (8, &text[1..]),
        _ => (10, text),
    };
    if digits.is_empty() {
        // A lone "0" (base 8, no digits) is zero; "0x" and friends never get here.
        return Some(0);
    }
    // `from_str_radix` accepts a leading '+', Go does not.
    if !digits.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
#[must_use]
pub fn yaml_style_float(text: &str) -> bool {
    fn digits(s: &[u8]) -> usize {
        s.iter().take_while(|b| b.is_ascii_digit()).count()
    }
    let mut s = text.as_bytes();
    if let [b'+' | b'-', rest @ ..] = s {
        s = rest;
    }
    if let [b'.', rest @ ..] = s {
        let n = digits(rest);
        if n == 0 {
            return false;
        }
        s = &rest[n..];
    } else {
        let n = digits(s);
        if n == 0 {
            return false;
        }
        s = &s[n..];
        if let [b'.', rest @ ..] = s {
            s = &rest[digits(rest)..];
        }
    }
    if let [b'e' | b'E', rest @ ..] = s {
        s = rest;
        if let [b'+' | b'-', rest @ ..] = s {
            s = rest;
        }
        let n = digits(s);
        if n == 0 {
            return false;
        }
        s = &s[n..];
    }
    s.is_empty()
}
