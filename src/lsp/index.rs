//! What the stack declares by name and where it refers to it: the table
//! behind go to definition, find references, document symbols, hover on a
//! reference and completion of references.
//!
//! Built from the parsed document, not the checked model, so it exists as
//! soon as the file parses, even while `check` still reports errors.
//! Keys are the names as the language writes them from the top: a
//! namespace `ns`, a workload `ns/app`, a port `ns/app/port`, a Secret key
//! `ns/secret/key`; repositories, issuers and storage classes by name.

use super::summary::summary;
use crate::diagnostic::Span;
use crate::syntax::{Document, Node, Scalar};
use args::{first_string, string_prop};

mod args;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Cluster,
    Namespace,
    /// An app or a database (what `connects-to` and `override` name).
    Workload,
    Release,
    Secret,
    SecretKey,
    Port,
    Repository,
    Issuer,
    StorageClass,
    /// An app's volume (`ns/app/volume`), which an `override` names.
    Volume,
    /// A host an app exposes (`ns/app/host`), which an `override` names.
    Host,
}

impl Kind {
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Kind::Cluster => "cluster",
            Kind::Namespace => "namespace",
            Kind::Workload => "workload",
            Kind::Release => "release",
            Kind::Secret => "secret",
            Kind::SecretKey => "secret key",
            Kind::Port => "port",
            Kind::Repository => "helm repository",
            Kind::Issuer => "issuer",
            Kind::StorageClass => "storage class",
            Kind::Volume => "volume",
            Kind::Host => "exposed host",
        }
    }
}

/// A declaration.
#[derive(Debug, Clone)]
pub struct Symbol {
    pub kind: Kind,
    pub key: String,
    /// The node that declares it (`app`, `database`, `port`, ...).
    pub node: String,
    /// The name as written (its argument), or the node's name for an
    /// implicit declaration (a database's credentials Secret).
    pub span: Span,
    /// The whole declaring node.
    pub node_span: Span,
    /// A one-line summary: the declaring node's properties.
    pub detail: String,
    /// Declared by another node (a database's credentials Secret): its
    /// span is that node's name, which the cursor finds as the node's.
    pub implicit: bool,
}

/// A use of a name.
#[derive(Debug, Clone)]
pub struct Reference {
    pub kind: Kind,
    pub key: String,
    pub span: Span,
}

/// Every declaration and reference of one parsed document.
#[derive(Debug, Clone, Default)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    pub references: Vec<Reference>,
}

impl Index {
    #[must_use]
    pub fn new(document: &Document) -> Self {
        let mut index = Index::default();
        for stack in document.nodes.iter().filter(|n| n.name == "stack") {
            index.stack(stack);
        }
        index.implicit_secrets(document);
        index
    }

