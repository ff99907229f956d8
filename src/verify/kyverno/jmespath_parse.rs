//! Lexer and Pratt parser for the `JMESPath` subset of [`super::jmespath`],
//! with the binding powers of the `JMESPath` reference implementation, so that
//! projections stop where the specification says (`a[].b | length(@)`).
//! Every construct outside the subset is rejected by name.

use serde_json::Value;

use super::jmespath::Expr;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Quoted(String),
    Literal(Value),
    Number(i64),
    Dot,
    Star,
    LBracket,
    RBracket,
    Flatten,
    Filter,
    Pipe,
    Or,
    LParen,
    RParen,
    Comma,
    At,
    Colon,
    /// A token this subset does not support, named for the error.
    Other(&'static str),
    Eof,
}

fn power(tok: &Tok) -> u8 {
    match tok {
        Tok::Pipe => 1,
        Tok::Or => 2,
        Tok::Flatten => 9,
        Tok::Star => 20,
        Tok::Filter => 21,
        Tok::Dot => 40,
        Tok::LBracket => 55,
        Tok::LParen => 60,
        Tok::Other(_) => 3,
        _ => 0,
    }
}

fn delimited(chars: &[char], start: usize, end: char) -> Result<(String, usize), String> {
    let mut out = String::new();
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' if chars.get(i + 1) == Some(&end) => {
                out.push(end);
                i += 2;
            }
            c if c == end => return Ok((out, i + 1)),
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(format!("unterminated {end}"))
}

fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('.', _) => (Tok::Dot, 1),
            ('*', _) => (Tok::Star, 1),
            ('[', Some(']')) => (Tok::Flatten, 2),
            ('[', Some('?')) => (Tok::Filter, 2),
            ('[', _) => (Tok::LBracket, 1),
            (']', _) => (Tok::RBracket, 1),
            ('|', Some('|')) => (Tok::Or, 2),
            ('|', _) => (Tok::Pipe, 1),
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('@', _) => (Tok::At, 1),
            (':', _) => (Tok::Colon, 1),
            ('&', Some('&')) => (Tok::Other("the and-expression `&&`"), 2),
            ('&', _) => (Tok::Other("the expression reference `&`"), 1),
            ('!' | '=' | '<' | '>', Some('=')) => (Tok::Other("comparisons"), 2),
            ('<' | '>', _) => (Tok::Other("comparisons"), 1),
            ('!', _) => (Tok::Other("the not-expression `!`"), 1),
            ('{' | '}', _) => (Tok::Other("multi-select hashes `{...}`"), 1),
            ('\'', _) => {
                let (s, end) = delimited(&chars, i + 1, '\'')?;
                toks.push(Tok::Literal(Value::String(s)));
                i = end;
                continue;
            }
            ('`', _) => {
                let (s, end) = delimited(&chars, i + 1, '`')?;
                let v = serde_json::from_str(&s).map_err(|_| format!("literal `{s}` is not JSON"))?;
                toks.push(Tok::Literal(v));
                i = end;
                continue;
            }
            ('"', _) => {
                let (s, end) = delimited(&chars, i + 1, '"')?;
                let name = serde_json::from_str::<String>(&format!("\"{s}\""))
                    .map_err(|_| format!("bad quoted identifier \"{s}\""))?;
                toks.push(Tok::Quoted(name));
                i = end;
                continue;
            }
            (c, n) if c.is_ascii_digit() || (c == '-' && n.is_some_and(|n| n.is_ascii_digit())) => {
                let len = 1 + chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                let text: String = chars[i..i + len].iter().collect();
                let n = text.parse().map_err(|_| format!("bad number {text}"))?;
                (Tok::Number(n), len)
            }
            (c, _) if c.is_ascii_alphabetic() || c == '_' => {
                let len = chars[i..].iter().take_while(|c| c.is_ascii_alphanumeric() || **c == '_').count();
                (Tok::Ident(chars[i..i + len].iter().collect()), len)
            }
            (c, _) => return Err(format!("unexpected character {c:?}")),
        };
        toks.push(tok);
        i += len;
    }
    toks.push(Tok::Eof);
    Ok(toks)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

