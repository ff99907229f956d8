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
    let p: Vec<char> = pattern.chars().collect();
    let s: Vec<char> = name.chars().collect();
    let (mut pi, mut si) = (0, 0);
    // The last `*` seen and the position in `s` it currently absorbs up to.
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
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
    p[pi..].iter().all(|c| *c == '*')
}

/// Whether `s` contains a wildcard character.
pub(crate) fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}
