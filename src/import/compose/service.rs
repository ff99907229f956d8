//! One Compose service's keys to a typed [`Service`]: what each key maps
//! to, and for the keys the stack language has no word for, an [`Issue`]:
//! a TODO for settings that change what the container may do (privileged,
//! host network, devices, ...), a note for those Kubernetes needs no
//! counterpart of (`container_name`, `restart: always`, ...).

use std::collections::HashMap;

use super::fields;
use super::interpolate::EnvFile;
use super::model::{Env, Issue, Resources, Service};
use super::read::{Input, error};
use super::yaml::{At, Value, Yaml};
use crate::diagnostic::Diagnostic;

/// Service keys that need no counterpart in Kubernetes (noted on stderr).
const IGNORED: &[&str] = &[
    "container_name",
    "restart",
    "init",
    "labels",
    "logging",
    "networks",
    "hostname",
    "domainname",
    "stop_signal",
    "stop_grace_period",
    "tty",
    "stdin_open",
    "pull_policy",
    "platform",
    "shm_size",
    "profiles",
    "extends",
    "working_dir",
    "dns",
    "dns_search",
    "extra_hosts",
    "ulimits",
    "security_opt",
    "cap_drop",
    "read_only",
    "mac_address",
    "oom_score_adj",
    "annotations",
    "attach",
];
/// Service keys that would change what the container may do: a `// TODO` each.
const UNMAPPABLE: &[(&str, &str)] = &[
    ("privileged", "a privileged container"),
    ("network_mode", "`network_mode` (the pod has its own network)"),
    ("devices", "host devices"),
    ("cap_add", "added capabilities (the pod drops them all)"),
    ("pid", "a shared PID namespace"),
    ("ipc", "a shared IPC namespace"),
    ("sysctls", "sysctls"),
    ("volumes_from", "`volumes_from`"),
    ("links", "`links` (other services are reached by name)"),
    ("external_links", "`external_links`"),
    ("gpus", "GPUs"),
    ("runtime", "another container runtime"),
    ("userns_mode", "a user namespace mode"),
    ("cgroup_parent", "a cgroup parent"),
    ("group_add", "supplementary groups"),
    ("configs", "Compose `configs`"),
    ("post_start", "lifecycle hooks"),
    ("pre_stop", "lifecycle hooks"),
    ("develop", "`develop` (watch mode)"),
];

fn text(y: &Yaml) -> Option<String> {
    y.text().map(str::to_owned)
}

