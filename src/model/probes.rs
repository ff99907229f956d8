//! Lowering of an app's `readiness`, `liveness` and `startup` nodes.

use super::lower::string_args;
use super::ports::port_ref;
use super::reader::{Reader, missing};
use super::types::{Probe, ProbeAction, Probes};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::syntax::Node;

/// What a probe's timing may be, for the range hint.
const SECONDS: &str = "a number of seconds is 0 or more";
/// What a probe's threshold may be, for the range hint.
const THRESHOLD: &str = "a threshold is 1 or more";

const TIMING: &[&str] = &["initial-delay", "period", "timeout", "failure-threshold", "success-threshold"];

/// The probes among an app's children (each at most once).
pub(super) fn probes(app: &Reader<'_>, d: &mut Diagnostics) -> Probes {
    Probes {
        readiness: app.child("readiness", d).and_then(|n| probe(n, d)).map(Box::new),
        liveness: app.child("liveness", d).and_then(|n| probe(n, d)).map(Box::new),
        startup: app.child("startup", d).and_then(|n| probe(n, d)).map(Box::new),
    }
}

fn probe(node: &Node, d: &mut Diagnostics) -> Option<Probe> {
    let mut props = vec!["http", "port", "tcp"];
    props.extend_from_slice(TIMING);
    let r = Reader::new(node, 0, &props, &["exec"], d);
    let http = r.string("http", d);
    let port = r.prop("port").and_then(|(value, span)| port_ref(value, span, d));
    let tcp = r.prop("tcp").and_then(|(value, span)| port_ref(value, span, d));
    let exec = r.child("exec", d).map(|n| {
        Reader::new(n, usize::MAX, &[], &[], d);
        (string_args(n, d), n)
    });
    let kinds = usize::from(http.is_some()) + usize::from(tcp.is_some()) + usize::from(exec.is_some());
    if kinds > 1 {
        d.push(
            Diagnostic::error(Code::InvalidValue, node.name_span, format!("a `{}` probe does one check", node.name))
                .label("more than one of `http`, `tcp` and `exec`")
                .help("keep one: `http=\"/healthz\" port=\"http\"`, `tcp=\"http\"` or `exec \"cmd\" \"arg\"`"),
        );
        return None;
    }
    if let (None, Some(port)) = (&http, &port) {
        d.push(
            Diagnostic::error(Code::InvalidValue, port.span, "`port` belongs to `http` probes")
                .label("without `http`")
                .help("a TCP probe names its port itself: `tcp=\"http\"`"),
        );
    }
    let action = match (http, tcp, exec) {
        (Some(path), None, None) => {
            let Some(port) = port else {
                d.push(missing(node, "property `port` (the app port the HTTP probe calls)"));
                return None;
            };
            ProbeAction::Http { path, port }
        }
        (None, Some(port), None) => ProbeAction::Tcp { port },
        (None, None, Some((command, exec))) => {
            if command.is_empty() {
                d.push(missing(exec, "the command to run, e.g. `exec \"pg_isready\" \"-q\"`"));
                return None;
            }
            ProbeAction::Exec { command }
        }
        _ => {
            d.push(missing(node, "what to check: `http=\"/healthz\" port=\"http\"`, `tcp=\"http\"` or `exec \"cmd\"`"));
            return None;
        }
    };
    Some(Probe {
        action,
        initial_delay: r.integer("initial-delay", SECONDS, d),
        period: r.integer("period", SECONDS, d),
        timeout: r.integer("timeout", SECONDS, d),
        failure_threshold: r.integer("failure-threshold", THRESHOLD, d),
        success_threshold: r.integer("success-threshold", THRESHOLD, d),
        span: node.name_span,
    })
}
