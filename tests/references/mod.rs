//! No Secret, ConfigMap or chart value the cluster would be missing: every
//! reference an object of a rendered tree makes (env `secretKeyRef` and
//! `configMapKeyRef`, `envFrom`, volumes, image pull Secrets, Flux
//! `valuesFrom`, `decryption.secretRef` and source `secretRef`, an
//! issuer's DNS-01 token and ACME account key, an IngressRoute's TLS
//! Secret, env fragments in chart values, what a chart's own pods read) is
//! to something the tree holds (with the key), something a controller or
//! chart creates (`facts.rs`, cited), a Secret the stack declares
//! `external`, or an out-of-tree prerequisite `docs/zero-to-running.md`
//! says how to create.

mod facts;
mod pods;
mod seed_values;
mod walk;

use std::collections::BTreeSet;
use std::fmt::Write as _;

use stackc::render::Tree;

use crate::support::{compile_in, root};
use walk::{Kind, Reference};

const EXAMPLES: &[&str] = &["minimal", "multi-namespace", "mixed", "argocd", "kustomize", "environments", "social"];

/// Where each reference of `tree` is satisfied; the problems found.
struct Resolution {
    lines: Vec<String>,
    problems: Vec<String>,
}

/// Resolves every reference of `tree`; `source` is its stack (for
/// `external` Secrets).
fn resolve(tree: &Tree, source: &str) -> Resolution {
    let parsed = walk::parse(tree);
    let mut made = facts::controllers(&parsed);
    let mut references = parsed.references.clone();
    let mut problems = Vec::new();
    for install in &parsed.charts {
        if (install.chart == "authentik" && install.version != facts::AUTHENTIK)
            || (install.chart == "linkerd-control-plane" && install.version != facts::LINKERD)
        {
            problems.push(format!("{}: {} {} has no recorded facts", install.from, install.chart, install.version));
        }
        facts::chart(install, &mut made, &mut references);
        problems.extend(facts::missing_values(install, &parsed));
    }
    for (ns, name, why) in facts::PREREQUISITES {
        made.push(facts::Made {
            kind: Kind::Secret,
            namespace: (*ns).to_owned(),
            name: (*name).to_owned(),
            keys: None,
            by: why,
        });
    }
    let external: BTreeSet<(String, String)> = stackc::resolve(source)
        .expect("the stack resolves")
        .iter()
        .flat_map(|s| {
            s.namespaces
                .iter()
                .flat_map(|n| n.secrets.iter().filter(|s| s.external).map(|s| (n.name.clone(), s.name.value.clone())))
        })
        .collect();
    let mut lines = BTreeSet::new();
    for r in &references {
        let (found, by) = find(&parsed, &made, &external, r);
        let target = format!(
            "{:?} {}/{}{}",
            r.kind,
            r.namespace,
            r.name,
            r.key.as_ref().map(|k| format!(" [{k}]")).unwrap_or_default()
        );
        match found {
            Found::Yes => {
                lines.insert(format!("{target} ← {} ({}): {by}", r.from, r.via));
            }
            Found::NoKey if !r.optional => {
                problems.push(format!("{} ({}): {target}: the key is not there ({by})", r.from, r.via))
            }
            Found::No if !r.optional => problems.push(format!("{} ({}): {target}: nothing creates it", r.from, r.via)),
            Found::NoKey | Found::No => {}
        }
    }
    problems.sort();
    Resolution { lines: lines.into_iter().collect(), problems }
}

enum Found {
    Yes,
    NoKey,
    No,
}

fn find(
    parsed: &walk::Parsed,
    made: &[facts::Made],
    external: &BTreeSet<(String, String)>,
    r: &Reference,
) -> (Found, String) {
    let has = |keys: Option<&BTreeSet<String>>| match (&r.key, keys) {
        (Some(k), Some(keys)) if !keys.contains(k) => Found::NoKey,
        _ => Found::Yes,
    };
    if let Some(keys) = parsed.held.get(&(r.kind, r.namespace.clone(), r.name.clone())) {
        return (has(Some(keys)), "in the tree".to_owned());
    }
    if let Some(m) = made.iter().find(|m| m.kind == r.kind && m.namespace == r.namespace && m.name == r.name) {
        return (has(m.keys.as_ref()), m.by.to_owned());
    }
    if r.kind == Kind::Secret && external.contains(&(r.namespace.clone(), r.name.clone())) {
        return (Found::Yes, "declared external=#true in the stack".to_owned());
    }
    (Found::No, String::new())
}

fn seed() -> (Tree, String) {
    let source = std::fs::read_to_string(root().join("stack.kdl")).unwrap();
    (compile_in(&root(), &source).unwrap(), source)
}

fn example(name: &str) -> (Tree, String) {
    let dir = root().join("examples").join(name);
    let source = std::fs::read_to_string(dir.join("stack.kdl")).unwrap();
    (compile_in(&dir, &source).unwrap(), source)
}

#[test]
fn the_seed_tree_refers_to_nothing_the_cluster_would_miss() {
    let (tree, source) = seed();
    let resolution = resolve(&tree, &source);
    assert!(resolution.problems.is_empty(), "{:#?}", resolution.problems);
    // Where every reference of the seed is satisfied: review this list when it changes.
    let mut listing = String::new();
    for line in &resolution.lines {
        writeln!(listing, "{line}").unwrap();
    }
    insta::assert_snapshot!("seed_references", listing);
}

