//! `match` and `exclude` (<https://kyverno.io/docs/writing-policies/match-exclude/>):
//! which resources a rule applies to.
//!
//! - `any` is OR over resource filters, `all` is AND, the legacy
//!   `match.resources` form is one filter; an empty filter matches nothing.
//!   `exclude` removes what its filters match (`any`: one, `all`: every one).
//! - Inside a filter, every field must match, and the entries of a list are
//!   alternatives: `kinds` (`Pod`, `v1/Pod`, `apps/v1/Deployment`, `*`; a
//!   subresource kind such as `Pod/status` never matches an object),
//!   `name`/`names` and `namespaces` (wildcards; a Namespace's own name
//!   counts as its namespace), `annotations`, `selector` and
//!   `namespaceSelector` (label selectors, see [`super::selector`]), and
//!   `operations` (the object is taken as being created: `CREATE` must be
//!   listed if any is).
//! - User information (`subjects`, `roles`, `clusterRoles`) is unsupported.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::KyvernoError;
use super::json::Obj;
use super::selector::Selector;
use super::wildcard;

/// What the evaluator knows of the cluster besides the object: the labels
/// of namespaces, for `namespaceSelector`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    /// An empty context (no namespace is known).
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a namespace and its labels (`kubernetes.io/metadata.name` is
    /// added as Kubernetes does).
    #[must_use]
    pub fn namespace<K: Into<String>, V: Into<String>>(
        mut self,
        name: &str,
        labels: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut labels: BTreeMap<String, String> = labels.into_iter().map(|(k, v)| (k.into(), v.into())).collect();
        labels.insert("kubernetes.io/metadata.name".to_owned(), name.to_owned());
        self.namespaces.insert(name.to_owned(), labels);
        self
    }

    /// Whether the namespace has been added.
    #[must_use]
    pub fn knows(&self, name: &str) -> bool {
        self.namespaces.contains_key(name)
    }
}

/// The facts of the evaluated object that matching looks at.
#[derive(Debug, Clone)]
pub(crate) struct Resource<'a> {
    pub value: &'a Value,
    pub kind: &'a str,
    pub group: &'a str,
    pub version: &'a str,
    pub name: &'a str,
    /// `metadata.namespace`, empty for cluster-scoped objects.
    pub namespace: &'a str,
    labels: BTreeMap<String, String>,
    annotations: BTreeMap<String, String>,
}

impl<'a> Resource<'a> {
    pub fn new(value: &'a Value) -> Result<Self, KyvernoError> {
        let obj = Obj::new(value, "")?;
        let api_version = obj.req_str("apiVersion")?;
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        let meta = match obj.get("metadata") {
            Some(m) => Some(Obj::new(m, "metadata")?),
            None => None,
        };
        let text = |key: &str| -> Result<&'a str, KyvernoError> {
            Ok(match meta {
                Some(m) => m.str(key)?.unwrap_or(""),
                None => "",
            })
        };
        let map = |key: &str| -> Result<BTreeMap<String, String>, KyvernoError> {
            Ok(match meta {
                Some(m) => m.string_map(key)?.unwrap_or_default().into_iter().collect(),
                None => BTreeMap::new(),
            })
        };
        let name = match text("name")? {
            "" => text("generateName")?,
            name => name,
        };
        Ok(Self {
            value,
            kind: obj.req_str("kind")?,
            group,
            version,
            name,
            namespace: text("namespace")?,
            labels: map("labels")?,
            annotations: map("annotations")?,
        })
    }
}

fn kind_matches(kinds: &[String], r: &Resource) -> bool {
    kinds.iter().any(|k| {
        // Without a wildcard the selector's kind is `r.kind` spelled out.
        (wildcard::has_wildcard(k) || k.contains(r.kind))
            && super::selector::kind_selector(k).is_some_and(|[g, v, kind, sub]| {
                wildcard::matches(g, r.group)
                    && wildcard::matches(v, r.version)
                    && wildcard::matches(kind, r.kind)
                    && wildcard::matches(sub, "")
            })
    })
}

/// One `resources` filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Filter {
    kinds: Vec<String>,
    name: Option<String>,
    names: Vec<String>,
    namespaces: Vec<String>,
    operations: Vec<String>,
    annotations: Option<Vec<(String, String)>>,
    selector: Option<Selector>,
    namespace_selector: Option<Selector>,
}

