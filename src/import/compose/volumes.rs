//! A service's mounts: named volumes and bind-mounted directories become
//! PVCs (1Gi, a size to review), tmpfs and anonymous volumes `emptyDir`s,
//! a bind-mounted file a `file` (inline; from the Secret when it looks like
//! it holds credentials), host paths and the Docker socket TODOs. Every app
//! gets an `emptyDir` at `/tmp` and at each path its image is known to
//! write (`check/images.rs`): the root filesystem is read-only.

use std::collections::BTreeMap;

use super::apps::AppContext;
use super::infer::label;
use super::model::{MountKind, Service};
use super::plan::{AppPlan, Child, FilePlan};
use super::report::Finding;
use super::secrets::SecretBook;
use crate::check::images;

/// The PVC size the import gives every volume; the report says to review it.
pub const SIZE: &str = "1Gi";

/// Map the mounts of `s` into `app`. `shared` remembers which service
/// mounted a volume or host directory first.
pub fn map_volumes(
    s: &Service,
    cx: &AppContext,
    book: &mut SecretBook,
    shared: &mut BTreeMap<String, String>,
    app: &mut AppPlan,
    findings: &mut Vec<Finding>,
) {
    let mut names: Vec<String> = Vec::new();
    let mut mounts: Vec<String> = Vec::new();
    let unique = |base: String, names: &mut Vec<String>| {
        let base = label(&base);
        let mut name = base.clone();
        let mut n = 2;
        while names.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        names.push(name.clone());
        name
    };
    for m in &s.mounts {
        if mounts.contains(&m.target) {
            continue;
        }
        let last =
            |p: &str| p.trim_end_matches('/').rsplit('/').next().unwrap_or("data").trim_start_matches('.').to_owned();
        let todo = |what: String, app: &mut AppPlan, findings: &mut Vec<Finding>| {
            findings.push(Finding::todo(m.at, Some(&s.name), what.clone()));
            app.children.push(Child::Todo(format!("compose line {}: {what}", m.at.line)));
        };
        let (key, base, size) = match &m.kind {
            MountKind::Tmpfs => (None, last(&m.target), None),
            MountKind::Named(None) => (None, last(&m.target), None),
            MountKind::Named(Some(volume)) => (Some(volume.clone()), volume.clone(), Some(SIZE)),
            MountKind::Bind(source) if source.contains("docker.sock") => {
                todo(
                    format!(
                        "the Docker socket (`{source}`) cannot be mounted: it would hand the node to the container"
                    ),
                    app,
                    findings,
                );
                continue;
            }
            MountKind::Bind(source) if source.starts_with(['/', '~']) => {
                todo(format!("host path `{source}` at `{}`: stackc mounts no host paths", m.target), app, findings);
                continue;
            }
            MountKind::Bind(source) => {
                if let Some(text) = (cx.read)(source) {
                    mounts.push(m.target.clone());
                    app.children.push(file(&m.target, source, text, book));
                    continue;
                }
                let looks_like_file = last(&m.target).contains('.') && last(source).contains('.');
                if looks_like_file {
                    todo(
                        format!(
                            "bind-mounted file `{source}` was not found beside the Compose file: add it as `file \"{}\" content=...`",
                            m.target
                        ),
                        app,
                        findings,
                    );
                    continue;
                }
                if m.read_only {
                    todo(
                        format!("read-only directory `{source}` at `{}`: mount its files with `file`", m.target),
                        app,
                        findings,
                    );
                    continue;
                }
                (Some(source.clone()), last(source), Some(SIZE))
            }
        };
        if let Some(key) = key {
            match shared.get(&key) {
                Some(first) if *first != s.name => {
                    let what =
                        format!("`{key}` is shared with service `{first}` in Compose; here it is a volume of its own");
                    findings.push(Finding::todo(m.at, Some(&s.name), what.clone()));
                    app.children.push(Child::Todo(what));
                }
                _ => {
                    shared.insert(key, s.name.clone());
                }
            }
        }
        let name = unique(if base.is_empty() { "data".into() } else { base }, &mut names);
        mounts.push(m.target.clone());
        let comment =
            if size.is_some() { format!("compose line {}: size to review", m.at.line) } else { "scratch".to_owned() };
        app.children.push(Child::Volume { name, mount: m.target.clone(), size: size.map(str::to_owned), comment });
    }
    // Scratch space the read-only root filesystem needs.
    let facts = s.image.as_ref().and_then(|(i, _)| facts_of(i));
    let writable =
        facts.map(|f| f.writable.iter().map(|w| (w.path, w.volume, w.why)).collect::<Vec<_>>()).unwrap_or_default();
    for (path, volume, why) in writable.into_iter().chain([("/tmp", "tmp", "temporary files")]) {
        let covered = mounts.iter().any(|m| path == m || path.starts_with(&format!("{}/", m.trim_end_matches('/'))));
        if !covered {
            let name = unique(volume.to_owned(), &mut names);
            mounts.push(path.to_owned());
            app.children.push(Child::Volume {
                name,
                mount: path.to_owned(),
                size: None,
                comment: format!("scratch: {why}"),
            });
        }
    }
}

