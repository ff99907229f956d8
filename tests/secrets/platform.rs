//! The Secrets the platform reads: Linkerd's identity (made by `stackc
//! secrets linkerd-identity`) and the DNS-01 API token of an ACME issuer.
//! Declared implicitly, stored like app secrets, rendered encrypted into
//! the platform component's directory with SOPS decryption, and a build
//! error with the command to run while one has no value.

use std::fs;
use std::path::Path;

use super::{Project, real_sops_decrypt, text};

/// A stack with Linkerd and a DNS-01 issuer; `ENGINE` is replaced.
const PLATFORM_STACK: &str = r#"stack "s" {
    cluster "c" distribution="k3s" version="1.33" {
        git url="ssh://git@example.org/cluster" branch="main"
        RECIPIENTS
    }
    platform {
        ENGINE
        linkerd inbound="all-authenticated"
        traefik
        cert-manager {
            issuer "le" acme-email="ops@example.org" dns01="cloudflare" token-secret="cf-token"
        }
    }
    namespace "a" {
        app "web" image="x:1" {
            port "http" 8080
        }
    }
}
"#;

/// The decrypted values of a stored Secret (PEM values span lines, so not
/// through `secrets show`'s `KEY=value` lines).
fn stored(project: &Project, secret: &str, identity: &Path) -> Vec<(String, String)> {
    let source = fs::read_to_string(project.path().join("stack.kdl")).unwrap();
    let stack = stackc::resolve(&source).unwrap().remove(0);
    let p = stackc::secrets::Project::new(project.path(), stack);
    let ids = stackc::secrets::IdentitySources::from_env(Some(identity.to_path_buf())).require(&mut |_| {}).unwrap();
    let plain = stackc::secrets::show(&p, &p.id(secret).unwrap(), &ids).unwrap();
    plain.string_data.into_iter().collect()
}

fn platform_project(engine: &str) -> (Project, std::path::PathBuf) {
    let project = Project::new(&[]);
    let (key, recipient) = project.keygen("a");
    project.write_stack(&PLATFORM_STACK.replace("ENGINE", engine), &[&recipient]);
    (project, key)
}

/// Every store value filled: the identity from a new anchor, the token.
fn fill(project: &Project) {
    project.ok(&["secrets", "linkerd-identity", "--anchor", "anchor/root.pem"], b"", &[]);
    project.ok(&["secrets", "set", "cert-manager/cf-token", "api-token"], b"not-a-real-token", &[]);
}

