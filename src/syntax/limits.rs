//! Limits checked before parsing, so hostile input fails with a diagnostic
//! instead of exhausting the stack or memory: nesting depth (the KDL parser
//! and every later stage recurse once per level) and input size.

use crate::diagnostic::{Code, Diagnostic, Span};

/// Children may nest this deep; a real stack needs fewer than ten levels.
pub const MAX_DEPTH: usize = 64;
/// Slashdashes (`/-`) in a file; the KDL parser recurses along chains of
/// slashdashed entries (found by fuzzing), so their number is bounded.
pub const MAX_SLASHDASHES: usize = 256;
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
    let open = deepest_brace(source)?;
    Some(
        Diagnostic::error(Code::Syntax, Span::new(open, 1), format!("children nest deeper than {MAX_DEPTH} levels"))
            .label("too deep")
            .help("a stack needs only a few levels; this input looks generated or corrupt"),
    )
}

/// The offset of the first `/-` over the limit, outside strings and
/// comments.
fn too_many_slashdashes(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut count = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'-') => {
                count += 1;
                if count > MAX_SLASHDASHES {
                    return Some(i);
                }
                i += 1;
            }
            b'"' => i = skip_quoted(bytes, i + 1),
            b'#' if bytes.get(i + 1).is_some_and(|b| *b == b'#' || *b == b'"') => i = skip_raw(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i + 2),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The offset of the first `{` that opens level `MAX_DEPTH + 1`, skipping
/// strings (quoted and raw) and comments.
fn deepest_brace(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            b'}' => depth = depth.saturating_sub(1),
            b'"' => i = skip_quoted(bytes, i + 1),
            b'#' if bytes.get(i + 1).is_some_and(|b| *b == b'#' || *b == b'"') => i = skip_raw(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => i = skip_block_comment(bytes, i + 2),
            _ => {}
        }
        i += 1;
    }
    None
}

fn skip_quoted(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i,
            _ => i += 1,
        }
    }
    i
}

/// `#"..."#`, `##"..."##`: ends at a quote followed by as many hashes.
fn skip_raw(bytes: &[u8], mut i: usize) -> usize {
    let hashes = bytes[i..].iter().take_while(|b| **b == b'#').count();
    i += hashes;
    if bytes.get(i) != Some(&b'"') {
        return i;
    }
    i += 1;
    while i < bytes.len() {
        if bytes[i] == b'"' && bytes[i + 1..].iter().take(hashes).filter(|b| **b == b'#').count() == hashes {
            return i + hashes;
        }
        i += 1;
    }
    i
}

/// Block comments nest in KDL.
fn skip_block_comment(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 1;
    while i + 1 < bytes.len() {
        if bytes[i] == b'/' && bytes[i + 1] == b'*' {
            depth += 1;
            i += 2;
        } else if bytes[i] == b'*' && bytes[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i - 1;
            }
        } else {
            i += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::deepest_brace;

    #[test]
    fn bounds_slashdashes() {
        let many = format!("stack {} \"s\"", "/-/-a ".repeat(super::MAX_SLASHDASHES / 2 + 1));
        assert!(super::too_many_slashdashes(&many).is_some());
        let quoted = format!("stack /- \"s\" \"{}\" // {}", "/-".repeat(1000), "/-".repeat(1000));
        assert_eq!(super::too_many_slashdashes(&quoted), None);
    }

    #[test]
    fn counts_only_structural_braces() {
        let deep = "a {\n".repeat(super::MAX_DEPTH + 1);
        assert!(deepest_brace(&deep).is_some());
        let shallow = format!(
            "a \"{}\" {{ }} // {}\n /* {} */ b #\"{}\"#",
            "{".repeat(100),
            "{".repeat(100),
            "{".repeat(100),
            "{".repeat(100)
        );
        assert_eq!(deepest_brace(&shallow), None);
    }
}
