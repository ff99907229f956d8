//! Which strings may be written as plain (unquoted) YAML scalars: those no
//! YAML 1.1 or 1.2 reader could take for another type or for syntax. The
//! byte tests are tables of 256 entries, built at compile time.

/// Words YAML 1.1 (and so go-yaml or PyYAML) reads as null or booleans;
/// none is longer than five bytes.
pub(super) const RESERVED: &[&str] = &[
    "null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No",
    "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "=", "<<",
];

/// The bytes a plain scalar may hold: ASCII letters, digits and a few
/// punctuation marks (`#` and `,` are never plain, so neither ` #` nor flow
/// syntax can occur).
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    mark(table, b"_-./:=@+ ()~$^;", true)
};

/// The bytes a plain scalar may start with: anything starting like a
/// number, a sign or a dot may resolve to a number, a timestamp or
/// .inf/.nan in some YAML version, and a few indicators are refused too.
const FIRST: [bool; 256] = mark(PLAIN, b"0123456789-+.~@()$^; :=", false);

/// `table` with the entries of `bytes` set to `value`.
const fn mark(mut table: [bool; 256], bytes: &[u8], value: bool) -> [bool; 256] {
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = value;
        i += 1;
    }
    table
}

/// Whether `s` reads back as the same string when written plain.
pub(super) fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if !FIRST[usize::from(first)] || last == b':' || last == b' ' {
        return false;
    }
    if bytes.len() <= 5 && RESERVED.contains(&s) {
        return false;
    }
    // One pass over the bytes: only plain bytes, and no `: `.
    let mut previous = 0u8;
    for &b in bytes {
        if !PLAIN[usize::from(b)] || (previous == b':' && b == b' ') {
            return false;
        }
        previous = b;
    }
    true
}
