//! Resolving `connects-to`: the target namespace and workload, and the port
//! by name or number (or the target's only port).

use std::collections::BTreeMap;

use super::cluster::printable;
use super::references::unknown_reference;
use super::types::*;
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned, did_you_mean};
use crate::model::{self, PortRef};

/// Every workload of the stack, for resolving connections.
pub(super) struct Targets<'a> {
    namespaces: BTreeMap<&'a str, BTreeMap<&'a str, &'a Workload>>,
}

impl<'a> Targets<'a> {
    pub(super) fn new(namespaces: &'a [Namespace]) -> Self {
        let namespaces = namespaces
            .iter()
            .map(|ns| (ns.name.as_str(), ns.workloads.iter().map(|w| (w.name.as_str(), w)).collect()))
            .collect();
        Self { namespaces }
    }

    pub(super) fn connection(
        &self,
        from_ns: &Spanned<String>,
        c: &model::Connect,
        d: &mut Diagnostics,
    ) -> Option<Connection> {
        let ns_name = c.namespace.as_deref().unwrap_or(&from_ns.value);
        let Some(workloads) = self.namespaces.get(ns_name) else {
            let known: Vec<&str> = self.namespaces.keys().copied().collect();
            let mut diagnostic =
                unknown_reference("namespace", &Spanned::new(ns_name.to_owned(), c.target.span), &known)
                    .label("not a namespace of this stack");
            if crate::diagnostic::did_you_mean(ns_name, known.iter().copied()).is_none() {
                diagnostic = diagnostic.help(
                    "stackc can only allow connections into namespaces it manages; declare the namespace and the app",
                );
            }
            d.push(diagnostic);
            return None;
        };
        let Some(target) = workloads.get(c.target.value.as_str()) else {
            let known: Vec<&str> = workloads.keys().copied().collect();
            d.push(unknown_reference(&format!("app in namespace `{ns_name}`"), &c.target, &known));
            return None;
        };
        if let Some(run) = target.run() {
            d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    c.target.span,
                    format!("`{}` is a {}: nothing connects to it", target.name, run.node()),
                )
                .label(format!("a {}", run.node()))
                .also(target.span, format!("the {}", run.node()))
                .help("a job takes no inbound traffic; connect to an `app` or `database`"),
            );
            return None;
        }
        let port = match &c.port {
            Some(port) => find_port(target, port, d)?,
            None => match target.ports.as_slice() {
                [only] => only.clone(),
                [] => {
                    d.push(
                        Diagnostic::error(
                            Code::UndeclaredPort,
                            c.target.span,
                            format!("`{}` declares no port to connect to", target.name),
                        )
                        .label("no ports"),
                    );
                    return None;
                }
                many => {
                    let names: Vec<&str> = many.iter().map(|p| p.name.as_str()).collect();
                    d.push(
                        Diagnostic::error(
                            Code::UndeclaredPort,
                            c.target.span,
                            format!("`{}` has several ports; say which", target.name),
                        )
                        .label("which port?")
                        .help(format!(
                            "add `port=\"{}\"` (ports: {})",
                            names[0],
                            names.join(", ")
                        )),
                    );
                    return None;
                }
            },
        };
        Some(Connection {
            namespace: ns_name.to_owned(),
            workload: target.name.clone(),
            port: port.number,
            protocol: port.protocol,
            span: c.target.span,
        })
    }
}

pub(super) fn find_port(target: &Workload, port: &Spanned<PortRef>, d: &mut Diagnostics) -> Option<ResolvedPort> {
    let found = target.ports.iter().find(|p| match &port.value {
        PortRef::Name(name) => &p.name == name,
        PortRef::Number(n) => p.number == *n,
    });
    if found.is_none() {
        let shown = match &port.value {
            PortRef::Name(n) => format!("`{}`", printable(n)),
            PortRef::Number(n) => n.to_string(),
        };
        let names: Vec<String> = target.ports.iter().map(|p| format!("{} ({})", p.name, p.number)).collect();
        let mut diagnostic = Diagnostic::error(
            Code::UndeclaredPort,
            port.span,
            format!("`{}` does not declare port {shown}", target.name),
        )
        .label("undeclared port");
        diagnostic = if let PortRef::Name(n) = &port.value
            && let Some(close) = did_you_mean(n, target.ports.iter().map(|p| p.name.as_str()))
        {
            diagnostic.help(format!("did you mean `{close}`?"))
        } else if names.is_empty() {
            diagnostic.help(format!("`{}` declares no ports", target.name))
        } else {
            diagnostic.help(format!("declared ports: {}", names.join(", ")))
        };
        d.push(diagnostic);
    }
    found.cloned()
}
