//! `stackc schema` accepts exactly the stacks `build` accepts, judged by a
//! real JSON Schema validator (the `jsonschema` crate, draft 2020-12;
//! docs/decisions/0018-schema-validation.md). Each stack is mapped to JSON
//! the way docs/editors.md tells an editor to: a node's arguments fill the
//! fields the table below names, its properties and child nodes are the
//! object's fields, repeated children the array named after them. Stacks
//! `build` accepts must validate; a corpus of stacks it rejects must not,
//! each for the reason the compiler gives (its code beside the schema's
//! failing keyword and place, in one table).

use serde_json::{Map, Value, json};
use stackc::syntax::{Node, Scalar};

use crate::support::{gen_stack, root, stackc};

/// The schema property each positional argument of a node fills, by `$defs`
/// name: the language server's table, so the two can never disagree.
pub const ARGS: &[(&str, &[&str])] = stackc::lsp::schema::POSITIONAL;

/// A schema with `$ref`s and `T | null` resolved: its `$defs` name, if any.
fn resolve<'a>(schema: &'a Value, mut node: &'a Value) -> (Option<&'a str>, &'a Value) {
    let mut name = None;
    loop {
        if let Some(reference) = node["$ref"].as_str() {
            let def = reference.trim_start_matches("#/$defs/");
            name = Some(def);
            node = &schema["$defs"][def];
        } else if let Some(first) = node["anyOf"].as_array().and_then(|a| a.iter().find(|v| v["type"] != "null"))
            && node["anyOf"].as_array().is_some_and(|a| a.iter().any(|v| v["type"] == "null"))
        {
            node = first;
        } else {
            return (name, node);
        }
    }
}

fn scalar(value: &Scalar) -> Value {
    match value {
        Scalar::String(s) => json!(s),
        Scalar::Integer(i) => i64::try_from(*i).map_or_else(|_| json!(i.to_string()), |i| json!(i)),
        Scalar::Float(f) => json!(f),
        Scalar::Bool(b) => json!(b),
        Scalar::Null => Value::Null,
    }
}

/// A node whose schema is a scalar, a list of scalars or a free map
/// (labels, chart values): a bare node is a flag (`#true`), one argument
/// its value, several a list; properties and children make a map.
fn plain(node: &Node) -> Value {
    if node.props.is_empty() && node.children.is_empty() {
        return match node.args.as_slice() {
            [] => json!(true),
            [one] => scalar(&one.value),
            args => args.iter().map(|a| scalar(&a.value)).collect(),
        };
    }
    let mut map = Map::new();
    for prop in &node.props {
        map.insert(prop.key.clone(), scalar(&prop.value));
    }
    for child in &node.children {
        map.insert(child.name.clone(), plain(child));
    }
    Value::Object(map)
}

/// Put the JSON of `child` into `object`, which `at` describes: one element
/// of an array of objects, or the field itself.
fn add_child(schema: &Value, object: &mut Map<String, Value>, at: Option<&Value>, child: &Node) {
    let Some(at) = at else {
        // No such property: keep it, for `additionalProperties` to refuse.
        object.insert(child.name.clone(), plain(child));
        return;
    };
    let (name, at) = resolve(schema, at);
    if at["type"] == "array" {
        let (name, items) = resolve(schema, &at["items"]);
        if items.get("properties").is_some() {
            let element = to_json(schema, name, items, child);
            let list = object.entry(child.name.clone()).or_insert_with(|| json!([]));
            if let Some(list) = list.as_array_mut() {
                list.push(element);
            }
            return;
        }
        // A list of scalars: the node's arguments (`command "a" "b"`).
        object.insert(child.name.clone(), child.args.iter().map(|a| scalar(&a.value)).collect());
        return;
    }
    let value = if at.get("properties").is_some() { to_json(schema, name, at, child) } else { plain(child) };
    object.insert(child.name.clone(), value);
}

