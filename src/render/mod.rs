//! Stage 5, `render`: [`Derived`] to a [`Tree`] of files. Lays out one
//! object per file and a `kustomization.yaml` in every directory, formats
//! through templates, and parses every file a template wrote back to prove
//! that the bytes hold exactly the object (no value and no template changed
//! its shape); the built-in emitter is proven once, by property tests.

mod checked;
pub mod kyverno_tests;
mod listings;
pub mod readback;
pub mod templates;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::derive::{Body, Derived, Object};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, Span};
use checked::{render_checked, template_error};
use listings::{add_parent_listings, drop_empty_listings};
use templates::Templates;

/// The rendered output: relative path → bytes, sorted by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tree {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Paths listed in a `kustomization.yaml` that stackc does not write.
    pub foreign: BTreeSet<String>,
}

/// How to render.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The stack's file name, for the header of generated files.
    pub source_name: String,
    /// Template overrides by name.
    pub templates: BTreeMap<String, String>,
}

/// Render every file of the tree: the components of every cluster. A
/// directory several clusters share (`infrastructure/...`) is written once.
///
/// # Errors
/// A template that fails, output that does not parse back to its object, or
/// clusters that disagree on a shared directory.
pub fn render(clusters: &[&Derived], options: &RenderOptions) -> Result<Tree, Diagnostics> {
    render_with(clusters, options, BTreeMap::new())
}

/// [`render`], for clusters whose objects a build already rendered
/// ([`Body::Rendered`]): their files, by path, are in `rendered`.
///
/// # Errors
/// As [`render`]; a rendered object whose file is missing (a compiler bug).
pub fn render_with(
    clusters: &[&Derived],
    options: &RenderOptions,
    rendered: BTreeMap<String, Vec<u8>>,
) -> Result<Tree, Diagnostics> {
    let mut d = Diagnostics::default();
    let templates = templates(options)?;
    let mut tree = Tree { files: rendered, ..Tree::default() };
    let mut listings: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut extras: BTreeMap<&str, &crate::derive::Component> = BTreeMap::new();
    let mut jobs = Vec::new();
    let mut roots = BTreeSet::new();
    let mut shared: BTreeMap<&str, (&str, &crate::derive::Component)> = BTreeMap::new();
    for derived in clusters {
        roots.extend(derived.roots.iter().cloned());
        if clusters.len() > 1 {
            // Each cluster is applied on its own; `clusters/` never lists them together.
            roots.insert(format!("clusters/{}", derived.cluster));
        }
    }
    let components =
        clusters.iter().flat_map(|derived| derived.components.iter().map(|c| (derived.cluster.as_str(), c)));
    for (cluster, component) in components {
        if let Some((first, seen)) = shared.get(component.dir.as_str()) {
            if seen.objects != component.objects
                || seen.includes != component.includes
                || seen.foreign != component.foreign
                || seen.generators != component.generators
                || seen.helm_charts != component.helm_charts
            {
                d.push(Diagnostic::error(
                    Code::Internal,
                    component.objects.first().map_or(Span::default(), |o| o.origin),
                    format!("clusters `{first}` and `{cluster}` render `{}` differently", component.dir),
                ).help("a directory outside `clusters/<name>/` is shared by every cluster; keep what feeds it the same"));
            }
            continue;
        }
        shared.insert(&component.dir, (cluster, component));
        let listing = listings.entry(component.dir.clone()).or_default();
        for object in &component.objects {
            let file = object.file_name();
            if !component.generators.contains(&file) && !component.generated.contains(&file) {
                listing.insert(file.clone());
            }
            let path = path_in(&component.dir, &file);
            match object.body {
                Body::Tree(_) => jobs.push((path, object)),
                Body::Rendered if tree.files.contains_key(&path) => {}
                Body::Rendered => d.push(Diagnostic::error(
                    Code::Internal,
                    object.origin,
                    format!("the file of {} `{}` was lost (a bug in stackc)", object.kind, object.name),
                )),
            }
        }
        listing.extend(component.includes.iter().cloned());
        for foreign in &component.foreign {
            listing.insert(foreign.clone());
            tree.foreign.insert(format!("{}/{foreign}", component.dir));
        }
        extras.insert(&component.dir, component);
    }
    for (path, rendered) in render_all(&templates, options, &jobs) {
        match rendered {
            Ok(bytes) => {
                tree.files.insert(path, bytes);
            }
            Err(diagnostic) => d.push(diagnostic),
        }
    }
    add_parent_listings(&mut listings, &roots);
    drop_empty_listings(&mut listings, &extras);
    for (dir, resources) in &listings {
        let mut body = json!({
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": resources.iter().collect::<Vec<_>>(),
        });
        // Generators and Helm charts of the directory, as the engine wants them.
        if let Some(c) = extras.get(dir.as_str()) {
            if !c.generators.is_empty() {
                body["generators"] = json!(c.generators);
            }
            if !c.helm_charts.is_empty() {
                body["helmCharts"] = json!(c.helm_charts);
            }
        }
        let path = if dir.is_empty() { "kustomization.yaml".to_owned() } else { format!("{dir}/kustomization.yaml") };
        if let Some(text) = render_checked(&templates, "kustomization.yaml.j2", options, &body, Span::default(), &mut d)
        {
            tree.files.insert(path, text.into_bytes());
        }
    }
    if d.has_errors() { Err(d) } else { Ok(tree) }
}

