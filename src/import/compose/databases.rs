//! Databases recognised by image: the official PostgreSQL image, and Redis
//! with its drop-in forks (Valkey, KeyDB, Dragonfly), become `database`
//! nodes running stackc's own (official) images at the major version of the
//! tag. Other images, a PostgreSQL with extensions among them
//! (`ghcr.io/immich-app/postgres`), stay apps: stackc's database could not
//! load their extensions.

use super::model::Service;
use super::plan::DatabasePlan;
use crate::check::images;

/// A recognised database and the credentials its service set.
#[derive(Debug, Clone)]
pub struct Database {
    pub plan: DatabasePlan,
    /// The Compose service's name (the host apps use).
    pub service: String,
    pub postgres: bool,
    /// `POSTGRES_USER` (default `postgres`) and `POSTGRES_DB` (default: the user).
    pub user: String,
    pub database: String,
    /// The password's value, and the env-file variables it came from.
    pub password: Option<String>,
    pub password_vars: Vec<String>,
}

/// Supported major versions (`check/databases.rs`).
const POSTGRESQL: (u32, u32) = (13, 18);
const REDIS: (u32, u32) = (6, 8);

/// The database `service` is, if stackc can run it.
#[must_use]
pub fn recognise(service: &Service, name: &str) -> Option<Database> {
    let (image, _) = service.image.as_ref()?;
    let repository = images::repository(image);
    let tag = images::tag(image).unwrap_or("latest");
    let major: Option<u32> = tag.split(|c: char| !c.is_ascii_digit()).next().and_then(|m| m.parse().ok());
    let mut comments = vec![format!("from service `{}` ({image})", service.name)];
    let (engine, range, fork) = match repository.as_str() {
        "docker.io/library/postgres" => ("postgresql", POSTGRESQL, None),
        "docker.io/library/redis" => ("redis", REDIS, None),
        "docker.io/valkey/valkey" => ("redis", REDIS, Some("Valkey")),
        "docker.io/eqalpha/keydb" => ("redis", REDIS, Some("KeyDB")),
        "docker.dragonflydb.io/dragonflydb/dragonfly" | "docker.io/dragonflydb/dragonfly" => {
            ("redis", REDIS, Some("Dragonfly"))
        }
        _ => return None,
    };
    let version = match (fork, major) {
        (None, Some(m)) if (range.0..=range.1).contains(&m) => m,
        (None, Some(m)) if m < range.0 => return None,
        // A fork's versions are its own: Redis's newest speaks its protocol.
        (Some(fork), _) => {
            comments.push(format!("{fork} is run as Redis {}, whose protocol it speaks", range.1));
            range.1
        }
        _ => {
            comments.push(format!("tag `{tag}`: runs the newest major version stackc supports"));
            range.1
        }
    };
    let env = |k: &str| service.env.iter().find(|e| e.name == k);
    let postgres = engine == "postgresql";
    let command = service.command.as_ref().map(|(c, _)| c.join(" ")).unwrap_or_default();
    let password_env = if postgres { env("POSTGRES_PASSWORD") } else { env("REDIS_PASSWORD") };
    let password = password_env.and_then(|e| e.value.clone()).or_else(|| {
        let mut words = command.split_whitespace().skip_while(|w| *w != "--requirepass");
        words.nth(1).map(str::to_owned)
    });
    let user = env("POSTGRES_USER")
        .and_then(|e| e.value.clone())
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "postgres".into());
    let database =
        env("POSTGRES_DB").and_then(|e| e.value.clone()).filter(|d| !d.is_empty()).unwrap_or_else(|| user.clone());
    if postgres && (user != "postgres" || database != "postgres") {
        comments.push(format!(
            "user `{user}` and database `{database}` in Compose; stackc's PostgreSQL has user and database `postgres`, \
             with the password in `{name}-credentials` (apps' settings below are rewritten to match)"
        ));
    }
    let redis_password = !postgres && password.is_some();
    Some(Database {
        plan: DatabasePlan {
            name: name.to_owned(),
            engine,
            version,
            aof: command.contains("--appendonly yes"),
            password: redis_password,
            comments,
        },
        service: service.name.clone(),
        postgres,
        user,
        database,
        password,
        password_vars: password_env.map(|e| e.vars.clone()).unwrap_or_default(),
    })
}
