//! Database engines and versions stackc can run, with their images and ports.

use super::cluster::invalid;
use super::types::{Database, Engine, ResolvedPort};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, did_you_mean};
use crate::model::{self, Protocol};

/// The database engines stackc runs (also offered by the language server).
pub const ENGINES: &[&str] = &["postgresql", "redis"];
const POSTGRESQL: &[&str] = &["13", "14", "15", "16", "17", "18"];
const REDIS: &[&str] = &["6", "7", "8"];

/// The major versions stackc runs of `engine` (none for an unknown one).
#[must_use]
pub fn versions(engine: &str) -> &'static [&'static str] {
    match engine {
        "postgresql" => POSTGRESQL,
        "redis" => REDIS,
        _ => &[],
    }
}

/// Resolve a database's engine, version and persistence.
pub(super) fn resolve(db: &model::Database, d: &mut Diagnostics) -> Option<Database> {
    let versions = match db.engine.value.as_str() {
        "postgresql" => POSTGRESQL,
        "redis" => REDIS,
        other => {
            let mut diagnostic =
                Diagnostic::error(Code::UnknownEngine, db.engine.span, format!("unknown database engine `{other}`"))
                    .label("unknown engine");
            diagnostic = match did_you_mean(other, ENGINES.iter().copied()) {
                Some(close) => diagnostic.help(format!("did you mean `{close}`?")),
                None => diagnostic.help(format!("stackc runs: {}", ENGINES.join(", "))),
            };
            d.push(diagnostic);
            return None;
        }
    };
    if !versions.contains(&db.version.value.as_str()) {
        d.push(
            Diagnostic::error(
                Code::UnknownEngine,
                db.version.span,
                format!("{} version `{}` is not supported", db.engine.value, db.version.value),
            )
            .label("unknown version")
            .help(format!("supported major versions: {}", versions.join(", "))),
        );
        return None;
    }
    let major: u32 = db.version.value.parse().ok()?;
    let engine = if db.engine.value == "postgresql" {
        if let Some(p) = &db.persistence {
            d.push(invalid(p.span, "a setting PostgreSQL takes (`persistence` is for Redis)", &p.value));
        }
        if let Some(p) = &db.password {
            d.push(
                Diagnostic::error(Code::InvalidValue, p.span, "`password` is for Redis")
                    .label("PostgreSQL always has one")
                    .help(
                        "PostgreSQL reads its password from `<name>-credentials` without being asked: drop `password`",
                    ),
            );
        }
        Engine::Postgresql { major }
    } else {
        let aof = match db.persistence.as_ref().map(|p| (p.value.as_str(), p.span)) {
            None | Some(("rdb", _)) => false,
            Some(("aof", _)) => true,
            Some((other, span)) => {
                d.push(invalid(span, "`aof` or `rdb`", other));
                false
            }
        };
        Engine::Redis { aof, password: db.password.as_ref().is_some_and(|p| p.value) }
    };
    let image = match engine {
        Engine::Postgresql { major } => format!("docker.io/library/postgres:{major}"),
        Engine::Redis { .. } => format!("docker.io/library/redis:{major}"),
    };
    Some(Database { decl: db.clone(), engine, image, storage_class: None })
}

impl Engine {
    /// The port clients connect to.
    #[must_use]
    pub fn port(self) -> ResolvedPort {
        match self {
            Engine::Postgresql { .. } => {
                ResolvedPort { name: "postgresql".into(), number: 5432, protocol: Protocol::Tcp }
            }
            Engine::Redis { .. } => ResolvedPort { name: "redis".into(), number: 6379, protocol: Protocol::Tcp },
        }
    }

    /// A readiness check run inside the container.
    #[must_use]
    pub fn probe(self) -> &'static [&'static str] {
        match self {
            Engine::Postgresql { .. } => &["pg_isready", "--username", "postgres"],
            Engine::Redis { .. } => &["redis-cli", "ping"],
        }
    }

    /// What the engine's official image does at runtime: its user and the
    /// paths it writes.
    #[must_use]
    pub fn image_facts(self) -> &'static super::images::ImageFacts {
        match self {
            Engine::Postgresql { .. } => &super::images::POSTGRES,
            Engine::Redis { .. } => &super::images::REDIS,
        }
    }
}
