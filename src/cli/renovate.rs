//! `stackc renovate`: a `renovate.json` whose regex managers let Renovate
//! bump image tags and chart versions inside `stack.kdl`. stackc knows the
//! repository of every chart, so each chart gets its own exact manager.

use serde_json::{Value, json};

use super::{Format, StackArgs, exit, print_diagnostics, read_stack};
use crate::derive::PLATFORM_CHARTS;

pub(super) fn run(args: &StackArgs) -> i32 {
    let (name, source) = match read_stack(args) {
        Ok(read) => read,
        Err(code) => return code,
    };
    // Images and charts are shared by every cluster: overrides change neither.
    let stack = match crate::resolve(&source).map(|mut stacks| stacks.swap_remove(0)) {
        Ok(stack) => stack,
        Err(d) => {
            print_diagnostics(&d, &name, &source, Format::Human);
            return exit::INPUT;
        }
    };
    let file = args.stack.file_name().map_or_else(|| "stack.kdl".to_owned(), |f| f.to_string_lossy().into_owned());
    let mut text = serde_json::to_string_pretty(&config(&stack, &file)).unwrap_or_default();
    text.push('\n');
    super::out::print_then(text, exit::OK)
}

/// The Renovate configuration for a stack stored in `file`.
#[must_use]
pub fn config(stack: &crate::check::ResolvedStack, file: &str) -> Value {
    let pattern = format!("/(^|/){}$/", regex_escape(file));
    let mut managers = vec![json!({
        "customType": "regex",
        "description": "container images",
        "managerFilePatterns": [pattern],
        "matchStrings": [r#"image="(?<depName>[^"\s@]+):(?<currentValue>[^"\s@]+)(@(?<currentDigest>sha256:[a-f0-9]+))?""#],
        "datasourceTemplate": "docker",
    })];
    let repositories: std::collections::BTreeMap<&str, &str> =
        stack.helm_repositories.iter().map(|r| (r.name.value.as_str(), r.url.value.as_str())).collect();
    let mut charts: Vec<(String, &str)> = stack
        .namespaces
        .iter()
        .flat_map(|ns| &ns.releases)
        .filter_map(|r| repositories.get(r.repository.value.as_str()).map(|url| (r.chart.value.clone(), *url)))
        .collect();
    charts.sort_unstable();
    charts.dedup();
    for (chart, url) in charts {
        let c = regex_escape(&chart);
        managers.push(json!({
            "customType": "regex",
            "description": format!("Helm chart {chart}"),
            "managerFilePatterns": [pattern],
            "matchStrings": [
                format!(r#"chart="(?<depName>{c})"[^\n]*?version="(?<currentValue>[^"]+)""#),
                format!(r#"version="(?<currentValue>[^"]+)"[^\n]*?chart="(?<depName>{c})""#),
            ],
            "datasourceTemplate": "helm",
            "registryUrlTemplate": url.trim_start_matches("oci://"),
        }));
    }
    for (node, chart, url) in PLATFORM_CHARTS {
        managers.push(json!({
            "customType": "regex",
            "description": format!("platform component {node} (chart {chart})"),
            "managerFilePatterns": [pattern],
            "matchStrings": [format!(r#"(?m)^\s*{}\s[^\n{{]*?version="(?<currentValue>[^"]+)""#, regex_escape(node))],
            "depNameTemplate": chart,
            "datasourceTemplate": "helm",
            "registryUrlTemplate": url,
        }));
    }
    json!({
        "$schema": "https://docs.renovatebot.com/renovate-schema.json",
        "extends": ["config:recommended"],
        "customManagers": managers,
    })
}

fn regex_escape(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
        out
    })
}
