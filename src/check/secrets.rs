//! The Secrets of a namespace: the declared ones, plus the implicit
//! `<db>-credentials` of every PostgreSQL database, and every Redis database
//! with `password=#true`, that declares none, as if the stack said
//! `secret "<db>-credentials" { key "password" generated=#true }`.
//! The database reads `password` from it, and apps may too.

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Spanned};
use crate::model;

/// The key a database reads its password from.
pub const PASSWORD_KEY: &str = "password";

/// The Secret a database reads its password from.
#[must_use]
pub fn credentials_secret(database: &str) -> String {
    format!("{database}-credentials")
}

/// PostgreSQL always reads a password; Redis when asked (`password=#true`).
fn has_password(db: &model::Database) -> bool {
    db.engine.value == "postgresql" || (db.engine.value == "redis" && db.password.as_ref().is_some_and(|p| p.value))
}

/// Declared Secrets and the implicit database credentials, in declaration order.
pub(super) fn with_implicit(ns: &model::Namespace) -> Vec<model::Secret> {
    let mut secrets = ns.secrets.clone();
    for db in ns.databases.iter().filter(|db| has_password(db)) {
        let name = credentials_secret(&db.name.value);
        if !secrets.iter().any(|s| s.name.value == name) {
            secrets.push(model::Secret {
                name: Spanned::new(name, db.name.span),
                external: false,
                keys: vec![model::SecretKey {
                    name: Spanned::new(PASSWORD_KEY.to_owned(), db.name.span),
                    generated: true,
                }],
            });
        }
    }
    secrets
}

/// A Secret stackc keeps needs keys; a declared `<db>-credentials` that
/// stackc keeps must hold `password`.
pub(super) fn check_credentials(ns: &model::Namespace, d: &mut Diagnostics) {
    for secret in ns.secrets.iter().filter(|s| !s.external && s.keys.is_empty()) {
        d.push(
            Diagnostic::error(
                Code::MissingValue,
                secret.name.span,
                format!("Secret `{}` declares no keys", secret.name.value),
            )
            .label("no `key` inside")
            .help("declare the keys workloads read (`key \"name\"`), or mark it `external=#true` if it is created outside stackc"),
        );
    }
    for db in ns.databases.iter().filter(|db| has_password(db)) {
        let name = credentials_secret(&db.name.value);
        let Some(secret) = ns.secrets.iter().find(|s| s.name.value == name) else {
            continue;
        };
        if !secret.external && !secret.keys.iter().any(|k| k.name.value == PASSWORD_KEY) {
            d.push(
                Diagnostic::error(
                    Code::MissingValue,
                    secret.name.span,
                    format!(
                        "database `{}` reads key `{PASSWORD_KEY}` of Secret `{name}`, which does not declare it",
                        db.name.value
                    ),
                )
                .label("no key `password`")
                .help(format!("add `key \"{PASSWORD_KEY}\" generated=#true` to this Secret")),
            );
        }
    }
}
