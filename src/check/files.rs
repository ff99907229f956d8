//! Checks of an app's `file` nodes: container paths that are absolute and
//! plain, each once; Secret keys that exist; a ConfigMap that fits.

use super::cluster::{invalid, unique};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{self, AppSource, FileSource};

/// The most a ConfigMap holds (the API server's limit on its data, 1 MiB).
const CONFIG_MAP_BYTES: usize = 1024 * 1024;

/// Reports every misuse of `app`'s files.
pub(super) fn check(ns: &model::Namespace, app: &model::App, d: &mut Diagnostics) {
    if app.files.is_empty() {
        return;
    }
    if let AppSource::Release { .. } = app.source {
        for file in &app.files {
            d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    file.span,
                    "`file` is set by the chart's values for release apps",
                )
                .label("app from a release")
                .help("mount files through the release's `values { ... }`"),
            );
        }
        return;
    }
    unique(app.files.iter().map(|f| &f.path), "file", d);
    let mut bytes = 0;
    for file in &app.files {
        if !is_plain_absolute(&file.path) {
            d.push(
                invalid(file.path.span, "an absolute, plain path", &file.path).help(
                    "start with `/`, no `.` or `..` parts, no `//`, no trailing `/`: e.g. `/etc/app/config.yaml`",
                ),
            );
        }
        match &file.source {
            FileSource::Content { content } => bytes += content.len(),
            FileSource::Project { source } => {
                if !crate::secrets::project_files::is_confined(source) {
                    d.push(
                        invalid(source.span, "a path inside the project", source)
                            .help("name a file beside `stack.kdl` or below it, e.g. `config/app.yaml`: no `/` first, no `.` or `..` parts"),
                    );
                }
            }
            FileSource::Secret { secret, key } => super::references::secret_key(ns, secret, key, d),
        }
    }
    if bytes > CONFIG_MAP_BYTES {
        d.push(
            Diagnostic::error(
                Code::InvalidValue,
                app.name.span,
                format!("the files of `{}` hold {bytes} bytes; a ConfigMap holds at most 1 MiB", app.name.value),
            )
            .label("files too large")
            .help("keep large data in a volume, or split the files across apps"),
        );
    }
}

/// `/a/b.yaml`: absolute, every part a real name.
fn is_plain_absolute(path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else { return false };
    !rest.is_empty()
        && !path.chars().any(char::is_control)
        && rest.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}
