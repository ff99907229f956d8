//! An image app's `file`s: one ConfigMap `<app>-files` holds the inline
//! ones; files from Secret keys are mounted from the Secret itself. Each
//! file is mounted alone (`subPath`), so it never hides what the image keeps
//! beside it. The pod template carries the ConfigMap's content hash, so a
//! changed file rolls the pods (subPath mounts are not refreshed in place).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::object::Object;
use crate::check::Workload;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{App, FileSource};
use crate::secrets::SecretStore;

/// The pod-template annotation holding the files' content hash.
pub(super) const HASH_ANNOTATION: &str = "stackc.dev/files-sha256";

/// What an app's files add to its objects and pod.
#[derive(Default)]
pub(super) struct Files {
    pub config_map: Option<Object>,
    pub volumes: Vec<Value>,
    pub mounts: Vec<Value>,
    /// The content hash for [`HASH_ANNOTATION`], when there is a ConfigMap.
    pub hash: Option<String>,
}

/// The ConfigMap, volumes and mounts of `app`'s files.
pub(super) fn files(w: &Workload, app: &App, labels: &Value, store: &SecretStore, d: &mut Diagnostics) -> Files {
    let mut out = Files::default();
    let mut data = Map::new();
    let mut secrets: BTreeMap<&str, Vec<(String, &str)>> = BTreeMap::new();
    for file in &app.files {
        let key = data_key(&file.path);
        match &file.source {
            FileSource::Content { content } => {
                data.insert(key.clone(), json!(content.value));
                out.mounts.push(mount("stackc-files", &file.path, &key));
            }
            FileSource::Project { source } => match store.file(source) {
                Some(Ok(text)) => {
                    data.insert(key.clone(), json!(text));
                    out.mounts.push(mount("stackc-files", &file.path, &key));
                }
                Some(Err(why)) => d.push(unreadable(source, why)),
                None => d.push(unreadable(source, "it was not read with the stack")),
            },
            FileSource::Secret { secret, key: secret_key } => {
                secrets
                    .entry(secret.value.as_str())
                    .or_default()
                    .push((file.path.value.clone(), secret_key.value.as_str()));
            }
        }
    }
    if !data.is_empty() {
        let name = format!("{}-files", w.name);
        out.hash = Some(hash(&data));
        out.volumes.push(json!({"name": "stackc-files", "configMap": {"name": name}}));
        let spec = json!({"data": Value::Object(data)});
        out.config_map = Some(Object::new("v1", "ConfigMap", &name, Some(&w.namespace), labels, spec, w.span));
    }
    for (index, (secret, files)) in secrets.into_iter().enumerate() {
        let volume = format!("stackc-secret-{index}");
        let mut items: Vec<Value> = files.iter().map(|(_, key)| json!({"key": key, "path": key})).collect();
        items.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
        items.dedup();
        out.volumes.push(json!({"name": volume, "secret": {"secretName": secret, "items": items}}));
        for (path, key) in files {
            out.mounts.push(mount(&volume, &path, key));
        }
    }
    out
}

fn unreadable(source: &Spanned<String>, why: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidValue, source.span, format!("`{}` cannot be mounted: {why}", source.value))
        .label("project file")
        .help("name a regular UTF-8 file inside the stack's directory")
}

fn mount(volume: &str, path: &str, key: &str) -> Value {
    json!({"name": volume, "mountPath": path, "subPath": key, "readOnly": true})
}

/// A ConfigMap key from a container path: `/etc/app/config.yaml` →
/// `etc_app_config.yaml` (keys take letters, digits, `-`, `_` and `.`).
fn data_key(path: &str) -> String {
    path.trim_start_matches('/')
        .chars()
        .map(|c| match c {
            '/' => '_',
            c if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') => c,
            _ => '-',
        })
        .collect()
}

fn hash(data: &Map<String, Value>) -> String {
    let mut digest = Sha256::new();
    for (key, value) in data {
        digest.update(key.as_bytes());
        digest.update([0]);
        digest.update(value.as_str().unwrap_or_default().as_bytes());
        digest.update([0]);
    }
    digest.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