pub fn read_service(
    name: &str,
    at: At,
    y: &Yaml,
    input: &Input,
    vars: &HashMap<usize, Vec<String>>,
) -> Result<Service, Diagnostic> {
    let mut s = Service { name: name.to_owned(), at, ..Service::default() };
    for (key, value) in y.entries().unwrap_or_default() {
        let k = key.name.as_str();
        let bad = |what: &str| error(value.at, format!("service `{name}`: `{k}` {what}"), "cannot read this");
        match k {
            "image" => s.image = text(value).map(|i| (i, value.at)),
            "build" => {
                s.build = Some(key.at);
                if y.get("image").is_some() {
                    s.issues.push(Issue::note(key.at, "`build` is not run: the `image` is used"));
                }
            }
            "ports" => {
                for p in value.items().unwrap_or_default() {
                    match fields::port(p) {
                        Ok(port) => s.ports.push(port),
                        Err(why) => s.issues.push(Issue::todo(p.at, format!("port {why}"))),
                    }
                }
            }
            "expose" => {
                for p in value.items().unwrap_or_default() {
                    let port = p.text().and_then(|t| t.split('/').next()).and_then(|t| t.parse().ok());
                    match port {
                        Some(port) => s.expose.push((port, p.at)),
                        None => s.issues.push(Issue::todo(p.at, "an `expose` port range")),
                    }
                }
            }
            "env_file" => env_files(&mut s, value, input),
            "environment" => {
                environment(&mut s, value, vars, input.env).map_err(|()| bad("is neither a mapping nor a list"))?
            }
            "depends_on" => {
                let names: Vec<(String, At)> = match &value.value {
                    Value::Seq(items) => items.iter().filter_map(|i| text(i).map(|t| (t, i.at))).collect(),
                    Value::Map(entries) => entries.iter().map(|(k, _)| (k.name.clone(), k.at)).collect(),
                    _ => return Err(bad("is neither a list nor a mapping")),
                };
                if let Value::Map(entries) = &value.value {
                    let completed =
                        |v: &Yaml| v.get("condition").and_then(Yaml::text) == Some("service_completed_successfully");
                    s.awaits.extend(entries.iter().filter(|(_, v)| completed(v)).map(|(k, _)| k.name.clone()));
                }
                s.depends_on.extend(names);
            }
            "healthcheck" => s.healthcheck = fields::healthcheck(value),
            "command" => s.command = fields::command(value).map(|c| (c, value.at)),
            "entrypoint" => s.entrypoint = fields::command(value).map(|c| (c, value.at)),
            "user" => s.user = text(value).map(|u| (u, value.at)),
            "volumes" | "tmpfs" => {
                let items: Vec<Yaml> = match &value.value {
                    Value::Seq(items) => items.clone(),
                    _ => vec![value.clone()],
                };
                for v in &items {
                    let mount = if k == "tmpfs" {
                        let target = v.text().unwrap_or_default().split(':').next().unwrap_or_default().to_owned();
                        Ok(super::model::Mount {
                            kind: super::model::MountKind::Tmpfs,
                            target,
                            read_only: false,
                            at: v.at,
                        })
                    } else {
                        fields::mount(v)
                    };
                    match mount {
                        Ok(m) => s.mounts.push(m),
                        Err(why) => s.issues.push(Issue::todo(v.at, format!("volume {why}"))),
                    }
                }
            }
            "deploy" => deploy(&mut s, value),
            "mem_limit" => s.limits.memory = value.text().and_then(fields::memory),
            "mem_reservation" => s.reservations.memory = value.text().and_then(fields::memory),
            "cpus" => s.limits.cpu = value.text().and_then(fields::cpus),
            "secrets" => {
                for item in value.items().unwrap_or_default() {
                    let source = item.text().or_else(|| item.get("source").and_then(Yaml::text)).unwrap_or_default();
                    let target = item.get("target").and_then(Yaml::text).unwrap_or(source);
                    let target =
                        if target.starts_with('/') { target.to_owned() } else { format!("/run/secrets/{target}") };
                    s.secrets.push((source.to_owned(), target, item.at));
                }
            }
            "restart" => {
                if matches!(value.text(), Some("no" | "on-failure"))
                    || value.text().is_some_and(|t| t.starts_with("on-failure:"))
                {
                    s.one_shot = Some(value.at);
                }
                // `always` and `unless-stopped` are what a Deployment does.
                s.restarts = matches!(value.text(), Some("always" | "unless-stopped"));
            }
            _ if k.starts_with("x-") => {}
            _ if IGNORED.contains(&k) => {
                if k == "container_name" {
                    s.container_name = text(value);
                }
                s.issues.push(Issue::note(key.at, format!("`{k}` is not carried over (no counterpart needed)")))
            }
            _ => {
                let what =
                    UNMAPPABLE.iter().find(|(u, _)| *u == k).map_or_else(|| format!("`{k}`"), |(_, w)| (*w).to_owned());
                if k == "privileged" && value.text() == Some("false") {
                    continue;
                }
                s.issues.push(Issue::todo(key.at, format!("{what} cannot be mapped")));
            }
        }
    }
    Ok(s)
}

