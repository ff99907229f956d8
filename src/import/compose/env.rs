//! A service's environment as `env` lines. Secrets become references to the
//! namespace's Secret (`secrets.rs`); a database's password becomes its
//! `<db>-credentials` key; what names a recognised database is rewritten to
//! stackc's database: user and database `postgres`, and in a connection URL
//! the password as `$(VAR)` of a variable holding the Secret's key, which
//! the kubelet expands from the variables declared before it
//! (kubernetes/kubernetes `pkg/kubelet/kubelet_pods.go`, `makeEnvironmentVariables`
//! steps 1a and 2; the API documents `EnvVar.value` as "expanded using the
//! previously defined environment variables in the container"). stackc
//! writes variables in name order, so that variable's name sorts before the
//! URL's (`helper_name`).

use super::apps::{AppContext, host_spans};
use super::databases::Database;
use super::model::Service;
use super::plan::{AppPlan, Child, EnvPlan};
use super::report::Finding;
use super::secrets::{SecretBook, secret_name, url_password};

/// Map the environment of `s` into `app`.
pub fn map_env(s: &Service, cx: &AppContext, book: &mut SecretBook, app: &mut AppPlan, findings: &mut Vec<Finding>) {
    let mut lines: Vec<Child> = Vec::new();
    let mut skipped = 0;
    let mut third: Vec<String> = Vec::new();
    let mut unset: Vec<String> = Vec::new();
    for e in &s.env {
        let Some(raw) = &e.value else {
            unset.push(e.name.clone());
            continue;
        };
        if raw.is_empty() && e.from_file && !secret_name(&e.name) {
            skipped += 1;
            continue;
        }
        // An empty credential of another party (an OAuth client, an API):
        // a random value would be no use, and may switch a feature on.
        if raw.is_empty() && e.from_file && third_party(&e.name) {
            third.push(e.name.clone());
            continue;
        }
        let value = rename_hosts(&e.name, raw, cx);
        let password_of = |d: &&Database| {
            (d.postgres || d.plan.password)
                && (e.vars.iter().any(|v| d.password_vars.contains(v))
                    || d.password.as_deref().is_some_and(|p| !p.is_empty() && p == raw)
                    || (names_password_of(&e.name, d) && linked(s, d, cx)))
        };
        let (plan, comment) = if let Some((d, rewritten)) = db_url(raw, cx) {
            let mut value = rewritten;
            if d.postgres || d.plan.password {
                let helper = helper_name(&e.name, &d.plan.name, s);
                value = value.replace("$(PASSWORD)", &format!("$({helper})"));
                let reference =
                    EnvPlan::Secret { secret: format!("{}-credentials", d.plan.name), key: "password".into() };
                if !lines.iter().any(|l| matches!(l, Child::Env { name, .. } if *name == helper)) {
                    let comment = format!("for `$({helper})` in {}", e.name);
                    lines.push(Child::Env { name: helper, value: reference, comment: Some(comment) });
                }
            }
            (EnvPlan::Literal(value), Some(format!("rewritten for database `{}`", d.plan.name)))
        } else if let Some(d) = cx.dbs.iter().find(password_of) {
            let secret = format!("{}-credentials", d.plan.name);
            (
                EnvPlan::Secret { secret, key: "password".into() },
                Some(format!("the password of database `{}`", d.plan.name)),
            )
        } else if let Some(d) = cx.dbs.iter().find(|d| d.postgres && renamed_credential(&e.name, raw, d)) {
            (
                EnvPlan::Literal("postgres".into()),
                Some(format!("`{raw}` in Compose; database `{}` has user and database `postgres`", d.plan.name)),
            )
        } else if secret_name(&e.name) || e.vars.iter().any(|v| secret_name(v)) || url_password(raw).is_some() {
            // One env-file variable: its name is the key, shared by every
            // service that reads it (a differing value gets its own key).
            let var = match e.vars.as_slice() {
                [one] => one.clone(),
                _ => e.name.clone(),
            };
            let origin = if e.from_file || !e.vars.is_empty() { "from the env file" } else { "from the Compose file" };
            let key = book.key(&var, &app.name, &value, origin);
            (EnvPlan::Secret { secret: book.name.clone(), key }, None)
        } else {
            (EnvPlan::Literal(value), None)
        };
        lines.push(Child::Env { name: e.name.clone(), value: plan, comment });
    }
    if !third.is_empty() {
        let what = format!(
            "empty credentials of other services in the env file are left out: {}; add those you use as `env` with a Secret key",
            third.join(", ")
        );
        findings.push(Finding::todo(s.at, Some(&s.name), what));
        lines.push(Child::Todo(format!(
            "{} empty credentials of other services (OAuth clients, API keys, ...) in the env file are left out \
             (the import's report lists them): add those you use",
            third.len()
        )));
    }
    if !unset.is_empty() {
        let what = format!(
            "{} variables named without a value and not in the env file stay unset (docker compose would read the shell's): {}",
            unset.len(),
            unset.join(", ")
        );
        findings.push(Finding::note(s.at, Some(&s.name), what));
    }
    if skipped > 0 {
        findings.push(Finding::note(
            s.at,
            Some(&s.name),
            format!("{skipped} empty variables of its env file are left out"),
        ));
    }
    app.children.extend(lines);
}