#[test]
fn every_example_tree_refers_to_nothing_the_cluster_would_miss() {
    for name in EXAMPLES {
        let (tree, source) = example(name);
        let resolution = resolve(&tree, &source);
        assert!(resolution.problems.is_empty(), "examples/{name}: {:#?}", resolution.problems);
        assert!(!resolution.lines.is_empty() || *name == "minimal", "examples/{name}: no reference was read");
    }
}

/// The seed tree with one file removed or edited.
fn seed_with(edit: impl FnOnce(&mut Tree)) -> Vec<String> {
    let (mut tree, source) = seed();
    edit(&mut tree);
    resolve(&tree, &source).problems
}

fn replace(tree: &mut Tree, path: &str, from: &str, to: &str) {
    let file = tree.files.get_mut(path).unwrap_or_else(|| panic!("{path} is in the tree"));
    let text = String::from_utf8(file.clone()).unwrap();
    assert!(text.contains(from), "{path} holds {from:?}");
    *file = text.replace(from, to).into_bytes();
}

fn assert_found(problems: &[String], needle: &str) {
    assert!(problems.iter().any(|p| p.contains(needle)), "no problem mentions {needle:?}: {problems:#?}");
}

#[test]
fn a_missing_secret_is_a_dangling_reference() {
    let problems = seed_with(|t| {
        t.files.remove("clusters/production/authentik/secret-ldap-outpost-token.yaml");
    });
    assert_found(
        &problems,
        "deployment-ldap-outpost.yaml (env.valueFrom.secretKeyRef): Secret authentik/ldap-outpost-token [token]: nothing creates it",
    );
}

#[test]
fn a_missing_key_is_a_dangling_reference() {
    let problems = seed_with(|t| {
        replace(t, "clusters/production/linkerd/secret-linkerd-identity.yaml", "\n  tls.key:", "\n  tls-key:")
    });
    assert_found(
        &problems,
        "helmrelease-linkerd-control-plane.yaml (spec.valuesFrom): Secret linkerd/linkerd-identity [tls.key]: the key is not there",
    );
}

#[test]
fn an_undocumented_decryption_secret_is_a_dangling_reference() {
    let problems = seed_with(|t| {
        replace(t, "clusters/production/flux-system/kustomization-linkerd.yaml", "name: sops-age", "name: age-keys")
    });
    assert_found(
        &problems,
        "kustomization-linkerd.yaml (spec.decryption.secretRef): Secret flux-system/age-keys: nothing creates it",
    );
}

#[test]
fn a_dns01_token_nothing_creates_is_a_dangling_reference() {
    let problems = seed_with(|t| {
        t.files.remove("clusters/production/cert-manager/secret-cloudflare-api-token.yaml");
    });
    assert_found(
        &problems,
        "(dns01.cloudflare.apiTokenSecretRef): Secret cert-manager/cloudflare-api-token [api-token]: nothing creates it",
    );
}

#[test]
fn authentik_without_its_secret_key_is_missing_a_value() {
    let problems = seed_with(|t| {
        replace(
            t,
            "clusters/production/authentik/secret-authentik-secrets.yaml",
            "AUTHENTIK_SECRET_KEY:",
            "SECRET_KEY:",
        )
    });
    assert_found(&problems, "helmrelease-authentik.yaml: AUTHENTIK_SECRET_KEY");
}

#[test]
fn a_tls_secret_no_certificate_issues_is_a_dangling_reference() {
    let problems = seed_with(|t| {
        t.files.remove("clusters/production/linkwarden/certificate-links-acme-io.yaml");
    });
    assert_found(
        &problems,
        "ingressroute-links-acme-io.yaml (spec.tls.secretName): Secret linkwarden/links-acme-io-tls [tls.crt]: nothing creates it",
    );
}

#[test]
fn a_service_account_nothing_creates_is_a_dangling_identity() {
    let problems = seed_with(|t| {
        t.files.remove("clusters/production/linkwarden/serviceaccount-linkwarden.yaml");
    });
    assert_found(
        &problems,
        "deployment-linkwarden.yaml (serviceAccountName): ServiceAccount linkwarden/linkwarden: nothing creates it",
    );
    assert_found(&problems, "(spec.identityRefs): ServiceAccount linkwarden/linkwarden: nothing creates it");
}

#[test]
fn authentik_without_its_account_subchart_is_a_dangling_identity() {
    let problems = seed_with(|t| {
        let path = "clusters/production/authentik/helmrelease-authentik.yaml";
        replace(
            t,
            path,
            "    postgresql:\n      enabled: false\n",
            "    postgresql:\n      enabled: false\n    serviceAccount:\n      create: false\n",
        );
    });
    assert_found(
        &problems,
        "helmrelease-authentik.yaml (values serviceAccountName): ServiceAccount authentik/authentik: nothing creates it",
    );
}

#[test]
fn linkerd_under_argocd_reads_trust_roots_the_tree_must_hold() {
    let (mut tree, source) = example("argocd");
    tree.files.remove("clusters/staging/linkerd/configmap-linkerd-identity-trust-roots.yaml");
    let problems = resolve(&tree, &source).problems;
    assert_found(
        &problems,
        "(chart: trust-roots volume): ConfigMap linkerd/linkerd-identity-trust-roots [ca-bundle.crt]: nothing creates it",
    );
}

#[test]
fn every_prerequisite_is_in_the_walk_through() {
    let doc = std::fs::read_to_string(root().join("docs/zero-to-running.md")).expect("docs/zero-to-running.md");
    for (ns, name, _) in facts::PREREQUISITES {
        assert!(doc.contains(&format!("`{ns}/{name}`")), "docs/zero-to-running.md does not list `{ns}/{name}`");
    }
}
