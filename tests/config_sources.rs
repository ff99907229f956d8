//! Files from the project (`file "/path" source="config/app.yaml"`): read
//! beside the stack by the CLI, confined to its directory (no absolute
//! path, no `..`, no symlink out), mounted like inline files.

use crate::support::{compile_in, project, snapshot_dir, stackc};

fn stack(source: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"kubernetes\" version=\"1.33\"\n    namespace \"a\" {{\n        app \"web\" image=\"x:1\" {{\n            file \"/etc/web/app.yaml\" source=\"{source}\"\n        }}\n    }}\n}}\n"
    )
}

#[test]
fn build_mounts_a_project_file_and_a_change_rolls_the_pods() {
    let source = stack("config/app.yaml");
    let dir = project(&source);
    std::fs::create_dir(dir.path().join("config")).unwrap();
    std::fs::write(dir.path().join("config/app.yaml"), "level: info\n").unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let config = std::fs::read_to_string(dir.path().join("out/clusters/c/a/configmap-web-files.yaml")).unwrap();
    assert!(config.contains("etc_web_app.yaml: |\n    level: info\n"), "{config}");
    let deployment = || std::fs::read_to_string(dir.path().join("out/clusters/c/a/deployment-web.yaml")).unwrap();
    let before = deployment();
    std::fs::write(dir.path().join("config/app.yaml"), "level: debug\n").unwrap();
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    assert_ne!(before, deployment(), "the content hash on the pod template changes");
}

fn rejected(source: &str, setup: impl FnOnce(&std::path::Path)) -> String {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    setup(dir.path());
    compile_in(&project, source).expect_err("the stack must be rejected")
}

#[test]
fn file_source_climbs_out() {
    let errors = rejected(&stack("../secret.yaml"), |d| std::fs::write(d.join("secret.yaml"), "x").unwrap());
    insta::assert_snapshot!("file_source_climbs_out", errors);
}

#[test]
fn file_source_absolute() {
    insta::assert_snapshot!("file_source_absolute", rejected(&stack("/etc/passwd"), |_| {}));
}

#[test]
fn file_source_symlink_out() {
    let errors = rejected(&stack("app.yaml"), |d| {
        std::fs::write(d.join("outside.yaml"), "x").unwrap();
        std::os::unix::fs::symlink(d.join("outside.yaml"), d.join("project/app.yaml")).unwrap();
    });
    insta::assert_snapshot!("file_source_symlink_out", errors);
}

#[test]
fn file_source_missing() {
    insta::assert_snapshot!("file_source_missing", rejected(&stack("config/app.yaml"), |_| {}));
}

#[test]
fn a_symlink_inside_the_project_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("real.yaml"), "a: 1\n").unwrap();
    std::os::unix::fs::symlink(dir.path().join("real.yaml"), dir.path().join("app.yaml")).unwrap();
    let tree = compile_in(dir.path(), &stack("app.yaml")).unwrap();
    assert!(crate::support::tree_text(&tree).contains("a: 1"));
}

#[test]
fn a_rejected_source_writes_nothing() {
    let source = stack("../x.yaml");
    let dir = project(&source);
    let before = snapshot_dir(dir.path());
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(before, snapshot_dir(dir.path()));
}
