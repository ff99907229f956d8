//! Go `time.Time` as far as sops needs it: go-yaml v3 timestamp parsing, RFC 3339 parsing,
//! and `MarshalText` (RFC 3339 with trimmed nanoseconds) formatting.

use std::fmt::Write as _;

/// A wall-clock time with a fixed zone offset, as Go keeps it after `time.Parse`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GoTime {
    year: u16,
    month: u8,
    day: u8,
    hour: u8,
    minute: u8,
    second: u8,
    nanos: u32,
    /// Seconds east of UTC.
    offset: i32,
}

/// A byte cursor mirroring Go's layout-driven parser.
struct Cursor<'a>(&'a [u8]);

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.0.first().copied()
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.0 = &self.0[1..])
    }

    /// Go `getnum`: one or two digits, or exactly two when `fixed`.
    fn num(&mut self, fixed: bool) -> Option<u8> {
        let digit = |i: usize| self.0.get(i).filter(|b| b.is_ascii_digit()).map(|b| b - b'0');
        let first = digit(0)?;
        match digit(1) {
            Some(second) => {
                self.0 = &self.0[2..];
                Some(first * 10 + second)
            }
            None if fixed => None,
            None => {
                self.0 = &self.0[1..];
                Some(first)
            }
        }
    }

    fn year(&mut self) -> Option<u16> {
        let digits = self.0.get(..4).filter(|d| d.iter().all(u8::is_ascii_digit))?;
        self.0 = &self.0[4..];
        Some(digits.iter().fold(0, |y, d| y * 10 + u16::from(d - b'0')))
    }

    /// `.123` or `,123`, any number of digits, nanoseconds from the first nine.
    fn fraction(&mut self) -> u32 {
        let starts = matches!(self.peek(), Some(b'.' | b',')) && self.0.get(1).is_some_and(u8::is_ascii_digit);
        if !starts {
            return 0;
        }
        let count = self.0[1..].iter().take_while(|b| b.is_ascii_digit()).count();
        let digits = &self.0[1..=count];
        self.0 = &self.0[1 + count..];
        (0..9).fold(0, |n, i| n * 10 + digits.get(i).map_or(0, |d| u32::from(d - b'0')))
    }

    /// `Z` or `±hh:mm` (Go `Z07:00`). Go's layout parser accepts hours up to 24 and minutes
    /// up to 60; `strict` (RFC 3339) wants them below 24 and 60.
    fn zone(&mut self, strict: bool) -> Option<i32> {
        if self.eat(b'Z').is_some() {
            return Some(0);
        }
        let sign = match self.peek()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        self.0 = &self.0[1..];
        let hours = self.num(true)?;
        self.eat(b':')?;
        let minutes = self.num(true)?;
        let (max_hours, max_minutes) = if strict { (23, 59) } else { (24, 60) };
        (hours <= max_hours && minutes <= max_minutes)
            .then(|| sign * (i32::from(hours) * 3600 + i32::from(minutes) * 60))
    }
}

fn days_in(month: u8, year: u16) -> u8 {
    match month {
        2 if year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl GoTime {
    fn validated(self) -> Option<Self> {
        let ok = (1..=12).contains(&self.month)
            && (1..=days_in(self.month, self.year)).contains(&self.day)
            && self.hour < 24
            && self.minute < 60
            && self.second < 60;
        ok.then_some(self)
    }

    fn date(c: &mut Cursor<'_>, fixed: bool) -> Option<Self> {
        let year = c.year()?;
        c.eat(b'-')?;
        let month = c.num(fixed)?;
        c.eat(b'-')?;
        let day = c.num(fixed)?;
        Some(Self { year, month, day, hour: 0, minute: 0, second: 0, nanos: 0, offset: 0 })
    }

    fn clock(&mut self, c: &mut Cursor<'_>, fixed: bool) -> Option<()> {
        self.hour = c.num(fixed)?;
        c.eat(b':')?;
        self.minute = c.num(fixed)?;
        c.eat(b':')?;
        self.second = c.num(fixed)?;
        self.nanos = c.fraction();
        Some(())
    }

    /// go-yaml v3 `parseTimestamp`: `2006-1-2T15:4:5.999999999Z07:00` (or `t`),
    /// `2006-1-2 15:4:5.999999999` (UTC) and `2006-1-2`.
    #[must_use]
    pub fn parse_yaml(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits != 4 || bytes.get(4) != Some(&b'-') {
            return None;
        }
        let mut c = Cursor(bytes);
        let mut t = Self::date(&mut c, false)?;
        match c.peek() {
            None => return t.validated(),
            Some(b'T' | b't') => {
                c.0 = &c.0[1..];
                t.clock(&mut c, false)?;
                t.offset = c.zone(false)?;
            }
            Some(b' ') => {
                // A layout space matches one or more spaces (Go `skip`).
                while c.eat(b' ').is_some() {}
                t.clock(&mut c, false)?;
            }
            Some(_) => return None,
        }
        c.0.is_empty().then_some(())?;
        t.validated()
    }

    /// Strict RFC 3339 (Go `UnmarshalText`): two-digit fields, `T`, `Z` or `±hh:mm`.
    #[must_use]
    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        if text.contains(',') {
            return None;
        }
        let mut c = Cursor(text.as_bytes());
        let mut t = Self::date(&mut c, true)?;
        c.eat(b'T')?;
        t.clock(&mut c, true)?;
        t.offset = c.zone(true)?;
        c.0.is_empty().then_some(())?;
        t.validated()
    }

    /// Go `MarshalText`, or `None` when Go refuses (zone offset of 24 hours or more).
    #[must_use]
    pub fn marshal_text(&self) -> Option<String> {
        (self.offset.abs() < 24 * 3600).then(|| self.format(true))
    }

    /// RFC 3339; `nanos` adds the fraction with trailing zeros trimmed (`RFC3339Nano`).
    #[must_use]
    pub fn format(&self, nanos: bool) -> String {
        let mut out = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        );
        if nanos && self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            let _ = write!(out, ".{}", frac.trim_end_matches('0'));
        }
        if self.offset == 0 {
            out.push('Z');
        } else {
            let sign = if self.offset < 0 { '-' } else { '+' };
            let abs = self.offset.unsigned_abs();
            let _ = write!(out, "{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60);
        }
        out
    }
}

impl std::fmt::Display for GoTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.format(true))
    }
}
