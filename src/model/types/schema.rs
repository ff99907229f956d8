//! `stackc schema`: the JSON Schema generated from these types (with the
//! transforms of `kdl.rs`), made exact. schemars leaves objects open, so a
//! validator would accept a misspelt property that `build` refuses; every
//! object of the stack language is closed here. Transforms that replace a
//! type's schema (the GitOps engine) leave the replaced `$defs` behind;
//! they are dropped, so the schema lists only what a stack can contain.

use std::collections::BTreeSet;

use serde_json::Value;

/// The schema of `stack.kdl`, as `stackc schema` prints it (schemars
/// serializes its keys in a readable order: `$schema`, `title`, ...).
#[must_use]
pub fn stack_schema() -> schemars::Schema {
    let mut schema = schemars::schema_for!(crate::model::Stack).to_value();
    no_null_nodes(&mut schema);
    close_objects(&mut schema);
    drop_unreachable_defs(&mut schema);
    schema.try_into().unwrap_or_default()
}

/// An optional child node is `Option<T>`, which schemars writes as
/// `anyOf: [T, null]`; but a node is there or not, never `null`, and behind
/// `anyOf` a validator reports only "matches none" instead of what is wrong
/// inside the node (a missing `url=` of `git`). Such a property becomes `T`.
fn no_null_nodes(node: &mut Value) {
    match node {
        Value::Object(map) => {
            let reference =
                map.get("anyOf").and_then(Value::as_array).and_then(|alternatives| match alternatives.as_slice() {
                    [only, null] | [null, only] if null["type"] == "null" && only.get("$ref").is_some() => {
                        Some(only["$ref"].clone())
                    }
                    _ => None,
                });
            if let Some(reference) = reference {
                map.remove("anyOf");
                map.insert("$ref".to_owned(), reference);
            }
            map.values_mut().for_each(no_null_nodes);
        }
        Value::Array(items) => items.iter_mut().for_each(no_null_nodes),
        _ => {}
    }
}

/// `additionalProperties: false` on every object schema with `properties`
/// that does not say otherwise. Subschemas under `oneOf`, `anyOf` and `not`
/// constrain an object already closed by its own schema (`{"required":
/// ["image"]}`), so they stay as they are: closing them would refuse every
/// property they do not repeat. None of the stack's schemas use `allOf` or
/// `$ref` beside `properties` (flattened types), which would need
/// `unevaluatedProperties` instead.
fn close_objects(node: &mut Value) {
    match node {
        Value::Object(map) => {
            if map.contains_key("properties") && !map.contains_key("additionalProperties") {
                map.insert("additionalProperties".to_owned(), Value::Bool(false));
            }
            for (key, value) in map.iter_mut() {
                match key.as_str() {
                    "oneOf" | "anyOf" | "not" => close_alternatives(value),
                    _ => close_objects(value),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(close_objects),
        _ => {}
    }
}

/// Inside `oneOf`/`anyOf`/`not`: a full type (`{"type": "object", ...}`, as
/// in `T | null`) is closed; a bare constraint is left open.
fn close_alternatives(node: &mut Value) {
    match node {
        Value::Array(items) => items.iter_mut().for_each(close_alternatives),
        Value::Object(map) if map.contains_key("type") || map.contains_key("$ref") => close_objects(node),
        _ => {}
    }
}

/// Remove every `$defs` entry no `$ref` reaches from the root.
fn drop_unreachable_defs(schema: &mut Value) {
    let mut reached = BTreeSet::new();
    let mut queue: Vec<String> = Vec::new();
    refs(schema, true, &mut queue);
    while let Some(name) = queue.pop() {
        if !reached.insert(name.clone()) {
            continue;
        }
        if let Some(def) = schema["$defs"].get(&name) {
            refs(def, false, &mut queue);
        }
    }
    if let Some(defs) = schema.get_mut("$defs").and_then(Value::as_object_mut) {
        defs.retain(|name, _| reached.contains(name));
    }
}

/// The `$defs` names `node` refers to; at the root, not inside `$defs`.
fn refs(node: &Value, root: bool, found: &mut Vec<String>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if key == "$ref" {
                    if let Some(name) = value.as_str().and_then(|r| r.strip_prefix("#/$defs/")) {
                        found.push(name.to_owned());
                    }
                } else if !(root && key == "$defs") {
                    refs(value, false, found);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| refs(item, false, found)),
        _ => {}
    }
}