#[test]
fn without_values_the_build_names_the_commands() {
    let (project, _) = platform_project(r#"engine "flux""#);
    let out = project.expect(2, &["build"], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Secret `linkerd/linkerd-identity` has no values"), "{stderr}");
    assert!(stderr.contains("run `stackc secrets linkerd-identity`"), "{stderr}");
    assert!(stderr.contains("Secret `cert-manager/cf-token` has no values"), "{stderr}");
    assert!(stderr.contains("run `stackc secrets set cert-manager/cf-token api-token`"), "{stderr}");
    assert!(!project.path().join("out").exists(), "nothing is written");
}

#[test]
fn flux_renders_both_encrypted_with_decryption() {
    let (project, key) = platform_project(r#"engine "flux""#);
    fill(&project);
    project.ok(&["build"], b"", &[]);
    let identity = project.read("out/clusters/c/linkerd/secret-linkerd-identity.yaml");
    let token = project.read("out/clusters/c/cert-manager/secret-cf-token.yaml");
    for (text, keys) in [(&identity, &["ca.crt", "tls.crt", "tls.key"][..]), (&token, &["api-token"][..])] {
        for key in keys {
            assert!(text.contains(&format!("{key}: \"ENC[AES256_GCM")), "{key} encrypted:\n{text}");
        }
        assert!(!text.contains("-----BEGIN CERTIFICATE") && !text.contains("PRIVATE KEY"), "no plaintext:\n{text}");
        assert!(!text.contains("not-a-real-token"), "no plaintext:\n{text}");
    }
    for name in ["linkerd", "cert-manager"] {
        let kustomization = project.read(&format!("out/clusters/c/flux-system/kustomization-{name}.yaml"));
        assert!(kustomization.contains("decryption:\n    provider: sops"), "{name}:\n{kustomization}");
    }
    let release = project.read("out/clusters/c/linkerd/helmrelease-linkerd-control-plane.yaml");
    assert!(release.contains("name: linkerd-identity\n      valuesKey: tls.key"), "{release}");
    assert!(!project.path().join("out/clusters/c/linkerd/configmap-linkerd-identity-trust-roots.yaml").exists());
    for path in [
        "out/clusters/c/linkerd/secret-linkerd-identity.yaml",
        "out/clusters/c/cert-manager/secret-cf-token.yaml",
        "secrets/linkerd/linkerd-identity.sops.yaml",
    ] {
        if let Some(out) = real_sops_decrypt(&project.path().join(path), &key) {
            assert!(out.status.success(), "sops decrypts {path}: {}", text(&out.stderr));
        }
    }
}

#[test]
fn the_anchor_stays_outside_the_store_and_renews_the_issuer() {
    let (project, key) = platform_project(r#"engine "flux""#);
    fill(&project);
    let anchor_path = project.path().join("anchor/root.pem");
    let anchor = fs::read_to_string(&anchor_path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(fs::metadata(&anchor_path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let first = stored(&project, "linkerd/linkerd-identity", &key);
    let value = |values: &[(String, String)], k: &str| {
        values.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap_or_default()
    };
    let anchor_certificate = value(&first, "ca.crt");
    assert!(anchor.starts_with(anchor_certificate.trim_end()), "ca.crt is the anchor's certificate");
    let anchor_key = &anchor[anchor.find("-----BEGIN PRIVATE KEY-----").unwrap()..];
    assert!(first.iter().all(|(_, v)| !v.contains(anchor_key.trim_end())), "the anchor's key is not stored");

    project.ok(&["secrets", "linkerd-identity", "--anchor", "anchor/root.pem"], b"", &[]);
    assert_eq!(fs::read_to_string(&anchor_path).unwrap(), anchor, "the anchor file is never rewritten");
    let second = stored(&project, "linkerd/linkerd-identity", &key);
    assert_eq!(value(&second, "ca.crt"), anchor_certificate, "same trust anchor");
    assert_ne!(value(&second, "tls.crt"), value(&first, "tls.crt"), "a new issuer");
    assert_ne!(value(&second, "tls.key"), value(&first, "tls.key"), "with a new key");
}

#[test]
fn argo_cd_renders_the_stored_identity_as_the_tls_secret_and_the_anchor_as_the_trust_roots() {
    let (project, key) = platform_project(r#"engine "argocd""#);
    fill(&project);
    project.ok(&["build"], b"", &[]);
    let issuer = project.read("out/clusters/c/linkerd/secret-linkerd-identity-issuer.yaml");
    assert!(issuer.contains("type: kubernetes.io/tls"), "{issuer}");
    assert!(issuer.contains("tls.key: \"ENC[AES256_GCM") && issuer.contains("ca.crt: \"ENC[AES256_GCM"), "{issuer}");
    let generator = project.read("out/clusters/c/linkerd/ksops-linkerd.yaml");
    assert!(generator.contains("secret-linkerd-identity-issuer.yaml"), "{generator}");
    let path = project.path().join("out/clusters/c/linkerd/secret-linkerd-identity-issuer.yaml");
    if let Some(out) = real_sops_decrypt(&path, &key) {
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    // The public anchor, as the stored `ca.crt`, in the ConfigMap and the values.
    let anchor = stored(&project, "linkerd/linkerd-identity", &key).into_iter().find(|(k, _)| k == "ca.crt").unwrap().1;
    assert_eq!(project.read("secrets/linkerd/trust-anchor.crt"), anchor);
    let roots: serde_json::Value =
        serde_yaml_ng::from_str(&project.read("out/clusters/c/linkerd/configmap-linkerd-identity-trust-roots.yaml"))
            .unwrap();
    assert_eq!(roots["data"]["ca-bundle.crt"], anchor.as_str());
    let app: serde_json::Value =
        serde_yaml_ng::from_str(&project.read("out/clusters/c/argocd/application-linkerd-linkerd-control-plane.yaml"))
            .unwrap();
    let values = &app["spec"]["source"]["helm"]["valuesObject"];
    assert_eq!(values["identityTrustAnchorsPEM"], anchor.as_str(), "{app:#?}");
    assert_eq!(values["identity"]["externalCA"], true);
    assert_eq!(values["identity"]["issuer"]["scheme"], "kubernetes.io/tls");

    fs::remove_file(project.path().join("secrets/linkerd/trust-anchor.crt")).unwrap();
    let out = project.expect(2, &["build"], b"", &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("`secrets/linkerd/trust-anchor.crt` does not exist"), "{stderr}");
    assert!(stderr.contains("run `stackc secrets linkerd-identity --anchor FILE`"), "{stderr}");
}

#[test]
fn linkerd_identity_needs_linkerd() {
    let project = Project::new(&[]);
    let (_, recipient) = project.keygen("a");
    project.write_stack(super::STACK, &[&recipient]);
    let out = project.expect(2, &["secrets", "linkerd-identity", "--anchor", "root.pem"], b"", &[]);
    assert!(text(&out.stderr).contains("no `linkerd`"), "{}", text(&out.stderr));
    assert!(!Path::new(&project.path().join("root.pem")).exists());
}

#[test]
fn the_platform_secrets_join_rotate_and_generate_leaves_them_alone() {
    let (project, key) = platform_project(r#"engine "flux""#);
    fill(&project);
    let out = project.ok(&["secrets", "generate"], b"", &[]);
    assert!(text(&out.stderr).contains("nothing to do"), "{}", text(&out.stderr));
    let before = stored(&project, "linkerd/linkerd-identity", &key);
    let out = project.ok(&["secrets", "rotate"], b"", &[("SOPS_AGE_KEY_FILE", &key)]);
    let stderr = text(&out.stderr);
    for path in ["secrets/linkerd/linkerd-identity.sops.yaml", "secrets/cert-manager/cf-token.sops.yaml"] {
        assert!(stderr.contains(&format!("rotated {path}")), "{stderr}");
    }
    assert_eq!(stored(&project, "linkerd/linkerd-identity", &key), before, "same values, new data key");
}
