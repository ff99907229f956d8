//! `stackc schema` accepts the stacks `build` accepts and rejects, for the
//! same reason, a corpus of stacks `build` rejects. Each KDL node is checked
//! against its schema object: its arguments (named by the table below, the
//! mapping an editor applies), properties and child nodes must be the
//! object's properties, integers within its bounds, its `required` present,
//! and one of its `oneOf` alternatives complete.

use serde_json::Value;
use stackc::syntax::{Node, Scalar};

use crate::support::{gen_stack, root, stackc};

/// The schema property each positional argument of a node fills, by `$defs` name.
pub const ARGS: &[(&str, &[&str])] = &[
    ("Stack", &["name"]),
    ("Cluster", &["name"]),
    ("ApiServer", &["address"]),
    ("StorageClass", &["name"]),
    ("Override", &["workload"]),
    ("HostOverride", &["from"]),
    ("VolumeOverride", &["name"]),
    ("GitOpsEngine", &["name"]),
    ("Issuer", &["name"]),
    ("KyvernoRule", &["name"]),
    ("HelmRepository", &["name"]),
    ("Namespace", &["name"]),
    ("Release", &["name"]),
    ("App", &["name"]),
    ("Port", &["name", "number"]),
    ("Expose", &["host"]),
    ("ExposePort", &["number"]),
    ("Connect", &["target"]),
    ("Env", &["name", "value"]),
    ("Volume", &["name"]),
    ("Database", &["name"]),
    ("Secret", &["name"]),
    ("SecretKey", &["name"]),
    ("File", &["path"]),
];

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

fn integer_in(bounds: &Value, value: &Scalar, what: &str, errors: &mut Vec<String>) {
    let Scalar::Integer(i) = value else { return };
    if let Some(min) = bounds["minimum"].as_i64().or_else(|| bounds["items"]["minimum"].as_i64())
        && *i < i128::from(min)
    {
        errors.push(format!("{what}: {i} is below the minimum {min}"));
    }
    if let Some(max) = bounds["maximum"].as_i64().or_else(|| bounds["items"]["maximum"].as_i64())
        && *i > i128::from(max)
    {
        errors.push(format!("{what}: {i} is above the maximum {max}"));
    }
}

/// Check `node` against `at` (a property schema of its parent).
fn check(schema: &Value, at: &Value, node: &Node, path: &str, errors: &mut Vec<String>) {
    let (outer, at) = resolve(schema, at);
    let (name, object) = if at["type"] == "array" { resolve(schema, &at["items"]) } else { (outer, at) };
    let path = format!("{path}/{}", node.name);
    let Some(properties) = object["properties"].as_object() else {
        // A scalar, a list of scalars or a free map (labels, chart values).
        for arg in &node.args {
            integer_in(object, &arg.value, &path, errors);
        }
        return;
    };
    let name = if std::ptr::eq(object, schema) { Some("Stack") } else { name };
    let names = ARGS.iter().find(|(def, _)| Some(*def) == name).map_or(&[][..], |(_, names)| *names);
    // A node of one list property takes any number of arguments (`internet 443 80`).
    let variadic = (properties.len() == 1).then(|| properties.keys().next().map(String::as_str)).flatten();
    let mut present: Vec<&str> = Vec::new();
    for (i, arg) in node.args.iter().enumerate() {
        match names.get(i).copied().or(variadic) {
            Some(key) => {
                present.push(key);
                integer_in(resolve(schema, &properties[key]).1, &arg.value, &format!("{path}.{key}"), errors);
            }
            None => errors.push(format!("{path}: argument {} has no property", i + 1)),
        }
    }
    for prop in &node.props {
        match properties.get(&prop.key) {
            Some(p) => {
                present.push(&prop.key);
                integer_in(resolve(schema, p).1, &prop.value, &format!("{path}.{}", prop.key), errors);
            }
            None => errors.push(format!("{path}: unknown property `{}`", prop.key)),
        }
    }
    for child in &node.children {
        match properties.get(&child.name) {
            Some(p) => {
                present.push(&child.name);
                check(schema, p, child, &path, errors);
            }
            None => errors.push(format!("{path}: unknown node `{}`", child.name)),
        }
    }
    let has = |required: &Value| {
        required.as_array().into_iter().flatten().all(|r| present.contains(&r.as_str().unwrap_or("")))
    };
    for required in object["required"].as_array().into_iter().flatten() {
        if !present.contains(&required.as_str().unwrap_or("")) {
            errors.push(format!("{path}: missing required `{}`", required.as_str().unwrap_or("")));
        }
    }
    let engine = node.args.first().map(|a| &a.value);
    let fits = |a: &Value| {
        let name = &a["properties"]["name"]["const"];
        let not = &a["not"];
        let forbidden = (not["required"].is_array() && has(&not["required"]))
            || not["anyOf"].as_array().into_iter().flatten().any(|f| has(&f["required"]));
        has(&a["required"])
            && !forbidden
            && (name.is_null() || engine == Some(&Scalar::String(name.as_str().unwrap_or("").to_owned())))
    };
    if let Some(alternatives) = object["oneOf"].as_array()
        && !alternatives.iter().any(fits)
    {
        errors.push(format!("{path}: matches none of {}", serde_json::to_string(alternatives).unwrap_or_default()));
    }
}

