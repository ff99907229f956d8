//! A [`Policy`] from the JSON of a `ClusterPolicy` or `Policy`
//! (<https://kyverno.io/docs/writing-policies/>). Only validate rules with
//! `pattern`, `anyPattern` or `deny` are supported; every other rule type,
//! `context`, `foreach`, CEL and user-info filters are errors, so that a
//! rule is never silently ignored. The rules Kyverno auto-generates for Pod
//! controllers are added after the written ones ([`super::autogen`]).

use serde_json::Value;

use super::autogen;
use super::conditions::Conditions;
use super::error::KyvernoError;
use super::json::Obj;
use super::matching::Match;
use super::pattern;
use super::policy::{Autogen, Check, FailureAction, Policy, Rule};
use super::variables::Template;

const SPEC_KEYS: &[&str] = &[
    "rules",
    "validationFailureAction",
    "validationFailureActionOverrides",
    "background",
    "admission",
    "failurePolicy",
    "webhookTimeoutSeconds",
    "schemaValidation",
    "mutateExistingOnPolicyUpdate",
    "generateExisting",
    "generateExistingOnPolicyUpdate",
    "useServerSideApply",
    "emitWarning",
    "webhookConfiguration",
    "applyRules",
];

fn action(obj: &Obj, key: &str) -> Result<Option<FailureAction>, KyvernoError> {
    Ok(match obj.str(key)? {
        None => None,
        Some("Audit" | "audit") => Some(FailureAction::Audit),
        Some("Enforce" | "enforce") => Some(FailureAction::Enforce),
        Some(other) => {
            return Err(KyvernoError::invalid(&obj.at(key), other, "expected Audit or Enforce"));
        }
    })
}

type Overrides = Vec<(FailureAction, Vec<String>)>;

fn overrides(obj: &Obj, key: &str) -> Result<Option<Overrides>, KyvernoError> {
    let Some(items) = obj.array(key)? else {
        return Ok(None);
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let at = format!("{}[{i}]", obj.at(key));
        let o = Obj::new(item, &at)?;
        o.check_keys(&["action", "namespaces"], &["namespaceSelector"])?;
        let a = action(&o, "action")?.ok_or_else(|| KyvernoError::Missing { path: o.at("action") })?;
        out.push((a, o.strings("namespaces")?));
    }
    Ok(Some(out))
}

/// Defaults a rule inherits from the policy spec.
struct Defaults {
    action: FailureAction,
    overrides: Overrides,
}

fn parse_rule(
    value: &Value,
    path: &str,
    source: Option<(&str, Autogen)>,
    defaults: &Defaults,
) -> Result<Rule, KyvernoError> {
    let obj = Obj::new(value, path)?;
    obj.check_keys(
        &["name", "match", "exclude", "preconditions", "validate", "skipBackgroundRequests", "reportProperties"],
        &["context", "mutate", "generate", "verifyImages", "celPreconditions", "imageExtractors"],
    )?;
    let name = obj.req_str("name")?;
    let block = obj.get("match").ok_or_else(|| KyvernoError::Missing { path: obj.at("match") })?;
    let validate =
        obj.get("validate").ok_or_else(|| KyvernoError::unsupported(path, "rules other than validate rules"))?;
    let validate_path = obj.at("validate");
    let v = Obj::new(validate, &validate_path)?;
    v.check_keys(
        &[
            "message",
            "failureAction",
            "failureActionOverrides",
            "allowExistingViolations",
            "pattern",
            "anyPattern",
            "deny",
        ],
        &["foreach", "podSecurity", "cel", "manifests", "assert"],
    )?;
    let template = |value: &Value, at: &str| {
        pattern::check(value, at)?;
        Template::parse(value, at)
    };
    let checks = [v.get("pattern"), v.get("anyPattern"), v.get("deny")];
    let check = match checks {
        [Some(p), None, None] => Check::Pattern(template(p, &v.at("pattern"))?),
        [None, Some(any), None] => {
            let at = v.at("anyPattern");
            let items = any
                .as_array()
                .filter(|a| !a.is_empty())
                .ok_or_else(|| KyvernoError::type_error(&at, "a non-empty array of patterns"))?;
            Check::AnyPattern(
                items.iter().enumerate().map(|(i, p)| template(p, &format!("{at}[{i}]"))).collect::<Result<_, _>>()?,
            )
        }
        [None, None, Some(deny)] => {
            let at = v.at("deny");
            let d = Obj::new(deny, &at)?;
            d.check_keys(&["conditions"], &[])?;
            Check::Deny(match d.get("conditions") {
                Some(c) => Conditions::parse(c, &d.at("conditions"))?,
                None => Conditions::default(),
            })
        }
        _ => {
            return Err(KyvernoError::invalid(
                &validate_path,
                "validate",
                "needs exactly one of pattern, anyPattern and deny",
            ));
        }
    };
    Ok(Rule {
        name: name.to_owned(),
        source: source.map_or(name, |(s, _)| s).to_owned(),
        autogen: source.map(|(_, a)| a),
        action: action(&v, "failureAction")?.unwrap_or(defaults.action),
        overrides: overrides(&v, "failureActionOverrides")?.unwrap_or_else(|| defaults.overrides.clone()),
        matches: Match::parse(block, &obj.at("match"))?,
        exclude: obj.get("exclude").map(|e| Match::parse(e, &obj.at("exclude"))).transpose()?,
        preconditions: obj.get("preconditions").map(|p| Conditions::parse(p, &obj.at("preconditions"))).transpose()?,
        message: v.str("message")?.unwrap_or_default().to_owned(),
        check,
    })
}

