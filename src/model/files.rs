//! Lowering of an app's `file` nodes.

use super::reader::{Reader, missing};
use super::types::{File, FileSource};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::syntax::Node;

/// `file "/path" content="..."` or `file "/path" secret="s" key="k"`.
pub(super) fn file(node: &Node, d: &mut Diagnostics) -> Option<File> {
    let r = Reader::new(node, 1, &["content", "secret", "key"], &[], d);
    let path = r.arg_string(0, "path", d);
    let content = r.string("content", d);
    let secret = r.string("secret", d);
    let key = r.string("key", d);
    let source = match (content, secret, key) {
        (Some(content), None, None) => FileSource::Content { content },
        (None, Some(secret), Some(key)) => FileSource::Secret { secret, key },
        (Some(content), _, _) => {
            d.push(
                Diagnostic::error(Code::InvalidValue, content.span, "a file has `content` or `secret`+`key`, not both")
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
            d.push(missing(node, "`content=\"...\"`, or `secret=\"...\" key=\"...\"` for a file that holds secrets"));
            return None;
        }
    };
    Some(File { path: path?, source, span: node.name_span })
}
