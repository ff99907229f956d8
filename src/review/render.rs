//! A [`Review`] as markdown for a pull-request comment, or as JSON.

use std::fmt::Write;

use super::{Connection, Review};

/// Markdown: one section per kind of change, empty sections left out.
#[must_use]
pub fn markdown(r: &Review, old: &str, new: &str) -> String {
    let mut out = format!("## stackc diff: `{old}` → `{new}`\n\n");
    if let Some(why) = &r.files_not_compared {
        let _ = writeln!(out, "> **Rendered files not compared:** {why}\n");
    }
    if r.is_empty() {
        out.push_str("No change to connections, exposure, egress, workloads, the mesh, Secrets");
        out.push_str(if r.files_not_compared.is_some() { ".\n" } else { " or any rendered file.\n" });
        return out;
    }
    section(&mut out, "Connections opened (policies relaxed)", r.opened.iter().map(connection));
    section(&mut out, "Connections closed (policies tightened)", r.closed.iter().map(connection));
    section(&mut out, "Hosts exposed", r.hosts_added.iter().map(|h| format!("`{}` → `{}`", h.host, h.workload)));
    section(
        &mut out,
        "Hosts no longer exposed",
        r.hosts_removed.iter().map(|h| format!("`{}` (was `{}`)", h.host, h.workload)),
    );
    section(
        &mut out,
        "Internet egress opened",
        r.internet_added.iter().map(|(w, p)| format!("`{w}` → internet TCP {p}")),
    );
    section(
        &mut out,
        "Internet egress closed",
        r.internet_removed.iter().map(|(w, p)| format!("`{w}` → internet TCP {p}")),
    );
    section(&mut out, "API server access granted", r.api_access_added.iter().map(|w| format!("`{w}`")));
    section(&mut out, "API server access revoked", r.api_access_removed.iter().map(|w| format!("`{w}`")));
    section(&mut out, "Workloads added", r.workloads_added.iter().map(|w| format!("`{w}`")));
    section(&mut out, "Workloads removed", r.workloads_removed.iter().map(|w| format!("`{w}`")));
    section(
        &mut out,
        "Workloads changed",
        r.workloads_changed.iter().map(|(w, what, a, b)| format!("`{w}` {what}: `{a}` → `{b}`")),
    );
    section(&mut out, "Namespaces joining the mesh", r.meshed.iter().map(|n| format!("`{n}`")));
    section(&mut out, "Namespaces leaving the mesh (no mTLS)", r.unmeshed.iter().map(|n| format!("`{n}`")));
    section(&mut out, "Secrets declared", r.secrets_added.iter().map(|s| format!("`{s}`")));
    section(&mut out, "Secrets no longer declared", r.secrets_removed.iter().map(|s| format!("`{s}`")));
    section(
        &mut out,
        "Secrets changed",
        r.secrets_changed.iter().map(|(s, what, a, b)| format!("`{s}` {what}: {a} → {b}")),
    );
    files(&mut out, r);
    out
}

/// The rendered files, one section per group of meaning, then the rest.
fn files(out: &mut String, r: &Review) {
    for (group, title) in [
        ("workloads", "Files: workloads"),
        ("connections", "Files: connections (NetworkPolicies)"),
        ("exposure", "Files: exposure"),
        ("mesh", "Files: mesh (Linkerd policy)"),
        ("secrets", "Files: Secrets"),
        ("policies", "Files: policies (Kyverno)"),
        ("other", "Other changes: these files"),
    ] {
        section(out, title, r.files.iter().filter(|f| f.group == group).map(|f| format!("{} `{}`", f.change, f.path)));
    }
}

fn connection(c: &Connection) -> String {
    format!("`{}` → `{}` {} {} ({})", c.from, c.to, c.protocol, c.port, c.reason)
}

fn section(out: &mut String, title: &str, items: impl Iterator<Item = String>) {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "### {title}\n");
    for item in items {
        let _ = writeln!(out, "- {item}");
    }
    out.push('\n');
}

/// JSON with one key per kind of change.
#[must_use]
pub fn json(r: &Review) -> String {
    let mut text = serde_json::to_string_pretty(r).unwrap_or_default();
    text.push('\n');
    text
}
