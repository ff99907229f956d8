//! Ports: protocol default, UDP/TCP/SCTP, endPort ranges, named ports.

use serde_json::{Value, json};

use crate::netpol::common::*;

fn ingress_ports(ports: Value) -> Cluster {
    let mut spec = json!({
        "podSelector": { "matchLabels": { "app": "server" } },
        "ingress": [ {} ]
    });
    spec["ingress"][0]["ports"] = ports;
    cluster(
        vec![ns("a", &[])],
        vec![
            pod("a/client", &[("app", "client")]),
            pod_ports(
                "a/server",
                &[("app", "server")],
                &[("http", 8080, TCP), ("dns", 5353, UDP), ("metrics", 9100, TCP)],
            ),
            pod_ports("a/server2", &[("app", "server")], &[("http", 9090, TCP)]),
        ],
        vec![policy("a", "server-in", spec)],
    )
}

#[test]
fn protocol_defaults_to_tcp() {
    let c = ingress_ports(json!([ { "port": 80 } ]));
    assert!(tcp(&c, "a/client", "a/server", 80));
    assert!(!can(&c, "a/client", "a/server", 80, UDP));
    assert!(!can(&c, "a/client", "a/server", 80, SCTP));
    assert!(!tcp(&c, "a/client", "a/server", 81));
}

#[test]
fn udp_is_not_tcp() {
    let c = ingress_ports(json!([ { "protocol": "UDP", "port": 53 } ]));
    assert!(can(&c, "a/client", "a/server", 53, UDP));
    assert!(!tcp(&c, "a/client", "a/server", 53));
    assert_eq!(set(&c, "a/client", "a/server"), Allowed::only(UDP, PortSet::single(53)));
}

#[test]
fn sctp_port() {
    let c = ingress_ports(json!([ { "protocol": "SCTP", "port": 3868 } ]));
    assert!(can(&c, "a/client", "a/server", 3868, SCTP));
    assert!(!tcp(&c, "a/client", "a/server", 3868));
}

#[test]
fn protocol_without_port_is_every_port_of_it() {
    let c = ingress_ports(json!([ { "protocol": "UDP" } ]));
    assert_eq!(set(&c, "a/client", "a/server"), Allowed::only(UDP, PortSet::all()));
}

#[test]
fn missing_or_empty_ports_is_everything() {
    for ports in [json!([]), Value::Null] {
        let c = ingress_ports(ports);
        assert!(set(&c, "a/client", "a/server").is_all());
    }
}

#[test]
fn end_port_range_is_inclusive() {
    let c = ingress_ports(json!([ { "port": 32000, "endPort": 32768 } ]));
    assert!(!tcp(&c, "a/client", "a/server", 31999));
    assert!(tcp(&c, "a/client", "a/server", 32000));
    assert!(tcp(&c, "a/client", "a/server", 32500));
    assert!(tcp(&c, "a/client", "a/server", 32768));
    assert!(!tcp(&c, "a/client", "a/server", 32769));
    assert_eq!(set(&c, "a/client", "a/server").get(TCP).count(), 769);
}

#[test]
fn overlapping_and_adjacent_entries_merge() {
    let c = ingress_ports(json!([
        { "port": 80 }, { "port": 81 }, { "port": 82, "endPort": 90 },
        { "port": 85, "endPort": 100 }, { "port": 443 }, { "protocol": "UDP", "port": 443 }
    ]));
    let a = set(&c, "a/client", "a/server");
    assert_eq!(a.get(TCP).to_string(), "80-100,443");
    assert_eq!(a.to_string(), "TCP 80-100,443; UDP 443");
}

#[test]
fn named_port_resolves_on_each_destination() {
    let c = ingress_ports(json!([ { "port": "http" } ]));
    assert_eq!(set(&c, "a/client", "a/server"), Allowed::only(TCP, PortSet::single(8080)));
    assert_eq!(set(&c, "a/client", "a/server2"), Allowed::only(TCP, PortSet::single(9090)));
    assert!(!tcp(&c, "a/client", "a/server", 9090));
}

#[test]
fn named_port_must_match_protocol() {
    // "dns" is 5353/UDP on the server; a TCP "dns" entry matches nothing.
    let c = ingress_ports(json!([ { "port": "dns" } ]));
    assert!(set(&c, "a/client", "a/server").is_empty());
    let c = ingress_ports(json!([ { "protocol": "UDP", "port": "dns" } ]));
    assert_eq!(set(&c, "a/client", "a/server"), Allowed::only(UDP, PortSet::single(5353)));
    // server2 has no "dns": the rule opens nothing there.
    assert!(set(&c, "a/client", "a/server2").is_empty());
}

#[test]
fn named_port_in_egress_resolves_on_destination_not_source() {
    let c = cluster(
        vec![ns("a", &[])],
        vec![
            pod_ports("a/scraper", &[("app", "scraper")], &[("metrics", 1234, TCP)]),
            pod_ports("a/node1", &[], &[("metrics", 9100, TCP)]),
            pod_ports("a/node2", &[], &[("metrics", 9200, TCP)]),
            pod("a/plain", &[]),
        ],
        vec![policy(
            "a",
            "scrape",
            json!({
                "podSelector": { "matchLabels": { "app": "scraper" } },
                "policyTypes": ["Egress"],
                "egress": [ { "ports": [ { "port": "metrics" } ] } ]
            }),
        )],
    );
    assert_eq!(set(&c, "a/scraper", "a/node1"), Allowed::only(TCP, PortSet::single(9100)));
    assert_eq!(set(&c, "a/scraper", "a/node2"), Allowed::only(TCP, PortSet::single(9200)));
    assert!(!tcp(&c, "a/scraper", "a/node1", 1234), "source's own port name is irrelevant");
    assert!(set(&c, "a/scraper", "a/plain").is_empty());
    assert!(set(&c, "a/scraper", "10.0.0.1").is_empty(), "named ports never match externals");
    // Ingress of the scraper is not isolated and its own 1234 is reachable.
    assert!(tcp(&c, "a/node1", "a/scraper", 1234));
}

#[test]
fn named_and_numeric_entries_combine() {
    let c = ingress_ports(json!([ { "port": "metrics" }, { "port": 22 } ]));
    let mut expected = PortSet::single(22);
    expected.insert_range(9100, 9100);
    assert_eq!(set(&c, "a/client", "a/server"), Allowed::only(TCP, expected));
    assert_eq!(set(&c, "a/client", "a/server2"), Allowed::only(TCP, PortSet::single(22)));
}
