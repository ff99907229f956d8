//! `job` and `cronjob` (issue 14): a Job named after its spec (a changed job
//! is a new Job), a CronJob with its schedule knobs, both hardened like apps,
//! graph nodes with egress only, admitted by their targets' NetworkPolicies
//! and Linkerd authorizations, meshed with the proxy as a native sidecar;
//! and a diagnostic at its place for every misuse.

use serde_json::{Value, json};

use crate::support::{compile, project, stackc};

const DEMO_RECIPIENT: &str = "age1lmk0c55w6k2gjmha50zs9q7fudl0wuts0rlvda7cfk50fk94suhsa08gxd";

/// A stack with Linkerd on Kubernetes `version`, and a meshed namespace `a`
/// holding an app `web` (port 8080), a database and `body`.
fn stack_on(version: &str, body: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"{version}\" {{\n        api-server \"10.0.0.10\" port=6443\n        age-recipient \"{DEMO_RECIPIENT}\"\n    }}\n    platform {{\n        linkerd inbound=\"all-authenticated\"\n    }}\n    namespace \"a\" mesh=#true {{\n        app \"web\" image=\"ghcr.io/acme/web:1.4.2\" {{\n            port \"http\" 8080\n        }}\n        database \"cache\" engine=\"redis\" version=\"8\" size=\"1Gi\"\n{body}\n    }}\n}}\n"
    )
}

fn stack(body: &str) -> String {
    stack_on("1.33", body)
}

const MIGRATE: &str = "        job \"migrate\" image-of=\"web\" backoff-limit=2 active-deadline=600 {
            command \"web\" \"migrate\"
            env \"MODE\" \"up\"
            connects-to \"web\"
            connects-to \"cache\"
        }";

const BACKUP: &str = "        cronjob \"backup\" schedule=\"30 2 * * MON-FRI\" concurrency=\"replace\" successful-history=5 failed-history=2 time-zone=\"Europe/Berlin\" starting-deadline=300 suspend=#true image=\"docker.io/restic/restic:0.18.1\" {
            connects-to \"cache\"
            internet 443
            volume \"cache\" mount=\"/cache\"
        }";

/// Every object of the tree whose kind is `kind`, as JSON.
fn objects(source: &str, kind: &str) -> Vec<Value> {
    let tree = compile(source).expect("the stack compiles");
    tree.files
        .iter()
        .filter(|(path, _)| path.ends_with(".yaml"))
        .filter_map(|(_, bytes)| serde_yaml_ng::from_slice::<Value>(bytes).ok())
        .filter(|o| o["kind"] == kind)
        .collect()
}

fn job(source: &str) -> Value {
    let jobs = objects(source, "Job");
    assert_eq!(jobs.len(), 1, "one Job: {jobs:#?}");
    jobs[0].clone()
}

#[test]
fn a_job_is_a_hardened_job_named_after_its_spec() {
    let job = job(&stack(MIGRATE));
    let name = job["metadata"]["name"].as_str().expect("a name");
    let hash = name.strip_prefix("migrate-").expect("named <job>-<hash>");
    assert!(hash.len() == 8 && hash.chars().all(|c| c.is_ascii_hexdigit()), "{name}");
    let spec = &job["spec"];
    assert_eq!(spec["backoffLimit"], 2);
    assert_eq!(spec["activeDeadlineSeconds"], 600);
    assert!(spec.get("ttlSecondsAfterFinished").is_none(), "a TTL-deleted Job in Git would run again");
    assert!(spec.get("selector").is_none(), "the Job controller generates the selector");
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    assert_eq!(pod["serviceAccountName"], "migrate");
    assert_eq!(pod["automountServiceAccountToken"], false);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
    let container = &pod["containers"][0];
    assert_eq!(container["image"], "ghcr.io/acme/web:1.4.2", "image-of borrows the app's image");
    assert_eq!(container["command"], json!(["web", "migrate"]));
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert!(container.get("ports").is_none() && container.get("readinessProbe").is_none());
    assert_eq!(
        spec["template"]["metadata"]["annotations"]["config.beta.linkerd.io/proxy-enable-native-sidecar"],
        "true"
    );
    // No Service, Deployment or budget for a job.
    for kind in ["Service", "Deployment", "PodDisruptionBudget"] {
        assert!(objects(&stack(MIGRATE), kind).iter().all(|o| o["metadata"]["name"] != "migrate"), "{kind}");
    }
}

