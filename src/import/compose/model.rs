//! The typed Compose model `read.rs` builds: the part of the Compose
//! Specification the import maps, every value interpolated and with the
//! place it was written, and what it cannot map as [`Issue`]s.

use super::yaml::At;

/// A Compose file's active services, in file order.
#[derive(Debug, Clone, Default)]
pub struct Compose {
    /// The top-level `name`, if any.
    pub name: Option<String>,
    pub services: Vec<Service>,
    /// Services left out because their profiles are not active.
    pub inactive: Vec<(String, At, Vec<String>)>,
    /// Top-level things the import does not map.
    pub issues: Vec<Issue>,
    /// Top-level `secrets:` by name: where each one's value comes from.
    pub secrets: Vec<(String, SecretSource)>,
}

/// Where a Compose secret's value comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// `file: ./path` beside the Compose file: its text, if it exists.
    File(String, Option<String>),
    /// `environment: VAR`: the env file's value, if set.
    Environment(String, Option<String>),
    /// `external: true`, or a form the import does not read.
    External,
}

#[derive(Debug, Clone, Default)]
pub struct Service {
    pub name: String,
    pub at: At,
    pub image: Option<(String, At)>,
    /// `build:`, which the import cannot run.
    pub build: Option<At>,
    pub ports: Vec<Port>,
    /// Ports of `expose:` (reachable by other services, not published).
    pub expose: Vec<(u16, At)>,
    /// `env_file:` entries first, then `environment:` (which wins).
    pub env: Vec<Env>,
    pub depends_on: Vec<(String, At)>,
    /// The services of `depends_on` with `condition: service_completed_successfully`:
    /// this one starts only once they have run to completion.
    pub awaits: Vec<String>,
    pub healthcheck: Option<Healthcheck>,
    pub command: Option<(Vec<String>, At)>,
    pub entrypoint: Option<(Vec<String>, At)>,
    pub user: Option<(String, At)>,
    pub mounts: Vec<Mount>,
    pub limits: Resources,
    pub reservations: Resources,
    pub replicas: Option<(u32, At)>,
    /// `restart: "no"` or `on-failure`: a one-shot task, not a server.
    pub one_shot: Option<At>,
    /// `restart: always` or `unless-stopped`: a server Compose brings back.
    /// Without `restart`, Compose's default is `no`.
    pub restarts: bool,
    /// `container_name`: Docker's DNS resolves it as well as the service's
    /// name, so other services may use it as a host.
    pub container_name: Option<String>,
    /// Compose `secrets:` this service reads, by name.
    pub secrets: Vec<(String, String, At)>,
    pub issues: Vec<Issue>,
}

/// A published port (`ports:`).
#[derive(Debug, Clone)]
pub struct Port {
    pub target: u16,
    pub published: Option<u16>,
    pub udp: bool,
    pub at: At,
}

/// One environment variable of a service.
#[derive(Debug, Clone)]
pub struct Env {
    pub name: String,
    /// `None`: `environment: [NAME]` without a value (taken from the shell
    /// by docker compose), looked up in the env file.
    pub value: Option<String>,
    /// The env-file variables the value was interpolated from.
    pub vars: Vec<String>,
    /// Read from an `env_file`, not written in `environment`.
    pub from_file: bool,
    pub at: At,
}

/// A service's `healthcheck`.
#[derive(Debug, Clone)]
pub struct Healthcheck {
    /// The command, exec form (a `CMD-SHELL` string becomes `sh -c`).
    pub test: Vec<String>,
    pub interval: Option<u32>,
    pub timeout: Option<u32>,
    pub retries: Option<u32>,
    pub start_period: Option<u32>,
    pub at: At,
}

/// One entry of `volumes:` (or `tmpfs:`).
#[derive(Debug, Clone)]
pub struct Mount {
    pub kind: MountKind,
    pub target: String,
    pub read_only: bool,
    pub at: At,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MountKind {
    /// A named volume (`data:/var/lib/x`), or an anonymous one.
    Named(Option<String>),
    /// A host path, relative (`./config.yml`) or absolute.
    Bind(String),
    Tmpfs,
}

/// `cpus` and `memory`, as Kubernetes quantities.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub cpu: Option<String>,
    pub memory: Option<String>,
}

/// Something the import does not map: a `// TODO` in the output (`todo`)
/// and a line on stderr, or only a line on stderr for settings Kubernetes
/// needs no counterpart of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub at: At,
    pub what: String,
    pub todo: bool,
}

impl Issue {
    #[must_use]
    pub fn todo(at: At, what: impl Into<String>) -> Self {
        Self { at, what: what.into(), todo: true }
    }

    #[must_use]
    pub fn note(at: At, what: impl Into<String>) -> Self {
        Self { at, what: what.into(), todo: false }
    }
}
