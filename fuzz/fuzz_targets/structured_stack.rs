//! Structured random stacks: namespaces, apps with ports and connections,
//! databases, volumes, exposures, odd names and values, every engine,
//! Velero, and a second cluster with overrides. Each is written as KDL and
//! compiled; a stack that compiles must verify (compile runs the network
//! proof) and give the same bytes twice, and the same bytes after `stackc fmt`.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stackc::CompileOptions;
use stackc::render::RenderOptions;

#[derive(Debug, Arbitrary)]
struct Stack {
    mesh: bool,
    api_server: bool,
    engine: u8,
    velero: bool,
    /// A second cluster, `staging`, with these overrides.
    staging: Option<Vec<Override>>,
    namespaces: Vec<Namespace>,
}

#[derive(Debug, Arbitrary)]
struct Override {
    /// Which workload (modulo the apps and databases declared), or a raw name.
    target: u8,
    raw: Option<Name>,
    replicas: Option<u8>,
    size: Option<u8>,
    host: Option<Name>,
    volume: Option<u8>,
}

#[derive(Debug, Arbitrary)]
struct Namespace {
    name: Name,
    mesh: bool,
    apps: Vec<App>,
    databases: Vec<(Name, bool, u8)>,
}

#[derive(Debug, Arbitrary)]
struct App {
    name: Name,
    ports: Vec<(Name, u16, bool)>,
    connects: Vec<(u8, u8, u8)>,
    expose: Option<(Name, u8)>,
    env: Vec<(Name, String)>,
    internet: Vec<u16>,
    api_access: bool,
    replicas: u8,
    volume: Option<u8>,
}

/// Mostly valid DNS labels, sometimes anything at all.
#[derive(Debug, Arbitrary)]
enum Name {
    Short(u8),
    Raw(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Name::Short(n) => format!("n{}", n % 12),
            Name::Raw(s) => s.chars().take(70).collect(),
        }
    }
}

fn kdl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() || !c.is_ascii() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn cluster(name: &str, api_server: bool) -> String {
    let mut s = format!("  cluster \"{name}\" distribution=\"k3s\" version=\"1.33\" {{\n");
    s.push_str("    git url=\"ssh://git@example.org/gitops\"\n");
    if api_server {
        s.push_str("    api-server \"10.0.0.1\"\n");
    }
    s
}

fn overrides(stack: &Stack, overrides: &[Override]) -> String {
    let workloads: Vec<String> = stack
        .namespaces
        .iter()
        .take(6)
        .flat_map(|ns| {
            let apps = ns.apps.iter().take(8).map(|a| a.name.text());
            let dbs = ns.databases.iter().take(3).map(|d| d.0.text());
            apps.chain(dbs).map(move |w| format!("{}/{w}", ns.name.text())).collect::<Vec<_>>()
        })
        .collect();
    let mut s = String::new();
    for o in overrides.iter().take(6) {
        let target = match (&o.raw, workloads.is_empty()) {
            (Some(raw), _) => raw.text(),
            (None, true) => continue,
            (None, false) => workloads[o.target as usize % workloads.len()].clone(),
        };
        s.push_str(&format!("    override {}", kdl_string(&target)));
        if let Some(r) = o.replicas {
            s.push_str(&format!(" replicas={}", r % 4));
        }
        if let Some(size) = o.size {
            s.push_str(&format!(" size=\"{}Gi\"", size % 20 + 1));
        }
        if let Some(host) = &o.host {
            s.push_str(&format!(" host={}", kdl_string(&format!("{}.staging.example.org", host.text()))));
        }
        match o.volume {
            Some(size) => s.push_str(&format!(" {{\n      volume \"data\" size=\"{}Gi\"\n    }}\n", size % 20 + 1)),
            None => s.push('\n'),
        }
    }
    s
}