/// The path of file `file` of the component in directory `dir`, as the
/// tree keys it (built without `format!`: it runs once per object).
#[must_use]
pub fn path_in(dir: &str, file: &str) -> String {
    let mut path = String::with_capacity(dir.len() + 1 + file.len());
    path.push_str(dir);
    path.push('/');
    path.push_str(file);
    path
}

/// The templates of `options`, checked.
///
/// # Errors
/// A template that does not parse.
pub fn templates(options: &RenderOptions) -> Result<Templates, Diagnostics> {
    Templates::new(options.templates.clone()).map_err(|e| {
        let mut d = Diagnostics::default();
        d.push(template_error(&e.template, &e.message));
        d
    })
}

/// One object's file, as [`render`] writes it: the object's template
/// applied to its tree (read back unless the template is the built-in
/// emitter).
///
/// # Errors
/// A template that fails, or output that does not hold the object; an
/// object already rendered.
pub fn object_file(templates: &Templates, options: &RenderOptions, object: &Object) -> Result<Vec<u8>, Diagnostic> {
    let Some(tree) = object.tree() else {
        return Err(Diagnostic::error(
            Code::Internal,
            object.origin,
            format!("{} `{}` was rendered twice (a bug in stackc)", object.kind, object.name),
        ));
    };
    let template = templates.for_kind(object.kind, "object.yaml.j2");
    let mut d = Diagnostics::default();
    let text = render_checked(templates, &template, options, tree, object.origin, &mut d);
    text.map(String::into_bytes)
        .ok_or_else(|| d.into_sorted().into_iter().next().unwrap_or_else(|| template_error(&template, "no output")))
}

/// Render objects on every core; the result is in job order whatever the
/// thread timing, so the output stays deterministic.
fn render_all(
    templates: &Templates,
    options: &RenderOptions,
    jobs: &[(String, &Object)],
) -> Vec<(String, Result<Vec<u8>, Diagnostic>)> {
    let threads = crate::parallel::threads();
    let chunk = jobs.len().div_ceil(threads).max(64);
    let render_chunk = |part: &[(String, &Object)]| -> Vec<(String, Result<Vec<u8>, Diagnostic>)> {
        part.iter().map(|(path, object)| (path.clone(), object_file(templates, options, object))).collect()
    };
    if jobs.len() <= chunk {
        return render_chunk(jobs);
    }
    std::thread::scope(|scope| {
        let handles: Vec<_> = jobs.chunks(chunk).map(|part| scope.spawn(move || render_chunk(part))).collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}
