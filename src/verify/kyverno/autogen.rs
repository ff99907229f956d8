//! Auto-generated rules for Pod controllers
//! (<https://kyverno.io/docs/writing-policies/autogen/>): a rule written for
//! `Pod` also applies to the Pod templates of the controllers `DaemonSet`,
//! `Deployment`, `Job`, `StatefulSet`, `ReplicaSet` and
//! `ReplicationController` (`spec.template`) and `CronJob`
//! (`spec.jobTemplate.spec.template`).
//!
//! As Kyverno does, on the raw rules: the policy annotation
//! `pod-policies.kyverno.io/autogen-controllers` picks the controllers
//! (`none` disables); no rule is generated for a policy if any rule filters
//! on `name`, `names`, `selector` or `annotations`, or lists `Pod` with other
//! kinds in one filter; a rule qualifies if its `match` names `Pod` (and its
//! `exclude` names `Pod`, if it names kinds). The generated rule
//! `autogen-<name>` (`autogen-cronjob-<name>`) replaces the kinds of the
//! filters that name `Pod`, wraps the pattern(s) in `spec.template` (and
//! `spec.jobTemplate`), and rewrites `request.object.spec` /
//! `request.object.metadata` in its variables to the template's.

use serde_json::{Map, Value, json};

use super::policy::Autogen;
use super::selector::contains_kind;

/// The controllers besides `CronJob`.
const CONTROLLERS: [&str; 6] = ["DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"];

/// The annotation that picks the controllers.
pub(crate) const ANNOTATION: &str = "pod-policies.kyverno.io/autogen-controllers";

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}

/// The `resources` descriptions of a match or exclude block.
fn descriptions(block: Option<&Value>) -> Vec<&Value> {
    let Some(block) = block else {
        return Vec::new();
    };
    let mut out: Vec<&Value> = block.get("resources").into_iter().collect();
    for list in ["any", "all"] {
        for filter in block.get(list).and_then(Value::as_array).into_iter().flatten() {
            out.extend(filter.get("resources"));
        }
    }
    out
}

/// Kyverno's `CanAutoGen` over all the rules of a policy.
fn can_autogen(rules: &[Value]) -> bool {
    let mut needed = false;
    for rule in rules {
        for d in descriptions(rule.get("match")).into_iter().chain(descriptions(rule.get("exclude"))) {
            let kinds = strings(d.get("kinds"));
            let named = d.get("name").and_then(Value::as_str).is_some_and(|n| !n.is_empty())
                || !strings(d.get("names")).is_empty();
            let filtered =
                d.get("selector").is_some_and(|s| !s.is_null()) || d.get("annotations").is_some_and(|a| !a.is_null());
            if named || filtered || (kinds.len() > 1 && contains_kind(&kinds, "Pod")) {
                return false;
            }
            needed |= kinds.iter().any(|k| k == "Pod" || k == "CronJob" || CONTROLLERS.contains(&k.as_str()));
        }
    }
    needed
}

fn gvk(kind: &str) -> String {
    match kind {
        "DaemonSet" | "Deployment" | "StatefulSet" | "ReplicaSet" => format!("apps/v1/{kind}"),
        "Job" | "CronJob" => format!("batch/v1/{kind}"),
        "ReplicationController" => "v1/ReplicationController".to_owned(),
        other => other.to_owned(),
    }
}

fn kinds_of(block: Option<&Value>) -> Vec<String> {
    descriptions(block).into_iter().flat_map(|d| strings(d.get("kinds"))).collect()
}

/// Sets the kinds of a block's filters: of those naming `Pod` only, or all.
fn replace_kinds(block: &mut Value, kinds: &[String], pod_only: bool, exclude: bool) {
    let set = |filter: &mut Value| {
        if let Some(f) = filter.as_object_mut() {
            let resources = f.entry("resources").or_insert_with(|| json!({}));
            if let Some(r) = resources.as_object_mut() {
                r.insert("kinds".to_owned(), json!(kinds));
            }
        }
    };
    for list in ["any", "all"] {
        if let Some(filters) = block.get_mut(list).and_then(Value::as_array_mut)
            && !filters.is_empty()
        {
            for filter in filters {
                let names_pod = contains_kind(&kinds_of(Some(filter)), "Pod");
                if !pod_only || names_pod {
                    set(filter);
                }
            }
            return;
        }
    }
    if (!exclude || !kinds_of(Some(block)).is_empty())
        && let Some(b) = block.as_object_mut()
        && let Some(r) = b.entry("resources").or_insert_with(|| json!({})).as_object_mut()
    {
        r.insert("kinds".to_owned(), json!(kinds));
    }
}