fn render(stack: &Stack) -> String {
    let mut s = String::from("stack \"fuzz\" {\n");
    s.push_str(&cluster("production", stack.api_server));
    s.push_str("  }\n");
    if let Some(list) = &stack.staging {
        s.push_str(&cluster("staging", stack.api_server));
        s.push_str(&overrides(stack, list));
        s.push_str("  }\n");
    }
    let engine = ["flux", "argocd", "kustomize"][stack.engine as usize % 3];
    s.push_str(&format!("  platform {{\n    engine \"{engine}\"\n    traefik\n    cert-manager {{\n      issuer \"le\" acme-email=\"a@example.org\" dns01=\"cloudflare\" token-secret=\"cf\"\n    }}\n"));
    if stack.mesh {
        s.push_str("    linkerd\n");
    }
    if stack.velero {
        s.push_str("    velero\n");
    }
    s.push_str("  }\n");
    let all_apps: Vec<(String, String)> =
        stack.namespaces.iter().flat_map(|ns| ns.apps.iter().map(move |a| (ns.name.text(), a.name.text()))).collect();
    for ns in stack.namespaces.iter().take(6) {
        let mesh = if ns.mesh { " mesh=#true" } else { "" };
        s.push_str(&format!("  namespace {}{mesh} {{\n", kdl_string(&ns.name.text())));
        for app in ns.apps.iter().take(8) {
            let api = if app.api_access { " api-access=#true" } else { "" };
            s.push_str(&format!(
                "    app {} image=\"x:1\" replicas={}{api} {{\n",
                kdl_string(&app.name.text()),
                app.replicas % 4
            ));
            for (name, port, udp) in app.ports.iter().take(4) {
                let protocol = if *udp { " protocol=\"UDP\"" } else { "" };
                s.push_str(&format!("      port {} {port}{protocol}\n", kdl_string(&name.text())));
            }
            for (target, _port, _) in app.connects.iter().take(5) {
                if all_apps.is_empty() {
                    break;
                }
                let (tns, tapp) = &all_apps[*target as usize % all_apps.len()];
                s.push_str(&format!("      connects-to {}\n", kdl_string(&format!("{tns}/{tapp}"))));
            }
            if let Some((host, _)) = &app.expose {
                s.push_str(&format!(
                    "      expose {} port=\"http\"\n",
                    kdl_string(&format!("{}.example.org", host.text()))
                ));
            }
            for (name, value) in app.env.iter().take(4) {
                s.push_str(&format!("      env {} {}\n", kdl_string(&name.text()), kdl_string(value)));
            }
            if let Some(size) = app.volume {
                s.push_str(&format!("      volume \"data\" mount=\"/data\" size=\"{}Gi\"\n", size % 50 + 1));
            }
            if !app.internet.is_empty() {
                let ports: Vec<String> = app.internet.iter().take(3).map(u16::to_string).collect();
                s.push_str(&format!("      internet {}\n", ports.join(" ")));
            }
            s.push_str("    }\n");
        }
        for (name, redis, size) in ns.databases.iter().take(3) {
            let engine = if *redis { "engine=\"redis\" version=\"8\"" } else { "engine=\"postgresql\" version=\"17\"" };
            s.push_str(&format!("    database {} {engine} size=\"{}Gi\"\n", kdl_string(&name.text()), size % 50 + 1));
        }
        s.push_str("  }\n");
    }
    s.push_str("}\n");
    s
}

fuzz_target!(|stack: Stack| {
    let source = render(&stack);
    let options = CompileOptions {
        render: RenderOptions { source_name: "stack.kdl".into(), templates: Default::default() },
        secrets: Default::default(),
        repository: String::new(),
    };
    let first = stackc::compile(&source, &options);
    let second = stackc::compile(&source, &options);
    match (first, second) {
        (Ok(a), Ok(b)) => assert_eq!(a.tree, b.tree),
        (Err(a), Err(b)) => assert_eq!(a, b),
        _ => panic!("the same input compiled once and failed once"),
    }
    // `stackc fmt` never changes what a stack means: the formatted source
    // compiles to the same tree, or fails as the input does.
    if let Ok(formatted) = stackc::fmt::format(&source) {
        match (stackc::compile(&source, &options), stackc::compile(&formatted, &options)) {
            (Ok(a), Ok(b)) => assert_eq!(a.tree, b.tree, "fmt changed the rendered tree"),
            (Err(_), Err(_)) => {}
            _ => panic!("fmt changed whether the stack compiles"),
        }
    }
});
