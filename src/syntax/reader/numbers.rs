//! KDL v2 numbers and keywords: decimal integers and floats with `_`,
//! signs, `0x`/`0o`/`0b`, exponents, `#inf #-inf #nan #true #false #null`.
//!
//! Matches the `kdl` crate where it is stricter than the spec: integers must
//! fit an `i128` (so must every digit group of a float, which it parses as
//! `i128` first); the fast reader falls back for digit groups over 38 digits.
//! Floats are read by `f64::from_str` of the text without `_`, as there.

use super::lex::Cursor;
use crate::syntax::Scalar;

impl Cursor<'_> {
    /// A keyword or a number, followed by a value terminator.
    pub fn keyword_or_number(&mut self) -> Option<Scalar> {
        let value = if self.peek()? == b'#' { self.keyword()? } else { self.number()? };
        self.at_value_terminator()?.then_some(value)
    }

    fn keyword(&mut self) -> Option<Scalar> {
        self.pos += 1;
        for (word, value) in [
            ("true", Scalar::Bool(true)),
            ("false", Scalar::Bool(false)),
            ("null", Scalar::Null),
            ("nan", Scalar::Float(f64::NAN)),
            ("inf", Scalar::Float(f64::INFINITY)),
            ("-inf", Scalar::Float(f64::NEG_INFINITY)),
        ] {
            if self.starts_with(word) {
                self.pos += word.len();
                return Some(value);
            }
        }
        None
    }

    fn number(&mut self) -> Option<Scalar> {
        let start = self.pos;
        let negative = match self.peek()? {
            b'-' => {
                self.pos += 1;
                true
            }
            b'+' => {
                self.pos += 1;
                false
            }
            _ => false,
        };
        let radix = match (self.peek(), self.peek_at(1)) {
            (Some(b'0'), Some(b'x')) => 16,
            (Some(b'0'), Some(b'o')) => 8,
            (Some(b'0'), Some(b'b')) => 2,
            _ => 10,
        };
        if radix != 10 {
            self.pos += 2;
            let magnitude = self.digits(radix)?;
            return Some(Scalar::Integer(if negative { -magnitude } else { magnitude }));
        }
        let magnitude = self.digits(10)?;
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits(10)?;
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digits(10)?;
            float = true;
        }
        if !float {
            return Some(Scalar::Integer(if negative { -magnitude } else { magnitude }));
        }
        let text = self.src[start..self.pos].replace('_', "");
        text.parse().ok().map(Scalar::Float)
    }

    /// `digit (digit | '_')*` in `radix`, at most `i128::MAX`.
    fn digits(&mut self, radix: u32) -> Option<i128> {
        let first = char::from(self.peek()?).to_digit(radix)?;
        self.pos += 1;
        let mut value = i128::from(first);
        let mut count = 1;
        while let Some(b) = self.peek() {
            if b == b'_' {
                self.pos += 1;
                continue;
            }
            let Some(d) = char::from(b).to_digit(radix) else { break };
            count += 1;
            if radix == 10 && count > 38 {
                return None;
            }
            value = value.checked_mul(i128::from(radix))?.checked_add(i128::from(d))?;
            self.pos += 1;
        }
        Some(value)
    }
}