impl Policy {
    /// Parses a `ClusterPolicy` or `Policy` object.
    ///
    /// # Errors
    /// A malformed policy, or a feature outside the supported subset
    /// ([`KyvernoError::Unsupported`]).
    pub fn parse(value: &Value) -> Result<Self, KyvernoError> {
        let obj = Obj::new(value, "")?;
        let api = obj.req_str("apiVersion")?;
        if !matches!(api, "kyverno.io/v1" | "kyverno.io/v2beta1" | "kyverno.io/v2") {
            return Err(KyvernoError::invalid("apiVersion", api, "expected kyverno.io/v1, v2beta1 or v2"));
        }
        let kind = obj.req_str("kind")?;
        if !matches!(kind, "ClusterPolicy" | "Policy") {
            return Err(KyvernoError::invalid("kind", kind, "expected ClusterPolicy or Policy"));
        }
        let meta = Obj::new(
            obj.get("metadata").ok_or_else(|| KyvernoError::Missing { path: "metadata".to_owned() })?,
            "metadata",
        )?;
        let name = meta.req_str("name")?.to_owned();
        let namespace = match kind {
            "Policy" => Some(meta.req_str("namespace")?.to_owned()),
            _ => None,
        };
        let annotation = meta
            .string_map("annotations")?
            .unwrap_or_default()
            .into_iter()
            .find(|(k, _)| k == autogen::ANNOTATION)
            .map(|(_, v)| v);
        let spec = Obj::new(obj.get("spec").ok_or_else(|| KyvernoError::Missing { path: "spec".to_owned() })?, "spec")?;
        spec.check_keys(SPEC_KEYS, &[])?;
        if let Some(apply) = spec.str("applyRules")?.filter(|a| *a != "All") {
            return Err(KyvernoError::unsupported(&spec.at("applyRules"), format!("applyRules: {apply}")));
        }
        let defaults = Defaults {
            action: action(&spec, "validationFailureAction")?.unwrap_or_default(),
            overrides: overrides(&spec, "validationFailureActionOverrides")?.unwrap_or_default(),
        };
        let raw = spec.array("rules")?.ok_or_else(|| KyvernoError::Missing { path: spec.at("rules") })?;
        let mut rules = Vec::with_capacity(raw.len());
        for (i, rule) in raw.iter().enumerate() {
            rules.push(parse_rule(rule, &format!("spec.rules[{i}]"), None, &defaults)?);
        }
        let generated = autogen::generate_rules(annotation.as_deref(), raw);
        for (i, (source, kind, rule)) in generated.iter().enumerate() {
            let path = format!("status.autogen.rules[{i}]");
            rules.push(parse_rule(rule, &path, Some((source, *kind)), &defaults)?);
        }
        Ok(Self { name, namespace, rules })
    }
}
