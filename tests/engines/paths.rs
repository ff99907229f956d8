//! Where the engines' paths point: the tree's place in its Git repository
//! (found or `git path=`), and Flux's install manifest as `init` writes it.

use serde_json::Value;

use super::{example_source, strings};
use crate::support::{root, stackc};

/// Copy the files below `from` into `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

/// A project of the example in a temporary directory, its stack's engine
/// line replaced by `engine`, optionally a Git repository (`git init`).
fn example_project(name: &str, engine: Option<&str>, git: bool) -> tempfile::TempDir {
    let source = match engine {
        Some(engine) => example_source(name, engine),
        None => std::fs::read_to_string(root().join("examples").join(name).join("stack.kdl")).unwrap(),
    };
    let dir = crate::support::project(&source);
    copy_dir(&root().join("examples").join(name).join("secrets"), &dir.path().join("secrets"));
    if git {
        let init = std::process::Command::new("git").args(["init", "-q"]).current_dir(dir.path()).status();
        assert!(init.expect("git runs").success(), "git init");
    }
    dir
}

/// Every engine path of the tree below `out`: Flux Kustomizations'
/// `spec.path` and Argo CD Applications' `source.path`, by file.
fn engine_paths(out: &std::path::Path) -> Vec<(String, String)> {
    let mut paths = Vec::new();
    for (file, bytes) in crate::support::snapshot_dir(out) {
        let file = file.to_string_lossy().into_owned();
        if !file.ends_with(".yaml") || file.ends_with("kustomization.yaml") || file.starts_with('.') {
            continue;
        }
        let Ok(object) = serde_yaml_ng::from_slice::<Value>(&bytes) else { continue };
        let path = match object["apiVersion"].as_str().unwrap_or_default() {
            "kustomize.toolkit.fluxcd.io/v1" => &object["spec"]["path"],
            "argoproj.io/v1alpha1" => &object["spec"]["source"]["path"],
            _ => continue,
        };
        if let Some(path) = path.as_str() {
            paths.push((file, path.to_owned()));
        }
    }
    paths.sort();
    paths
}

/// Each path must name a directory of the repository holding a
/// `kustomization.yaml`.
fn assert_resolve(repository: &std::path::Path, paths: &[(String, String)]) {
    for (file, path) in paths {
        assert!(!path.starts_with('/') && !path.contains(".."), "{file}: `{path}` is not a repository path");
        let dir = repository.join(path.trim_start_matches("./"));
        assert!(
            dir.join("kustomization.yaml").is_file(),
            "{file}: `{path}` is no kustomization directory of the repository"
        );
    }
}

