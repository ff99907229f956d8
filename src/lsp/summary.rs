//! A declaration as hover and completion show it: its node as written,
//! without children (`app "web" image="..." replicas=3`). The stack holds no
//! secret values (they are in the encrypted store), so neither does this.

use crate::syntax::{Node, Scalar};

/// `app "web" image="..." replicas=3`: the node as written, without children.
pub fn summary(node: &Node) -> String {
    let scalar = |v: &Scalar| match v {
        Scalar::String(s) => format!("{s:?}"),
        Scalar::Integer(i) => i.to_string(),
        Scalar::Float(f) => f.to_string(),
        Scalar::Bool(b) => format!("#{b}"),
        Scalar::Null => "#null".to_owned(),
    };
    let mut out = node.name.clone();
    for arg in &node.args {
        out.push(' ');
        out.push_str(&scalar(&arg.value));
    }
    for prop in &node.props {
        out.push_str(&format!(" {}={}", prop.key, scalar(&prop.value)));
    }
    out
}
