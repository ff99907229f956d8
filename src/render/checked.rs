//! One object formatted by its template and proven: the text must read
//! back as exactly the object, or the template's error is reported.

use serde_json::Value;

use super::templates::Templates;
use super::{RenderOptions, readback};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};

pub(super) fn render_checked(
    templates: &Templates,
    template: &str,
    options: &RenderOptions,
    object: &Value,
    origin: Span,
    d: &mut Diagnostics,
) -> Option<String> {
    let text = match templates.render(template, &options.source_name, object) {
        Ok(text) => text,
        Err(e) => {
            d.push(template_error(&e.template, &e.message));
            return None;
        }
    };
    // The built-in emitter is proven by property tests over hostile values
    // (tests/emitter.rs); debug builds, which run the test suite, still read
    // every file back. What a user template writes is always read back.
    let trusted = templates.is_direct(template) && !cfg!(debug_assertions);
    if trusted || readback::holds(&text, object) {
        return Some(text);
    }
    match serde_yaml_ng::from_str::<Value>(&text) {
        Ok(_) => {
            d.push(
                Diagnostic::error(
                    Code::Template,
                    origin,
                    format!("template `{template}` changed the structure of the object it formats"),
                )
                .label("object from here")
                .help("templates may only format: emit values with `{{ yaml }}` or the `yaml` filter"),
            );
            None
        }
        Err(e) => {
            d.push(
                Diagnostic::error(Code::Template, origin, format!("template `{template}` produced invalid YAML: {e}"))
                    .label("object from here"),
            );
            None
        }
    }
}

pub(super) fn template_error(template: &str, message: &str) -> Diagnostic {
    Diagnostic::error(Code::Template, Span::default(), format!("template `{template}` failed: {message}"))
        .label("while rendering this stack")
}