fn unsupported(what: &str) -> String {
    format!("{what} are not supported")
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).unwrap_or(&Tok::Eof)
    }

    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        self.pos += 1;
        tok
    }

    fn expect(&mut self, tok: &Tok) -> Result<(), String> {
        let got = self.next();
        if &got == tok { Ok(()) } else { Err(format!("expected {tok:?}, found {got:?}")) }
    }

    fn expression(&mut self, rbp: u8) -> Result<Expr, String> {
        let tok = self.next();
        let mut left = self.nud(tok)?;
        while rbp < power(self.peek()) {
            let tok = self.next();
            left = self.led(tok, left)?;
        }
        Ok(left)
    }

    fn nud(&mut self, tok: Tok) -> Result<Expr, String> {
        match tok {
            Tok::Ident(name) if *self.peek() == Tok::LParen => self.function(&name),
            Tok::Ident(name) | Tok::Quoted(name) => Ok(Expr::Field(name)),
            Tok::Literal(v) => Ok(Expr::Literal(v)),
            Tok::At => Ok(Expr::Current),
            Tok::Flatten => {
                let rhs = self.projection_rhs(9)?;
                Ok(Expr::Projection(Box::new(Expr::Flatten(Box::new(Expr::Current))), Box::new(rhs)))
            }
            Tok::LBracket => self.bracket(Expr::Current),
            Tok::LParen => {
                let inner = self.expression(0)?;
                self.expect(&Tok::RParen)?;
                Ok(inner)
            }
            Tok::Star => Err(unsupported("object wildcards `*`")),
            Tok::Filter => Err(unsupported("filter expressions `[?...]`")),
            Tok::Other(what) => Err(unsupported(what)),
            other => Err(format!("unexpected {other:?}")),
        }
    }

    fn led(&mut self, tok: Tok, left: Expr) -> Result<Expr, String> {
        match tok {
            Tok::Dot => {
                let rhs = self.dot_rhs(40)?;
                Ok(Expr::Subexpr(Box::new(left), Box::new(rhs)))
            }
            Tok::Pipe => Ok(Expr::Pipe(Box::new(left), Box::new(self.expression(1)?))),
            Tok::Or => Ok(Expr::Or(Box::new(left), Box::new(self.expression(2)?))),
            Tok::LBracket => self.bracket(left),
            Tok::Flatten => {
                let rhs = self.projection_rhs(9)?;
                Ok(Expr::Projection(Box::new(Expr::Flatten(Box::new(left))), Box::new(rhs)))
            }
            Tok::Filter => Err(unsupported("filter expressions `[?...]`")),
            Tok::Other(what) => Err(unsupported(what)),
            other => Err(format!("unexpected {other:?}")),
        }
    }

    /// After `[`: an index `[n]]` or a list wildcard `[*]`.
    fn bracket(&mut self, left: Expr) -> Result<Expr, String> {
        match self.next() {
            Tok::Number(n) => match self.next() {
                Tok::RBracket => Ok(Expr::Index(Box::new(left), n)),
                Tok::Colon => Err(unsupported("slices `[a:b]`")),
                other => Err(format!("expected `]`, found {other:?}")),
            },
            Tok::Star => {
                self.expect(&Tok::RBracket)?;
                let rhs = self.projection_rhs(20)?;
                Ok(Expr::Projection(Box::new(left), Box::new(rhs)))
            }
            Tok::Colon => Err(unsupported("slices `[a:b]`")),
            _ => Err(unsupported("multi-select lists `[a, b]`")),
        }
    }

    fn dot_rhs(&mut self, bp: u8) -> Result<Expr, String> {
        match self.peek() {
            Tok::Ident(_) | Tok::Quoted(_) => self.expression(bp),
            Tok::Star => Err(unsupported("object wildcards `.*`")),
            Tok::LBracket => Err(unsupported("multi-select lists `.[a, b]`")),
            Tok::Other(what) => Err(unsupported(what)),
            other => Err(format!("unexpected {other:?} after `.`")),
        }
    }

    fn projection_rhs(&mut self, bp: u8) -> Result<Expr, String> {
        match self.peek() {
            tok if power(tok) < 10 && !matches!(tok, Tok::Other(_)) => Ok(Expr::Current),
            Tok::LBracket | Tok::Filter | Tok::Flatten => self.expression(bp),
            Tok::Dot => {
                self.next();
                self.dot_rhs(bp)
            }
            Tok::Other(what) => Err(unsupported(what)),
            other => Err(format!("unexpected {other:?} in a projection")),
        }
    }

    fn function(&mut self, name: &str) -> Result<Expr, String> {
        self.expect(&Tok::LParen)?;
        let mut args = Vec::new();
        if *self.peek() == Tok::RParen {
            self.next();
        } else {
            loop {
                args.push(self.expression(0)?);
                match self.next() {
                    Tok::Comma => {}
                    Tok::RParen => break,
                    other => return Err(format!("unexpected {other:?} in arguments")),
                }
            }
        }
        match (name, args.len()) {
            ("length", 1) => Ok(Expr::Length(Box::new(args.remove(0)))),
            ("length", n) => Err(format!("length() takes one argument, not {n}")),
            _ => Err(format!("the function {name}() is not supported")),
        }
    }
}

/// Parses an expression of the subset.
pub(crate) fn parse(source: &str) -> Result<Expr, String> {
    let mut parser = Parser { toks: lex(source)?, pos: 0 };
    let expr = parser.expression(0)?;
    match parser.peek() {
        Tok::Eof => Ok(expr),
        Tok::Other(what) => Err(unsupported(what)),
        other => Err(format!("unexpected {other:?}")),
    }
}
