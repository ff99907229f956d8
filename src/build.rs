//! [`compile`]: stages 4–6 as a build runs them, interleaved per app
//! namespace so that a large stack never holds all its object trees.
//!
//! Derive hands each app namespace's component, once final, to a
//! sealer (on every core): each object is checked against the
//! generated Kyverno policies, a NetworkPolicy is read into the network
//! evaluator's model, and the object is rendered into its file; then only
//! the file is kept ([`Body::Rendered`]). Namespaces, and objects of a
//! namespace the policies' context does not know yet, keep their trees and
//! go through the same checks after derive, with the platform's objects.
//! What sealing found is merged back in object order, so the proof, the
//! policy report and the tree are exactly those of the stages run one
//! after the other ([`crate::analyze`] and the per-stage functions; a test
//! compares the two).

use std::collections::BTreeMap;

use crate::derive::{self, Body, Component, Object, Seal};
use crate::diagnostic::Diagnostics;
use crate::render::templates::Templates;
use crate::render::{self, RenderOptions, yaml};
use crate::verify::{self, Checker, Expected, PolicyReport, netpol};
use crate::{Analyzed, CompileOptions, Compiled};

/// Run stages 1–6: source text and store to the rendered tree. Warnings are
/// in each cluster's `derived.warnings`. App namespaces' objects come back
/// [`Body::Rendered`] (their files are in the tree): use [`crate::analyze`]
/// for their JSON trees.
///
/// # Errors
/// Every diagnostic of the first stage that fails.
pub fn compile(source: &str, options: &CompileOptions) -> Result<Compiled, Diagnostics> {
    let templates = render::templates(&options.render);
    let sealer = Sealer { templates: templates.as_ref().ok(), options: &options.render };
    let mut clusters = Vec::new();
    let mut found_by_cluster = Vec::new();
    let mut d = Diagnostics::default();
    for stack in crate::resolve(source)? {
        match derive::derive_sealed(&stack, &options.secrets, &options.repository, &sealer) {
            Ok((derived, found)) => {
                clusters.push(Analyzed { stack, derived });
                found_by_cluster.push(found);
            }
            Err(e) => d.extend(e),
        }
    }
    if d.has_errors() {
        return Err(d);
    }
    templates?;
    let mut reports = Vec::with_capacity(clusters.len());
    let mut documents = Vec::with_capacity(clusters.len());
    let mut files = BTreeMap::new();
    for (cluster, found) in clusters.iter().zip(found_by_cluster) {
        let merged = merge(cluster, found)?;
        reports.push(merged.report);
        documents.push(merged.documents);
        if files.is_empty() {
            files = merged.files;
        } else {
            files.extend(merged.files);
        }
    }
    let derived: Vec<&derive::Derived> = clusters.iter().map(|c| &c.derived).collect();
    let mut tree = render::render_with(&derived, &options.render, files)?;
    for ((cluster, report), documents) in clusters.iter().zip(&reports).zip(&documents) {
        tree.files.extend(render::kyverno_tests::files(&cluster.derived, report, documents)?);
    }
    Ok(Compiled { clusters, tree })
}

/// What sealing one component found, by object file name.
#[derive(Debug, Default)]
pub struct Sealed {
    /// The objects' files.
    files: BTreeMap<String, Vec<u8>>,
    /// Its NetworkPolicies, read for the network proof.
    policies: BTreeMap<String, netpol::Policy>,
    /// Every Kyverno rule result (the object's YAML document kept for the
    /// `kyverno test` suite when there is one).
    results: BTreeMap<String, (Vec<Expected>, String)>,
    /// Kyverno violations.
    diagnostics: Diagnostics,
}

/// Checks, reads and renders app namespaces' objects as they are derived.
struct Sealer<'a> {
    /// `None` when the templates do not parse: nothing is sealed, and the
    /// error is reported once derive has succeeded.
    templates: Option<&'a Templates>,
    options: &'a RenderOptions,
}

