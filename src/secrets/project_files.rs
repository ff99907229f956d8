//! The project files a stack mounts (`file "/path" source="config/app.yaml"`),
//! read beside the stack when the store is, so that `derive` stays pure: it
//! finds them in the [`SecretStore`], or why they could not be read.
//!
//! A source is confined to the project twice: `check` refuses a path that
//! is absolute or climbs (`..`) before anything is read ([`is_confined`]),
//! and [`load`] refuses one that resolves, through a symlink, outside the
//! stack's directory.

use std::path::Path;

use super::store::SecretStore;
use crate::model::FileSource;

/// A relative path whose every part is a real name: `config/app.yaml`.
#[must_use]
pub fn is_confined(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.chars().any(|c| c.is_control() || c == '\\')
        && path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

/// Reads every confined `source=` of the stack in `source` from `dir` (the
/// stack's directory) into `store`. A stack that does not parse reads
/// nothing: its diagnostics come from the build.
pub fn load(dir: &Path, source: &str, store: &mut SecretStore) {
    // Most stacks mount no project file: they are not parsed twice.
    if !names_source(source) {
        return;
    }
    let Some(stack) = crate::syntax::parse(source).ok().and_then(|doc| crate::model::lower(&doc).ok()) else {
        return;
    };
    let root = dir.canonicalize();
    let sources = stack.namespaces.iter().flat_map(|ns| &ns.apps).flat_map(|app| &app.files);
    for file in sources {
        let FileSource::Project { source } = &file.source else { continue };
        if !is_confined(source) {
            continue;
        }
        let text = match &root {
            Ok(root) => read(root, source),
            Err(e) => Err(format!("the stack's directory cannot be read: {e}")),
        };
        store.insert_file(source.value.clone(), text);
    }
}

/// Whether `text` may hold a `source=` property (`source = ` too, KDL v2
/// allows spaces); `resources` and `data-source=` do not count.
fn names_source(text: &str) -> bool {
    text.match_indices("source").any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + "source".len()..].trim_start_matches([' ', '\t']);
        !before.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') && after.starts_with('=')
    })
}

fn read(root: &Path, relative: &str) -> Result<String, String> {
    let path = root.join(relative);
    let real = path.canonicalize().map_err(|e| format!("it cannot be read: {e}"))?;
    if !real.starts_with(root) {
        return Err("it resolves outside the project (through a symlink)".to_owned());
    }
    if !real.is_file() {
        return Err("it is not a regular file".to_owned());
    }
    std::fs::read_to_string(&real).map_err(|e| format!("it cannot be read as UTF-8 text: {e}"))
}

#[cfg(test)]
mod tests {
    use super::names_source;

    #[test]
    fn only_a_source_property_counts() {
        assert!(names_source(r#"file "/a" source="b""#));
        assert!(names_source(r#"file "/a" source = "b""#));
        assert!(!names_source("resources {"));
        assert!(!names_source(r#"x data-source="b""#));
        assert!(!names_source("source"));
    }
}
