//! Release apps' ServiceAccounts, enforced rather than assumed.
//!
//! Linkerd admits clients by ServiceAccount, so the `service-account` a
//! release app names must be the one its pods run as. A chart picks the
//! ServiceAccount from one of its values (goauthentik/helm
//! authentik-2025.10.1 `charts/authentik/templates/server/deployment.yaml:46-48`
//! reads `server.serviceAccountName`, `~` by default at `values.yaml:392`, and
//! without it the pods run as `default`). The app therefore says which value
//! that is (`service-account-value`), and stackc sets it in the release's
//! values; values that already name another account are an error.

use serde_json::{Map, Value};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model::{self, AppSource};

/// Set every release app's ServiceAccount in the values of its release.
pub(super) fn bind_service_accounts(ns: &model::Namespace, releases: &mut [model::Release], d: &mut Diagnostics) {
    // By name: keys stackc adds go after the stack's own, in an order that
    // does not depend on the order of declarations.
    let mut apps: Vec<&model::App> = ns.apps.iter().collect();
    apps.sort_by(|a, b| a.name.value.cmp(&b.name.value));
    for app in apps {
        let AppSource::Release { release, service_account, service_account_value, .. } = &app.source else {
            continue;
        };
        match (service_account, service_account_value) {
            (None, None) => {}
            (None, Some(path)) => d.push(
                Diagnostic::error(Code::MissingValue, path.span, "`service-account-value` needs `service-account`")
                    .label("set to which ServiceAccount?")
                    .help("add `service-account=\"<name>\"`: the account the pods run as and the policies admit"),
            ),
            (Some(account), None) => d.push(
                Diagnostic::error(
                    Code::Unenforceable,
                    account.span,
                    format!(
                        "nothing tells release `{}` to run `{}` as ServiceAccount `{}`",
                        release.value, app.name.value, account.value
                    ),
                )
                .label("assumed, not set")
                .help("add `service-account-value=\"<the chart value naming the pods' ServiceAccount>\"`, e.g. `server.serviceAccountName`; stackc sets it in the release's values"),
            ),
            (Some(account), Some(path)) => {
                if let Some(target) = releases.iter_mut().find(|r| r.name.value == release.value) {
                    set(&mut target.values, path, account, d);
                }
            }
        }
    }
}

/// Set the dotted `path` of `values` to `account`, creating the maps on
/// the way; a value already there must be `null` or the same name.
fn set(values: &mut Value, path: &Spanned<String>, account: &Spanned<String>, d: &mut Diagnostics) {
    let keys: Vec<&str> = path.value.split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        d.push(
            Diagnostic::error(Code::InvalidValue, path.span, format!("`{}` is not a values path", path.value))
                .label("empty key")
                .help("keys separated by dots, e.g. `server.serviceAccountName`"),
        );
        return;
    }
    let mut node = values;
    for (depth, key) in keys.iter().enumerate() {
        if node.is_null() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else {
            d.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    path.span,
                    format!("the release's values hold a scalar at `{}`, not a map", keys[..depth].join(".")),
                )
                .label("cannot be set")
                .help("fix the release's `values`, or name the chart value that sets the ServiceAccount"),
            );
            return;
        };
        node = map.entry((*key).to_owned()).or_insert(Value::Null);
    }
    match node {
        Value::Null => *node = Value::String(account.value.clone()),
        Value::String(s) if *s == account.value => {}
        other => d.push(
            Diagnostic::error(
                Code::InvalidValue,
                path.span,
                format!("the release's values set `{}` to {other}, not `{}`", path.value, account.value),
            )
            .label("another ServiceAccount")
            .help("drop it from the release's `values` (stackc sets it), or make `service-account` match"),
        ),
    }
}
