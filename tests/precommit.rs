//! The pre-commit hooks: `.pre-commit-hooks.yaml` parses, its hooks run the
//! `stackc` on PATH with no build, and the README's `.pre-commit-config.yaml`
//! (a stack at the root and one in a subdirectory) runs as documented in a
//! temporary repository: each hook fires for its own stack's files and
//! `stackc build --check` passes on a current tree and fails on drift.

use std::fs;
use std::process::Command;

use serde_yaml_ng::Value;

use crate::support::root;

const STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        git url="ssh://git@example.org/acme/gitops" branch="main" interval="10m"
    }
    platform {
        engine "flux"
    }
    namespace "a" {
        app "web" image="ghcr.io/acme/web:1.0" {
            port "http" 8080
        }
    }
}
"#;

fn hooks() -> Vec<Value> {
    let text = fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    serde_yaml_ng::from_str::<Vec<Value>>(&text).expect(".pre-commit-hooks.yaml is a YAML list")
}

/// The README's example `.pre-commit-config.yaml`.
fn readme_config() -> Value {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("```yaml\n# .pre-commit-config.yaml").expect("README shows a .pre-commit-config.yaml");
    let block = &readme[start + "```yaml\n".len()..];
    serde_yaml_ng::from_str(&block[..block.find("```").unwrap()]).unwrap()
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or_else(|| panic!("`{key}` missing in {v:?}"))
}

#[test]
fn the_hooks_run_stackc_from_path_with_a_source_built_alternative() {
    let hooks = hooks();
    let language = |id: &str| str_of(hooks.iter().find(|h| h["id"] == id).unwrap(), "language").to_owned();
    assert_eq!(language("stackc-check"), "system");
    assert_eq!(language("stackc-build"), "system");
    assert_eq!(language("stackc-check-source"), "rust");
    assert_eq!(language("stackc-fmt"), "system");
    for h in &hooks {
        if h["id"] == "stackc-fmt" {
            // fmt takes the staged stack files as its arguments.
            assert_eq!(str_of(h, "entry"), "stackc fmt --check");
            assert!(regex_lite::Regex::new(str_of(h, "files")).unwrap().is_match("clusters/home/stack.kdl"));
            continue;
        }
        assert!(str_of(h, "entry").starts_with("stackc build"), "{h:?}");
        assert_eq!(h["pass_filenames"], Value::Bool(false));
        regex_lite::Regex::new(str_of(h, "files")).unwrap();
    }
    // No tag is referenced: stackc has none yet.
    let config = readme_config();
    let rev = str_of(&config["repos"][0], "rev");
    assert!(rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit()), "rev {rev} is not a commit");
}

#[test]
fn the_documented_config_checks_a_root_and_a_subdirectory_stack() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("clusters/home");
    fs::create_dir_all(&sub).unwrap();
    fs::write(dir.path().join("stack.kdl"), STACK).unwrap();
    fs::write(sub.join("stack.kdl"), STACK.replace("ghcr.io/acme/web:1.0", "ghcr.io/acme/web:2.0")).unwrap();
    let bin = env!("CARGO_BIN_EXE_stackc");
    let run = |args: &[String]| {
        let out = Command::new(bin).args(args).current_dir(dir.path()).output().unwrap();
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let hooks = hooks();
    let config = readme_config();
    let configured: Vec<&Value> = config["repos"][0]["hooks"].as_sequence().unwrap().iter().collect();
    assert_eq!(configured.len(), 2);
    // Each configured hook: its command (entry + args, `stackc` from PATH)
    // and the files it fires for.
    let commands: Vec<(Vec<String>, regex_lite::Regex)> = configured
        .iter()
        .map(|c| {
            let hook = hooks.iter().find(|h| h["id"] == c["id"]).expect("the config names a hook of the file");
            let mut words: Vec<String> = str_of(hook, "entry").split(' ').map(str::to_owned).collect();
            assert_eq!(words.remove(0), "stackc");
            for a in c["args"].as_sequence().into_iter().flatten() {
                words.push(a.as_str().unwrap().to_owned());
            }
            let files = c["files"].as_str().unwrap_or_else(|| str_of(hook, "files"));
            (words, regex_lite::Regex::new(files).unwrap())
        })
        .collect();
    let (root_hook, sub_hook) = (&commands[0], &commands[1]);
    assert!(root_hook.1.is_match("stack.kdl") && !root_hook.1.is_match("clusters/home/stack.kdl"));
    assert!(sub_hook.1.is_match("clusters/home/stack.kdl") && sub_hook.1.is_match("clusters/home/out/x.yaml"));
    assert!(!sub_hook.1.is_match("stack.kdl"));
    // Nothing rendered yet: both checks fail; after building, both pass.
    for (words, _) in &commands {
        assert_eq!(run(words).0, Some(1), "{words:?}");
        let build: Vec<String> = words.iter().filter(|w| *w != "--check").cloned().collect();
        assert_eq!(run(&build).0, Some(0), "{build:?}");
        assert_eq!(run(words).0, Some(0), "{words:?}");
    }
    assert!(sub.join("out/clusters/c/a/deployment-web.yaml").is_file());
    // A change to the subdirectory's stack fails its hook only.
    fs::write(sub.join("stack.kdl"), STACK.replace("ghcr.io/acme/web:1.0", "ghcr.io/acme/web:3.0")).unwrap();
    let (code, stdout) = run(&sub_hook.0);
    assert_eq!(code, Some(1));
    assert!(stdout.contains("changed: clusters/home/out/clusters/c/a/deployment-web.yaml"), "{stdout}");
    assert_eq!(run(&root_hook.0).0, Some(0));
}
