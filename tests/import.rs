//! `stackc import compose`: each upstream fixture under `tests/import/fixtures/`
//! imports into a stack (snapshot of the file and of the report), which
//! builds after `stackc secrets generate`, verifies, and is the same bytes
//! every time; env-file secrets never reach the stack or the report; bad
//! Compose files are refused with their line, exit 2, nothing written.

use std::path::{Path, PathBuf};

use crate::support::{compile_in, root, stackc};

/// The demo recipient (examples/keys/demo.agekey).
const RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// Every fixture: an upstream Compose file and its example env file.
pub const FIXTURES: &[&str] =
    &["authentik", "immich", "linkwarden", "n8n-ai-starter-kit", "nextcloud-fpm", "paperless-ngx", "umami"];

fn fixture(app: &str) -> PathBuf {
    root().join("tests/import/fixtures").join(app).join("docker-compose.yml")
}

/// Import `compose` into `dir/stack.kdl`: exit code, stack text, stderr.
fn import(dir: &Path, compose: &Path, extra: &[&str]) -> (i32, Option<String>, String) {
    let compose = compose.to_str().unwrap();
    let mut args = vec!["import", "compose", compose, "--age-recipient", RECIPIENT];
    args.extend_from_slice(extra);
    let out = stackc(dir, &args);
    let stack = std::fs::read_to_string(dir.join("stack.kdl")).ok();
    (out.status.code().unwrap_or(-1), stack, String::from_utf8(out.stderr).unwrap())
}

/// Import a fixture, generate its secrets, build it and verify it.
fn import_and_build(app: &str) -> (String, String) {
    build_compose(app, &fixture(app), &[])
}

/// Import `compose`, generate its secrets, build it and verify it.
fn build_compose(app: &str, compose: &Path, extra: &[&str]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let (code, stack, report) = import(dir.path(), compose, extra);
    assert_eq!(code, 0, "{app}: {report}");
    let stack = stack.expect("stack.kdl written");
    let identity = root().join("examples/keys/demo.agekey");
    let generate = stackc(dir.path(), &["secrets", "generate", "--identity", identity.to_str().unwrap()]);
    assert!(generate.status.success(), "{app}: {}", String::from_utf8_lossy(&generate.stderr));
    if let Err(e) = compile_in(dir.path(), &stack) {
        panic!("{app} does not build:\n{e}\n{stack}");
    }
    let verify = stackc(dir.path(), &["verify"]);
    assert!(verify.status.success(), "{app} does not verify: {}", String::from_utf8_lossy(&verify.stderr));
    (stack, report)
}

#[test]
fn fixtures_import_build_and_verify() {
    for app in FIXTURES {
        let (stack, report) = import_and_build(app);
        insta::assert_snapshot!(format!("import-{app}-stack"), stack);
        insta::assert_snapshot!(format!("import-{app}-report"), report);
        let formatted = stackc::fmt::format(&stack).unwrap();
        assert_eq!(formatted, stack, "{app}: the import is not in the formatter's layout");
    }
}

#[test]
fn imports_are_deterministic() {
    for app in FIXTURES {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let (_, first, report_a) = import(a.path(), &fixture(app), &[]);
        let (_, second, report_b) = import(b.path(), &fixture(app), &[]);
        assert_eq!(first, second, "{app}");
        assert_eq!(report_a, report_b, "{app}");
    }
}

