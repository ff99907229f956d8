//! Lowering of an app's ports and the traffic through them: `port`,
//! `expose`, `expose-port` and `connects-to`.

use super::lower::one_of;
use super::reader::{PORT, Reader, integer, missing};
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::syntax::{Node, Scalar};

pub(super) fn port(node: &Node, d: &mut Diagnostics) -> Option<Port> {
    let r = Reader::new(node, 2, &["protocol"], &[], d);
    let name = r.arg_string(0, "name", d);
    let number = match r.arg(1) {
        Some((value, span)) => integer::<u16>(value, span, PORT, d),
        None => {
            d.push(missing(node, "a port number, e.g. `port \"http\" 8080`"));
            None
        }
    };
    let protocol = protocol(&r, d);
    Some(Port { name: name?, number: number?, protocol: protocol? })
}

fn protocol(r: &Reader<'_>, d: &mut Diagnostics) -> Option<Protocol> {
    match r.string("protocol", d) {
        None => Some(Protocol::Tcp),
        Some(s) => match s.value.as_str() {
            "TCP" | "tcp" => Some(Protocol::Tcp),
            "UDP" | "udp" => Some(Protocol::Udp),
            other => {
                d.push(one_of(s.span, "protocol", other, &["TCP", "UDP"]));
                None
            }
        },
    }
}

pub(super) fn port_ref(value: &Scalar, span: crate::diagnostic::Span, d: &mut Diagnostics) -> Option<Spanned<PortRef>> {
    match value {
        Scalar::String(s) => Some(Spanned::new(PortRef::Name(s.clone()), span)),
        Scalar::Integer(_) => {
            integer::<u16>(value, span, PORT, d).map(|n| Spanned::new(PortRef::Number(n.value), span))
        }
        other => {
            d.push(super::reader::wrong_type(span, "a port name or number", other));
            None
        }
    }
}

pub(super) fn expose(node: &Node, d: &mut Diagnostics) -> Option<Expose> {
    let r = Reader::new(node, 1, &["port", "service", "service-port", "issuer", "path", "strip-prefix"], &[], d);
    let host = r.arg_string(0, "host", d);
    let port = match r.prop("port") {
        Some((value, span)) => port_ref(value, span, d),
        None => {
            d.push(missing(node, "property `port`"));
            None
        }
    };
    let service = service(&r, d);
    Some(Expose {
        host: host?,
        port: port?,
        service,
        issuer: r.string("issuer", d),
        path: r.string("path", d).unwrap_or_else(|| Spanned::new("/".into(), node.name_span)),
        strip_prefix: r.prop("strip-prefix").map(|(_, span)| Spanned::new(r.bool("strip-prefix", false, d), span)),
    })
}

fn service(r: &Reader<'_>, d: &mut Diagnostics) -> Option<Spanned<(String, u16)>> {
    match (r.string("service", d), r.integer::<u16>("service-port", PORT, d)) {
        (Some(name), Some(port)) => Some(Spanned::new((name.value, port.value), name.span)),
        (None, None) => None,
        (Some(name), None) => {
            d.push(
                Diagnostic::error(Code::MissingValue, name.span, "`service` needs `service-port`")
                    .label("which port of this Service?"),
            );
            None
        }
        (None, Some(port)) => {
            d.push(
                Diagnostic::error(Code::MissingValue, port.span, "`service-port` needs `service`")
                    .label("port of which Service?"),
            );
            None
        }
    }
}

/// `expose-port 2222 port="ssh" [protocol="UDP"] [service=... service-port=N]`.
pub(super) fn expose_port(node: &Node, d: &mut Diagnostics) -> Option<ExposePort> {
    let r = Reader::new(node, 1, &["port", "protocol", "service", "service-port"], &[], d);
    let number = match r.arg(0) {
        Some((value, span)) => integer::<u16>(value, span, PORT, d),
        None => {
            d.push(missing(node, "a public port number, e.g. `expose-port 2222 port=\"ssh\"`"));
            None
        }
    };
    let port = match r.prop("port") {
        Some((value, span)) => port_ref(value, span, d),
        None => {
            d.push(missing(node, "property `port`"));
            None
        }
    };
    let protocol = protocol(&r, d);
    let service = service(&r, d);
    Some(ExposePort { number: number?, port: port?, protocol: protocol?, service })
}

pub(super) fn connect(node: &Node, d: &mut Diagnostics) -> Option<Connect> {
    let r = Reader::new(node, 1, &["port"], &[], d);
    let target = r.arg_string(0, "target app", d)?;
    let port = r.prop("port").and_then(|(value, span)| port_ref(value, span, d));
    let (namespace, name) = match target.value.split_once('/') {
        Some((ns, app)) => (Some(ns.to_owned()), app.to_owned()),
        None => (None, target.value.clone()),
    };
    Some(Connect { namespace, target: Spanned::new(name, target.span), port })
}
