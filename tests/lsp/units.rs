//! The language server's pieces on their own: positions in UTF-16 and
//! UTF-8, the cursor context, and the schema table it shares with
//! `tests/schema.rs`.

use lsp_types::Position;
use stackc::lsp::context::{self, Slot};
use stackc::lsp::text::{Encoding, LineIndex};

#[test]
fn positions_count_utf16_units_or_bytes() {
    // `é` is 2 bytes and 1 UTF-16 unit; `𝄞` is 4 bytes and 2 units.
    let text = "a\n// é𝄞 x\r\nb";
    let x = text.find('x').unwrap();
    let utf16 = LineIndex::new(text, Encoding::Utf16);
    assert_eq!(utf16.position(text, x), Position::new(1, 7));
    assert_eq!(utf16.offset(text, Position::new(1, 7)), x);
    let utf8 = LineIndex::new(text, Encoding::Utf8);
    assert_eq!(utf8.position(text, x), Position::new(1, 10));
    assert_eq!(utf8.offset(text, Position::new(1, 10)), x);
    // Past the end of a line: its end, before the `\r\n`.
    assert_eq!(utf16.offset(text, Position::new(1, 99)), x + 1);
    assert_eq!(utf16.offset(text, Position::new(9, 0)), text.len());
}

#[test]
fn the_cursor_context_follows_nodes_properties_and_values() {
    let text = "stack \"s\" {\n    namespace \"a\" {\n        app \"web\" image=\"x\" {\n            env \"K\" secret=\"s\" key=\"";
    let cx = context::at(text, text.len());
    let parents: Vec<&str> = cx.parents.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(parents, ["stack", "namespace", "app"]);
    assert_eq!(cx.parents[1].1.as_deref(), Some("a"));
    assert_eq!(cx.slot, Slot::Value("key".to_owned()));
    assert!(cx.quoted);
    assert_eq!(cx.node.prop("secret"), Some("s"));

    let partial = "stack \"s\" {\n    namespace \"a\" {\n        app \"web\" repl";
    let cx = context::at(partial, partial.len());
    assert_eq!((cx.slot, cx.start), (Slot::Entry(1), partial.len() - 4));
    let after_block = "stack \"s\" {\n    platform {\n        traefik\n    }\n    // a comment {\n    ";
    let cx = context::at(after_block, after_block.len());
    assert_eq!((cx.parents.len(), cx.slot), (1, Slot::NodeName));
    let value = "stack \"s\" {\n  cluster \"c\" distribution=";
    assert_eq!(context::at(value, value.len()).slot, Slot::Value("distribution".to_owned()));
    let comment = "stack \"s\" { /* app ";
    assert_eq!(context::at(comment, comment.len()).slot, Slot::Nothing);
}

#[test]
fn every_node_of_the_language_has_a_shape_with_descriptions() {
    let app = stackc::lsp::schema::shape(&["stack", "namespace", "app"]).unwrap();
    let names = |fields: &[stackc::lsp::schema::Field]| fields.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert!(names(&app.properties).contains(&"image".to_owned()), "{:?}", names(&app.properties));
    assert!(!names(&app.properties).contains(&"name".to_owned()), "the name is an argument");
    for child in ["port", "connects-to", "readiness", "resources", "file", "internet"] {
        assert!(names(&app.children).contains(&child.to_owned()), "{child}");
    }
    assert!(app.properties.iter().chain(&app.children).all(|f| !f.description.is_empty()));
    let cluster = stackc::lsp::schema::shape(&["stack", "cluster"]).unwrap();
    let distribution = cluster.properties.iter().find(|f| f.name == "distribution").unwrap();
    assert_eq!(distribution.values, ["k3s", "kubernetes"]);
    let engine = stackc::lsp::schema::shape(&["stack", "platform", "engine"]).unwrap();
    assert_eq!(engine.arguments[0].values, ["flux", "argocd", "kustomize"]);
    let internet = stackc::lsp::schema::shape(&["stack", "namespace", "app", "internet"]).unwrap();
    assert!(internet.properties.is_empty() && internet.children.is_empty(), "ports are arguments");
}
