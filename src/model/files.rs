//! Lowering of an app's `file` nodes.
//!
//! `Some(Ok(_))` below is inline `content`, `Some(Err(_))` a project `source`.

use super::reader::{Reader, missing};
use super::types::{File, FileSource};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::syntax::Node;

/// `file "/path" content="..."`, `source="..."` or `secret="s" key="k"`.
pub(super) fn file(node: &Node, d: &mut Diagnostics) -> Option<File> {
    let r = Reader::new(node, 1, &["content", "source", "secret", "key"], &[], d);
    let path = r.arg_string(0, "path", d);
    let content = r.string("content", d);
    let project = r.string("source", d);
    if let (Some(content), Some(_)) = (&content, &project) {
        d.push(
            Diagnostic::error(Code::InvalidValue, content.span, "a file has `content` or `source`, not both")
                .label("content"),
        );
        return None;
    }
    let content = content.map(Ok).or_else(|| project.map(Err));
    let secret = r.string("secret", d);
    let key = r.string("key", d);
    let source = match (content, secret, key) {
        (Some(Ok(content)), None, None) => FileSource::Content { content },
        (Some(Err(source)), None, None) => FileSource::Project { source },
        (None, Some(secret), Some(key)) => FileSource::Secret { secret, key },
        (Some(Ok(content) | Err(content)), _, _) => {
            d.push(
                Diagnostic::error(Code::InvalidValue, content.span, "a file has its text or `secret`+`key`, not both")
                    .label("content")
                    .help("a file that holds secrets comes from the Secret only"),
            );
            return None;
        }
        (None, Some(secret), None) => {
            d.push(
                Diagnostic::error(Code::MissingValue, secret.span, "`secret` needs `key`")
                    .label("which key of this Secret?"),
            );
            return None;
        }
        (None, None, Some(key)) => {
            d.push(
                Diagnostic::error(Code::MissingValue, key.span, "`key` needs `secret`").label("key of which Secret?"),
            );
            return None;
        }
        (None, None, None) => {
            d.push(missing(
                node,
                "`content=\"...\"`, `source=\"path/in/project\"`, or `secret=\"...\" key=\"...\"` for a file that holds secrets",
            ));
            return None;
        }
    };
    Some(File { path: path?, source, span: node.name_span })
}