/// `env_file:` entries: a string, a list of strings or of `{path, required}`.
fn env_files(s: &mut Service, value: &Yaml, input: &Input) {
    let items: Vec<&Yaml> = match &value.value {
        Value::Seq(items) => items.iter().collect(),
        _ => vec![value],
    };
    for item in items {
        let Some(path) = item.text().or_else(|| item.get("path").and_then(Yaml::text)) else { continue };
        // `required: false` (Compose 2.24): a missing file is skipped.
        let optional = item.get("required").and_then(Yaml::text) == Some("false");
        // A missing required file is read as the import's env file: `.env`
        // beside the Compose file is what `--env-file` stands in for.
        let file = match (input.read)(path) {
            Some(text) => EnvFile::parse(&text),
            None if optional => {
                let what =
                    format!("env_file `{path}` not found and `required: false`: skipped, as docker compose does");
                s.issues.push(Issue::note(item.at, what));
                continue;
            }
            None => {
                s.issues.push(Issue::note(
                    item.at,
                    format!("env_file `{path}` not found: read the env file given to the import instead"),
                ));
                input.env.clone()
            }
        };
        for var in file.vars {
            s.env.retain(|e| e.name != var.name);
            s.env.push(Env {
                vars: vec![var.name.clone()],
                name: var.name,
                value: Some(var.value),
                from_file: true,
                at: item.at,
            });
        }
    }
}

/// `environment:` as a mapping or a list. A variable without a value
/// (`- NAME`) takes the env file's, as docker compose resolves it; with none
/// there it stays unset (`value: None`).
fn environment(s: &mut Service, value: &Yaml, vars: &HashMap<usize, Vec<String>>, env: &EnvFile) -> Result<(), ()> {
    let mut set = |name: String, v: Option<&Yaml>, at: At| {
        let value = v.filter(|v| !v.is_null()).map(|v| v.text().unwrap_or_default().to_owned());
        let mut used = v.and_then(|v| vars.get(&v.at.span.offset)).cloned().unwrap_or_default();
        let value = value.or_else(|| {
            let from_file = env.get(&name).map(str::to_owned);
            if from_file.is_some() {
                used = vec![name.clone()];
            }
            from_file
        });
        s.env.retain(|e| e.name != name);
        s.env.push(Env { name, value, vars: used, from_file: false, at });
    };
    match &value.value {
        Value::Map(entries) => entries.iter().for_each(|(k, v)| set(k.name.clone(), Some(v), k.at)),
        Value::Seq(items) => {
            for item in items {
                let t = item.text().unwrap_or_default();
                match t.split_once('=') {
                    Some((n, v)) => {
                        let value = Yaml { value: Value::Scalar(v.to_owned(), false), at: item.at };
                        set(n.to_owned(), Some(&value), item.at);
                    }
                    None => set(t.to_owned(), None, item.at),
                }
            }
        }
        _ => return Err(()),
    }
    Ok(())
}

fn deploy(s: &mut Service, y: &Yaml) {
    if let Some(r) = y.get("replicas").and_then(Yaml::text).and_then(|r| r.parse().ok()) {
        s.replicas = Some((r, y.at));
    }
    let resources = |k: &str| {
        let r = y.get("resources").and_then(|r| r.get(k));
        Resources {
            cpu: r.and_then(|r| r.get("cpus")).and_then(Yaml::text).and_then(fields::cpus),
            memory: r.and_then(|r| r.get("memory")).and_then(Yaml::text).and_then(fields::memory),
        }
    };
    s.limits = resources("limits");
    s.reservations = resources("reservations");
    if let Some(devices) = y.get("resources").and_then(|r| r.get("reservations")).and_then(|r| r.get("devices")) {
        s.issues.push(Issue::todo(devices.at, "device reservations (GPUs) cannot be mapped"));
    }
    for (k, v) in y.entries().unwrap_or_default() {
        if !matches!(k.name.as_str(), "replicas" | "resources" | "restart_policy") {
            s.issues.push(Issue::note(v.at, format!("`deploy.{}` is not carried over", k.name)));
        }
    }
}
