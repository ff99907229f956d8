//! Unit tests of the app mapping.

use super::*;

#[test]
fn a_user_in_a_url_is_not_a_host() {
    let services = ["web", "db"];
    let found = hosts_in("DATABASE_URL", "postgresql://web:pw@db:5432/web", &services);
    assert_eq!(found, [("db", Some(5432))]);
    assert_eq!(hosts_in("HOSTS", "web:8080,db:5432", &services), [("web", Some(8080)), ("db", Some(5432))]);
}

#[test]
fn curl_or_wget_with_an_exit_fallback_is_an_http_probe() {
    let ports = Ports { list: vec![(8123, false, None)], inferred: Vec::new() };
    let sh = |line: &str| vec!["sh".to_owned(), "-c".to_owned(), line.to_owned()];
    let test = sh("wget --no-verbose --tries=1 -O - http://127.0.0.1:8123/ping || exit 1");
    assert!(matches!(http_probe(&test, &ports), Some(ProbeTest::Http { path, .. }) if path == "/ping"));
    // A pipe into another check is more than an HTTP status: it stays a command.
    assert!(http_probe(&sh("curl -s http://localhost:8123/ | grep -q OK || exit 1"), &ports).is_none());
}