/// The tree built into `out/` of a Git repository: every Flux Kustomization
/// and Argo CD Application path is found in that repository, for one
/// cluster and for several.
#[test]
fn engine_paths_resolve_in_the_git_repository() {
    for (example, engine, expected) in [
        ("argocd", Some(r#"engine "flux""#), 10),
        ("argocd", Some(r#"engine "argocd""#), 9),
        ("environments", None, 12),
    ] {
        let dir = example_project(example, engine, true);
        let out = stackc(dir.path(), &["build"]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let paths = engine_paths(&dir.path().join("out"));
        assert!(paths.len() >= expected, "{example} {engine:?}: {} paths", paths.len());
        assert!(
            paths.iter().all(|(_, p)| p.trim_start_matches("./").starts_with("out/clusters/")
                || p.trim_start_matches("./").starts_with("out/infrastructure/")),
            "{paths:?}"
        );
        assert_resolve(dir.path(), &paths);
        // `--check` finds the same place: the tree is up to date.
        let check = stackc(dir.path(), &["build", "--check"]);
        assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    }
}

/// `git path=` wins over the output directory's place; outside a Git
/// repository without it, the output directory is the root, and stackc says so.
#[test]
fn declared_git_path_wins_and_no_repository_is_reported() {
    let declared =
        example_source("argocd", r#"engine "flux""#).replace(r#"branch="main""#, r#"branch="main" path="./deploy/""#);
    let dir = crate::support::project(&declared);
    copy_dir(&root().join("examples/argocd/secrets"), &dir.path().join("secrets"));
    let out = stackc(dir.path(), &["build", "--out", "deploy"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("Git repository") && !stderr.contains("declares"), "{stderr}");
    let paths = engine_paths(&dir.path().join("deploy"));
    assert!(paths.iter().all(|(_, p)| p.starts_with("./deploy/")), "{paths:?}");
    assert_resolve(dir.path(), &paths);

    let dir = example_project("argocd", Some(r#"engine "argocd""#), false);
    let out = stackc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("is in no Git repository"), "{stderr}");
    assert!(stderr.contains("git path="), "{stderr}");
    let paths = engine_paths(&dir.path().join("out"));
    assert!(paths.iter().all(|(_, p)| p.starts_with("clusters/") || p.starts_with("infrastructure/")), "{paths:?}");
}

/// A `git path=` that leaves the repository is an error on the property.
#[test]
fn git_path_outside_the_repository_is_rejected() {
    for path in ["../elsewhere", "/srv/out", "out//clusters", r"out\win"] {
        let source = example_source("argocd", r#"engine "flux""#)
            .replace(r#"branch="main""#, &format!(r#"branch="main" path="{}""#, path.replace('\\', "\\\\")));
        let errors = crate::support::compile(&source).expect_err(path);
        assert!(errors.contains("invalid-value") && errors.contains("is not a path inside the repository"), "{errors}");
        assert!(errors.contains("path=\""), "the error points at the property: {errors}");
    }
}

/// `engine "flux"` as `init` writes it lists Flux's own manifests (what
/// `flux bootstrap` commits and applies first); a build says how to create
/// the file while it is missing; `install-manifest=#false` lists none.
#[test]
fn flux_install_manifest_is_listed_by_default_and_a_missing_one_reported() {
    let dir = tempfile::tempdir().unwrap();
    assert!(stackc(dir.path(), &["init"]).status.success());
    let out = stackc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let command = "flux install --export > out/clusters/production/flux-system/gotk-components.yaml";
    assert!(stderr.contains(command), "{stderr}");
    let listing = dir.path().join("out/clusters/production/flux-system/kustomization.yaml");
    assert!(
        strings(&serde_yaml_ng::from_str::<Value>(&std::fs::read_to_string(&listing).unwrap()).unwrap()["resources"])
            .contains("gotk-components.yaml")
    );
    std::fs::write(dir.path().join("out/clusters/production/flux-system/gotk-components.yaml"), "{}\n").unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("flux install"), "{}", String::from_utf8_lossy(&out.stderr));

    let stack = dir.path().join("stack.kdl");
    let source = std::fs::read_to_string(&stack).unwrap();
    std::fs::write(&stack, source.replace(r#"engine "flux""#, r#"engine "flux" install-manifest=#false"#)).unwrap();
    assert!(stackc(dir.path(), &["build"]).status.success());
    assert!(!std::fs::read_to_string(&listing).unwrap().contains("gotk-components.yaml"));
}

/// A declared `git path=` that is not where the output directory is in its
/// Git repository wins, and the build says so.
#[test]
fn declared_git_path_that_differs_from_the_repository_is_reported() {
    let dir = example_project("argocd", Some(r#"engine "argocd""#), true);
    let stack = dir.path().join("stack.kdl");
    let source = std::fs::read_to_string(&stack).unwrap().replace(r#"branch="main""#, r#"branch="main" path="deploy""#);
    std::fs::write(&stack, source).unwrap();
    let out = stackc(dir.path(), &["build"]);
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(r#"declares `git path="deploy"`, but out is `out`"#), "{stderr}");
    assert!(engine_paths(&dir.path().join("out")).iter().all(|(_, p)| p.starts_with("deploy/")));
}
