//! A Compose file's text to the typed [`Compose`] model: the top level is
//! checked (an unknown key is an error, as docker compose makes it), every
//! value is interpolated from the env file first, and each service's fields
//! are read. What a field holds that the import cannot map becomes an
//! [`Issue`] of its service, never silently dropped.

use std::collections::HashMap;

use super::interpolate::{EnvFile, InterpolateError, interpolate};
use super::model::{Compose, Issue};
use super::yaml::{self, At, Value, Yaml};
use crate::diagnostic::{Code, Diagnostic, did_you_mean};

/// What the import reads besides the Compose file.
pub struct Input<'a> {
    pub text: &'a str,
    /// The env file: interpolation's variables.
    pub env: &'a EnvFile,
    /// The profiles to activate (`--profile`).
    pub profiles: &'a [String],
    /// Reads a file a service names (`env_file`), relative to the Compose file.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

const TOP_LEVEL: &[&str] = &["version", "name", "services", "networks", "volumes", "configs", "secrets", "include"];

/// An error of the Compose file at `at`.
pub fn error(at: At, message: impl Into<String>, label: &str) -> Diagnostic {
    Diagnostic::error(Code::Compose, at.span, message).label(label)
}

/// Read and interpolate a Compose file.
///
/// # Errors
/// Not YAML, not a mapping with `services`, an unknown top-level key, a
/// variable with no value and no default, a malformed service.
pub fn read(input: &Input) -> Result<Compose, Diagnostic> {
    let mut doc = yaml::parse(input.text).map_err(|e| error(e.at, format!("not YAML: {}", e.message), "here"))?;
    let Some(entries) = doc.entries() else {
        return Err(error(doc.at, "not a Compose file: the document is not a mapping", "expected `services:`"));
    };
    for (key, _) in entries {
        if !key.name.starts_with("x-") && !TOP_LEVEL.contains(&key.name.as_str()) {
            let mut d = error(
                key.at,
                format!("`{}` is not a top-level key of the Compose Specification", key.name),
                "unknown key",
            );
            d = match did_you_mean(&key.name, TOP_LEVEL.iter().copied()) {
                Some(m) => d.help(format!("did you mean `{m}`?")),
                None => d.help(format!("top-level keys are {} and `x-` extensions", TOP_LEVEL.join(", "))),
            };
            return Err(d);
        }
    }
    let mut vars = HashMap::new();
    interpolate_tree(&mut doc, input.env, &mut vars, true)?;
    let services = doc
        .get("services")
        .filter(|s| s.entries().is_some())
        .ok_or_else(|| error(doc.at, "not a Compose file: no `services:` mapping", "expected `services:`"))?;
    let mut compose = Compose { name: doc.get("name").and_then(Yaml::text).map(str::to_owned), ..Compose::default() };
    for key in ["configs", "include"] {
        if let Some((k, _)) = doc.entries().unwrap_or_default().iter().find(|(k, _)| k.name == key) {
            compose.issues.push(Issue::todo(k.at, format!("top-level `{key}` is not imported")));
        }
    }
    for (name, secret) in doc.get("secrets").and_then(Yaml::entries).unwrap_or_default() {
        let text = |k: &str| secret.get(k).and_then(Yaml::text).map(str::to_owned);
        let source = match (text("file"), text("environment")) {
            (Some(file), _) => {
                let content = (input.read)(&file);
                super::model::SecretSource::File(file, content)
            }
            (None, Some(var)) => {
                let value = input.env.get(&var).map(str::to_owned);
                super::model::SecretSource::Environment(var, value)
            }
            _ => super::model::SecretSource::External,
        };
        compose.secrets.push((name.name.clone(), source));
    }
    for (name, service) in services.entries().unwrap_or_default() {
        let profiles: Vec<String> = service
            .get("profiles")
            .and_then(Yaml::items)
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.text().map(str::to_owned))
            .collect();
        if !profiles.is_empty() && !profiles.iter().any(|p| input.profiles.contains(p)) {
            compose.inactive.push((name.name.clone(), name.at, profiles));
            continue;
        }
        if service.entries().is_none() {
            return Err(error(name.at, format!("service `{}` is not a mapping", name.name), "expected a mapping"));
        }
        compose.services.push(super::service::read_service(&name.name, name.at, service, input, &vars)?);
    }
    Ok(compose)
}

/// Interpolate every scalar value (not keys) in place; the env-file
/// variables each one read are kept by its offset.
fn interpolate_tree(
    y: &mut Yaml,
    env: &EnvFile,
    vars: &mut HashMap<usize, Vec<String>>,
    top: bool,
) -> Result<(), Diagnostic> {
    match &mut y.value {
        Value::Scalar(text, _) => {
            let done = interpolate(text, env).map_err(|e| match e {
                InterpolateError::Missing(name) => {
                    error(y.at, format!("`${{{name}}}` has no value in the env file and no default"), "no value").help(
                        format!("set `{name}=...` in the env file (`--env-file`), or write `${{{name}:-default}}`"),
                    )
                }
                InterpolateError::Required(name, message) => {
                    error(y.at, format!("`{name}` is required: {message}"), "no value")
                        .help(format!("set `{name}=...` in the env file (`--env-file`)"))
                }
                InterpolateError::Syntax(message) => error(y.at, message, "bad substitution"),
            })?;
            *text = done.text;
            if !done.vars.is_empty() {
                vars.insert(y.at.span.offset, done.vars);
            }
        }
        Value::Seq(items) => items.iter_mut().try_for_each(|i| interpolate_tree(i, env, vars, false))?,
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut().filter(|(k, _)| !(top && k.name.starts_with("x-"))) {
                let _ = k;
                interpolate_tree(v, env, vars, false)?;
            }
        }
        Value::Null => {}
    }
    Ok(())
}