    /// The declarations of `kind` named `key`.
    pub fn declarations<'a>(&'a self, kind: Kind, key: &'a str) -> impl Iterator<Item = &'a Symbol> + 'a {
        self.symbols.iter().filter(move |s| s.kind == kind && s.key == key)
    }

    /// The declarations of `kind` under `prefix` (`ns/` for a namespace's).
    pub fn all<'a>(&'a self, kind: Kind, prefix: &'a str) -> impl Iterator<Item = &'a Symbol> + 'a {
        self.symbols.iter().filter(move |s| s.kind == kind && s.key.starts_with(prefix))
    }

    /// The declaration or reference whose name covers `offset`.
    #[must_use]
    pub fn at(&self, offset: usize) -> Option<(Kind, &str)> {
        let inside = |span: Span| span.offset <= offset && offset <= span.offset + span.len;
        let reference = self.references.iter().find(|r| inside(r.span)).map(|r| (r.kind, r.key.as_str()));
        let declared = || self.symbols.iter().find(|s| !s.implicit && inside(s.span));
        reference.or_else(|| declared().map(|s| (s.kind, s.key.as_str())))
    }

    fn declare(&mut self, kind: Kind, key: String, node: &Node, span: Span) {
        let detail = summary(node);
        let implicit = false;
        self.symbols.push(Symbol { kind, key, node: node.name.clone(), span, node_span: node.span, detail, implicit });
    }

    fn refer(&mut self, kind: Kind, key: String, span: Span) {
        self.references.push(Reference { kind, key, span });
    }

    fn stack(&mut self, stack: &Node) {
        for child in &stack.children {
            match child.name.as_str() {
                "cluster" => self.cluster(child),
                "helm-repository" => self.named(Kind::Repository, child, ""),
                "platform" => {
                    for issuer in child.children.iter().filter(|c| c.name == "cert-manager").flat_map(|c| &c.children) {
                        self.named(Kind::Issuer, issuer, "");
                    }
                }
                "namespace" => self.namespace(child),
                _ => {}
            }
        }
    }

    fn cluster(&mut self, cluster: &Node) {
        self.named(Kind::Cluster, cluster, "");
        for child in &cluster.children {
            match child.name.as_str() {
                "storage-class" => self.named(Kind::StorageClass, child, ""),
                "override" => self.override_(child),
                _ => {}
            }
        }
    }

    /// `override "ns/name"` names a workload, and inside it that
    /// workload's volumes (`volume "data"`) and hosts (`expose "a.example"`).
    fn override_(&mut self, node: &Node) {
        let Some((target, span)) = first_string(node) else { return };
        let target = target.to_owned();
        self.refer(Kind::Workload, target.clone(), span);
        for child in &node.children {
            let kind = match child.name.as_str() {
                "volume" => Kind::Volume,
                "expose" => Kind::Host,
                _ => continue,
            };
            if let Some((name, span)) = first_string(child) {
                self.refer(kind, format!("{target}/{name}"), span);
            }
        }
    }

    fn namespace(&mut self, namespace: &Node) {
        let Some((ns, _)) = first_string(namespace) else { return };
        let ns = ns.to_owned();
        self.named(Kind::Namespace, namespace, "");
        for child in &namespace.children {
            let scope = format!("{ns}/");
            match child.name.as_str() {
                "depends-on" => {
                    for arg in &child.args {
                        if let Scalar::String(s) = &arg.value {
                            self.refer(Kind::Namespace, s.clone(), arg.span);
                        }
                    }
                }
                "release" => {
                    self.named(Kind::Release, child, &scope);
                    self.prop_ref(child, "repository", Kind::Repository, "");
                }
                "secret" => self.secret(child, &ns),
                "database" => {
                    self.named(Kind::Workload, child, &scope);
                    self.prop_ref(child, "storage-class", Kind::StorageClass, "");
                }
                // A job takes an app's children, and may borrow an app's image.
                "app" | "job" | "cronjob" => self.app(child, &ns),
                _ => {}
            }
        }
    }

    fn secret(&mut self, secret: &Node, ns: &str) {
        let Some((name, _)) = first_string(secret) else { return };
        self.named(Kind::Secret, secret, &format!("{ns}/"));
        let scope = format!("{ns}/{name}/");
        for key in secret.children.iter().filter(|c| c.name == "key") {
            self.named(Kind::SecretKey, key, &scope);
        }
    }

    fn app(&mut self, app: &Node, ns: &str) {
        let Some((name, _)) = first_string(app) else { return };
        let app_key = format!("{ns}/{name}");
        self.named(Kind::Workload, app, &format!("{ns}/"));
        self.prop_ref(app, "release", Kind::Release, &format!("{ns}/"));
        self.prop_ref(app, "image-of", Kind::Workload, &format!("{ns}/"));
        for child in &app.children {
            match child.name.as_str() {
                "port" => self.named(Kind::Port, child, &format!("{app_key}/")),
                "connects-to" => {
                    let Some((target, span)) = first_string(child) else { continue };
                    let target = if target.contains('/') { target.to_owned() } else { format!("{ns}/{target}") };
                    self.refer(Kind::Workload, target.clone(), span);
                    self.prop_ref(child, "port", Kind::Port, &format!("{target}/"));
                }
                "env" | "file" => {
                    if let Some((secret, span)) = string_prop(child, "secret") {
                        let secret = secret.to_owned();
                        self.refer(Kind::Secret, format!("{ns}/{secret}"), span);
                        self.prop_ref(child, "key", Kind::SecretKey, &format!("{ns}/{secret}/"));
                    }
                }
                "expose" => {
                    self.named(Kind::Host, child, &format!("{app_key}/"));
                    self.prop_ref(child, "port", Kind::Port, &format!("{app_key}/"));
                    self.prop_ref(child, "issuer", Kind::Issuer, "");
                }
                "expose-port" | "metrics" | "readiness" | "liveness" | "startup" => {
                    self.prop_ref(child, "port", Kind::Port, &format!("{app_key}/"));
                    self.prop_ref(child, "tcp", Kind::Port, &format!("{app_key}/"));
                }
                "volume" => {
                    self.named(Kind::Volume, child, &format!("{app_key}/"));
                    self.prop_ref(child, "storage-class", Kind::StorageClass, "");
                }
                _ => {}
            }
        }
    }

    /// A database's implicit `<name>-credentials` Secret, where the
    /// namespace does not declare it (`docs/stack-kdl.md`, databases).
    fn implicit_secrets(&mut self, document: &Document) {
        let namespaces = document.nodes.iter().flat_map(|s| &s.children).filter(|n| n.name == "namespace");
        for namespace in namespaces {
            let Some((ns, _)) = first_string(namespace) else { continue };
            for db in namespace.children.iter().filter(|c| c.name == "database") {
                let Some((name, _)) = first_string(db) else { continue };
                let engine = string_prop(db, "engine").map(|(e, _)| e);
                let password = db.props.iter().any(|p| p.key == "password" && p.value == Scalar::Bool(true));
                let secret = format!("{ns}/{name}-credentials");
                if (engine == Some("postgresql") || password)
                    && self.declarations(Kind::Secret, &secret).next().is_none()
                {
                    self.declare(Kind::Secret, secret.clone(), db, db.name_span);
                    self.declare(Kind::SecretKey, format!("{secret}/password"), db, db.name_span);
                    let len = self.symbols.len();
                    self.symbols[len - 2..].iter_mut().for_each(|s| s.implicit = true);
                }
            }
        }
    }

    /// Declare a node by its first argument, under `scope`.
    fn named(&mut self, kind: Kind, node: &Node, scope: &str) {
        if let Some((name, span)) = first_string(node) {
            self.declare(kind, format!("{scope}{name}"), node, span);
        }
    }

    /// Record property `key` of `node` as a reference to `scope` + its value.
    fn prop_ref(&mut self, node: &Node, key: &str, kind: Kind, scope: &str) {
        if let Some((value, span)) = string_prop(node, key) {
            self.refer(kind, format!("{scope}{value}"), span);
        }
    }
}
