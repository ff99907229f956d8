//! The certificates of Linkerd's identity have what Linkerd checks
//! (linkerd/linkerd2 edge-25.10.7 pkg/issuercerts/issuercerts.go:140-185,
//! pkg/identity/service.go:135-142, pkg/tls/ca.go:113-173): P-256 keys,
//! ECDSA-SHA256 signatures, CA basic constraints, certificate and CRL sign
//! usages, the names, the lifetimes, the issuer signed by the anchor.
//! Read back with the x509-cert crate, and with `openssl` where it is installed.

use std::process::Command;
use std::time::Duration;

use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{DerSignature, VerifyingKey};
use p256::pkcs8::DecodePublicKey;
use stackc::secrets::pki::{ANCHOR_NAME, Ca, ISSUER_NAME};
use stackc::secrets::sops::OsRng;
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};

/// 2026-12-07T00:00:00Z.
const NOW: Duration = Duration::from_secs(1_796_601_600);
const DAY: u64 = 24 * 3600;

fn pair() -> (Ca, Ca) {
    let anchor = Ca::new_anchor(NOW, &mut OsRng).unwrap();
    let issuer = anchor.new_issuer(NOW, &mut OsRng).unwrap();
    (anchor, issuer)
}

fn reparse(ca: &Ca) -> Certificate {
    Certificate::from_pem(ca.certificate_pem().unwrap().as_bytes()).unwrap()
}

fn common_name(c: &Certificate) -> String {
    c.tbs_certificate.subject.to_string()
}

fn lifetime_days(c: &Certificate) -> u64 {
    let v = &c.tbs_certificate.validity;
    (v.not_after.to_unix_duration() - v.not_before.to_unix_duration()).as_secs() / DAY
}

fn check_ca(c: &Certificate, path_len: u8) {
    // id-ecPublicKey with the named curve prime256v1 (P-256).
    let spki = &c.tbs_certificate.subject_public_key_info;
    assert_eq!(spki.algorithm.oid.to_string(), "1.2.840.10045.2.1");
    let curve = spki.algorithm.parameters.as_ref().unwrap().decode_as::<x509_cert::der::asn1::ObjectIdentifier>();
    assert_eq!(curve.unwrap().to_string(), "1.2.840.10045.3.1.7");
    // ecdsa-with-SHA256.
    assert_eq!(c.signature_algorithm.oid.to_string(), "1.2.840.10045.4.3.2");
    assert_eq!(c.tbs_certificate.signature.oid.to_string(), "1.2.840.10045.4.3.2");
    let (critical, constraints) = c.tbs_certificate.get::<BasicConstraints>().unwrap().unwrap();
    assert!(critical && constraints.ca);
    assert_eq!(constraints.path_len_constraint, Some(path_len));
    let (critical, usage) = c.tbs_certificate.get::<KeyUsage>().unwrap().unwrap();
    assert!(critical);
    assert_eq!(usage.0, KeyUsages::KeyCertSign | KeyUsages::CRLSign);
    assert_eq!(c.tbs_certificate.version, x509_cert::Version::V3);
}

fn verify_signed_by(c: &Certificate, signer: &Certificate) {
    let key =
        VerifyingKey::from_public_key_der(&signer.tbs_certificate.subject_public_key_info.to_der().unwrap()).unwrap();
    let signature = DerSignature::from_bytes(c.signature.raw_bytes()).unwrap();
    key.verify(&c.tbs_certificate.to_der().unwrap(), &signature).expect("signature verifies");
}

#[test]
fn the_trust_anchor_is_a_ten_year_p256_root() {
    let (anchor, _) = pair();
    let c = reparse(&anchor);
    assert_eq!(common_name(&c), format!("CN={ANCHOR_NAME}"));
    assert_eq!(c.tbs_certificate.issuer, c.tbs_certificate.subject, "self-signed");
    check_ca(&c, 1);
    verify_signed_by(&c, &c);
    assert_eq!(c.tbs_certificate.validity.not_before.to_unix_duration(), NOW - Duration::from_secs(300));
    assert_eq!(lifetime_days(&c), 3650);
}

