//! Conditions of `preconditions` and `validate.deny`
//! (<https://kyverno.io/docs/writing-policies/preconditions/>,
//! <https://kyverno.io/docs/writing-policies/validate/#deny-rules>): `any`
//! (true if one is true; an empty or absent block is true) and `all` (true
//! if every one is); the legacy plain list is an `all`. Each condition is
//! `key`, `operator`, `value`, where key and value may hold variables. A
//! variable without a value makes the rule an error (as in Kyverno; write
//! `{{ x || '' }}` for optional fields). The operators are in
//! [`super::operators`].

use serde_json::Value;

use super::error::KyvernoError;
use super::json::Obj;
use super::operators::Operator;
use super::variables::{Template, Unresolved};

/// One `key operator value` condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Condition {
    key: Template,
    operator: Operator,
    value: Template,
}

/// An `any` / `all` block of conditions.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Conditions {
    any: Option<Vec<Condition>>,
    all: Option<Vec<Condition>>,
}

impl Condition {
    fn parse(value: &Value, path: &str) -> Result<Self, KyvernoError> {
        let obj = Obj::new(value, path)?;
        obj.check_keys(&["key", "operator", "value", "message"], &[])?;
        let operator = obj.req_str("operator")?;
        let operator = Operator::parse(operator)
            .ok_or_else(|| KyvernoError::invalid(&obj.at("operator"), operator, "unknown operator"))?;
        let field = |name: &str| {
            let v = obj.map.get(name).unwrap_or(&Value::Null);
            Template::parse(v, &obj.at(name))
        };
        Ok(Self { key: field("key")?, operator, value: field("value")? })
    }

    fn holds(&self, data: &Value) -> Result<bool, Unresolved> {
        let key = self.key.render(data)?;
        let value = self.value.render(data)?;
        Ok(self.operator.holds(&key, &value))
    }
}

fn list(value: &Value, path: &str) -> Result<Vec<Condition>, KyvernoError> {
    match value {
        Value::Array(items) => {
            items.iter().enumerate().map(|(i, v)| Condition::parse(v, &format!("{path}[{i}]"))).collect()
        }
        _ => Err(KyvernoError::type_error(path, "an array")),
    }
}

impl Conditions {
    /// Parses `{any: [...], all: [...]}` or a legacy list (all).
    pub fn parse(value: &Value, path: &str) -> Result<Self, KyvernoError> {
        if value.is_array() {
            return Ok(Self { any: None, all: Some(list(value, path)?) });
        }
        let obj = Obj::new(value, path)?;
        obj.check_keys(&["any", "all"], &[])?;
        let block = |name: &str| obj.get(name).map(|v| list(v, &obj.at(name))).transpose();
        Ok(Self { any: block("any")?, all: block("all")? })
    }

    /// Whether the block holds, with Kyverno's short-circuiting.
    pub fn holds(&self, data: &Value) -> Result<bool, Unresolved> {
        if let Some(any) = self.any.as_ref().filter(|a| !a.is_empty()) {
            let mut one = false;
            for c in any {
                if c.holds(data)? {
                    one = true;
                    break;
                }
            }
            if !one {
                return Ok(false);
            }
        }
        for c in self.all.iter().flatten() {
            if !c.holds(data)? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}
