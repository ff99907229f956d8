//! The stack language's nodes and properties for completion and hover,
//! read from the JSON Schema `stackc schema` prints (generated from the
//! model's types), so the editor says what the docs and the schema say.
//!
//! A schema object is a node: its fields are the node's positional
//! arguments ([`POSITIONAL`]), its child nodes (objects and lists) and its
//! properties (scalars). A node whose one field is a list takes that list
//! as its arguments (`depends-on "a" "b"`, `internet 443 80`).

use std::sync::OnceLock;

use serde_json::Value;

/// The fields a node's positional arguments fill, in order, by schema
/// definition. `tests/schema.rs` validates every example stack against the
/// schema through this table, so a row missing here fails there.
pub const POSITIONAL: &[(&str, &[&str])] = &[
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
    ("Job", &["name"]),
    ("CronJob", &["name"]),
    ("Secret", &["name"]),
    ("SecretKey", &["name"]),
    ("File", &["path"]),
];

/// Values the schema holds as plain strings but the compiler checks
/// against a fixed set, by definition and field.
const VALUES: &[(&str, &str, &[&str])] = &[
    ("Database", "engine", crate::check::databases::ENGINES),
    ("Database", "persistence", &["aof", "rdb"]),
    ("Issuer", "server", &["production", "staging"]),
];

/// One node of the language at some place.
#[derive(Debug, Clone, Default)]
pub struct Shape {
    /// The schema definition's name (`App`), if it has one.
    pub def: Option<String>,
    /// What the node is: its field's description, then its definition's.
    pub description: String,
    /// The positional arguments, in order.
    pub arguments: Vec<Field>,
    pub properties: Vec<Field>,
    pub children: Vec<Field>,
    /// Chart values and label maps: any names.
    pub open: bool,
}

/// A property or child node.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub description: String,
    /// The values it may take, when they are a fixed set.
    pub values: Vec<String>,
    pub boolean: bool,
}

fn schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::to_value(schemars::schema_for!(crate::model::Stack)).unwrap_or_default())
}

/// The node at `path` (node names from the top of the file, `stack` first).
#[must_use]
pub fn shape(path: &[&str]) -> Option<Shape> {
    let root = schema();
    let (first, rest) = path.split_first()?;
    if *first != "stack" {
        return None;
    }
    let mut def = Some("Stack".to_owned());
    let mut node = root;
    let mut description = root["description"].as_str().unwrap_or_default().to_owned();
    for name in rest {
        let field = node.get("properties")?.get(*name)?;
        let (d, resolved) = resolve(root, field);
        description = join(field["description"].as_str(), resolved["description"].as_str());
        def = d;
        node = match resolved.get("items") {
            Some(items) => {
                let (d, item) = resolve(root, items);
                def = d.or(def);
                item
            }
            None => resolved,
        };
    }
    Some(describe(root, def, node, description))
}

/// The shape of a resolved node schema.
fn describe(root: &Value, def: Option<String>, node: &Value, description: String) -> Shape {
    let mut shape = Shape { def, description, ..Shape::default() };
    let Some(fields) = node.get("properties").and_then(Value::as_object) else {
        shape.open = node.get("additionalProperties").is_some() || node.get("type").is_none();
        return shape;
    };
    let positional = POSITIONAL.iter().find(|(d, _)| Some(*d) == shape.def.as_deref()).map_or(&[][..], |(_, p)| *p);
    let variadic = fields.len() == 1 && fields.values().all(|f| resolve(root, f).1["type"] == "array");
    for name in positional {
        if let Some(field) = fields.get(*name) {
            let (_, resolved) = resolve(root, field);
            let description = join(field["description"].as_str(), resolved["description"].as_str());
            let values = enum_values(resolved);
            shape.arguments.push(Field { name: (*name).to_owned(), description, values, boolean: false });
        }
    }
    for (name, field) in fields {
        if positional.contains(&name.as_str()) || variadic {
            continue;
        }
        let (_, resolved) = resolve(root, field);
        let description = join(field["description"].as_str(), resolved["description"].as_str());
        let is_child = resolved.get("properties").is_some()
            || types(resolved).iter().any(|t| *t == "object" || *t == "array")
            || (resolved.get("type").is_none()
                && resolved.get("anyOf").is_none()
                && resolved.get("oneOf").is_none()
                && resolved.get("enum").is_none());
        let mut values = enum_values(resolved);
        if let Some((_, _, fixed)) = VALUES.iter().find(|(d, f, _)| Some(*d) == shape.def.as_deref() && f == name) {
            values = fixed.iter().map(|v| (*v).to_owned()).collect();
        }
        let boolean = types(resolved).contains(&"boolean");
        let field = Field { name: name.clone(), description, values, boolean };
        if is_child { shape.children.push(field) } else { shape.properties.push(field) }
    }
    shape
}

/// A schema with `$ref`s and `T | null` resolved, and its definition name.
fn resolve<'a>(root: &'a Value, mut node: &'a Value) -> (Option<String>, &'a Value) {
    let mut name = None;
    loop {
        if let Some(reference) = node["$ref"].as_str() {
            let def = reference.trim_start_matches("#/$defs/");
            name = Some(def.to_owned());
            node = &root["$defs"][def];
        } else if let Some(any) = node["anyOf"].as_array()
            && any.iter().any(|v| v["type"] == "null")
            && let Some(first) = any.iter().find(|v| v["type"] != "null")
        {
            node = first;
        } else {
            return (name, node);
        }
    }
}

fn types(node: &Value) -> Vec<&str> {
    match &node["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// The strings of an `enum`, or the `const`s of a `oneOf`.
fn enum_values(node: &Value) -> Vec<String> {
    let consts = node["oneOf"].as_array().into_iter().flatten().filter_map(|v| v["const"].as_str());
    let listed = node["enum"].as_array().into_iter().flatten().filter_map(Value::as_str);
    listed.chain(consts).map(str::to_owned).collect()
}

fn join(field: Option<&str>, def: Option<&str>) -> String {
    match (field, def) {
        (Some(f), Some(d)) if f != d => format!("{f}\n\n{d}"),
        (Some(f), _) => f.to_owned(),
        (None, d) => d.unwrap_or_default().to_owned(),
    }
}
