//! What `stackc schema` says beyond the Rust types: which properties a
//! person must write in `stack.kdl`. The lowered types hold every value
//! (defaults filled in), so schemars alone would mark them all required.

use schemars::Schema;

/// Set an object schema's `required` to exactly `names`: the arguments and
/// properties `stack.kdl` cannot leave out (everything else has a default).
pub(super) fn required(names: &'static [&'static str]) -> impl Fn(&mut Schema) {
    move |schema: &mut Schema| {
        if names.is_empty() {
            schema.remove("required");
        } else {
            schema.insert("required".to_owned(), names.to_vec().into());
        }
    }
}

/// A string property with its description.
fn string(description: &str) -> serde_json::Value {
    serde_json::json!({"description": description, "type": "string"})
}

/// An app's pods come from `image=` or from `release=` with `workload=`
/// and a `pods { ... }` node, written on the `app` node itself.
pub(super) fn app_source(schema: &mut Schema) {
    let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) else { return };
    let added = [
        ("image", string("The container image, `name:tag` or `name@sha256:...`; stackc writes the Deployment.")),
        ("release", string("The `release` in the same namespace whose chart creates these pods.")),
        ("workload", string("With `release=`: the Deployment or StatefulSet name the chart gives these pods.")),
        (
            "pods",
            serde_json::json!({
                "description": "With `release=`: the labels the chart puts on these pods.",
                "type": "object",
                "additionalProperties": {"type": "string"},
                "minProperties": 1,
            }),
        ),
        (
            "service-account",
            string("With `release=`: the ServiceAccount the chart runs these pods as (their mesh identity)."),
        ),
        (
            "service-account-value",
            string(
                "With `release=`: the chart value (a dotted path) that names the pods' ServiceAccount; stackc sets it to `service-account`.",
            ),
        ),
    ];
    for (name, value) in added {
        properties.insert(name.to_owned(), value);
    }
    schema.insert(
        "oneOf".to_owned(),
        serde_json::json!([
            {"required": ["image"], "not": {"anyOf": [{"required": ["release"]}, {"required": ["workload"]}, {"required": ["pods"]}]}},
            {"required": ["release", "workload", "pods"], "not": {"required": ["image"]}},
        ]),
    );
}

/// `env "NAME" "value"` or `env "NAME" secret="..." key="..."`.
pub(super) fn env_value(schema: &mut Schema) {
    let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) else { return };
    properties.insert("value".to_owned(), string("A literal value (the second argument)."));
    properties.insert("secret".to_owned(), string("A Secret declared in the same namespace."));
    properties.insert("key".to_owned(), string("The key of `secret` to read."));
    schema.insert(
        "oneOf".to_owned(),
        serde_json::json!([
            {"required": ["value"], "not": {"anyOf": [{"required": ["secret"]}, {"required": ["key"]}]}},
            {"required": ["secret", "key"], "not": {"required": ["value"]}},
        ]),
    );
}

/// A port written by name (`port="http"`) or by number (`port=8080`).
pub(super) fn port_ref(schema: &mut Schema) {
    let description = schema.get("description").cloned();
    *schema = serde_json::json!({
        "anyOf": [
            {"type": "string", "description": "A port name, e.g. `\"http\"`."},
            {"type": "integer", "minimum": 1, "maximum": 65535, "description": "A port number, e.g. `8080`."},
        ],
    })
    .try_into()
    .unwrap_or_default();
    if let Some(description) = description {
        schema.insert("description".to_owned(), description);
    }
}

/// `expose ... service="name" service-port=N`: the two go together.
pub(super) fn expose_service(schema: &mut Schema) {
    let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) else { return };
    properties.insert("service".to_owned(), string("For release apps: the Service the chart creates."));
    properties.insert(
        "service-port".to_owned(),
        serde_json::json!({"description": "For release apps: the port of `service`.", "type": "integer", "minimum": 1, "maximum": 65535}),
    );
    schema.insert(
        "dependentRequired".to_owned(),
        serde_json::json!({"service": ["service-port"], "service-port": ["service"]}),
    );
}

/// `resources { requests cpu=... memory=...; limits cpu=... memory=... }`;
/// quantities are strings (`"500m"`) or integers (`1`).
pub(super) fn resources(schema: &mut Schema) {
    let quantity = |what: &str| serde_json::json!({"description": what, "type": ["string", "integer"]});
    let side = |what: &str| {
        serde_json::json!({
            "description": what,
            "type": "object",
            "properties": {
                "cpu": quantity("CPU, e.g. `100m` or `1`."),
                "memory": quantity("Memory, e.g. `128Mi`."),
            },
            "additionalProperties": false,
        })
    };
    schema.insert(
        "properties".to_owned(),
        serde_json::json!({
            "requests": side("What the scheduler reserves for each container."),
            "limits": side("The most each container may use."),
        }),
    );
    schema.insert("additionalProperties".to_owned(), false.into());
}

