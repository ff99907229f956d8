//! Runtime facts of the container images stackc knows: the user each runs
//! as and the paths it writes while running, read from their Dockerfiles
//! and sources like the chart facts, each with its citation.
//!
//! Image apps are checked against these facts (`check/runtime.rs`), and the
//! databases stackc renders take their user and writable mounts from them
//! (`derive/databases.rs`), so a pod is not refused by the kubelet for its
//! user nor crashes on the read-only root filesystem.

/// What an image does at runtime that its pod must allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageFacts {
    /// The image repository, without tag or digest.
    pub repository: &'static str,
    /// The numeric `USER` (and its group) the image runs as; `None` when it
    /// has no `USER` and so runs as root.
    pub user: Option<(i64, i64)>,
    /// Paths the image writes at runtime: under a read-only root filesystem
    /// each needs a volume mounted at it or above it.
    pub writable: &'static [Writable],
    /// The image tags the facts were read at; another tag gets a warning
    /// (its Dockerfile may have changed). Empty for the database images,
    /// whose versions `check/databases.rs` bounds.
    pub read_at: &'static [&'static str],
    /// Where the facts come from: `<repo> <tag or commit> <path>:<line>`.
    pub sources: &'static [&'static str],
}

/// A path an image writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writable {
    pub path: &'static str,
    /// The name of the volume stackc mounts (or suggests) there.
    pub volume: &'static str,
    /// What the image keeps there.
    pub why: &'static str,
}

/// The official PostgreSQL image (Debian variant, the default tags).
pub const POSTGRES: ImageFacts = ImageFacts {
    repository: "docker.io/library/postgres",
    user: Some((999, 999)),
    read_at: &[],
    writable: &[
        Writable { path: "/var/run/postgresql", volume: "run", why: "the server's Unix socket and lock file" },
        Writable { path: "/tmp", volume: "tmp", why: "the entrypoint's here-documents to psql during initdb" },
    ],
    sources: &[
        "docker-library/postgres 6edb0a8 18/trixie/Dockerfile:11-13 (groupadd --gid=999, useradd --uid=999)",
        "docker-library/postgres 6edb0a8 18/trixie/Dockerfile:186 (/var/run/postgresql, owned by postgres)",
        "docker-library/postgres 6edb0a8 18/trixie/Dockerfile:191-192 (PGDATA /var/lib/postgresql/18/docker, VOLUME /var/lib/postgresql)",
        "docker-library/postgres 6edb0a8 16/trixie/Dockerfile:184-187 (PGDATA and VOLUME /var/lib/postgresql/data)",
        "docker-library/postgres 6edb0a8 18/trixie/docker-entrypoint.sh:37-59 (as non-root: no chown, mkdir/chmod of /var/run/postgresql)",
        "docker-library/postgres 6edb0a8 18/trixie/docker-entrypoint.sh:220 (SQL fed to psql by here-documents, which bash may spool to /tmp)",
    ],
};

/// The official Redis image (Debian variant, the default tags).
pub const REDIS: ImageFacts = ImageFacts {
    repository: "docker.io/library/redis",
    user: Some((999, 999)),
    read_at: &[],
    writable: &[Writable {
        path: "/data",
        volume: "data",
        why: "the working directory: RDB snapshots and the append-only file",
    }],
    sources: &[
        "redis/docker-library-redis 32bca5d debian/Dockerfile:5-6 (groupadd -g 999, useradd -u 999; Redis 8)",
        "redis/docker-library-redis 32bca5d debian/Dockerfile (RUN mkdir /data && chown redis:redis /data; VOLUME /data; WORKDIR /data)",
        "docker-library/redis e920499 7.2/debian/Dockerfile:11-12,142-144 (the same for Redis 6-7)",
        "docker-library/redis e920499 7.2/debian/docker-entrypoint.sh:11-13 (chown and gosu only when started as root)",
    ],
};