impl Seal for Sealer<'_> {
    /// `None` when a generated policy cannot be read: nothing is sealed, and
    /// the error is reported after derive.
    type Context = Option<Checker>;
    type Sealed = Sealed;

    fn prepare(&self, cluster: &[&Object]) -> Option<Checker> {
        Checker::new(cluster).ok()
    }

    fn seal(&self, checker: &Option<Checker>, component: &mut Component) -> Sealed {
        let mut sealed = Sealed::default();
        let (Some(templates), Some(checker)) = (self.templates, checker) else {
            return sealed;
        };
        for object in &mut component.objects {
            // Namespaces are the policies' context: they stay trees.
            if object.kind == "Namespace" || !object.namespace.as_deref().is_none_or(|n| checker.sees(n)) {
                continue;
            }
            let Some(tree) = object.tree() else { continue };
            // What fails here fails again, and is reported, after derive.
            let Ok(file) = render::object_file(templates, self.options, object) else { continue };
            let name = object.file_name();
            if netpol::is_policy(object.kind) {
                let Ok(policy) = netpol::parse_policy(tree) else { continue };
                sealed.policies.insert(name.clone(), policy);
            }
            let mut results = Vec::new();
            checker.check(object, &mut results, &mut sealed.diagnostics);
            // Most objects meet no rule: an entry per object would hold a
            // second copy of every file name until the merge.
            if !results.is_empty() {
                let document = yaml::to_yaml(tree);
                sealed.results.insert(name.clone(), (results, document));
            }
            sealed.files.insert(name, file);
            object.body = Body::Rendered;
        }
        sealed
    }
}

/// A cluster's policy report, and by path the files of sealed objects and
/// their documents for the `kyverno test` suite.
struct Merged {
    report: PolicyReport,
    files: BTreeMap<String, Vec<u8>>,
    documents: BTreeMap<String, String>,
}

/// Run the network proof and the Kyverno check over the whole cluster:
/// what sealing found for sealed objects, the checks themselves for the
/// objects that kept their trees, in object order.
fn merge(cluster: &Analyzed, sealed: BTreeMap<String, Sealed>) -> Result<Merged, Diagnostics> {
    let derived = &cluster.derived;
    let objects: Vec<&Object> = derived.components.iter().flat_map(|c| &c.objects).collect();
    let checker = Checker::new(&objects)?;
    let mut d = Diagnostics::default();
    let mut sealed = sealed;
    let mut policies = Vec::new();
    let mut report = PolicyReport::default();
    // Gathered in object order and made into maps at once: inserting one by
    // one compared long shared path prefixes at every level of the tree.
    let mut files = Vec::new();
    let mut documents = Vec::new();
    for c in &derived.components {
        let mut found = sealed.remove(&c.dir).unwrap_or_default();
        d.extend(std::mem::take(&mut found.diagnostics));
        for object in &c.objects {
            let name = object.file_name();
            match &object.body {
                Body::Tree(tree) => {
                    if netpol::is_policy(object.kind) {
                        policies.push(netpol::parse_policy(tree).map_err(|e| verify::unreadable(&e))?);
                    }
                    checker.check(object, &mut report.results, &mut d);
                }
                Body::Rendered => {
                    files.extend(found.files.remove(&name).map(|file| (render::path_in(&c.dir, &name), file)));
                    policies.extend(found.policies.remove(&name));
                    if let Some((results, document)) = found.results.remove(&name) {
                        report.results.extend(results);
                        documents.push((render::path_in(&c.dir, &name), document));
                    }
                }
            }
        }
    }
    // The proof's diagnostics come first, as when the stages run in turn.
    verify::prove(&cluster.stack, &derived.graph, &verify::cluster_of(&cluster.stack, &derived.graph, policies))?;
    if d.has_errors() {
        return Err(d);
    }
    Ok(Merged { report, files: files.into_iter().collect(), documents: documents.into_iter().collect() })
}
