//! Plainer diagnostics for the KDL mistakes people make, in place of the
//! `kdl` crate's: a block whose `}` is missing (named by its node, found by
//! indentation, instead of the outermost `{` and the whole file), and KDL
//! v1's bare `true`/`false`/`null` (KDL v2 writes `#true`).

use crate::diagnostic::{Code, Diagnostic, Span};

/// Rewrite the `kdl` crate's diagnostics of `source` where a hint applies.
pub(super) fn improve(source: &str, diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let unclosed = diagnostics.iter().any(|d| d.message.to_ascii_lowercase().contains("closing '}'"));
    let mut out: Vec<Diagnostic> = Vec::new();
    if unclosed && let Some(block) = unclosed_block(source) {
        out.push(block);
    }
    for d in diagnostics {
        if !out.is_empty() && d.message.to_ascii_lowercase().contains("closing '}'") {
            continue;
        }
        out.push(v1_keyword(source, &d).unwrap_or(d));
    }
    out
}

/// `true`, `false` or `null` where KDL v2 expects `#true`, `#false`, `#null`.
fn v1_keyword(source: &str, d: &Diagnostic) -> Option<Diagnostic> {
    let word = source.get(d.span.offset..d.span.offset + d.span.len)?;
    if !matches!(word, "true" | "false" | "null") {
        return None;
    }
    Some(
        Diagnostic::error(Code::Syntax, d.span, format!("`{word}` is KDL v1; KDL v2 writes `#{word}`"))
            .label(format!("write `#{word}`"))
            .help("stack.kdl is KDL v2: booleans are `#true` and `#false`, null is `#null`"),
    )
}

/// An open `{` of the source.
struct Open {
    /// Where the node that opens the block starts, on the `{`'s line.
    node: usize,
    /// The `{`.
    brace: usize,
    indent: usize,
    line: usize,
}

/// The innermost block left open: the first `{` whose line's indentation a
/// later line-leading `}` goes below, or the last one open at the end.
fn unclosed_block(source: &str) -> Option<Diagnostic> {
    let bytes = source.as_bytes();
    let mut open: Vec<Open> = Vec::new();
    let (mut i, mut line, mut line_start) = (0, 1, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i + 1 < bytes.len() && bytes[i + 1] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = source[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 1);
                line += source[i..end.min(bytes.len())].matches('\n').count();
                i = end;
            }
            b'"' | b'#' => {
                let end = string_end(source, i);
                if let Some(nl) = source[i..end].rfind('\n') {
                    line += source[i..end].matches('\n').count();
                    line_start = i + nl + 1;
                }
                i = end.max(i + 1) - 1;
            }
            b'{' => {
                let indent = indentation(source, line_start);
                open.push(Open { node: line_start + indent, brace: i, indent, line });
            }
            b'}' => {
                let leading = source[line_start..i].trim().is_empty();
                let indent = i - line_start;
                let top = open.pop()?;
                if leading && indent < top.indent {
                    return Some(unclosed(source, &top, Some(line)));
                }
            }
            _ => {}
        }
        i += 1;
    }
    open.pop().map(|top| unclosed(source, &top, None))
}

fn unclosed(source: &str, open: &Open, before: Option<usize>) -> Diagnostic {
    let head = source[open.node..open.brace].trim_end();
    // `app "web" image="x:1"` → `app "web"`.
    let name: Vec<&str> = head.split_whitespace().take(2).filter(|w| !w.contains('=')).collect();
    let name = name.join(" ");
    let help = match before {
        Some(line) => format!("add its `}}` before line {line}, indented like the `{name}` line"),
        None => format!("add its `}}` at the end of the block, indented like the `{name}` line"),
    };
    Diagnostic::error(Code::Syntax, Span::new(open.node, open.brace + 1 - open.node), format!("`{name}` is not closed"))
        .label(format!("this `{{` (line {}) has no `}}`", open.line))
        .help(help)
}

fn indentation(source: &str, line_start: usize) -> usize {
    source[line_start..].bytes().take_while(|b| *b == b' ' || *b == b'\t').count()
}

/// The end (exclusive) of the string starting at `start`: `"..."` with
/// escapes, or a raw `#"..."#` with any number of `#`. A `#` that starts no
/// string (`#true`) ends at once.
fn string_end(source: &str, start: usize) -> usize {
    let rest = &source[start..];
    let hashes = rest.bytes().take_while(|b| *b == b'#').count();
    if rest.as_bytes().get(hashes) != Some(&b'"') {
        return start + hashes.max(1);
    }
    if hashes > 0 {
        let close = format!("\"{}", "#".repeat(hashes));
        return rest[hashes + 1..].find(&close).map_or(source.len(), |e| start + hashes + 1 + e + close.len());
    }
    let bytes = rest.as_bytes();
    let mut j = 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 1,
            b'"' => return start + j + 1,
            b'\n' => return start + j,
            _ => {}
        }
        j += 1;
    }
    source.len()
}