#[test]
fn env_file_secrets_stay_out_of_the_stack_and_the_report() {
    let env = std::fs::read_to_string(root().join("tests/import/fixtures/authentik/.env")).unwrap();
    let values: Vec<&str> =
        env.lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.split_once('=')).map(|(_, v)| v).collect();
    assert_eq!(values.len(), 2);
    let dir = tempfile::tempdir().unwrap();
    let (code, stack, report) = import(dir.path(), &fixture("authentik"), &[]);
    assert_eq!(code, 0, "{report}");
    let stack = stack.unwrap();
    for value in values {
        assert!(!stack.contains(value), "a secret value is in stack.kdl");
        assert!(!report.contains(value), "a secret value is in the report");
        let store = std::fs::read_to_string(dir.path().join("secrets/authentik/authentik-secrets.sops.yaml"))
            .unwrap_or_default();
        assert!(!store.contains(value), "a secret value is in the store unencrypted");
    }
    // The value that is not the database's password is stored, encrypted.
    let show = stackc(
        dir.path(),
        &[
            "secrets",
            "show",
            "authentik/authentik-secrets",
            "--identity",
            root().join("examples/keys/demo.agekey").to_str().unwrap(),
        ],
    );
    let shown = String::from_utf8(show.stdout).unwrap();
    assert!(shown.starts_with("AUTHENTIK_SECRET_KEY=Vn4K"), "{shown}");
}

/// A Compose file the import refuses: exit 2, nothing written, the error.
fn refused(name: &str, compose: &str, env: Option<&str>) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    if let Some(env) = env {
        std::fs::write(dir.path().join(".env"), env).unwrap();
    }
    let (code, stack, report) = import(dir.path(), &dir.path().join("compose.yaml"), &[]);
    assert_eq!(code, 2, "{name}: {report}");
    assert!(stack.is_none(), "{name}: a stack was written");
    assert!(!dir.path().join("secrets").exists(), "{name}: secrets were written");
    report.replace(dir.path().to_str().unwrap(), "[dir]")
}

#[test]
fn bad_compose_files_are_refused_with_their_line() {
    let cases: &[(&str, &str, Option<&str>)] = &[
        ("not-yaml", "services:\n  web:\n    image: [nginx\n", None),
        ("not-a-mapping", "- web\n- db\n", None),
        ("no-services", "name: x\nvolumes: {}\n", None),
        ("unknown-top-level-key", "services:\n  web:\n    image: nginx:1\nservice:\n  db: {}\n", None),
        ("missing-variable", "services:\n  web:\n    image: nginx:${TAG}\n", Some("OTHER=1\n")),
        (
            "required-variable",
            "services:\n  web:\n    image: nginx:1\n    environment:\n      KEY: ${KEY:?set KEY first}\n",
            None,
        ),
        (
            "depends-on-cycle",
            "services:\n  a:\n    image: a:1\n    depends_on: [b]\n  b:\n    image: b:1\n    depends_on:\n      c:\n        condition: service_started\n  c:\n    image: c:1\n    depends_on: [a]\n",
            None,
        ),
        ("unknown-dependency", "services:\n  a:\n    image: a:1\n    depends_on: [nope]\n", None),
    ];
    for (name, compose, env) in cases {
        insta::assert_snapshot!(format!("import-error-{name}"), refused(name, compose, *env));
    }
}

#[test]
fn an_existing_stack_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("stack.kdl"), "mine").unwrap();
    let (code, stack, report) = import(dir.path(), &fixture("umami"), &[]);
    assert_eq!(code, 2, "{report}");
    assert_eq!(stack.as_deref(), Some("mine"));
}

