//! `docs/zero-to-running.md` as it is pasted: every `sh` block, in order,
//! as one script in a scratch copy of the repository (its stack, store and
//! `out/`), with a fresh home directory and `stackc` on `PATH`. Then the
//! values it stored are the ones the walk-through says, encrypted to the new
//! identity only; and its table of the Flux order is the tree's `dependsOn`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::root;

const DOC: &str = "docs/zero-to-running.md";
const CLOUDFLARE: &str = "cf-token-from-the-walk-through";
const LDAP: &str = "ldap-token-from-the-walk-through";
const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// The `sh` blocks of the walk-through, each without its list indentation.
fn sh_blocks(doc: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for line in doc.lines() {
        let trimmed = line.trim_start();
        match current.take() {
            None if trimmed == "```sh" => current = Some((line.len() - trimmed.len(), String::new())),
            None => {}
            Some((_, block)) if trimmed == "```" => blocks.push(block),
            Some((indent, mut block)) => {
                block.push_str(line.get(indent..).unwrap_or(trimmed));
                block.push('\n');
                current = Some((indent, block));
            }
        }
    }
    assert!(current.is_none(), "an sh block is not closed");
    blocks
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn decrypt(dir: &Path, identity: &Path, secret: &str) -> std::collections::BTreeMap<String, String> {
    let source = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
    let project = stackc::secrets::Project::new(dir, stackc::resolve(&source).unwrap().remove(0));
    let ids = stackc::secrets::IdentitySources::from_env(Some(identity.to_path_buf())).require(&mut |_| {}).unwrap();
    stackc::secrets::show(&project, &project.id(secret).unwrap(), &ids).unwrap().string_data.into_iter().collect()
}

#[test]
fn the_walk_through_runs_as_written() {
    let doc = std::fs::read_to_string(root().join(DOC)).unwrap();
    let blocks = sh_blocks(&doc);
    assert!(blocks.len() >= 8, "the walk-through's sh blocks were not found");
    let scratch = tempfile::tempdir().unwrap();
    let (dir, home) = (scratch.path().join("repo"), scratch.path().join("home"));
    std::fs::create_dir_all(&home).unwrap();
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(root().join("stack.kdl"), dir.join("stack.kdl")).unwrap();
    copy_dir(&root().join("secrets"), &dir.join("secrets"));
    copy_dir(&root().join("out"), &dir.join("out"));

    let bin = Path::new(env!("CARGO_BIN_EXE_stackc")).parent().unwrap();
    let script = format!("set -eu\n{}", blocks.concat());
    let run = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .current_dir(&dir)
        .env_clear()
        .env("PATH", format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()))
        .env("HOME", &home)
        .env("NO_COLOR", "1")
        .env("CLOUDFLARE_API_TOKEN", CLOUDFLARE)
        .env("LDAP_OUTPOST_TOKEN", LDAP)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "the walk-through failed:\n{script}\n--- stderr\n{stderr}");

    // The bootstrap path it prints is the root Kustomization's, without `./`.
    let root_kustomization = dir.join("out/clusters/production/flux-system/kustomization-flux-system.yaml");
    let object: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(root_kustomization).unwrap()).unwrap();
    let path = object["spec"]["path"].as_str().unwrap().trim_start_matches("./");
    assert!(String::from_utf8_lossy(&run.stdout).lines().any(|l| l == path), "the walk-through does not print {path}");

    let stack = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
    assert!(!stack.contains(DEMO_RECIPIENT), "the demo recipient is still listed");
    let identity = home.join(".config/sops/age/keys.txt");
    assert!(identity.exists() && home.join("linkerd-trust-anchor.pem").exists());

    assert_eq!(decrypt(&dir, &identity, "cert-manager/cloudflare-api-token")["api-token"], CLOUDFLARE);
    assert_eq!(decrypt(&dir, &identity, "authentik/ldap-outpost-token")["token"], LDAP);
    let password = decrypt(&dir, &identity, "linkwarden/postgres-credentials").remove("password").unwrap();
    let url = decrypt(&dir, &identity, "linkwarden/linkwarden-secrets").remove("database-url").unwrap();
    assert!(
        url == format!("postgresql://postgres:{password}@postgres:5432/postgres"),
        "database-url is not formed as documented"
    );
    assert!(decrypt(&dir, &identity, "linkerd/linkerd-identity").contains_key("tls.key"));
    assert!(!decrypt(&dir, &identity, "authentik/authentik-secrets")["AUTHENTIK_SECRET_KEY"].is_empty());

    // Nothing in the store or the tree is encrypted to the demo identity any more.
    for (path, bytes) in crate::support::snapshot_dir(&dir.join("secrets"))
        .into_iter()
        .chain(crate::support::snapshot_dir(&dir.join("out")))
    {
        assert!(
            !String::from_utf8_lossy(&bytes).contains(DEMO_RECIPIENT),
            "{} is still encrypted to the demo key",
            path.display()
        );
    }
}

/// The order table's rows: (Kustomization, what it waits for).
fn order_rows(doc: &str) -> Vec<(String, BTreeSet<String>)> {
    let section = doc.split("## 9.").nth(1).expect("section 9").split("\n## ").next().unwrap();
    let ticked = |cell: &str| cell.split('`').skip(1).step_by(2).map(str::to_owned).collect::<Vec<_>>();
    section
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (cells.len() > 4 && cells[1].parse::<u32>().is_ok())
                .then(|| (ticked(cells[2]).remove(0), ticked(cells[3]).into_iter().collect()))
        })
        .collect()
}

#[test]
fn the_walk_through_order_is_the_trees() {
    let doc = std::fs::read_to_string(root().join(DOC)).unwrap();
    let rows = order_rows(&doc);
    let dir = root().join("out/clusters/production/flux-system");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap().flatten() {
        let file = entry.file_name().into_string().unwrap();
        if !file.starts_with("kustomization-") {
            continue;
        }
        let object: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(entry.path()).unwrap()).unwrap();
        let name = object["metadata"]["name"].as_str().unwrap().to_owned();
        let depends: BTreeSet<String> = object["spec"]["dependsOn"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| d["name"].as_str().unwrap().to_owned())
            .collect();
        let row = rows.iter().find(|(n, _)| *n == name).unwrap_or_else(|| panic!("{DOC} has no row for {name}"));
        assert_eq!(row.1, depends, "{DOC}: what `{name}` waits for");
        names.insert(name);
    }
    assert_eq!(rows.len(), names.len(), "{DOC} lists Kustomizations the tree does not have");
}