/// The JSON of `node`, whose schema is the object `object` (`$defs` `name`).
fn to_json(schema: &Value, name: Option<&str>, object: &Value, node: &Node) -> Value {
    let properties = object["properties"].as_object();
    let names = ARGS.iter().find(|(def, _)| Some(*def) == name).map_or(&[][..], |(_, names)| *names);
    let variadic = properties.filter(|p| p.len() == 1).and_then(|p| p.keys().next());
    let mut map = Map::new();
    for (i, arg) in node.args.iter().enumerate() {
        match (names.get(i), variadic) {
            (Some(key), _) => {
                map.insert((*key).to_owned(), scalar(&arg.value));
            }
            (None, Some(key)) => {
                let list = map.entry(key.clone()).or_insert_with(|| json!([]));
                if let Some(list) = list.as_array_mut() {
                    list.push(scalar(&arg.value));
                }
            }
            // An argument the node does not take: a field no schema has.
            (None, None) => {
                map.insert(format!("(argument {})", i + 1), scalar(&arg.value));
            }
        }
    }
    for prop in &node.props {
        map.insert(prop.key.clone(), scalar(&prop.value));
    }
    for child in &node.children {
        add_child(schema, &mut map, properties.and_then(|p| p.get(&child.name)), child);
    }
    Value::Object(map)
}

/// The JSON an editor sees for `source`: its one `stack` node.
fn instance(schema: &Value, source: &str) -> Value {
    let document = stackc::syntax::parse(source).expect("the corpus is valid KDL");
    match document.nodes.as_slice() {
        [stack] if stack.name == "stack" => to_json(schema, Some("Stack"), schema, stack),
        nodes => panic!("one `stack` node, not {:?}", nodes.iter().map(|n| &n.name).collect::<Vec<_>>()),
    }
}

/// Every error of the real validator: (keyword, instance path).
fn schema_errors(schema: &Value, source: &str) -> Vec<(String, String)> {
    let validator = jsonschema::validator_for(schema).expect("`stackc schema` is a valid JSON Schema");
    let instance = instance(schema, source);
    validator
        .iter_errors(&instance)
        .map(|e| (e.kind().keyword().to_owned(), e.instance_path().as_str().to_owned()))
        .collect()
}

fn schema() -> Value {
    serde_json::from_slice(&stackc(&root(), &["schema"]).stdout).unwrap()
}

/// Every stack `build` accepts: the repository's, the examples', `init`'s
/// starter and generated ones.
fn valid_stacks() -> Vec<(String, String)> {
    let mut stacks = vec![("stack.kdl".to_owned(), std::fs::read_to_string(root().join("stack.kdl")).unwrap())];
    let mut examples: Vec<_> = std::fs::read_dir(root().join("examples")).unwrap().map(|e| e.unwrap().path()).collect();
    examples.sort();
    for dir in examples {
        let path = dir.join("stack.kdl");
        if let Ok(source) = std::fs::read_to_string(&path) {
            stacks.push((path.display().to_string(), source));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(stackc(dir.path(), &["init"]).status.code(), Some(0));
    stacks.push(("init".to_owned(), std::fs::read_to_string(dir.path().join("stack.kdl")).unwrap()));
    for (n, seed) in [(5, 1), (40, 7), (200, 42)] {
        stacks.push((format!("gen_stack {n} {seed}"), gen_stack::stack_kdl(n, seed)));
    }
    stacks
}

#[test]
fn the_schema_accepts_every_stack_build_accepts() {
    let schema = schema();
    let stacks = valid_stacks();
    assert!(stacks.len() > 10, "the examples are found");
    for (name, source) in stacks {
        stackc::resolve(&source).unwrap_or_else(|d| panic!("{name} does not resolve: {d:?}"));
        let errors = schema_errors(&schema, &source);
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}

/// A valid stack to break in one place.
const BASE: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        git url="ssh://git@example.org/acme/gitops"
    }
    platform {
        engine "flux" install-manifest="gotk-components.yaml"
        traefik
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
            internet 443
            env "MODE" "production"
            resources {
                requests cpu="100m"
            }
        }
    }
}
"#;