/// The images of apps, looked up by repository.
const APP_IMAGES: &[ImageFacts] = &[
    ImageFacts {
        repository: "ghcr.io/linkwarden/linkwarden",
        user: None,
        read_at: &["v2.13.1"],
        writable: &[
            Writable {
                path: "/data/data",
                volume: "data",
                why: "uploads and archives: STORAGE_FOLDER (default `data`) beside the app directories",
            },
            Writable {
                path: "/data/apps/web/.next/cache",
                volume: "next-cache",
                why: "Next.js's image-optimizer cache under the build directory",
            },
        ],
        sources: &[
            "linkwarden/linkwarden v2.13.1 Dockerfile:13,19,59 (final stage node:22.14-bullseye-slim, WORKDIR /data, no USER: root)",
            "nodejs/docker-node 056ab87 22/bullseye-slim/Dockerfile:3-4 (the base's non-root user: node, uid and gid 1000)",
            "linkwarden/linkwarden v2.13.1 packages/filesystem/createFile.ts:39-48 (writes process.cwd()/../../<STORAGE_FOLDER or data>)",
            "linkwarden/linkwarden v2.13.1 docker-compose.yml (./data mounted at /data/data)",
            "linkwarden/linkwarden v2.13.1 apps/web/next.config.js:9-20 (remote image optimization on)",
            "vercel/next.js packages/next/src/server/image-optimizer.ts (ImageOptimizerCache: cacheDir = join(distDir, 'cache', 'images'))",
        ],
    },
    ImageFacts {
        repository: "ghcr.io/goauthentik/ldap",
        user: Some((1000, 0)),
        read_at: &["2025.10.1"],
        writable: &[],
        sources: &[
            "goauthentik/authentik 01878bf ldap.Dockerfile:63 (USER 1000, no group: gid 0)",
            "goauthentik/authentik 01878bf ldap.Dockerfile:65 (TMPDIR=/dev/shm/, a tmpfs the runtime mounts writable)",
        ],
    },
];

/// The facts of an image reference (`registry/repository:tag` or with a
/// digest), if stackc knows the image.
#[must_use]
pub fn facts(image: &str) -> Option<&'static ImageFacts> {
    let repository = repository(image);
    APP_IMAGES.iter().chain([&POSTGRES, &REDIS]).find(|f| f.repository == repository)
}

/// The tag of an image reference, if it has one.
#[must_use]
pub fn tag(image: &str) -> Option<&str> {
    split(image).1
}

/// An image reference without its digest, as its name and its tag: a tag
/// follows the last `:` after the last `/` (a registry's port does not).
fn split(image: &str) -> (&str, Option<&str>) {
    let name = image.split('@').next().unwrap_or(image);
    match (name.rfind(':'), name.rfind('/')) {
        (Some(colon), slash) if slash.is_none_or(|s| colon > s) => (&name[..colon], Some(&name[colon + 1..])),
        _ => (name, None),
    }
}

/// An image reference without its tag and digest; Docker Hub short names
/// are spelled out (`postgres` is `docker.io/library/postgres`).
#[must_use]
pub fn repository(image: &str) -> String {
    let name = split(image).0;
    let mut parts = name.splitn(2, '/');
    match (parts.next(), parts.next()) {
        (Some(first), Some(_)) if first.contains(['.', ':']) || first == "localhost" => name.to_owned(),
        (Some(_), Some(_)) => format!("docker.io/{name}"),
        _ => format!("docker.io/library/{name}"),
    }
}

/// Where PostgreSQL keeps its data, by major version: the image's VOLUME
/// (the PVC's mount) and PGDATA inside it.
#[must_use]
pub fn postgres_data(major: u32) -> (&'static str, String) {
    if major >= 18 {
        ("/var/lib/postgresql", format!("/var/lib/postgresql/{major}/docker"))
    } else {
        ("/var/lib/postgresql/data", "/var/lib/postgresql/data/pgdata".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_looked_up_by_repository() {
        assert_eq!(facts("ghcr.io/linkwarden/linkwarden:v2.13.1").map(|f| f.user), Some(None));
        assert_eq!(facts("postgres:16").map(|f| f.repository), Some(POSTGRES.repository));
        assert_eq!(facts("docker.io/library/redis:8@sha256:abc").map(|f| f.repository), Some(REDIS.repository));
        assert_eq!(facts("ghcr.io/goauthentik/ldap").map(|f| f.user), Some(Some((1000, 0))));
        assert!(facts("registry.local:5000/linkwarden/linkwarden:v2").is_none());
        assert!(facts("nginx:1.27").is_none());
        assert_eq!(tag("registry.local:5000/a/b:v2@sha256:abc"), Some("v2"));
        assert_eq!(tag("registry.local:5000/a/b"), None);
    }
}
