//! The typed values Kyverno's comparisons understand besides plain numbers:
//! Kubernetes resource quantities (`100m`, `1Gi`, `1e3`, compared exactly, as
//! `resource.ParseQuantity` does), Go durations (`1h30m`, as
//! `time.ParseDuration`), semantic versions (`1.2.3-rc.1`), and the Go number
//! formatting Kyverno uses when it turns a number into a string.

use std::cmp::Ordering;

/// A Kubernetes resource quantity: `mantissa × 2^pow2 × 10^pow10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Quantity {
    mantissa: i128,
    pow2: u32,
    pow10: i32,
}

impl Quantity {
    /// Parses a quantity (`resource.ParseQuantity` grammar: a signed decimal
    /// number and an optional suffix `n u m k M G T P E`, `Ki Mi Gi Ti Pi Ei`,
    /// or an exponent `e3`/`E-3`).
    pub fn parse(s: &str) -> Option<Self> {
        let (negative, rest) = match s.as_bytes().first()? {
            b'-' => (true, &s[1..]),
            b'+' => (false, &s[1..]),
            _ => (false, s),
        };
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int, rest) = rest.split_at(int_len);
        let (frac, suffix) = match rest.strip_prefix('.') {
            Some(after) => {
                let n = after.bytes().take_while(u8::is_ascii_digit).count();
                after.split_at(n)
            }
            None => ("", rest),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let (pow2, suffix10) = match suffix {
            "" => (0, 0),
            "n" => (0, -9),
            "u" => (0, -6),
            "m" => (0, -3),
            "k" => (0, 3),
            "M" => (0, 6),
            "G" => (0, 9),
            "T" => (0, 12),
            "P" => (0, 15),
            "E" => (0, 18),
            "Ki" => (10, 0),
            "Mi" => (20, 0),
            "Gi" => (30, 0),
            "Ti" => (40, 0),
            "Pi" => (50, 0),
            "Ei" => (60, 0),
            _ => (0, exponent(suffix)?),
        };
        let mut mantissa: i128 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            mantissa = mantissa.checked_mul(10)?.checked_add(i128::from(b - b'0'))?;
        }
        let frac_len = i32::try_from(frac.len()).ok()?;
        Some(Self { mantissa: if negative { -mantissa } else { mantissa }, pow2, pow10: suffix10 - frac_len })
    }

    fn approx(self) -> f64 {
        #[allow(clippy::cast_precision_loss, clippy::cast_possible_wrap)]
        let m = self.mantissa as f64 * f64::powi(2.0, self.pow2 as i32);
        m * f64::powi(10.0, self.pow10)
    }

    fn scaled(self, pow2: u32, pow10: i32) -> Option<i128> {
        let p2 = 1i128.checked_shl(self.pow2 - pow2)?;
        let p10 = 10i128.checked_pow(u32::try_from(self.pow10 - pow10).ok()?)?;
        self.mantissa.checked_mul(p2)?.checked_mul(p10)
    }

    /// Compares two quantities by value (exactly unless enormous).
    pub fn compare(self, other: Self) -> Ordering {
        let pow2 = self.pow2.min(other.pow2);
        let pow10 = self.pow10.min(other.pow10);
        match (self.scaled(pow2, pow10), other.scaled(pow2, pow10)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.approx().partial_cmp(&other.approx()).unwrap_or(Ordering::Equal),
        }
    }
}

/// `e3`, `E-3`: a decimal exponent suffix.
fn exponent(suffix: &str) -> Option<i32> {
    let digits = suffix.strip_prefix(['e', 'E'])?;
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A Go duration (`time.ParseDuration`) in nanoseconds: a signed sequence of
/// decimal numbers, each with a unit `ns us µs ms s m h`; `0` alone is zero.
pub(crate) fn parse_duration(s: &str) -> Option<i128> {
    let (negative, mut rest) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Some(0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let (int, after) = rest.split_at(int_len);
        let (frac, after) = match after.strip_prefix('.') {
            Some(a) => {
                let n = a.bytes().take_while(u8::is_ascii_digit).count();
                a.split_at(n)
            }
            None => ("", after),
        };
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let unit_len =
            after.char_indices().find(|(_, c)| c.is_ascii_digit() || *c == '.').map_or(after.len(), |(i, _)| i);
        let (unit, after) = after.split_at(unit_len);
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            _ => return None,
        };
        let whole: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let mut part = whole.checked_mul(scale)?;
        if !frac.is_empty() {
            let digits = &frac[..frac.len().min(18)];
            let f: i128 = digits.parse().ok()?;
            part += f * scale / 10i128.pow(u32::try_from(digits.len()).ok()?);
        }
        total = total.checked_add(part)?;
        if total > i128::from(i64::MAX) {
            return None;
        }
        rest = after;
    }
    Some(if negative { -total } else { total })
}

/// A semantic version `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Version {
    core: [u64; 3],
    pre: Vec<String>,
}

impl Version {
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.split_once('+').map_or(s, |(v, _)| v);
        let (core, pre) = match s.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (s, None),
        };
        let mut parts = core.split('.');
        let mut nums = [0u64; 3];
        for n in &mut nums {
            *n = numeric(parts.next()?)?;
        }
        if parts.next().is_some() {
            return None;
        }
        let pre = match pre {
            None => Vec::new(),
            Some(p) => {
                let ids: Vec<String> = p.split('.').map(str::to_owned).collect();
                let valid = |id: &String| {
                    !id.is_empty()
                        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        && (!id.bytes().all(|b| b.is_ascii_digit()) || numeric(id).is_some())
                };
                if !ids.iter().all(valid) {
                    return None;
                }
                ids
            }
        };
        Some(Self { core: nums, pre })
    }

    pub fn compare(&self, other: &Self) -> Ordering {
        self.core.cmp(&other.core).then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => {
                for (a, b) in self.pre.iter().zip(&other.pre) {
                    let ord = match (a.parse::<u64>(), b.parse::<u64>()) {
                        (Ok(x), Ok(y)) => x.cmp(&y),
                        (Ok(_), Err(_)) => Ordering::Less,
                        (Err(_), Ok(_)) => Ordering::Greater,
                        (Err(_), Err(_)) => a.cmp(b),
                    };
                    if ord != Ordering::Equal {
                        return ord;
                    }
                }
                self.pre.len().cmp(&other.pre.len())
            }
        })
    }
}

/// A decimal number without leading zeros.
fn numeric(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) || (s.len() > 1 && s.starts_with('0')) {
        return None;
    }
    s.parse().ok()
}

/// The shortest digits and decimal exponent of `f`, as `("-1.5", 3)`.
fn shortest(f: f64) -> (String, i32) {
    let s = format!("{f:e}");
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    (mantissa.to_owned(), exp.parse().unwrap_or(0))
}

fn go_exponent(mantissa: &str, letter: char, exp: i32) -> String {
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{letter}{sign}{:02}", exp.unsigned_abs())
}

/// Go's `fmt.Sprint` of a float (`%v`, shortest `%g`): `0.5`, `1e+06`.
pub(crate) fn go_float(f: f64) -> String {
    if f == 0.0 {
        return "0".to_owned();
    }
    let (mantissa, exp) = shortest(f);
    if (-4..6).contains(&exp) { format!("{f}") } else { go_exponent(&mantissa, 'e', exp) }
}

/// Go's `strconv.FormatFloat(f, 'E', -1, 64)`: `5E-01`.
pub(crate) fn go_float_upper_e(f: f64) -> String {
    let (mantissa, exp) = shortest(f);
    go_exponent(&mantissa, 'E', exp)
}
