//! What `infer` decides and `write` prints: the stack to write, as typed
//! declarations with the comments that explain them, and the values to put
//! into the encrypted store.

/// The stack an import writes.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub stack: String,
    pub namespace: String,
    /// The Compose file's name, for the header comment.
    pub source: String,
    pub recipients: Vec<String>,
    /// Some app is offered an `expose`: the platform gets Traefik.
    pub http: bool,
    /// The namespace's Secret of env values that hold secrets.
    pub secret: Option<SecretPlan>,
    pub databases: Vec<DatabasePlan>,
    pub apps: Vec<AppPlan>,
    /// Values for the encrypted store: Secret, key, value.
    pub store: Vec<(String, String, String)>,
    /// Top-level TODOs (above the namespace).
    pub todos: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct SecretPlan {
    pub name: String,
    pub keys: Vec<SecretKeyPlan>,
}

#[derive(Debug, Clone)]
pub struct SecretKeyPlan {
    pub key: String,
    pub generated: bool,
    /// Why it is a secret, where it came from.
    pub comment: String,
}

#[derive(Debug, Clone)]
pub struct DatabasePlan {
    pub name: String,
    pub engine: &'static str,
    pub version: u32,
    pub aof: bool,
    pub password: bool,
    /// Comments above the declaration (where it came from, what changed).
    pub comments: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AppPlan {
    pub name: String,
    pub image: String,
    pub replicas: Option<u32>,
    pub comments: Vec<String>,
    pub children: Vec<Child>,
    /// A one-shot service others wait for: a `job`, not an `app`.
    pub job: Option<JobPlan>,
}

/// What makes an `AppPlan` a `job`.
#[derive(Debug, Clone, Default)]
pub struct JobPlan {
    /// `image-of=`: the app of the namespace that runs the same image.
    pub image_of: Option<String>,
}

/// One line inside an `app { }`.
#[derive(Debug, Clone)]
pub enum Child {
    Port {
        name: String,
        number: u16,
        udp: bool,
    },
    /// Offered, commented out: it needs a cert-manager issuer.
    Expose {
        host: String,
        port: String,
    },
    ConnectsTo {
        target: String,
        port: Option<String>,
        evidence: String,
    },
    Env {
        name: String,
        value: EnvPlan,
        comment: Option<String>,
    },
    Volume {
        name: String,
        mount: String,
        size: Option<String>,
        comment: String,
    },
    File {
        path: String,
        content: FilePlan,
    },
    Probe {
        test: ProbeTest,
        period: Option<u32>,
        timeout: Option<u32>,
        failures: Option<u32>,
        delay: Option<u32>,
    },
    Command(Vec<String>),
    Args(Vec<String>),
    Security {
        user: i64,
        group: i64,
    },
    Resources {
        requests: (Option<String>, Option<String>),
        limits: (Option<String>, Option<String>),
    },
    Todo(String),
    Comment(String),
}

#[derive(Debug, Clone)]
pub enum EnvPlan {
    Literal(String),
    Secret { secret: String, key: String },
}

#[derive(Debug, Clone)]
pub enum FilePlan {
    Inline(String),
    Secret { secret: String, key: String },
}

#[derive(Debug, Clone)]
pub enum ProbeTest {
    Http { path: String, port: String },
    Exec(Vec<String>),
}