/// What the schema finds wrong with `source`.
fn schema_errors(schema: &Value, source: &str) -> Vec<String> {
    let document = stackc::syntax::parse(source).expect("the corpus is valid KDL");
    let mut errors = Vec::new();
    for node in &document.nodes {
        check(schema, schema, node, "", &mut errors);
    }
    errors
}

fn schema() -> Value {
    serde_json::from_slice(&stackc(&root(), &["schema"]).stdout).unwrap()
}

/// Every stack `build` accepts: the repository's, the examples', `init`'s
/// starter and generated ones.
fn valid_stacks() -> Vec<(String, String)> {
    let mut stacks = vec![("stack.kdl".to_owned(), std::fs::read_to_string(root().join("stack.kdl")).unwrap())];
    for entry in std::fs::read_dir(root().join("examples")).unwrap() {
        let path = entry.unwrap().path().join("stack.kdl");
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
    for (name, source) in valid_stacks() {
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
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
            internet 443
        }
    }
}
"#;

#[test]
fn the_schema_rejects_what_build_rejects_for_the_same_reason() {
    // (what changes, the compiler's code, what the schema says)
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            r#"git url="ssh://git@example.org/acme/gitops""#,
            r#"git branch="main""#,
            "missing-value",
            "missing required `url`",
        ),
        (r#" version="1.33""#, "", "missing-value", "missing required `version`"),
        (r#"port "http" 8080"#, r#"port "http" 0"#, "invalid-value", "0 is below the minimum 1"),
        (r#"port "http" 8080"#, r#"port "http" 70000"#, "invalid-value", "70000 is above the maximum 65535"),
        ("internet 443", "internet 443 70000", "invalid-value", "70000 is above the maximum 65535"),
        (r#"app "web" image="x:1""#, r#"app "web""#, "missing-value", "/app: matches none of"),
        (r#"app "web" image="x:1""#, r#"app "web" imgae="x:1""#, "unknown-property", "unknown property `imgae`"),
        (r#"app "web" image="x:1" {"#, r#"ap "web" image="x:1" {"#, "unknown-node", "unknown node `ap`"),
        (
            r#"engine "flux" install-manifest="gotk-components.yaml""#,
            r#"engine "kustomize" install-manifest="gotk-components.yaml""#,
            "unknown-property",
            "/engine: matches none of",
        ),
        (
            r#"engine "flux" install-manifest="gotk-components.yaml""#,
            r#"engine "fluxcd""#,
            "invalid-value",
            "/engine: matches none of",
        ),
    ];
    let schema = schema();
    assert!(schema_errors(&schema, BASE).is_empty(), "{:?}", schema_errors(&schema, BASE));
    stackc::resolve(BASE).expect("the base stack is valid");
    for (from, to, code, reason) in cases {
        assert!(BASE.contains(from), "{from}");
        let source = BASE.replacen(from, to, 1);
        let diagnostics = stackc::resolve(&source).expect_err(to);
        let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(code), "{to}: the compiler says {codes:?}, not {code}");
        let errors = schema_errors(&schema, &source);
        assert!(errors.iter().any(|e| e.contains(reason)), "{to}: the schema says {errors:?}, not {reason}");
    }
}