/// `engine "flux" install-manifest=...`, `engine "argocd" namespace=... project=...`
/// or `engine "kustomize"`: the name is the argument, each engine its properties.
pub(super) fn engine(schema: &mut Schema) {
    let description = schema.get("description").cloned();
    let only = |name: &str, others: &[&str]| {
        let forbidden: Vec<serde_json::Value> = others.iter().map(|p| serde_json::json!({"required": [p]})).collect();
        let what = format!("Engine `{name}`.");
        serde_json::json!({"properties": {"name": {"description": what, "const": name}}, "not": {"anyOf": forbidden}})
    };
    *schema = serde_json::json!({
        "type": "object",
        "properties": {
            "name": {"description": "The engine: `flux` (the default), `argocd` or `kustomize`.", "enum": ["flux", "argocd", "kustomize"]},
            "install-manifest": {"description": "Flux: a file in `flux-system/` that stackc lists but does not own, e.g. `gotk-components.yaml`.", "type": "string"},
            "namespace": {"description": "Argo CD: the namespace it runs in and its Applications live in (default `argocd`).", "type": "string"},
            "project": {"description": "Argo CD: the project of every Application (default `default`).", "type": "string"},
        },
        "required": ["name"],
        "oneOf": [
            only("flux", &["namespace", "project"]),
            only("argocd", &["install-manifest"]),
            only("kustomize", &["install-manifest", "namespace", "project"]),
        ],
    })
    .try_into()
    .unwrap_or_default();
    if let Some(description) = description {
        schema.insert("description".to_owned(), description);
    }
}

/// A probe checks one thing: `http="/path" port=...`, `tcp=...` or a child
/// `exec "cmd" "arg"...`; the timing properties stay as the types say.
pub(super) fn probe_action(schema: &mut Schema) {
    schema.remove("anyOf");
    schema.remove("oneOf");
    let port = |description: &str| {
        serde_json::json!({
            "description": description,
            "anyOf": [
                {"type": "string", "description": "A port name, e.g. `\"http\"`."},
                {"type": "integer", "minimum": 1, "maximum": 65535, "description": "A port number, e.g. `8080`."},
            ],
        })
    };
    let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) else { return };
    properties.insert("http".to_owned(), string("An HTTP GET of this path; with `port=`."));
    properties.insert("port".to_owned(), port("With `http=`: the port to call, by name or number."));
    properties.insert("tcp".to_owned(), port("A TCP connection to this port, by name or number."));
    properties.insert(
        "exec".to_owned(),
        serde_json::json!({"description": "A command run in the container (a child node `exec \"cmd\" \"arg\"`).", "type": "array", "items": {"type": "string"}, "minItems": 1}),
    );
    schema.insert(
        "oneOf".to_owned(),
        serde_json::json!([
            {"required": ["http", "port"], "not": {"anyOf": [{"required": ["tcp"]}, {"required": ["exec"]}]}},
            {"required": ["tcp"], "not": {"anyOf": [{"required": ["http"]}, {"required": ["port"]}, {"required": ["exec"]}]}},
            {"required": ["exec"], "not": {"anyOf": [{"required": ["http"]}, {"required": ["port"]}, {"required": ["tcp"]}]}},
        ]),
    );
}

/// A file's content: `content="..."`, `source="path"` beside the stack, or
/// `secret="..." key="..."`.
pub(super) fn file_source(schema: &mut Schema) {
    schema.remove("anyOf");
    schema.remove("oneOf");
    let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) else { return };
    properties.insert("content".to_owned(), string("The file's content, inline."));
    properties.insert("source".to_owned(), string("A file of the project, relative to the stack file."));
    properties.insert("secret".to_owned(), string("A Secret declared in the same namespace."));
    properties.insert("key".to_owned(), string("The key of `secret` holding the file."));
    schema.insert(
        "oneOf".to_owned(),
        serde_json::json!([
            {"required": ["content"], "not": {"anyOf": [{"required": ["source"]}, {"required": ["secret"]}, {"required": ["key"]}]}},
            {"required": ["source"], "not": {"anyOf": [{"required": ["content"]}, {"required": ["secret"]}, {"required": ["key"]}]}},
            {"required": ["secret", "key"], "not": {"anyOf": [{"required": ["content"]}, {"required": ["source"]}]}},
        ]),
    );
}

/// A job's image: `image="..."`, or `image-of="app"` (an image app of the
/// same namespace), written on the job node itself.
pub(super) fn job_image(schema: &mut Schema) {
    let Some(properties) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) else { return };
    properties.insert("image".to_owned(), string("The container image, `name:tag` or `name@sha256:...`."));
    properties.insert(
        "image-of".to_owned(),
        string(
            "An image app in the same namespace whose image the job runs (a migration runs the code it migrates for).",
        ),
    );
    schema.insert(
        "oneOf".to_owned(),
        serde_json::json!([
            {"required": ["image"], "not": {"required": ["image-of"]}},
            {"required": ["image-of"], "not": {"required": ["image"]}},
        ]),
    );
}
