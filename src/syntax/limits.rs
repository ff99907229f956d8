//! Limits checked before parsing, so hostile input fails with a diagnostic
//! instead of exhausting the stack or memory: nesting depth (the KDL parser
//! and every later stage recurse once per level) and input size.

use crate::diagnostic::{Code, Diagnostic, Span};

/// Children may nest this deep; a real stack needs fewer than ten levels.
pub const MAX_DEPTH: usize = 64;
/// Slashdashes (`/-`) in a file; the KDL parser recurses along chains of
/// slashdashed entries (found by fuzzing), so their number is bounded.
pub const MAX_SLASHDASHES: usize = 256;
/// Blocks opened after a slashdash (`a /- { ... }`) may nest this deep:
/// the `kdl` crate's work doubles with each such level (`syntax/slashdashed.rs`),
/// so this bounds it to 2^8 times one read. A stack comments out a block or
/// two, never eight inside each other.
pub const MAX_SLASHDASHED_DEPTH: usize = 8;
/// Larger stack files are refused before parsing.
pub const MAX_BYTES: usize = 64 * 1024 * 1024;

/// The first place the source breaks a limit, if any.
pub(super) fn check(source: &str) -> Option<Diagnostic> {
    if source.len() > MAX_BYTES {
        return Some(
            Diagnostic::error(
                Code::Syntax,
                Span::new(0, 0),
                format!("the stack is {} bytes; stackc reads at most {MAX_BYTES}", source.len()),
            )
            .label("too large"),
        );
    }
    if let Some(at) = too_many_slashdashes(source) {
        return Some(
            Diagnostic::error(
                Code::Syntax,
                Span::new(at, 2),
                format!("more than {MAX_SLASHDASHES} `/-` slashdash comments"),
            )
            .label("too many slashdashes")
            .help("one `/-` comments out the next node, argument or block; use `//` or `/* */` for long passages"),
        );
    }
    if let Some(at) = super::slashdashed::too_deep(source, MAX_SLASHDASHED_DEPTH) {
        return Some(
            Diagnostic::error(
                Code::Syntax,
                Span::new(at, 1),
                format!("blocks after `/-` nest deeper than {MAX_SLASHDASHED_DEPTH} levels"),
            )
            .label("too deep after slashdashes")
            .help("a `/-` before a block comments out all of it, nested slashdashes inside included; remove the inner `/-`"),
        );
    }
    let open = deepest_brace(source)?;
    Some(
        Diagnostic::error(Code::Syntax, Span::new(open, 1), format!("children nest deeper than {MAX_DEPTH} levels"))
            .label("too deep")
            .help("a stack needs only a few levels; this input looks generated or corrupt"),
    )
}

/// The offset of the first `/-` over the limit. Counted over the raw bytes,
/// strings and comments included: the parser's error recovery may read an
/// unterminated string or comment as structure, so only an over-count is safe.
fn too_many_slashdashes(source: &str) -> Option<usize> {
    source.match_indices("/-").nth(MAX_SLASHDASHES).map(|(at, _)| at)
}

/// The offset of the first `{` that opens level `MAX_DEPTH + 1`, counted
/// over the raw bytes for the same reason (balanced braces in strings, like
/// `{{ x }}`, cost nothing).
fn deepest_brace(source: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in source.bytes().enumerate() {
        match b {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{deepest_brace, too_many_slashdashes};

    #[test]
    fn bounds_slashdashes() {
        let many = format!("stack {} \"s\"", "/-/-a ".repeat(super::MAX_SLASHDASHES / 2 + 1));
        assert!(too_many_slashdashes(&many).is_some());
        assert_eq!(too_many_slashdashes("stack /- \"s\" \"https://gitlab.example/g/p/-/raw\""), None);
    }

    #[test]
    fn bounds_nesting_over_raw_bytes() {
        assert!(deepest_brace(&"a {\n".repeat(super::MAX_DEPTH + 1)).is_some());
        // An unterminated string does not hide braces from the count.
        assert!(deepest_brace(&format!("a \"{}", "{".repeat(super::MAX_DEPTH + 1))).is_some());
        assert_eq!(deepest_brace(&format!("a \"{}\" {{ }}", "{{ x }} ".repeat(500))), None);
    }
}