#[test]
fn profiles_interpolation_and_unmappable_settings() {
    let dir = tempfile::tempdir().unwrap();
    let compose = r#"
x-common: &common
  restart: unless-stopped
  environment:
    TZ: ${TZ:-Etc/UTC}
services:
  app:
    <<: *common
    image: ghcr.io/acme/app:${TAG-1.2.3}
    privileged: true
    network_mode: host
    devices: ["/dev/dri:/dev/dri"]
    ports: ["8080:80", "2222:22", "53:53/udp"]
    environment:
      CACHE_URL: redis://cache:6379/0
      API_URL: http://api:9000/v1
      SESSION_SECRET: hunter2hunter2
      PLAIN: "$$NOT_A_VAR"
    volumes:
      - ./config.yml:/etc/app/config.yml:ro
      - ./secret.conf:/etc/app/secret.conf:ro
      - uploads:/srv/uploads
      - /var/run/docker.sock:/var/run/docker.sock
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:80/healthz"]
      interval: 1m30s
      retries: 3
    user: "1000:1000"
    entrypoint: /entry.sh
    command: serve --verbose "two words"
    deploy:
      replicas: 2
      resources:
        limits: {cpus: "0.5", memory: 512M}
        reservations:
          memory: 128m
          devices:
            - capabilities: [gpu]
  api:
    image: ghcr.io/acme/api:2
    expose: ["9000", "9001"]
  cache:
    image: docker.io/library/redis:7.2-alpine
    command: redis-server --appendonly yes --requirepass ${REDIS_PASSWORD}
  debug:
    image: busybox:1.36
    profiles: [debug]
  migrate:
    image: ghcr.io/acme/app:1.2.3
    restart: "no"
    depends_on: [api]
    secrets:
      - db_password
      - source: api_token
        target: /etc/app/token
      - vault
secrets:
  db_password:
    file: ./db_password.txt
  api_token:
    environment: API_TOKEN
  vault:
    external: true
"#;
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    std::fs::write(dir.path().join(".env"), "REDIS_PASSWORD=changeme\nAPI_TOKEN=tok-9f8e7d6c5b4a\n").unwrap();
    std::fs::write(dir.path().join("db_password.txt"), "Str0ng-Db-Pass-77\n").unwrap();
    std::fs::write(dir.path().join("config.yml"), "listen: \":80\"\nlog: info\n").unwrap();
    std::fs::write(dir.path().join("secret.conf"), "password = s3cr3t-Value-9\n").unwrap();
    let out = tempfile::tempdir().unwrap();
    let compose_path = dir.path().join("compose.yaml");
    let (code, stack, report) = import(out.path(), &compose_path, &["--name", "acme"]);
    assert_eq!(code, 0, "{report}");
    let stack = stack.unwrap();
    for value in ["hunter2hunter2", "s3cr3t-Value-9", "tok-9f8e7d6c5b4a", "Str0ng-Db-Pass-77"] {
        assert!(!stack.contains(value), "{value} in {stack}");
        assert!(!report.contains(value), "{value} in {report}");
    }
    insta::assert_snapshot!("import-features-stack", stack);
    insta::assert_snapshot!("import-features-report", report.replace(out.path().to_str().unwrap(), "[dir]"));
    let identity = root().join("examples/keys/demo.agekey");
    let generate = stackc(out.path(), &["secrets", "generate", "--identity", identity.to_str().unwrap()]);
    assert!(generate.status.success(), "{}", String::from_utf8_lossy(&generate.stderr));
    if let Err(e) = compile_in(out.path(), &stack) {
        panic!("does not build:\n{e}\n{stack}");
    }
    // With the profile, the debug service is imported too.
    let with = tempfile::tempdir().unwrap();
    let (code, stack, _) = import(with.path(), &compose_path, &["--name", "acme", "--profile", "debug"]);
    assert_eq!(code, 0);
    assert!(stack.unwrap().contains("app \"debug\""));
}

#[test]
fn awkward_names_and_ports_still_build() {
    let dir = tempfile::tempdir().unwrap();
    let compose = r#"
services:
  Web_App:
    image: nginx:1.27
    ports: ["443:443", "8443:8443", "80:80", "8080:8080", "53:53/udp", "53:53"]
    environment:
      - UPSTREAM=http://api_server:7000
    healthcheck:
      test: ["NONE"]
  api_server:
    image: ghcr.io/acme/api:1
    volumes: ["data:/data", "data:/data2", "./dir:/srv"]
  a-very-long-service-name-that-goes-on-and-on-and-on-beyond-sixty-three-characters:
    image: busybox:1.36
    user: nobody
  mongo:
    image: mongo:7
  web:
    image: nginx:1.27
    depends_on: [mongo]
volumes:
  data: {}
"#;
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let (code, stack, report) = import(dir.path(), &dir.path().join("compose.yaml"), &[]);
    assert_eq!(code, 0, "{report}");
    let stack = stack.unwrap();
    for line in [
        "port \"https\" 443",
        "port \"https-8443\" 8443",
        "port \"dns\" 53",
        "port \"udp-53\" 53 protocol=\"UDP\"",
        "connects-to \"api-server\" // UPSTREAM",
        "env \"UPSTREAM\" \"http://api-server:7000\"",
        "port \"mongodb\" 27017",
        "connects-to \"mongo\" // depends_on",
    ] {
        assert!(stack.contains(line), "{line} missing:\n{stack}");
    }
    assert!(report.contains("is one of Traefik's own"), "{report}");
    if let Err(e) = compile_in(dir.path(), &stack) {
        panic!("does not build:\n{e}\n{stack}");
    }
}