const UNSUPPORTED_USER_INFO: &[&str] = &["subjects", "roles", "clusterRoles"];

impl Filter {
    fn parse(value: &Value, path: &str) -> Result<Self, KyvernoError> {
        let obj = Obj::new(value, path)?;
        obj.check_keys(
            &["kinds", "name", "names", "namespaces", "operations", "annotations", "selector", "namespaceSelector"],
            &[],
        )?;
        let selector = |key: &str| obj.get(key).map(|v| Selector::parse(v, &obj.at(key))).transpose();
        Ok(Self {
            kinds: obj.strings("kinds")?,
            name: obj.str("name")?.map(str::to_owned),
            names: obj.strings("names")?,
            namespaces: obj.strings("namespaces")?,
            operations: obj.strings("operations")?,
            annotations: obj.string_map("annotations")?,
            selector: selector("selector")?,
            namespace_selector: selector("namespaceSelector")?,
        })
    }

    fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    fn matches(&self, r: &Resource, ctx: &Context) -> Result<bool, KyvernoError> {
        let namespace = if r.kind == "Namespace" { r.name } else { r.namespace };
        let plain = (self.kinds.is_empty() || kind_matches(&self.kinds, r))
            && self.name.as_ref().is_none_or(|n| wildcard::matches(n, r.name))
            && (self.names.is_empty() || self.names.iter().any(|n| wildcard::matches(n, r.name)))
            && (self.namespaces.is_empty() || self.namespaces.iter().any(|n| wildcard::matches(n, namespace)))
            && (self.operations.is_empty() || self.operations.iter().any(|o| o == "CREATE"))
            && self.annotations.as_ref().is_none_or(|want| {
                want.iter().all(|(k, v)| {
                    r.annotations.iter().any(|(rk, rv)| wildcard::matches(k, rk) && wildcard::matches(v, rv))
                })
            })
            && self.selector.as_ref().is_none_or(|s| s.matches(&r.labels));
        let Some(ns_selector) = self.namespace_selector.as_ref().filter(|_| plain && r.kind != "Namespace") else {
            return Ok(plain);
        };
        if r.namespace.is_empty() {
            return Ok(ns_selector.matches(&BTreeMap::new()));
        }
        let labels = ctx
            .namespaces
            .get(r.namespace)
            .ok_or_else(|| KyvernoError::NamespaceLabels { namespace: r.namespace.to_owned() })?;
        Ok(ns_selector.matches(labels))
    }
}

/// A `match` or `exclude` block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Match {
    any: Vec<Filter>,
    all: Vec<Filter>,
    legacy: Filter,
}

fn filters(value: Option<&Value>, path: &str) -> Result<Vec<Filter>, KyvernoError> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let items = value.as_array().ok_or_else(|| KyvernoError::type_error(path, "an array"))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let obj = Obj::new(item, &at)?;
        obj.check_keys(&["resources"], UNSUPPORTED_USER_INFO)?;
        out.push(match obj.get("resources") {
            Some(r) => Filter::parse(r, &obj.at("resources"))?,
            None => Filter::default(),
        });
    }
    Ok(out)
}

impl Match {
    pub fn parse(value: &Value, path: &str) -> Result<Self, KyvernoError> {
        let obj = Obj::new(value, path)?;
        obj.check_keys(&["any", "all", "resources"], UNSUPPORTED_USER_INFO)?;
        Ok(Self {
            any: filters(obj.get("any"), &obj.at("any"))?,
            all: filters(obj.get("all"), &obj.at("all"))?,
            legacy: match obj.get("resources") {
                Some(r) => Filter::parse(r, &obj.at("resources"))?,
                None => Filter::default(),
            },
        })
    }

    /// Whether the block selects the resource (for `exclude`: excludes it).
    pub fn selects(&self, r: &Resource, ctx: &Context) -> Result<bool, KyvernoError> {
        if !self.any.is_empty() {
            for f in &self.any {
                if !f.is_empty() && f.matches(r, ctx)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        let all: &[Filter] = if self.all.is_empty() { std::slice::from_ref(&self.legacy) } else { &self.all };
        for f in all {
            if f.is_empty() || !f.matches(r, ctx)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
