//! A safe output directory: an interrupted build leaves it as it was, two
//! builds cannot interleave, and links never lead a write out of it.

use std::fs;
use std::process::Command;

use crate::support::{snapshot_dir, stackc};

const V1: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33"
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
        }
        app "api" image="y:1" {
            port "http" 8080
        }
    }
}
"#;

fn v2() -> String {
    V1.replace("x:1", "x:2").replace(
        "        app \"api\" image=\"y:1\" {\n            port \"http\" 8080\n        }\n",
        "        app \"jobs\" image=\"z:1\"\n",
    )
}

fn project() -> tempfile::TempDir {
    let dir = crate::support::project(V1);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
    dir
}

fn without_internal(mut files: Vec<(std::path::PathBuf, Vec<u8>)>) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    files.retain(|(p, _)| !p.ends_with(".stackc.lock") && p != std::path::Path::new("stack.kdl"));
    files
}

#[test]
fn a_build_killed_mid_write_is_rolled_back() {
    for renames in [0, 1, 3, 5] {
        let dir = project();
        let before = without_internal(snapshot_dir(dir.path()));
        fs::write(dir.path().join("stack.kdl"), v2()).unwrap();
        let killed = Command::new(env!("CARGO_BIN_EXE_stackc"))
            .arg("build")
            .current_dir(dir.path())
            .env("STACKC_FAULT_AFTER_WRITES", renames.to_string())
            .output()
            .unwrap();
        assert!(!killed.status.success(), "the fault hook must kill the build");
        assert!(dir.path().join("out/.stackc-txn").exists(), "a journal is left behind");
        // --check refuses to judge a half-written tree.
        let check = stackc(dir.path(), &["build", "--check"]);
        assert_eq!(check.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&check.stderr).contains("interrupted build"));
        // The next build rolls back first: with the old stack, nothing changes.
        fs::write(dir.path().join("stack.kdl"), V1).unwrap();
        let out = stackc(dir.path(), &["build"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("0 added, 0 changed, 0 removed"),
            "after {renames} writes: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(before, without_internal(snapshot_dir(dir.path())), "after {renames} writes");
    }
}

/// Every directory under `dir`, relative to it, sorted.
fn directories(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).unwrap().flatten() {
            if entry.file_type().unwrap().is_dir() {
                found.push(entry.path().strip_prefix(dir).unwrap().to_path_buf());
                stack.push(entry.path());
            }
        }
    }
    found.sort();
    found
}

#[test]
fn a_killed_build_leaves_no_new_directory_behind() {
    // A new namespace: its directory is created before any file is written,
    // so a build killed before its first write has made it already; the
    // rollback removes it (and any other directory it made) once empty.
    let with_b =
        V1.replace("    }\n}\n", "    }\n    namespace \"b\" {\n        app \"worker\" image=\"w:1\"\n    }\n}\n");
    assert_ne!(with_b, V1);
    for writes in [0, 1, 2] {
        let dir = project();
        let files = without_internal(snapshot_dir(dir.path()));
        let dirs = directories(dir.path());
        fs::write(dir.path().join("stack.kdl"), &with_b).unwrap();
        let killed = Command::new(env!("CARGO_BIN_EXE_stackc"))
            .arg("build")
            .current_dir(dir.path())
            .env("STACKC_FAULT_AFTER_WRITES", writes.to_string())
            .output()
            .unwrap();
        assert!(!killed.status.success(), "the fault hook must kill the build");
        fs::write(dir.path().join("stack.kdl"), V1).unwrap();
        let out = stackc(dir.path(), &["build"]);
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(files, without_internal(snapshot_dir(dir.path())), "after {writes} writes");
        assert_eq!(dirs, directories(dir.path()), "after {writes} writes");
    }
}

#[test]
fn two_builds_cannot_interleave() {
    let dir = project();
    let lock = fs::OpenOptions::new().write(true).open(dir.path().join("out/.stackc.lock")).unwrap();
    lock.try_lock().unwrap();
    fs::write(dir.path().join("stack.kdl"), v2()).unwrap();
    let before = without_internal(snapshot_dir(dir.path()));
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another stackc build is writing"));
    assert_eq!(before, without_internal(snapshot_dir(dir.path())));
    drop(lock);
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_not_followed_out_of_the_directory() {
    let dir = project();
    let elsewhere = tempfile::tempdir().unwrap();
    // A directory link: writes under it would land outside out/.
    fs::remove_dir_all(dir.path().join("out/clusters/c/a")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), dir.path().join("out/clusters/c/a")).unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symbolic link"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(fs::read_dir(elsewhere.path()).unwrap().count(), 0, "nothing written through the link");
    // A file link to a file outside: never overwritten.
    let dir = project();
    let victim = elsewhere.path().join("victim");
    fs::write(&victim, "keep").unwrap();
    let web = dir.path().join("out/clusters/c/a/deployment-web.yaml");
    fs::remove_file(&web).unwrap();
    std::os::unix::fs::symlink(&victim, &web).unwrap();
    fs::write(dir.path().join("stack.kdl"), v2()).unwrap();
    assert_eq!(stackc(dir.path(), &["build"]).status.code(), Some(2));
    assert_eq!(fs::read_to_string(&victim).unwrap(), "keep");
}

#[test]
fn a_tampered_manifest_cannot_point_outside() {
    let dir = project();
    let outside = dir.path().join("precious.txt");
    fs::write(&outside, "keep").unwrap();
    let manifest = dir.path().join("out/.stackc-owned");
    let mut text = fs::read_to_string(&manifest).unwrap();
    text.push_str("../precious.txt\n");
    fs::write(&manifest, text).unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(fs::read_to_string(&outside).unwrap(), "keep");
}

/// The files a build wrote into `out`, read back: the tree of that build.
fn written_tree(out: &std::path::Path) -> stackc::render::Tree {
    let owned = fs::read_to_string(out.join(".stackc-owned")).unwrap();
    let mut tree = stackc::render::Tree::default();
    for path in owned.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
        tree.files.insert(path.to_owned(), fs::read(out.join(path)).unwrap());
    }
    tree
}

#[cfg(unix)]
#[test]
fn a_directory_replaced_by_a_link_after_the_plan_is_not_written_through() {
    // A changed file (backed up by the journal first) and an added one (only
    // the write itself meets its directory).
    for (path, bytes) in [("clusters/c/a/deployment-web.yaml", "changed\n"), ("clusters/c/a/new.yaml", "new\n")] {
        let dir = project();
        let out = dir.path().join("out");
        let mut tree = written_tree(&out);
        tree.files.insert(path.to_owned(), bytes.as_bytes().to_vec());
        let output = stackc::emit::Output::open(&out).unwrap();
        let plan = output.plan(&tree).unwrap();
        assert_eq!(plan.added.len() + plan.changed.len(), 1, "{plan:?}");
        // Another process swaps the planned directory for a link to a copy elsewhere.
        let elsewhere = tempfile::tempdir().unwrap();
        let moved = elsewhere.path().join("a");
        fs::rename(out.join("clusters/c/a"), &moved).unwrap();
        std::os::unix::fs::symlink(&moved, out.join("clusters/c/a")).unwrap();
        let before = snapshot_dir(elsewhere.path());
        let err = output.write(&tree, &plan).unwrap_err();
        assert!(matches!(err, stackc::emit::EmitError::Symlink { .. }), "{path}: {err}");
        assert_eq!(before, snapshot_dir(elsewhere.path()), "{path}: nothing written through the link");
    }
}