/// Kyverno's `generateRule`: a copy of `rule` for other kinds with its
/// patterns wrapped in `spec.<tpl>`.
fn generate(rule: &Value, name: &str, tpl: &str, kinds: &[String], pod_only: bool) -> Value {
    let mut out = rule.clone();
    let Some(obj) = out.as_object_mut() else {
        return out;
    };
    let mut short = name.to_owned();
    while short.len() > 63 {
        short.pop();
    }
    obj.insert("name".to_owned(), Value::String(short));
    if let Some(m) = obj.get_mut("match") {
        replace_kinds(m, kinds, pod_only, false);
    }
    if let Some(e) = obj.get_mut("exclude") {
        replace_kinds(e, kinds, pod_only, true);
    }
    if let Some(Value::Object(validate)) = obj.get_mut("validate") {
        let wrap = |p: &Value| json!({ "spec": { tpl: p } });
        let mut new = Map::new();
        for key in ["message", "failureAction", "failureActionOverrides", "allowExistingViolations"] {
            if let Some(v) = validate.get(key) {
                new.insert(key.to_owned(), v.clone());
            }
        }
        if let Some(p) = validate.get("pattern") {
            new.insert("pattern".to_owned(), wrap(p));
        } else if let Some(d) = validate.get("deny") {
            new.insert("deny".to_owned(), d.clone());
        } else if let Some(Value::Array(ps)) = validate.get("anyPattern") {
            new.insert("anyPattern".to_owned(), ps.iter().map(wrap).collect());
        } else {
            return out;
        }
        *validate = new;
    }
    out
}

/// Rewrites `request.object.spec` and `request.object.metadata` (and of
/// `oldObject`) to the Pod template under `template`.
fn rewrite(rule: Value, template: &str) -> Value {
    let Ok(mut text) = serde_json::to_string(&rule) else {
        return rule;
    };
    for object in ["object", "oldObject"] {
        for field in ["spec", "metadata"] {
            let from = format!("request.{object}.{field}");
            text = text.replace(&from, &format!("request.{object}.{template}.{field}"));
        }
    }
    serde_json::from_str(&text).unwrap_or(rule)
}

/// The rules generated for the raw `rules` of a policy whose autogen
/// annotation is `annotation`: (source rule name, kind, raw rule).
pub(crate) fn generate_rules(annotation: Option<&str>, rules: &[Value]) -> Vec<(String, Autogen, Value)> {
    if !can_autogen(rules) {
        return Vec::new();
    }
    let requested: Vec<&str> = match annotation {
        None => CONTROLLERS.iter().copied().chain(["CronJob"]).collect(),
        Some("none") => Vec::new(),
        Some(list) => list.split(',').collect(),
    };
    let all = requested.contains(&"all");
    let mut controllers: Vec<String> =
        CONTROLLERS.iter().filter(|c| all || requested.contains(c)).map(|c| gvk(c)).collect();
    controllers.sort();
    let cronjob = all || requested.iter().any(|c| c.contains("CronJob"));
    let mut out = Vec::new();
    for rule in rules {
        let Some(name) = rule.get("name").and_then(Value::as_str) else {
            continue;
        };
        let match_kinds = kinds_of(rule.get("match"));
        let exclude_kinds = kinds_of(rule.get("exclude"));
        if name.starts_with("autogen-")
            || !contains_kind(&match_kinds, "Pod")
            || (!exclude_kinds.is_empty() && !contains_kind(&exclude_kinds, "Pod"))
        {
            continue;
        }
        let base_kinds = if controllers.is_empty() { vec![gvk("CronJob")] } else { controllers.clone() };
        let base = generate(rule, &format!("autogen-{name}"), "template", &base_kinds, true);
        if !controllers.is_empty() {
            out.push((name.to_owned(), Autogen::PodControllers, rewrite(base.clone(), "spec.template")));
        }
        if cronjob {
            let cron = generate(&base, &format!("autogen-cronjob-{name}"), "jobTemplate", &[gvk("CronJob")], false);
            out.push((name.to_owned(), Autogen::CronJob, rewrite(cron, "spec.jobTemplate.spec.template")));
        }
    }
    out
}
