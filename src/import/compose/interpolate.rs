//! The env file (`.env`, or `--env-file`) and `${VAR}` interpolation, as
//! docker compose v2 reads them: `KEY=value` lines with `#` comments,
//! `export ` prefixes and quotes; `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:?error}`, `${VAR?error}`, `${VAR:+alt}`,
//! `${VAR+alt}`, and `$$` for a literal `$`. Unlike docker compose, the
//! shell's environment is not read (the same file must import to the same
//! stack on every machine), and a variable with neither a value nor a
//! default is an error, not an empty string.

/// The variables of an env file, in file order, with their lines.
#[derive(Debug, Clone, Default)]
pub struct EnvFile {
    pub vars: Vec<EnvVar>,
}

#[derive(Debug, Clone)]
pub struct EnvVar {
    pub name: String,
    pub value: String,
    pub line: usize,
}

impl EnvFile {
    /// Read `KEY=value` lines; lines that are not assignments are skipped.
    #[must_use]
    pub fn parse(text: &str) -> Self {
        let mut vars: Vec<EnvVar> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((name, value)) = line.split_once('=') else { continue };
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-') {
                continue;
            }
            let value = unquote(value.trim());
            vars.retain(|v| v.name != name);
            vars.push(EnvVar { name: name.to_owned(), value, line: i + 1 });
        }
        Self { vars }
    }

    /// The value of `name`, if the file sets it (possibly empty).
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.iter().find(|v| v.name == name).map(|v| v.value.as_str())
    }
}

/// A value without its quotes; an unquoted value ends at ` #`.
fn unquote(value: &str) -> String {
    for quote in ['"', '\''] {
        if let Some((rest, end)) = value.strip_prefix(quote).and_then(|r| r.find(quote).map(|e| (r, e))) {
            let inner = &rest[..end];
            return if quote == '"' { inner.replace("\\n", "\n").replace("\\\"", "\"") } else { inner.to_owned() };
        }
    }
    match value.find(" #") {
        Some(i) => value[..i].trim_end().to_owned(),
        None => value.to_owned(),
    }
}

/// An interpolated value and the env-file variables it read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpolated {
    pub text: String,
    pub vars: Vec<String>,
}

/// Why a value cannot be interpolated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterpolateError {
    /// `${VAR}` with no value in the env file and no default.
    Missing(String),
    /// `${VAR:?message}` (or `?`) with no value.
    Required(String, String),
    /// A `${` without its `}`, or a bad name.
    Syntax(String),
}

/// Interpolate `text` with the variables of `env`.
///
/// # Errors
/// A variable with no value and no default, a required variable without a
/// value, an unclosed `${`.
pub fn interpolate(text: &str, env: &EnvFile) -> Result<Interpolated, InterpolateError> {
    let mut out = Interpolated { text: String::new(), vars: Vec::new() };
    expand(text, env, &mut out, 0)?;
    Ok(out)
}

fn expand(text: &str, env: &EnvFile, out: &mut Interpolated, depth: usize) -> Result<(), InterpolateError> {
    if depth > 8 {
        return Err(InterpolateError::Syntax("defaults nested too deeply".into()));
    }
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.text.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(more) = after.strip_prefix('$') {
            out.text.push('$');
            rest = more;
        } else if let Some(inner) = after.strip_prefix('{') {
            let end =
                closing(inner).ok_or_else(|| InterpolateError::Syntax(format!("`${{{inner}` has no closing `}}`")))?;
            braced(&inner[..end], env, out, depth)?;
            rest = &inner[end + 1..];
        } else {
            let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            if len == 0 || after.starts_with(|c: char| c.is_ascii_digit()) {
                out.text.push('$');
                rest = after;
            } else {
                let name = &after[..len];
                let value = env.get(name).ok_or_else(|| InterpolateError::Missing(name.to_owned()))?;
                out.text.push_str(value);
                out.vars.push(name.to_owned());
                rest = &after[len..];
            }
        }
    }
    out.text.push_str(rest);
    Ok(())
}

