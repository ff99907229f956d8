//! Templates format objects; they decide nothing. Built-in templates are
//! embedded in the binary; a `templates/` directory beside the stack
//! overrides any of them by name. A template gets the object already
//! serialized (`yaml`), the object itself (`object`), and a `yaml` filter
//! for parts of it; values are never pasted into YAML text by hand.

use std::collections::BTreeMap;

use minijinja::{AutoEscape, Environment, Error, ErrorKind, Value as Jinja};
use serde_json::Value;

use super::yaml::to_yaml;

/// The built-in templates, by name.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "object.yaml.j2",
        include_str!("../../templates/object.yaml.j2"),
    ),
    (
        "secret.yaml.j2",
        include_str!("../../templates/secret.yaml.j2"),
    ),
    (
        "kustomization.yaml.j2",
        include_str!("../../templates/kustomization.yaml.j2"),
    ),
];

/// The template set of one build.
pub struct Templates {
    env: Environment<'static>,
    names: Vec<String>,
}

/// A template that failed to load or render.
#[derive(Debug)]
pub struct TemplateError {
    pub template: String,
    pub message: String,
}

impl Templates {
    /// Built-ins, overridden by `overrides` (name → source).
    ///
    /// # Errors
    /// An override that does not parse.
    pub fn new(overrides: BTreeMap<String, String>) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| AutoEscape::None);
        env.set_keep_trailing_newline(false);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.add_filter("yaml", yaml_filter);
        let mut names = Vec::new();
        for (name, source) in BUILTIN {
            if !overrides.contains_key(*name) {
                env.add_template(name, source)
                    .map_err(|e| error(name, &e))?;
                names.push((*name).to_owned());
            }
        }
        for (name, source) in overrides {
            env.add_template_owned(name.clone(), source)
                .map_err(|e| error(&name, &e))?;
            names.push(name);
        }
        Ok(Self { env, names })
    }

    /// `<kind>.yaml.j2` when there is one, else the generic template.
    #[must_use]
    pub fn for_kind(&self, kind: &str, fallback: &'static str) -> String {
        let specific = format!("{}.yaml.j2", kind.to_ascii_lowercase());
        if self.names.contains(&specific) {
            specific
        } else {
            fallback.to_owned()
        }
    }

    /// Render `object` with `template`.
    ///
    /// # Errors
    /// A template that fails at render time.
    pub fn render(
        &self,
        template: &str,
        source: &str,
        object: &Value,
    ) -> Result<String, TemplateError> {
        let t = self
            .env
            .get_template(template)
            .map_err(|e| error(template, &e))?;
        let context = minijinja::context! {
            source => source,
            yaml => to_yaml(object),
            object => Jinja::from_serialize(object),
        };
        let mut text = t.render(context).map_err(|e| error(template, &e))?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        Ok(text)
    }
}

fn yaml_filter(value: &Jinja) -> Result<String, Error> {
    let json = serde_json::to_value(value)
        .map_err(|e| Error::new(ErrorKind::InvalidOperation, e.to_string()))?;
    Ok(to_yaml(&json).trim_end_matches('\n').to_owned())
}

fn error(template: &str, e: &Error) -> TemplateError {
    TemplateError {
        template: template.to_owned(),
        message: format!("{e:#}"),
    }
}
