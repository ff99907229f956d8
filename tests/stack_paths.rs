//! What the CLI's paths are relative to: `--stack` and an explicit `--out`
//! to the current directory; `secrets/`, `templates/` and the default
//! output directory to the stack file; the engines' paths to the Git
//! repository the output directory is in, wherever stackc runs from.

use std::path::Path;

use crate::support::{snapshot_dir, stackc, write_platform_secrets};

const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        git url="https://git.example.org/s.git" branch="main"
    }
    platform {
        engine "flux" install-manifest=#false
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
        }
    }
}
"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A directory holding the stack in `app/` (with its platform Secrets beside it).
fn nested_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    std::fs::create_dir(&app).unwrap();
    std::fs::write(app.join("stack.kdl"), STACK).unwrap();
    write_platform_secrets(&app, STACK);
    dir
}

fn files_below(dir: &Path) -> Vec<std::path::PathBuf> {
    snapshot_dir(dir).into_iter().map(|(path, _)| path).collect()
}

/// A tree built beside the stack is up to date when checked from the
/// parent directory with `--stack app/stack.kdl`, and the other way round.
#[test]
fn default_output_is_beside_the_stack_from_any_directory() {
    let dir = nested_project();
    let app = dir.path().join("app");
    let built = stackc(&app, &["build"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let check = stackc(dir.path(), &["build", "--check", "--stack", "app/stack.kdl"]);
    assert_eq!(check.status.code(), Some(0), "{}{}", text(&check.stdout), text(&check.stderr));
    assert!(text(&check.stderr).contains("app/out is up to date"), "{}", text(&check.stderr));
    assert!(!dir.path().join("out").exists(), "--check wrote out/ in the current directory");

    let dir = nested_project();
    let built = stackc(dir.path(), &["build", "--stack", "app/stack.kdl"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    assert!(!dir.path().join("out").exists(), "the build wrote out/ in the current directory");
    assert!(dir.path().join("app/out/clusters/c/a/deployment-web.yaml").is_file());
    let check = stackc(&dir.path().join("app"), &["build", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}{}", text(&check.stdout), text(&check.stderr));
}

/// `--out` given on the command line is relative to the current directory,
/// as with every CLI; drift lines name the files as the user can open them.
#[test]
fn explicit_output_is_relative_to_the_current_directory() {
    let dir = nested_project();
    let built = stackc(dir.path(), &["build", "--stack", "app/stack.kdl", "--out", "deploy"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    assert!(dir.path().join("deploy/clusters/c/a/deployment-web.yaml").is_file());
    assert!(!dir.path().join("app/out").exists() && !dir.path().join("app/deploy").exists());
    std::fs::remove_file(dir.path().join("deploy/clusters/c/a/service-web.yaml")).unwrap();
    let check = stackc(dir.path(), &["build", "--check", "--stack", "app/stack.kdl", "--out", "deploy"]);
    assert_eq!(check.status.code(), Some(1));
    assert_eq!(text(&check.stdout), "added: deploy/clusters/c/a/service-web.yaml\n");
}

/// In a Git repository, the Flux paths start where the output directory is
/// in the repository, the same whether stackc runs beside the stack or above it.
#[test]
fn engine_paths_follow_the_output_directory_beside_the_stack() {
    let dir = nested_project();
    let init = std::process::Command::new("git").args(["init", "-q"]).current_dir(dir.path()).status();
    assert!(init.expect("git runs").success());
    let built = stackc(dir.path(), &["build", "--stack", "app/stack.kdl"]);
    assert_eq!(built.status.code(), Some(0), "{}", text(&built.stderr));
    let sync = dir.path().join("app/out/clusters/c/flux-system/kustomization-a.yaml");
    let sync = std::fs::read_to_string(&sync)
        .unwrap_or_else(|e| panic!("{}: {e}: {:?}", sync.display(), files_below(dir.path())));
    assert!(sync.contains("path: \"./app/out/clusters/c/a\"\n"), "{sync}");
    let check = stackc(&dir.path().join("app"), &["build", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}{}", text(&check.stdout), text(&check.stderr));
}

/// `--help` says what each path is relative to.
#[test]
fn help_says_what_each_path_is_relative_to() {
    let dir = tempfile::tempdir().unwrap();
    let help = text(&stackc(dir.path(), &["build", "--help"]).stdout);
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("--stack <FILE> The stack file, relative to the current directory"), "{help}");
    assert!(flat.contains("`secrets/` and `templates/` are read beside it"), "{help}");
    assert!(flat.contains("--out <DIR> The output directory [default: `out/` beside the stack file]"), "{help}");
    assert!(flat.contains("A directory given here is relative to the current directory"), "{help}");
}