/// The index of the `}` closing a `${`, nested `${...}` skipped.
fn closing(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    let bytes = inner.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return Some(i),
            b'}' => depth -= 1,
            _ => {}
        }
        i += 1;
    }
    None
}

fn braced(inner: &str, env: &EnvFile, out: &mut Interpolated, depth: usize) -> Result<(), InterpolateError> {
    let len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
    let (name, op) = inner.split_at(len);
    if name.is_empty() {
        return Err(InterpolateError::Syntax(format!("`${{{inner}}}` names no variable")));
    }
    let value = env.get(name);
    let set = value.is_some();
    let nonempty = value.is_some_and(|v| !v.is_empty());
    let (use_value, alternative) = match op {
        "" => (true, None),
        _ if op.starts_with(":-") => (nonempty, Some((&op[2..], false))),
        _ if op.starts_with('-') => (set, Some((&op[1..], false))),
        _ if op.starts_with(":?") => (nonempty, Some((&op[2..], true))),
        _ if op.starts_with('?') => (set, Some((&op[1..], true))),
        _ if op.starts_with(":+") => {
            if nonempty {
                return expand(&op[2..], env, out, depth + 1);
            }
            return Ok(());
        }
        _ if op.starts_with('+') => {
            if set {
                return expand(&op[1..], env, out, depth + 1);
            }
            return Ok(());
        }
        _ => return Err(InterpolateError::Syntax(format!("`${{{inner}}}` is not a substitution compose knows"))),
    };
    match (use_value, value, alternative) {
        (true, Some(value), _) => {
            out.text.push_str(value);
            out.vars.push(name.to_owned());
            Ok(())
        }
        (_, _, Some((message, true))) => Err(InterpolateError::Required(name.to_owned(), message.to_owned())),
        (_, _, Some((default, false))) => expand(default, env, out, depth + 1),
        _ => Err(InterpolateError::Missing(name.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_forms() {
        let env = EnvFile::parse("A=1\nexport B=\"two words\" \nE=\nC='x' # c\nD=y # comment\n");
        let i = |t: &str| interpolate(t, &env);
        assert_eq!(i("$A-${B}").unwrap().text, "1-two words");
        assert_eq!(i("${E:-d}|${E-d}|${N:-${A}}").unwrap().text, "d||1");
        assert_eq!(i("$$A ${C}${D}").unwrap().text, "$A xy");
        assert_eq!(i("${A:+yes}${N:+no}").unwrap().text, "yes");
        assert_eq!(i("${N}"), Err(InterpolateError::Missing("N".into())));
        assert_eq!(i("${E:?needed}"), Err(InterpolateError::Required("E".into(), "needed".into())));
        assert!(matches!(i("${A"), Err(InterpolateError::Syntax(_))));
        assert_eq!(i("${A}${B}").unwrap().vars, ["A", "B"]);
    }

    #[test]
    fn defaults_alternatives_and_dollars() {
        let env = EnvFile::parse("A=1\nE=\n");
        let i = |t: &str| interpolate(t, &env).map(|r| r.text);
        // `-` without a colon: only an unset variable takes the default.
        assert_eq!(i("${A-d}|${E-d}|${N-d}").unwrap(), "1||d");
        // `+`: the alternative when set (`:+` when set and not empty).
        assert_eq!(i("${A+x}|${E+x}|${E:+x}|${N+x}").unwrap(), "x|x||");
        // Nested defaults, and a default that is itself empty.
        assert_eq!(i("${N:-${M:-deep}}|${N:-${A}}|${N:-}").unwrap(), "deep|1|");
        // `$$` is a literal dollar, also inside a default and before a brace.
        assert_eq!(i("$${A}|${N:-$$x}|pa$$word").unwrap(), "${A}|$x|pa$word");
        assert_eq!(i("${N:-a b}c").unwrap(), "a bc");
    }
}
