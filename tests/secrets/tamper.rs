//! Tampering with a store file is detected by `stackc secrets show` (and
//! `rotate` never re-signs a tampered file): a flipped bit, swapped values,
//! an altered MAC, a wrong identity. Each exits 2 with its own message.

use std::fs;

use super::{Project, text};

const FILE: &str = "secrets/a/tokens.sops.yaml";

/// The line of `key:` and the `data:` part of its ENC value.
fn enc_line(file: &str, key: &str) -> String {
    file.lines()
        .find(|l| l.trim_start().starts_with(&format!("{key}: \"ENC[")))
        .unwrap_or_else(|| panic!("no {key} in {file}"))
        .to_owned()
}

/// Replaces the first base64 character after `data:` with another one.
fn flip(line: &str) -> String {
    let at = line.find("data:").unwrap() + "data:".len();
    let old = line.as_bytes()[at];
    let new = if old == b'A' { 'B' } else { 'A' };
    format!("{}{new}{}", &line[..at], &line[at + 1..])
}

fn show_fails(project: &Project, identity: &std::path::Path, message: &str) {
    let identity = identity.to_str().unwrap();
    for args in
        [vec!["secrets", "show", "a/tokens", "--identity", identity], vec!["secrets", "rotate", "--identity", identity]]
    {
        let out = project.expect(2, &args, b"", &[]);
        let stderr = text(&out.stderr);
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        if args[1] == "show" {
            assert!(out.stdout.is_empty(), "nothing printed on failure");
        }
    }
}

#[test]
fn a_flipped_bit_in_a_value_is_detected() {
    let (project, identity) = Project::seeded("planted-value");
    let original = project.read(FILE);
    let line = enc_line(&original, "api");
    fs::write(project.path().join(FILE), original.replace(&line, &flip(&line))).unwrap();
    show_fails(&project, &identity, "value at `stringData:api:` failed authentication");
    // rotate did not touch it.
    assert_ne!(project.read(FILE), original);
    assert!(project.read(FILE).contains(&flip(&line)));
}

#[test]
fn swapped_values_are_detected() {
    let (project, identity) = Project::seeded("planted-value");
    let original = project.read(FILE);
    let api = enc_line(&original, "api");
    let session = enc_line(&original, "session");
    let value = |l: &str| l[l.find('"').unwrap()..].to_owned();
    let swapped = original
        .replace(&api, &api.replace(&value(&api), &value(&session)))
        .replace(&session, &session.replace(&value(&session), &value(&api)));
    fs::write(project.path().join(FILE), swapped).unwrap();
    show_fails(
        &project,
        &identity,
        "value at `stringData:api:` was encrypted for `stringData:session:`: it was moved or swapped",
    );
}

#[test]
fn an_altered_mac_is_detected() {
    let (project, identity) = Project::seeded("planted-value");
    let original = project.read(FILE);
    let mac = enc_line(&original, "mac");
    fs::write(project.path().join(FILE), original.replace(&mac, &flip(&mac))).unwrap();
    show_fails(&project, &identity, "the MAC failed authentication");
}

#[test]
fn a_wrong_identity_is_refused() {
    let (project, _) = Project::seeded("planted-value");
    let (other, _) = project.keygen("other");
    show_fails(&project, &other, "none of the given age identities can open");
}

#[test]
fn a_removed_value_is_caught_by_the_mac() {
    let (project, identity) = Project::seeded("planted-value");
    let original = project.read(FILE);
    let api = enc_line(&original, "api");
    fs::write(project.path().join(FILE), original.replace(&format!("{api}\n"), "")).unwrap();
    show_fails(&project, &identity, "MAC mismatch");
}
