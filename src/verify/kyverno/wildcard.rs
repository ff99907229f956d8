//! Kyverno's wildcards (<https://kyverno.io/docs/writing-policies/validate/#wildcards>):
//! `*` matches any run of characters (also empty), `?` exactly one. The
//! documentation says "alphanumeric", but Kyverno's matcher (and every
//! documented example, such as `docker.io/*`) accepts any character, so this
//! does too. An empty pattern matches only the empty string.

/// Whether `name` matches the wildcard `pattern`.
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    if pattern.is_empty() {
        return name.is_empty();
    }
    if pattern == "*" {
        return true;
    }
    if !has_wildcard(pattern) {
        return pattern == name;
    }
    if pattern.is_ascii() && name.is_ascii() {
        return matches_units(pattern.as_bytes(), name.as_bytes());
    }
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    matches_units(&p, &s)
}

/// The matcher over code units: bytes when both sides are ASCII, else chars.
fn matches_units<T: Copy + PartialEq + From<u8>>(p: &[T], s: &[T]) -> bool {
    let (any, one) = (T::from(b'*'), T::from(b'?'));
    let (mut pi, mut si) = (0, 0);
    // The last `*` seen and the position in `s` it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == any {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && (p[pi] == one || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == any)
}

/// Whether `s` contains a wildcard character.
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte path and the literal shortcut agree with the char path.
    #[test]
    fn every_path_agrees() {
        let cases = [
            ("", ""),
            ("", "a"),
            ("a*c", "abbbc"),
            ("a?c", "abc"),
            ("a?c", "ac"),
            ("*.io/*", "docker.io/nginx"),
            ("ghcr.io/*", "docker.io/x"),
            ("Deployment", "Deployment"),
            ("Deployment", "Deploymen"),
            ("é?x", "éüx"),
            ("*ü", "grün"),
            ("a**", "a"),
            ("?", "ü"),
        ];
        for (pattern, name) in cases {
            let p: Vec<char> = pattern.chars().collect();
            let s: Vec<char> = name.chars().collect();
            let reference = if pattern.is_empty() { name.is_empty() } else { matches_units(&p, &s) };
            assert_eq!(matches(pattern, name), reference, "{pattern:?} {name:?}");
        }
        assert!(matches("é?x", "éüx") && !matches("?", "ab") && matches("?", "ü"));
    }
}