#[test]
fn the_schema_rejects_what_build_rejects_for_the_same_reason() {
    // (what changes, into what, the compiler's code, the schema's failing keyword, where)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            r#"git url="ssh://git@example.org/acme/gitops""#,
            r#"git branch="main""#,
            "missing-value",
            "required",
            "/cluster/0/git",
        ),
        (r#" version="1.33""#, "", "missing-value", "required", "/cluster/0"),
        (r#"port "http" 8080"#, r#"port "http" 0"#, "invalid-value", "minimum", "/namespace/0/app/0/port/0/number"),
        (r#"port "http" 8080"#, r#"port "http" 70000"#, "invalid-value", "maximum", "/namespace/0/app/0/port/0/number"),
        (r#"port "http" 8080"#, r#"port "http" "8080""#, "wrong-type", "type", "/namespace/0/app/0/port/0/number"),
        ("internet 443", "internet 443 70000", "invalid-value", "maximum", "/namespace/0/app/0/internet/0/ports/1"),
        (r#"app "web" image="x:1""#, r#"app "web""#, "missing-value", "oneOf", "/namespace/0/app/0"),
        (
            r#"app "web" image="x:1""#,
            r#"app "web" imgae="x:1""#,
            "unknown-property",
            "additionalProperties",
            "/namespace/0/app/0",
        ),
        (
            r#"app "web" image="x:1" {"#,
            r#"ap "web" image="x:1" {"#,
            "unknown-node",
            "additionalProperties",
            "/namespace/0",
        ),
        (
            r#"requests cpu="100m""#,
            r#"requests cpu="100m" disk="1Gi""#,
            "unknown-property",
            "additionalProperties",
            "/namespace/0/app/0/resources/requests",
        ),
        (
            r#"env "MODE" "production""#,
            r#"env "MODE" "production" secret="s" key="k""#,
            "invalid-value",
            "oneOf",
            "/namespace/0/app/0/env/0",
        ),
        (
            "        traefik\n",
            "        traefik colour=\"blue\"\n",
            "unknown-property",
            "additionalProperties",
            "/platform/traefik",
        ),
        (
            r#"engine "flux" install-manifest="gotk-components.yaml""#,
            r#"engine "kustomize" install-manifest="gotk-components.yaml""#,
            "unknown-property",
            "oneOf",
            "/platform/engine",
        ),
        (
            r#"engine "flux" install-manifest="gotk-components.yaml""#,
            r#"engine "fluxcd""#,
            "invalid-value",
            "enum",
            "/platform/engine/name",
        ),
        (r#"namespace "a" {"#, r#"namespace "a" "b" {"#, "unexpected-argument", "additionalProperties", "/namespace/0"),
    ];
    let schema = schema();
    assert_eq!(schema_errors(&schema, BASE), Vec::<(String, String)>::new());
    stackc::resolve(BASE).expect("the base stack is valid");
    let mut wrong = Vec::new();
    for (from, to, code, keyword, path) in cases {
        assert!(BASE.contains(from), "{from}");
        let source = BASE.replacen(from, to, 1);
        let diagnostics = stackc::resolve(&source).expect_err(to);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        let errors = schema_errors(&schema, &source);
        let found = errors.iter().any(|(k, p)| k == keyword && p == path);
        if !codes.contains(code) || !found {
            wrong.push(format!("{to}: the compiler says {codes:?} (expected {code}), the schema {errors:?}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_schema_lists_only_reachable_definitions() {
    let schema = schema();
    let text = schema.to_string();
    for (name, _) in schema["$defs"].as_object().unwrap() {
        assert!(text.contains(&format!("\"#/$defs/{name}\"")), "`$defs/{name}` is never referred to");
    }
    assert_eq!(schema["additionalProperties"], json!(false));
    assert_eq!(schema["$defs"]["App"]["additionalProperties"], json!(false));
}