/// A migration: a one-shot service (`restart: "no"`) that `web` waits for
/// with `service_completed_successfully` is a `job`, with the image of the
/// app that runs the same image, its connections inferred like an app's,
/// and no connection from `web` to it (nothing connects to a job). The
/// database user `web` in the URL's user part is not a host.
#[test]
fn a_one_shot_service_others_wait_for_is_a_job() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("jobs")).unwrap();
    let compose = dir.path().join("jobs/compose.yaml");
    let text = "services:
  migrate:
    image: ghcr.io/acme/web:1.2
    restart: \"no\"
    command: [\"web\", \"migrate\"]
    ports: [\"9000:9000\"]
    environment:
      DATABASE_URL: postgresql://web:secretpw@db:5432/web
    depends_on:
      db:
        condition: service_healthy
  seed:
    image: ghcr.io/acme/seed:3
    restart: on-failure
    depends_on:
      migrate:
        condition: service_completed_successfully
  web:
    image: ghcr.io/acme/web:1.2
    ports: [\"8080:8080\"]
    environment:
      DATABASE_URL: postgresql://web:secretpw@db:5432/web
    depends_on:
      migrate:
        condition: service_completed_successfully
      seed:
        condition: service_completed_successfully
  cleanup:
    image: ghcr.io/acme/web:1.2
    restart: \"no\"
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: web
      POSTGRES_PASSWORD: secretpw
      POSTGRES_DB: web
";
    std::fs::write(&compose, text).unwrap();
    let (stack, report) = build_compose("jobs", &compose, &[]);
    insta::assert_snapshot!("import-jobs-stack", stack);
    insta::assert_snapshot!("import-jobs-report", report);
}

/// With `--profile cpu`, the starter kit's `OLLAMA_HOST=ollama:11434` names
/// the `container_name` of service `ollama-cpu` (Docker's DNS resolves both):
/// the apps connect to `ollama-cpu`, and the value names it.
#[test]
fn a_container_name_is_a_host_of_its_service() {
    let (stack, _) = build_compose("n8n-ai-starter-kit", &fixture("n8n-ai-starter-kit"), &["--profile", "cpu"]);
    assert!(stack.contains("env \"OLLAMA_HOST\" \"ollama-cpu:11434\""), "{stack}");
    assert!(stack.contains("connects-to \"ollama-cpu\" // OLLAMA_HOST"), "{stack}");
    assert!(!stack.contains("\"ollama:11434\""), "{stack}");
}

/// `env_file` as a list of long forms: a missing file with `required: false`
/// is skipped (not replaced by the import's env file), a present one is read.
#[test]
fn an_optional_env_file_that_is_missing_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("opt")).unwrap();
    let compose = dir.path().join("opt/compose.yaml");
    let text = "services:
  web:
    image: ghcr.io/acme/web:1.2
    env_file:
      - path: ./absent.env
        required: false
      - path: ./web.env
";
    std::fs::write(&compose, text).unwrap();
    std::fs::write(dir.path().join("opt/web.env"), "FROM_WEB_ENV=yes\n").unwrap();
    std::fs::write(dir.path().join("opt/.env"), "ONLY_IN_DOT_ENV=1\n").unwrap();
    let (stack, report) = build_compose("opt", &compose, &[]);
    assert!(stack.contains("env \"FROM_WEB_ENV\" \"yes\""), "{stack}");
    assert!(!stack.contains("ONLY_IN_DOT_ENV"), "{stack}");
    assert!(report.contains("`./absent.env` not found and `required: false`: skipped"), "{report}");
}