#[test]
fn a_changed_job_is_a_new_job_and_an_unchanged_one_keeps_its_name() {
    let name = |source: &str| job(source)["metadata"]["name"].as_str().unwrap_or_default().to_owned();
    let first = name(&stack(MIGRATE));
    // Another workload, comments and layout do not touch the job's pod.
    let elsewhere = stack(&format!("        // the schema migration\n{MIGRATE}\n        app \"other\" image=\"x:1\""));
    assert_eq!(name(&elsewhere), first);
    for changed in [
        MIGRATE.replace("\"up\"", "\"down\""),
        MIGRATE.replace("backoff-limit=2", "backoff-limit=3"),
        MIGRATE.replace("\"migrate\"\n", "\"migrate\"\n            args \"--verbose\"\n"),
    ] {
        assert_ne!(name(&stack(&changed)), first, "{changed}");
    }
    // image-of follows the app: a new web image is a new migration.
    assert_ne!(name(&stack(MIGRATE).replace("web:1.4.2", "web:1.5.0")), first);
}

#[test]
fn a_long_job_name_stays_a_dns_label() {
    let long = "m".repeat(63);
    let job = job(&stack(&format!("        job \"{long}\" image=\"x:1\"")));
    let name = job["metadata"]["name"].as_str().unwrap_or_default();
    assert_eq!(name.len(), 63, "{name}");
    assert!(name.starts_with(&"m".repeat(54)) && name.as_bytes()[54] == b'-', "{name}");
}

#[test]
fn a_cronjob_carries_its_schedule_and_knobs() {
    let crons = objects(&stack(BACKUP), "CronJob");
    assert_eq!(crons.len(), 1);
    let cron = &crons[0];
    assert_eq!(cron["metadata"]["name"], "backup", "a CronJob's template may change in place");
    let spec = &cron["spec"];
    assert_eq!(spec["schedule"], "30 2 * * MON-FRI");
    assert_eq!(spec["timeZone"], "Europe/Berlin");
    assert_eq!(spec["concurrencyPolicy"], "Replace");
    assert_eq!(spec["suspend"], true);
    assert_eq!(spec["startingDeadlineSeconds"], 300);
    assert_eq!(spec["successfulJobsHistoryLimit"], 5);
    assert_eq!(spec["failedJobsHistoryLimit"], 2);
    let pod = &spec["jobTemplate"]["spec"]["template"]["spec"];
    assert_eq!(pod["restartPolicy"], "Never");
    assert_eq!(pod["volumes"], json!([{"name": "cache", "emptyDir": {}}]));
    let minimal = objects(&stack("        cronjob \"tick\" schedule=\"@hourly\" image=\"x:1\""), "CronJob");
    assert_eq!(minimal[0]["spec"]["concurrencyPolicy"], "Forbid", "overlapping runs are opt-in");
    assert!(minimal[0]["spec"].get("suspend").is_none());
}