/// Service names in a value, as the stack names them.
fn rename_hosts(var: &str, value: &str, cx: &AppContext) -> String {
    let mut out = String::new();
    let mut last = 0;
    for (start, end, name) in host_spans(var, value, cx.service_names) {
        let Some(renamed) = cx.names.get(name) else { continue };
        if start < last {
            continue;
        }
        out.push_str(&value[last..start]);
        out.push_str(renamed);
        last = end;
    }
    out.push_str(&value[last..]);
    out
}

/// A URL to a recognised database, rewritten: `postgres` as user and
/// database, `$(PASSWORD)` for the password (replaced by the caller).
fn db_url<'a>(value: &str, cx: &'a AppContext) -> Option<(&'a Database, String)> {
    let (scheme, rest) = value.split_once("://")?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let (host, port) = hostport.split_once(':').map_or((hostport, None), |(h, p)| (h, Some(p)));
    let d = cx.dbs.iter().find(|d| d.service == host)?;
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    let (userinfo, tail) = if d.postgres {
        // The first path segment is the database.
        let tail = match tail.strip_prefix('/') {
            Some(path) => {
                let cut = path.find(['/', '?', '#']).unwrap_or(path.len());
                format!("/postgres{}", &path[cut..])
            }
            None => tail.to_owned(),
        };
        ("postgres:$(PASSWORD)@", tail)
    } else if d.plan.password {
        (":$(PASSWORD)@", tail.to_owned())
    } else {
        ("", tail.to_owned())
    };
    Some((d, format!("{scheme}://{userinfo}{}{port}{tail}", d.plan.name)))
}

/// Whether a variable carries the Compose user or database name of `d`.
fn renamed_credential(name: &str, value: &str, d: &Database) -> bool {
    let n = name.to_ascii_uppercase();
    if n.contains("HOST") || n.contains("PASS") {
        return false;
    }
    (value == d.user && n.contains("USER"))
        || (value == d.database && (n.contains("DB") || n.contains("DATABASE") || n.contains("NAME")))
}

/// The variable holding a database password for `$(...)` in `var`: its
/// name must sort before `var`, and no other variable of the service has it.
fn helper_name(var: &str, db: &str, s: &Service) -> String {
    let db = db.to_ascii_uppercase().replace('-', "_");
    let prefix = var.rsplit_once('_').map_or(var, |(p, _)| p);
    let candidates = [format!("{prefix}_PASSWORD"), format!("{db}_PASSWORD"), format!("A_{db}_PASSWORD")];
    let free = |c: &String| c.as_str() < var && !s.env.iter().any(|e| e.name == *c);
    candidates.iter().find(|c| free(c)).cloned().unwrap_or_else(|| format!("A_{db}_PASSWORD"))
}

/// Whether a secret variable holds a credential another party issues
/// (OAuth clients, API keys, storage and mail accounts) rather than one the
/// app generates for itself.
fn third_party(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "CLIENT",
        "API_KEY",
        "APIKEY",
        "ACCESS_KEY",
        "TOKEN",
        "PROXY",
        "SMTP",
        "MAIL",
        "DEMO",
        "SPACES",
        "S3_",
        "AWS",
        "PRIVATE_KEY",
        "GITHUB",
        "GOOGLE",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Whether a variable's name says it holds the password of a database of
/// `d`'s engine (`DB_PASS`, `POSTGRES_PASSWORD`, `REDIS_PASSWORD`, ...).
fn names_password_of(name: &str, d: &Database) -> bool {
    let n = name.to_ascii_uppercase();
    let engine: &[&str] =
        if d.postgres { &["DB", "DATABASE", "POSTGRES", "PG", "SQL"] } else { &["REDIS", "CACHE", "BROKER"] };
    n.contains("PASS") && engine.iter().any(|e| n.contains(e))
}

/// Whether `s` names `d` as a dependency or a host.
fn linked(s: &Service, d: &Database, cx: &AppContext) -> bool {
    s.depends_on.iter().any(|(t, _)| *t == d.service)
        || s.env.iter().any(|e| {
            let value = e.value.as_deref().unwrap_or_default();
            host_spans(&e.name, value, cx.service_names).iter().any(|(_, _, n)| *n == d.service)
        })
}
