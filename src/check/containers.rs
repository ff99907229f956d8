//! Checks of what an app's container declares: its ports (names, numbers,
//! protocols) and its resource quantities.

use std::collections::BTreeMap;

use super::cluster::{invalid, printable, unique};
use super::names::is_quantity;
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span, Spanned};
use crate::model::{self};

pub(super) fn ports(ports: &[model::Port], d: &mut Diagnostics) {
    unique(ports.iter().map(|p| &p.name), "port", d);
    let mut numbers: BTreeMap<(u16, model::Protocol), Span> = BTreeMap::new();
    for port in ports {
        let name = port.name.value.as_str();
        let iana = !name.is_empty()
            && name.len() <= 15
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && name.chars().any(|c| c.is_ascii_lowercase())
            && !name.starts_with('-')
            && !name.ends_with('-')
            && !name.contains("--");
        if !iana {
            d.push(
                Diagnostic::error(
                    Code::InvalidName,
                    port.name.span,
                    format!("`{}` is not a valid port name", printable(name)),
                )
                .label("not an IANA service name")
                .help("use at most 15 lowercase letters, digits and single `-`, with at least one letter"),
            );
        }
        if port.number.value == 0 {
            d.push(invalid(port.number.span, "a port from 1 to 65535", "0"));
        }
        if let Some(first) = numbers.insert((port.number.value, port.protocol), port.number.span) {
            d.push(Diagnostic::duplicate(
                Code::DuplicateName,
                first,
                port.number.span,
                format!("port {} is declared twice", port.number.value),
            ));
        }
    }
}

pub(super) fn resolved_ports(ports: &[model::Port]) -> Vec<ResolvedPort> {
    let mut out: Vec<ResolvedPort> = ports
        .iter()
        .map(|p| ResolvedPort { name: p.name.value.clone(), number: p.number.value, protocol: p.protocol })
        .collect();
    out.sort();
    out
}

pub(super) fn resources(r: &model::Resources, d: &mut Diagnostics) {
    for q in [&r.requests_cpu, &r.requests_memory, &r.limits_cpu, &r.limits_memory].into_iter().flatten() {
        quantity(q, d);
    }
}

pub(super) fn quantity(q: &Spanned<String>, d: &mut Diagnostics) {
    if !is_quantity(q) {
        d.push(
            Diagnostic::error(
                Code::InvalidQuantity,
                q.span,
                format!("`{}` is not a Kubernetes quantity", printable(q)),
            )
            .label("invalid quantity")
            .help("write e.g. `500m`, `1`, `256Mi`, `10Gi`"),
        );
    }
}
