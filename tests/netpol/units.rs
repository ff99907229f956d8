//! Building blocks: port sets, CIDRs, selectors.

use std::collections::BTreeSet;
use std::net::IpAddr;

use crate::netpol::common::*;

fn ip(s: &str) -> IpAddr {
    s.parse().expect("ip")
}

#[test]
fn port_set_merges_and_splits() {
    let mut s = PortSet::empty();
    s.insert_range(10, 20);
    s.insert_range(30, 40);
    assert_eq!(s.to_string(), "10-20,30-40");
    s.insert_range(21, 29);
    assert_eq!(s.to_string(), "10-40");
    s.insert_range(42, 42);
    s.insert_range(5, 8);
    assert_eq!(s.to_string(), "5-8,10-40,42");
    s.insert_range(1, 65535);
    assert!(s.is_all());
    assert_eq!(s.to_string(), "all");
    assert_eq!(PortSet::empty().to_string(), "none");
    assert_eq!(PortSet::range(0, 0), PortSet::empty(), "port 0 is not a port");
    assert_eq!(PortSet::range(0, 5), PortSet::range(1, 5));
    assert!(PortSet::range(9, 3).is_empty());
    assert_eq!(PortSet::all().count(), 65535);
}

#[test]
fn port_set_intersection_and_contains() {
    let mut a = PortSet::range(1, 100);
    a.insert_range(200, 300);
    let mut b = PortSet::range(50, 250);
    b.insert_range(300, 400);
    let i = a.intersection(&b);
    assert_eq!(i.to_string(), "50-100,200-250,300");
    assert!(i.contains(300) && i.contains(50) && !i.contains(101) && !i.contains(0));
    assert!(PortSet::all().contains(65535));
    assert_eq!(i.ranges().collect::<Vec<_>>(), [50..=100, 200..=250, 300..=300]);
}

#[test]
fn allowed_display_and_ops() {
    assert_eq!(Allowed::all().to_string(), "all");
    assert_eq!(Allowed::none().to_string(), "none");
    let mut a = Allowed::only(UDP, PortSet::single(53));
    a.union_with(&Allowed::only(TCP, PortSet::range(80, 81)));
    assert_eq!(a.to_string(), "TCP 80-81; UDP 53");
    assert_eq!(a.intersection(&Allowed::only(TCP, PortSet::all())), Allowed::only(TCP, PortSet::range(80, 81)));
    assert!(a.contains(53, UDP) && !a.contains(53, TCP));
    assert_eq!(Protocol::parse("SCTP"), Some(SCTP));
    assert_eq!(Protocol::parse("udp"), None);
}

#[test]
fn cidr_v4_and_v6() {
    let c = Cidr::parse("192.168.1.0/24").expect("cidr");
    assert!(c.contains(ip("192.168.1.255")));
    assert!(!c.contains(ip("192.168.2.0")));
    assert!(!c.contains(ip("::ffff:192.168.1.1")));
    let all4 = Cidr::parse("0.0.0.0/0").expect("cidr");
    assert!(all4.contains(ip("255.255.255.255")) && !all4.contains(ip("::1")));
    let host = Cidr::parse("10.0.0.1/32").expect("cidr");
    assert!(host.contains(ip("10.0.0.1")) && !host.contains(ip("10.0.0.2")));
    let v6 = Cidr::parse("fd00:1234::/32").expect("cidr");
    assert!(v6.contains(ip("fd00:1234:ffff::1")) && !v6.contains(ip("fd00:1235::")));
    let all6 = Cidr::parse("::/0").expect("cidr");
    assert!(all6.contains(ip("2001:db8::1")) && !all6.contains(ip("1.2.3.4")));
    let h6 = Cidr::parse("2001:db8::7/128").expect("cidr");
    assert!(h6.contains(ip("2001:db8::7")) && !h6.contains(ip("2001:db8::8")));
    assert_eq!(Cidr::parse("2001:db8::7/64").expect("cidr").to_string(), "2001:db8::/64");
    assert!(Cidr::parse("10.0.0.0/8").expect("c").strictly_contains(&Cidr::parse("10.1.0.0/16").expect("c")));
    assert!(Cidr::parse("1.2.3.4").is_err());
    assert!(Cidr::parse("1.2.3.4/x").is_err());
}

#[test]
fn selector_semantics_and_display() {
    let l: Labels = labels(&[("app", "web"), ("tier", "front")]);
    let mut s = LabelSelector::labels([("app", "web")]);
    assert!(s.matches(&l));
    s.match_expressions = [
        Requirement {
            key: "tier".into(),
            operator: Operator::In,
            values: ["front".to_owned(), "mid".to_owned()].into(),
        },
        Requirement { key: "legacy".into(), operator: Operator::DoesNotExist, values: BTreeSet::new() },
    ]
    .into();
    assert!(s.matches(&l));
    assert_eq!(s.to_string(), "app=web,tier in (front,mid),!legacy");
    assert!(!s.matches(&labels(&[("app", "web")])), "In needs the key");
    assert!(LabelSelector::everything().matches(&labels(&[])));
    assert_eq!(LabelSelector::everything().to_string(), "{}");
    let n = Namespace { name: "prod".into(), labels: labels(&[(NAMESPACE_NAME_LABEL, "spoof")]) };
    assert_eq!(n.label(NAMESPACE_NAME_LABEL), Some("prod"), "implicit label wins");
}