#[test]
fn the_issuer_is_a_one_year_p256_ca_of_path_length_zero_signed_by_the_anchor() {
    let (anchor, issuer) = pair();
    let (a, i) = (reparse(&anchor), reparse(&issuer));
    assert_eq!(common_name(&i), format!("CN={ISSUER_NAME}"));
    assert_eq!(i.tbs_certificate.issuer, a.tbs_certificate.subject);
    check_ca(&i, 0);
    verify_signed_by(&i, &a);
    assert_eq!(lifetime_days(&i), 365);
    assert!(
        i.tbs_certificate.validity.not_after.to_unix_duration()
            <= a.tbs_certificate.validity.not_after.to_unix_duration()
    );
    assert_ne!(i.tbs_certificate.serial_number, a.tbs_certificate.serial_number);
}

#[test]
fn an_issuer_never_outlives_its_anchor() {
    let anchor = Ca::new_anchor(NOW, &mut OsRng).unwrap();
    let late = NOW + Duration::from_secs(3600 * DAY);
    let issuer = reparse(&anchor.new_issuer(late, &mut OsRng).unwrap());
    let anchor = reparse(&anchor);
    assert_eq!(issuer.tbs_certificate.validity.not_after, anchor.tbs_certificate.validity.not_after);
}

#[test]
fn an_expired_anchor_issues_nothing() {
    let anchor = Ca::new_anchor(NOW, &mut OsRng).unwrap();
    let after = NOW + Duration::from_secs(3651 * DAY);
    let err = anchor.new_issuer(after, &mut OsRng).unwrap_err();
    assert!(matches!(err, stackc::secrets::pki::PkiError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("rotate the anchor"), "{err}");
}

#[test]
fn the_anchor_file_reads_back_and_a_foreign_key_is_refused() {
    let (anchor, issuer) = pair();
    let text = format!("{}{}", anchor.certificate_pem().unwrap(), anchor.key_pkcs8_pem().unwrap());
    let back = Ca::from_pem(&text).unwrap();
    assert_eq!(reparse(&back), reparse(&anchor));
    let foreign = format!("{}{}", anchor.certificate_pem().unwrap(), issuer.key_pkcs8_pem().unwrap());
    assert!(matches!(Ca::from_pem(&foreign), Err(stackc::secrets::pki::PkiError::KeyMismatch)));
    assert!(Ca::from_pem(&anchor.certificate_pem().unwrap()).is_err(), "a file without the key");
}

#[test]
fn debug_never_shows_the_key() {
    let (anchor, _) = pair();
    let key = anchor.key_pkcs8_pem().unwrap();
    let debug = format!("{anchor:?}");
    assert!(debug.contains(ANCHOR_NAME) && !debug.contains(key.lines().nth(1).unwrap()), "{debug}");
}

/// `openssl verify` accepts the chain and `openssl pkey` reads the issuer's
/// key (Go's parser, like OpenSSL's, needs the curve named in the key).
#[test]
fn openssl_verifies_the_chain_and_reads_the_key() {
    if Command::new("openssl").arg("version").output().is_err() {
        eprintln!("SKIP openssl check: no `openssl` binary");
        return;
    }
    let (anchor, issuer) = pair();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let ca = file("ca.crt", anchor.certificate_pem().unwrap());
    let crt = file("tls.crt", issuer.certificate_pem().unwrap());
    let key = file("tls.key", issuer.key_pkcs8_pem().unwrap());
    // The certificates start at NOW less five minutes: verify at NOW + 1 day.
    let at = (NOW.as_secs() + DAY).to_string();
    let out = Command::new("openssl")
        .args(["verify", "-attime", &at, "-x509_strict", "-CAfile"])
        .arg(&ca)
        .arg(&crt)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let out = Command::new("openssl").args(["x509", "-noout", "-text", "-in"]).arg(&crt).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in [
        "Signature Algorithm: ecdsa-with-SHA256",
        "Issuer: CN = root.linkerd.cluster.local",
        "Subject: CN = identity.linkerd.cluster.local",
        "NIST CURVE: P-256",
        "X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0",
        "X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign",
    ] {
        assert!(text.contains(expected), "{expected}:\n{text}");
    }
    let key_pub = Command::new("openssl").args(["pkey", "-pubout", "-in"]).arg(&key).output().unwrap();
    let crt_pub = Command::new("openssl").args(["x509", "-noout", "-pubkey", "-in"]).arg(&crt).output().unwrap();
    assert!(key_pub.status.success(), "{}", String::from_utf8_lossy(&key_pub.stderr));
    assert_eq!(key_pub.stdout, crt_pub.stdout, "the key belongs to the certificate");
}
