//! Verdicts and their reasons.

use serde_json::json;

use crate::netpol::common::*;

fn shop() -> Cluster {
    cluster(
        vec![ns("shop", &[])],
        vec![
            pod("shop/web", &[("app", "web")]),
            pod_ports("shop/db", &[("app", "db")], &[("pg", 5432, TCP)]),
            pod("shop/batch", &[("app", "batch")]),
        ],
        vec![
            policy("shop", "deny-all", json!({ "podSelector": {}, "policyTypes": ["Ingress", "Egress"] })),
            policy(
                "shop",
                "db-in",
                json!({
                    "podSelector": { "matchLabels": { "app": "db" } },
                    "ingress": [
                        { "from": [ { "podSelector": { "matchLabels": { "app": "batch" } } } ] },
                        { "from": [ { "podSelector": { "matchLabels": { "app": "web" } } } ],
                          "ports": [ { "port": "pg" } ] }
                    ]
                }),
            ),
            policy(
                "shop",
                "web-out",
                json!({
                    "podSelector": { "matchLabels": { "app": "web" } },
                    "policyTypes": ["Egress"],
                    "egress": [ { "to": [ { "podSelector": { "matchLabels": { "app": "db" } } } ],
                                  "ports": [ { "port": 5432 } ] } ]
                }),
            ),
        ],
    )
}

fn pref(name: &str) -> PolicyRef {
    PolicyRef { namespace: "shop".into(), name: name.into() }
}

fn rref(name: &str, rule: usize) -> RuleRef {
    RuleRef { policy: pref(name), rule }
}

#[test]
fn allowed_verdict_names_rules() {
    let c = shop();
    let v = c.explain(ep(&c, "shop/web"), ep(&c, "shop/db"), 5432, TCP);
    assert!(v.allowed);
    assert_eq!(v.egress, SideVerdict::Allowed { by: vec![rref("web-out", 0)] });
    assert_eq!(v.ingress, SideVerdict::Allowed { by: vec![rref("db-in", 1)] });
    assert_eq!(
        v.to_string(),
        "ALLOW shop/web -> shop/db 5432/TCP\n  \
         egress of shop/web: allowed by policy shop/web-out rule 0\n  \
         ingress of shop/db: allowed by policy shop/db-in rule 1"
    );
}

#[test]
fn denied_verdict_lists_isolating_policies_and_misses() {
    let c = shop();
    let v = c.explain(ep(&c, "shop/web"), ep(&c, "shop/db"), 5433, TCP);
    assert!(!v.allowed);
    assert_eq!(
        v.egress,
        SideVerdict::Denied {
            selected_by: vec![pref("deny-all"), pref("web-out")],
            misses: vec![RuleMiss { rule: rref("web-out", 0), reason: MissReason::Port }],
        }
    );
    assert_eq!(
        v.ingress,
        SideVerdict::Denied {
            selected_by: vec![pref("deny-all"), pref("db-in")],
            misses: vec![
                RuleMiss { rule: rref("db-in", 0), reason: MissReason::Peer },
                RuleMiss { rule: rref("db-in", 1), reason: MissReason::Port },
            ],
        }
    );
    assert_eq!(
        v.ingress.to_string(),
        "denied: selected by shop/deny-all, shop/db-in; no rule allows; \
         policy shop/db-in rule 0: peer does not match; \
         policy shop/db-in rule 1: port does not match"
    );
}

#[test]
fn one_side_denied_is_enough() {
    let c = shop();
    // batch may enter db on any port, but batch's egress is denied.
    let v = c.explain(ep(&c, "shop/batch"), ep(&c, "shop/db"), 22, TCP);
    assert!(!v.allowed);
    assert!(!v.egress.is_allowed());
    assert_eq!(v.ingress, SideVerdict::Allowed { by: vec![rref("db-in", 0)] });
    assert_eq!(v.egress.to_string(), "denied: selected by shop/deny-all; no rule allows");
}

#[test]
fn not_isolated_and_external_sides() {
    let c = cluster(
        vec![ns("a", &[])],
        vec![pod("a/x", &[]), pod("a/y", &[("iso", "yes")])],
        vec![policy(
            "a",
            "iso",
            json!({ "podSelector": { "matchLabels": { "iso": "yes" } },
                    "ingress": [ { "from": [ { "ipBlock": { "cidr": "0.0.0.0/0" } } ] } ] }),
        )],
    );
    let v = c.explain(ep(&c, "a/x"), ep(&c, "a/y"), 80, TCP);
    assert_eq!(v.egress, SideVerdict::NotIsolated);
    assert_eq!(v.egress.to_string(), "not isolated (no policy selects it)");
    assert_eq!(
        v.ingress.to_string(),
        "denied: selected by a/iso; no rule allows; policy a/iso rule 0: peer does not match"
    );
    let v = c.explain(ep(&c, "8.8.8.8"), ep(&c, "a/y"), 80, UDP);
    assert!(v.allowed);
    assert_eq!(v.egress, SideVerdict::External);
    assert_eq!(v.egress.to_string(), "not applicable (external endpoint)");
    assert_eq!(v.from, "8.8.8.8");
    let v = c.explain(ep(&c, "a/x"), ep(&c, "a/x"), 0, TCP);
    assert!(!v.allowed, "port 0 is never allowed");
}

#[test]
fn named_port_miss_is_a_port_miss() {
    let c = shop();
    // web -> batch: batch has no "pg" port; deny-all has no rules.
    let mut c2 = c.clone();
    c2.policies[1].pod_selector = LabelSelector::everything();
    let v = c2.explain(ep(&c2, "shop/web"), ep(&c2, "shop/batch"), 5432, TCP);
    assert!(matches!(
        &v.ingress,
        SideVerdict::Denied { misses, .. } if misses[1].reason == MissReason::Port
    ));
}