#[test]
fn jobs_are_graph_nodes_with_egress_only() {
    let source = stack(&format!("{MIGRATE}\n{BACKUP}"));
    let dir = project(&source);
    let out = stackc(dir.path(), &["graph", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let graph: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let migrate = job(&source)["metadata"]["name"].as_str().unwrap_or_default().to_owned();
    let ids: Vec<&str> = graph["nodes"].as_array().into_iter().flatten().filter_map(|n| n["id"].as_str()).collect();
    assert!(ids.contains(&format!("a/{migrate}").as_str()) && ids.contains(&"a/backup"), "{ids:?}");
    let edges: Vec<(String, String, u64)> = graph["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e["from"].as_str().unwrap_or("").to_owned(),
                e["to"].as_str().unwrap_or("").to_owned(),
                e["port"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    for (from, to, port) in [
        (format!("a/{migrate}"), "a/web", 8080),
        (format!("a/{migrate}"), "a/cache", 6379),
        ("a/backup".to_owned(), "a/cache", 6379),
    ] {
        assert!(edges.contains(&(from.clone(), to.to_owned(), port)), "{from} -> {to}:{port} in {edges:?}");
    }
    assert!(
        edges.iter().all(|(_, to, _)| to != &format!("a/{migrate}") && to != "a/backup"),
        "nothing reaches a job: {edges:?}"
    );
    let verify = stackc(dir.path(), &["verify"]);
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

#[test]
fn targets_admit_the_jobs_identity_and_pods() {
    let source = stack(&format!("{MIGRATE}\n{BACKUP}"));
    let auth: Vec<Value> = objects(&source, "MeshTLSAuthentication");
    let cache = auth.iter().find(|a| a["metadata"]["name"] == "cache-redis-clients").expect("cache's clients");
    let names: Vec<&str> =
        cache["spec"]["identityRefs"].as_array().into_iter().flatten().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["backup", "migrate"]);
    let policies = objects(&source, "NetworkPolicy");
    let ingress = policies.iter().find(|p| p["metadata"]["name"] == "cache-ingress").expect("cache-ingress");
    let from: Vec<&Value> = ingress["spec"]["ingress"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|rule| rule["from"].as_array().into_iter().flatten())
        .collect();
    for job in ["migrate", "backup"] {
        assert!(
            from.iter().any(|peer| peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == job),
            "{job} in {from:?}"
        );
    }
    assert!(
        policies
            .iter()
            .all(|p| p["metadata"]["name"] != "migrate-ingress" && p["metadata"]["name"] != "backup-ingress"),
        "jobs take no ingress"
    );
}

#[test]
fn unmeshed_jobs_get_no_sidecar_annotation() {
    let source = stack(MIGRATE).replace("namespace \"a\" mesh=#true", "namespace \"a\"");
    let job = job(&source);
    assert!(job["spec"]["template"]["metadata"].get("annotations").is_none(), "{job:#}");
}

#[test]
fn a_broken_job_writes_nothing_and_exits_2() {
    let dir = project(&stack(
        "        job \"migrate\" image=\"x:1\" {\n            expose \"x.example.org\" port=\"http\"\n        }",
    ));
    let out = stackc(dir.path(), &["build"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!dir.path().join("out").exists(), "nothing written");
}

macro_rules! job_errors {
    ($($name:ident: $source:expr;)*) => {
        $(
            #[test]
            fn $name() {
                let errors = compile(&$source).expect_err("the stack must be rejected");
                insta::assert_snapshot!(stringify!($name), errors);
            }
        )*
    };
}

job_errors! {
    job_with_expose: stack("        job \"migrate\" image=\"x:1\" {\n            expose \"x.example.org\" port=\"http\"\n            expose-port 2222 port=\"ssh\"\n            port \"http\" 8080\n        }");
    job_with_probes: stack("        job \"migrate\" image=\"x:1\" {\n            readiness tcp=8080\n            liveness http=\"/\" port=8080\n        }");
    job_with_replicas_and_availability: stack("        job \"migrate\" image=\"x:1\" replicas=2 {\n            availability max-unavailable=1\n            metrics port=\"http\"\n        }");
    cronjob_bad_schedule: stack("        cronjob \"backup\" schedule=\"0 3 * * SUNDAY\" image=\"x:1\"\n        cronjob \"tick\" schedule=\"61 * * * *\" image=\"x:1\"\n        cronjob \"weekly\" schedule=\"@fortnightly\" image=\"x:1\"");
    cronjob_unknown_concurrency: stack("        cronjob \"backup\" schedule=\"@daily\" concurrency=\"forbidden\" image=\"x:1\"");
    cronjob_without_schedule: stack("        cronjob \"backup\" image=\"x:1\"");
    cronjob_bad_time_zone: stack("        cronjob \"backup\" schedule=\"@daily\" time-zone=\"../etc/passwd\" image=\"x:1\"");
    cronjob_name_too_long: stack(&format!("        cronjob \"{}\" schedule=\"@daily\" image=\"x:1\"", "b".repeat(53)));
    connects_to_a_job: stack(&format!("{MIGRATE}\n        app \"worker\" image=\"x:1\" {{\n            connects-to \"migrate\"\n        }}"));
    job_named_like_an_app: stack("        job \"web\" image=\"x:1\"\n        cronjob \"cache\" schedule=\"@daily\" image=\"x:1\"");
    job_image_of_unknown_app: stack("        job \"migrate\" image-of=\"wbe\"");
    job_image_and_image_of: stack("        job \"migrate\" image=\"x:1\" image-of=\"web\"");
    job_without_image: stack("        job \"migrate\" backoff-limit=-1 active-deadline=0");
    meshed_job_before_native_sidecars: stack_on("1.28", MIGRATE);
}

#[test]
fn image_of_a_release_app_is_refused() {
    let source = "stack \"s\" {\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\"\n    helm-repository \"r\" url=\"https://charts.example.org\"\n    namespace \"a\" {\n        release \"x\" chart=\"x\" repository=\"r\" version=\"1.0.0\"\n        app \"x\" release=\"x\" workload=\"x\" {\n            pods \"app.kubernetes.io/name\"=\"x\"\n        }\n        job \"migrate\" image-of=\"x\"\n    }\n}\n";
    let errors = compile(source).expect_err("the stack must be rejected");
    insta::assert_snapshot!("job_image_of_release_app", errors);
}

#[test]
fn kyverno_admits_the_jobs_it_is_written_for() {
    // Enforced: the build's Kyverno self-check runs every rule, autogen for
    // Job and CronJob included, on the jobs' objects.
    let source = stack(&format!("{MIGRATE}\n{BACKUP}")).replace(
        "linkerd inbound=\"all-authenticated\"",
        "linkerd inbound=\"all-authenticated\"\n        kyverno mode=\"enforce\"",
    );
    let policies = objects(&source, "ClusterPolicy");
    let images = policies
        .iter()
        .find(|p| p["metadata"]["name"] == "restrict-image-registries-a")
        .or_else(|| policies.iter().find(|p| p.to_string().contains("runs only the images")))
        .expect("the namespace's image rule");
    let text = images.to_string();
    assert!(text.contains("docker.io/restic/restic:0.18.1"), "the cronjob's image is allowed: {text}");
}

/// Two clusters; `overrides` go into `staging`.
fn two_clusters(overrides: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"production\" distribution=\"k3s\" version=\"1.33\" {{ age-recipient \"{DEMO_RECIPIENT}\"; }}\n    cluster \"staging\" distribution=\"k3s\" version=\"1.33\" {{\n        age-recipient \"{DEMO_RECIPIENT}\"\n{overrides}\n    }}\n    namespace \"a\" {{\n        job \"migrate\" image=\"x:1\"\n    }}\n}}\n"
    )
}

#[test]
fn an_overridden_job_is_its_own_job_in_that_cluster() {
    let source =
        two_clusters("        override \"a/migrate\" {\n            resources { limits memory=\"1Gi\" }\n        }");
    let jobs = objects(&source, "Job");
    let names: Vec<&str> = jobs.iter().filter_map(|j| j["metadata"]["name"].as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_ne!(names[0], names[1], "the staging Job has another spec, so another name");
}

#[test]
fn replicas_of_a_job_cannot_be_overridden() {
    let errors = compile(&two_clusters("        override \"a/migrate\" replicas=2")).expect_err("rejected");
    insta::assert_snapshot!("job_replicas_override", errors);
}

/// The build's Kyverno self-check runs the autogen rules for Job and CronJob
/// on the jobs' objects: a job that drops a hardening default breaks one.
fn kyverno_stack(body: &str) -> String {
    format!(
        "stack \"s\" {{\n    cluster \"c\" distribution=\"k3s\" version=\"1.33\" {{\n        api-server \"10.0.0.10\" port=6443\n    }}\n    platform {{\n        kyverno mode=\"enforce\"\n    }}\n    namespace \"a\" {{\n{body}\n    }}\n}}\n"
    )
}

job_errors! {
    kyverno_refuses_a_root_job: kyverno_stack("        job \"migrate\" image=\"x:1\" {\n            security run-as-non-root=#false\n        }");
    kyverno_refuses_a_root_cronjob: kyverno_stack("        cronjob \"backup\" schedule=\"@daily\" image=\"x:1\" {\n            security run-as-non-root=#false\n        }");
}