/// A bind-mounted file: inline, or from the namespace's Secret when its
/// text looks like it holds credentials (the value goes to the store).
fn file(target: &str, source: &str, text: String, book: &mut SecretBook) -> Child {
    let sensitive = sensitive_text(&text);
    let kdl_safe = !text.chars().any(|c| (c.is_control() && !matches!(c, '\n' | '\t' | '\r')) || c == '\u{feff}');
    if sensitive || !kdl_safe {
        let base = source.trim_end_matches('/').rsplit('/').next().unwrap_or("file");
        let key: String = base
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '-' })
            .collect();
        let key = book.file_key(&key, "file", &text, &format!("the file `{source}`"));
        return Child::File { path: target.to_owned(), content: FilePlan::Secret { secret: book.name.clone(), key } };
    }
    Child::File { path: target.to_owned(), content: FilePlan::Inline(text.replace("\r\n", "\n")) }
}

/// Text that names a credential: a word (split at `_`, `-`, `.`) such as
/// `password` or `token`, an API key, a private key. Whole words only:
/// nginx's `server_tokens off` names no token.
fn sensitive_text(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let words = lower.split(|c: char| !c.is_ascii_alphanumeric());
    let credential = |w: &str| matches!(w, "password" | "passwd" | "secret" | "token" | "apikey");
    words.clone().any(credential)
        || ["private key", "api_key", "api-key", "-----begin"].iter().any(|w| lower.contains(w))
}

/// The runtime facts of an image: its own, or for an image named like
/// PostgreSQL (`ghcr.io/immich-app/postgres`, built on the official one)
/// the official image's.
#[must_use]
pub fn facts_of(image: &str) -> Option<&'static images::ImageFacts> {
    images::facts(image).or_else(|| {
        let repository = images::repository(image);
        let last = repository.rsplit('/').next().unwrap_or_default();
        (last == "postgres" || last.starts_with("postgres-")).then_some(&images::POSTGRES)
    })
}

/// The Compose secrets a service reads (`secrets: [name]`), as files from
/// the namespace's Secret at `/run/secrets/<name>` (or their `target`): the
/// value from the secret's file or env variable goes to the store; a
/// missing or placeholder value becomes `generated=#true`; an `external`
/// secret is a TODO.
pub fn map_secrets(
    s: &Service,
    cx: &AppContext,
    book: &mut SecretBook,
    app: &mut AppPlan,
    findings: &mut Vec<Finding>,
) {
    use super::model::SecretSource;
    for (name, target, at) in &s.secrets {
        let value = match cx.secrets.iter().find(|(n, _)| n == name).map(|(_, source)| source) {
            Some(SecretSource::File(_, content)) => content.clone().unwrap_or_default(),
            Some(SecretSource::Environment(_, value)) => value.clone().unwrap_or_default(),
            Some(SecretSource::External) | None => {
                let what = format!(
                    "Compose secret `{name}` is external or undeclared: declare its value and mount it with `file \"{target}\" secret=... key=...`"
                );
                findings.push(Finding::todo(*at, Some(&s.name), what.clone()));
                app.children.push(Child::Todo(what));
                continue;
            }
        };
        let key: String = name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '-' })
            .collect();
        let key = book.key(&key, &app.name, value.trim_end_matches('\n'), &format!("the Compose secret `{name}`"));
        app.children
            .push(Child::File { path: target.clone(), content: FilePlan::Secret { secret: book.name.clone(), key } });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_whole_words() {
        assert!(sensitive_text("db:\n  password: hunter2\n"));
        assert!(sensitive_text("POSTGRES_PASSWORD=x"));
        assert!(sensitive_text("-----BEGIN OPENSSH PRIVATE KEY-----"));
        assert!(!sensitive_text("server_tokens off;\nserver app:9000 resolve;\n"));
        assert!(!sensitive_text("# see https://example.org/passwords-are-hard\n"));
    }
}
