//! `stackc verify`: the proof that the policies allow exactly the declared
//! graph, per cluster.

use serde_json::json;

use super::document::{Document, fields};
use super::{ClusterArg, Format, StackArgs, exit, out, try_load_secrets, try_read_stack, try_select};
use crate::diagnostic::Code;
use crate::verify;

/// A stack read, with its secret store, through stages 1–4.
pub(super) struct Analyzed {
    pub name: String,
    pub source: String,
    pub clusters: Vec<crate::Analyzed>,
}

/// The stack through stages 1–4, or the errors reported to `report`.
pub(super) fn analyzed(args: &StackArgs, cluster: &ClusterArg, report: &mut Document) -> Result<Analyzed, ()> {
    let (name, source) = try_read_stack(args).map_err(|e| report.error(&e))?;
    let secrets = try_load_secrets(args).map_err(|e| report.error(&e))?;
    match crate::analyze(&source, &secrets) {
        Ok(clusters) => {
            let clusters =
                try_select(clusters, |c| &c.stack.cluster.name.value, cluster).map_err(|e| report.error(&e))?;
            Ok(Analyzed { name, source, clusters })
        }
        Err(d) => {
            report.diagnostics(&d, &name, &source);
            Err(())
        }
    }
}

/// Arguments of `stackc verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub input: StackArgs,
    /// Prove only this cluster (default: every cluster of the stack).
    #[command(flatten)]
    pub cluster: ClusterArg,
    /// How to report: `human`, or `json` (one JSON document on stdout for every outcome; see
    /// docs/json-output.md).
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
}

pub(super) fn run_verify(args: &VerifyArgs) -> i32 {
    let mut report = Document::new("verify", args.format);
    let Ok(Analyzed { name, source, clusters }) = analyzed(&args.input, &args.cluster, &mut report) else {
        return report.fail(exit::INPUT);
    };
    let several = clusters.len() > 1;
    let mut text = String::new();
    let mut proven = Vec::new();
    for crate::Analyzed { stack, derived } in &clusters {
        let cluster = &stack.cluster.name.value;
        match verify::verify(stack, derived) {
            Ok(proof) => {
                let which = if several { format!(" of cluster `{cluster}`") } else { String::new() };
                let kinds = match stack.cluster.cni.value {
                    crate::model::Cni::Portable => "NetworkPolicies",
                    crate::model::Cni::Cilium => "NetworkPolicies and CiliumNetworkPolicies",
                };
                text.push_str(&format!(
                    "proven: the {kinds}{which} allow exactly the declared graph ({} workloads, {} edges, {} pairs and {} external addresses checked)\n",
                    proof.workloads, proof.edges, proof.pairs, proof.externals
                ));
                let uncovered = verify::uncovered(derived);
                text.push_str(&uncovered_text(&uncovered));
                proven.push(json!({
                    "cluster": cluster,
                    "workloads": proof.workloads,
                    "edges": proof.edges,
                    "pairs": proof.pairs,
                    "externals": proof.externals,
                    "not-covered": {"open": uncovered.open, "outside": uncovered.outside},
                }));
            }
            Err(d) => {
                // What was proven before is still printed, then the mismatch.
                let mismatch = d.iter().all(|x| x.code == Code::Internal);
                let code = if mismatch { exit::DRIFT } else { exit::INPUT };
                let human = args.format == Format::Human;
                if human && let Err(code) = out::print(std::mem::take(&mut text)) {
                    return code;
                }
                report.diagnostics(&d, &name, &source);
                let status = if mismatch { "mismatch" } else { "error" };
                return report.finish(code, status, String::new(), fields(json!({"proven": proven})));
            }
        }
    }
    report.finish(exit::OK, "ok", text, fields(json!({"proven": proven})))
}

/// The namespaces the proof does not cover, one line per reason.
fn uncovered_text(uncovered: &verify::Uncovered) -> String {
    let list = |names: &[String]| names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let mut text = String::new();
    if !uncovered.open.is_empty() {
        text.push_str(&format!(
            "not covered: {} (written without NetworkPolicies, see the `open-namespace` warnings of `stackc build`): any pod may reach their pods, and they may reach anything\n",
            list(&uncovered.open)
        ));
    }
    if !uncovered.outside.is_empty() {
        text.push_str(&format!(
            "not covered: {} (not written by stackc): proven only for connections to and from the namespaces stackc locks down\n",
            list(&uncovered.outside)
        ));
    }
    text
}
