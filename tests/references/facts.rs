//! Where a Secret, ConfigMap or ServiceAccount comes from when the tree
//! does not hold it:
//! created by a controller from an object of the tree, created or read by
//! a chart at the version the tree pins, or an out-of-tree prerequisite a
//! person creates (each listed in `docs/zero-to-running.md`). Every fact
//! cites the source it was read from, as `src/charts/` does.

use std::collections::BTreeSet;

use serde_json::Value;

use super::pods::env_names;
use super::walk::{ChartInstall, Kind, Parsed, Reference, cluster_resource_namespace};

/// A Secret or ConfigMap that exists in the cluster without being in the tree.
#[derive(Debug, Clone)]
pub struct Made {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    /// The keys it holds; `None`: whatever the reference names.
    pub keys: Option<BTreeSet<String>>,
    /// Who makes it, with the citation.
    pub by: &'static str,
}

fn made(kind: Kind, namespace: &str, name: &str, keys: Option<&[&str]>, by: &'static str) -> Made {
    let keys = keys.map(|k| k.iter().map(|s| (*s).to_owned()).collect());
    Made { kind, namespace: namespace.to_owned(), name: name.to_owned(), keys, by }
}

/// Out-of-tree prerequisites: created by a person (or by `flux bootstrap`)
/// before the tree can apply. `docs/zero-to-running.md` must say how.
pub const PREREQUISITES: &[(&str, &str, &str)] = &[
    // The age identity kustomize-controller decrypts every SOPS Secret with; the tree only
    // names it (spec.decryption.secretRef). Never in Git.
    ("flux-system", "sops-age", "the cluster's age identity (kubectl create secret generic sops-age)"),
    // The Git credentials of the GitRepository: `flux bootstrap` stores them under
    // `--secret-name`, default the namespace `flux-system` (fluxcd/flux2 v2.9.4
    // cmd/flux/bootstrap.go:137; pkg/manifestgen/sourcesecret/options.go:107-108).
    ("flux-system", "flux-system", "Git credentials written by flux bootstrap (or flux create secret git)"),
];

/// What controllers create from the objects of the tree.
pub fn controllers(parsed: &Parsed) -> Vec<Made> {
    let mut out = Vec::new();
    // kube-controller-manager's serviceaccount controller creates `default` in every
    // namespace (kubernetes/kubernetes pkg/controller/serviceaccount/serviceaccounts_controller.go,
    // `DefaultServiceAccountsControllerOptions`: ServiceAccounts `default`).
    let namespaces = parsed.objects.iter().filter(|(_, o)| o.get("kind").and_then(Value::as_str) == Some("Namespace"));
    for (_, namespace) in namespaces {
        let name = namespace.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
        out.push(made(
            Kind::ServiceAccount,
            name,
            "default",
            None,
            "kube-controller-manager's serviceaccount controller",
        ));
    }
    for (_, object) in &parsed.objects {
        let ns = object.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or_default();
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        if kind == "Certificate"
            && let Some(name) = object.pointer("/spec/secretName").and_then(Value::as_str)
        {
            // cert-manager v1.19.1 pkg/controller/certificates/issuing/internal/secret.go:86-90
            // (UpdateData applies the Secret, creating it) with tls.key, tls.crt and ca.crt
            // (secret.go:149-152).
            let by = "cert-manager's issuing controller (pkg/controller/certificates/issuing/internal/secret.go:86-90,149-152)";
            out.push(made(Kind::Secret, ns, name, Some(&["tls.crt", "tls.key", "ca.crt"]), by));
        }
        if matches!(kind, "ClusterIssuer" | "Issuer")
            && let Some(name) = object.pointer("/spec/acme/privateKeySecretRef/name").and_then(Value::as_str)
        {
            // cert-manager v1.19.1 pkg/issuer/acme/setup.go:120-125 (not found → generate) and
            // :527-545 (creates the Secret with the selector's key), in the cluster resource
            // namespace for a ClusterIssuer (setup.go:110-112).
            let ns = if kind == "ClusterIssuer" { cluster_resource_namespace() } else { ns };
            let by = "cert-manager's ACME issuer setup, the account key (pkg/issuer/acme/setup.go:120-125,527-545)";
            out.push(made(Kind::Secret, ns, name, None, by));
        }
    }
    out
}

/// The Authentik chart version these facts were read at
/// (goauthentik/helm authentik-2025.10.1 charts/authentik/Chart.yaml:3).
pub const AUTHENTIK: &str = "2025.10.1";
/// The Linkerd control plane chart version (src/charts/linkerd.rs).
pub const LINKERD: &str = "2025.10.7";

/// What a chart creates itself, and the Secrets and ConfigMaps its own
/// pods read, for the charts whose facts are recorded here.
pub fn chart(install: &ChartInstall, made_out: &mut Vec<Made>, refs: &mut Vec<Reference>) {
    let values = &install.values;
    match (install.chart.as_str(), install.version.as_str()) {
        ("authentik", AUTHENTIK) => {
            // goauthentik/helm authentik-2025.10.1 charts/authentik/templates/secret.yaml:1-14: Secret
            // `authentik.fullname` (the release name when it contains `authentik`,
            // templates/_common.tpl:19-33) while `authentik.enabled` (default true, values.yaml:152);
            // both Deployments read it with envFrom (server/deployment.yaml:83-85,
            // worker/deployment.yaml:88-90).
            if values.pointer("/authentik/enabled").and_then(Value::as_bool) != Some(false) {
                let name = authentik_fullname(&install.release);
                let by = "the authentik chart (charts/authentik/templates/secret.yaml:1-14)";
                made_out.push(made(Kind::Secret, &install.namespace, &name, None, by));
                refs.push(chart_ref(install, "chart: authentik envFrom", Kind::Secret, &name, None));
            }
            // The `serviceAccount` subchart (authentik-remote-cluster 2.1.0, Chart.yaml:40-44, on
            // while `serviceAccount.create`, default true, values.yaml:976-978) creates a
            // ServiceAccount named its fullnameOverride, `authentik` (values.yaml:986;
            // authentik-remote-cluster-2.1.0 charts/authentik-remote-cluster/templates/serviceaccount.yaml:1-4,
            // templates/_helpers.tpl:30-37).
            if values.pointer("/serviceAccount/create").and_then(Value::as_bool) != Some(false) {
                let name =
                    values.pointer("/serviceAccount/fullnameOverride").and_then(Value::as_str).unwrap_or("authentik");
                let by = "the authentik chart's serviceAccount subchart (authentik-remote-cluster 2.1.0 templates/serviceaccount.yaml:1-4)";
                made_out.push(made(Kind::ServiceAccount, &install.namespace, name, None, by));
            }
        }
        ("linkerd-control-plane", LINKERD) => {
            let scheme = values.pointer("/identity/issuer/scheme").and_then(Value::as_str).unwrap_or("linkerd.io/tls");
            let external_ca = values.pointer("/identity/externalCA").and_then(Value::as_bool).unwrap_or(false);
            // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:6-20: the
            // chart writes Secret linkerd-identity-issuer (crt.pem, key.pem) only for the scheme
            // linkerd.io/tls (the default, values.yaml `identity.issuer.scheme`); :23-37 ConfigMap
            // linkerd-identity-trust-roots (ca-bundle.crt) unless identity.externalCA.
            if scheme == "linkerd.io/tls" {
                let by = "the linkerd-control-plane chart (templates/identity.yaml:6-20)";
                made_out.push(made(
                    Kind::Secret,
                    &install.namespace,
                    "linkerd-identity-issuer",
                    Some(&["crt.pem", "key.pem"]),
                    by,
                ));
            }
            if !external_ca {
                let by = "the linkerd-control-plane chart (templates/identity.yaml:23-37)";
                made_out.push(made(
                    Kind::ConfigMap,
                    &install.namespace,
                    "linkerd-identity-trust-roots",
                    Some(&["ca-bundle.crt"]),
                    by,
                ));
            }
            // The identity Deployment mounts both (identity.yaml:264-270) and reads
            // tls.crt/tls.key for kubernetes.io/tls, crt.pem/key.pem otherwise
            // (controller/cmd/identity/main.go:84-90); the proxy injector mounts the trust roots
            // (proxy-injector.yaml:176-178) and proxies read ca-bundle.crt (partials _proxy.tpl:213-217).
            let (crt, key) = if scheme == "linkerd.io/tls" { ("crt.pem", "key.pem") } else { ("tls.crt", "tls.key") };
            for k in [crt, key] {
                refs.push(chart_ref(
                    install,
                    "chart: identity volume",
                    Kind::Secret,
                    "linkerd-identity-issuer",
                    Some(k),
                ));
            }
            refs.push(chart_ref(
                install,
                "chart: trust-roots volume",
                Kind::ConfigMap,
                "linkerd-identity-trust-roots",
                Some("ca-bundle.crt"),
            ));
        }
        (chart, version) => {
            // The ServiceAccounts the pods of a platform chart run as (src/charts, each cited).
            let facts = stackc::charts::CHARTS.iter().filter(|c| c.chart == chart && c.version == version);
            for pod in facts.flat_map(|c| c.pods) {
                let by = "the chart's pods' account (src/charts facts)";
                made_out.push(made(Kind::ServiceAccount, &install.namespace, pod.service_account, None, by));
            }
            // A chart without recorded facts: only what its values ask for, in the `helm create`
            // convention (`serviceAccount.create` + `serviceAccount.name`) — the examples' Gitea.
            // An assumption about that chart, named as one in the listing.
            if values.pointer("/serviceAccount/create").and_then(Value::as_bool) == Some(true)
                && let Some(name) = values.pointer("/serviceAccount/name").and_then(Value::as_str)
            {
                let by = "the release's values serviceAccount.create/name (chart not read: an assumption)";
                made_out.push(made(Kind::ServiceAccount, &install.namespace, name, None, by));
            }
        }
    }
}

fn chart_ref(install: &ChartInstall, via: &'static str, kind: Kind, name: &str, key: Option<&str>) -> Reference {
    Reference {
        from: install.from.clone(),
        via,
        kind,
        namespace: install.namespace.clone(),
        name: name.to_owned(),
        key: key.map(str::to_owned),
        optional: false,
    }
}

fn authentik_fullname(release: &str) -> String {
    if release.contains("authentik") { release.to_owned() } else { format!("{release}-authentik") }
}

/// A value a chart's pods cannot run without, unmet by the install.
pub fn missing_values(install: &ChartInstall, parsed: &Parsed) -> Vec<String> {
    let mut missing = Vec::new();
    let values = &install.values;
    match (install.chart.as_str(), install.version.as_str()) {
        ("authentik", AUTHENTIK) => {
            // Authentik reads its configuration from AUTHENTIK_* variables; the chart's own Secret
            // holds each non-empty value under `authentik` (templates/_helpers.tpl:31-49, empty
            // values are left out at :44) and `secret_key` and `postgresql.password` default to ""
            // (values.yaml:157,209): without them in the values, the variables must come from
            // `global.env`/`global.envFrom`, which both Deployments read
            // (server/deployment.yaml:73-88, worker/deployment.yaml:80-93). The chart `required`s
            // nothing else at these values: geoip is off (values.yaml:991; secret.yaml:15-17) and
            // templates/deprectations.yaml fails only on removed values.
            let env = env_names(values.get("global").unwrap_or(&Value::Null), &install.namespace, &parsed.held);
            for (variable, value) in [
                ("AUTHENTIK_SECRET_KEY", "/authentik/secret_key"),
                ("AUTHENTIK_POSTGRESQL__PASSWORD", "/authentik/postgresql/password"),
            ] {
                let in_values = values.pointer(value).and_then(Value::as_str).is_some_and(|v| !v.is_empty());
                if !in_values && !env.contains(variable) {
                    missing.push(format!("{}: {variable} (values {value} or global.env/envFrom)", install.from));
                }
            }
            if values.pointer("/geoip/enabled").and_then(Value::as_bool) == Some(true) {
                missing.push(format!(
                    "{}: geoip.enabled needs geoip.accountId/licenseKey (templates/secret.yaml:15-17)",
                    install.from
                ));
            }
        }
        (chart, version) => {
            // Every value src/charts records as `required` by a chart stackc installs.
            let facts = stackc::charts::CHARTS.iter().filter(|c| c.chart == chart && c.version == version);
            for required in facts.flat_map(|c| c.requires) {
                if let stackc::charts::Required::Value(path) = required
                    && applies(chart, path, values)
                    && !provided(install, parsed, path)
                {
                    missing.push(format!("{}: value {path}", install.from));
                }
            }
        }
    }
    missing
}

/// Whether a recorded `required` value is evaluated at these values.
fn applies(chart: &str, path: &str, values: &Value) -> bool {
    // linkerd/linkerd2 edge-25.10.7 charts/linkerd-control-plane/templates/identity.yaml:6: the
    // issuer's crtPEM/keyPEM are `required` only for the scheme linkerd.io/tls.
    let scheme = values.pointer("/identity/issuer/scheme").and_then(Value::as_str).unwrap_or("linkerd.io/tls");
    !(chart == "linkerd-control-plane" && path.starts_with("identity.issuer.tls.") && scheme != "linkerd.io/tls")
}

/// In the values, or set from a Secret or ConfigMap by a Flux `valuesFrom`
/// `targetPath` (whose reference the walk checks).
fn provided(install: &ChartInstall, parsed: &Parsed, path: &str) -> bool {
    let pointer = format!("/{}", path.replace('.', "/"));
    let in_values = install.values.pointer(&pointer).is_some_and(|v| v.as_str().is_none_or(|s| !s.is_empty()));
    let from = parsed.objects.iter().find(|(p, _)| *p == install.from).map(|(_, o)| o);
    let targeted = from
        .and_then(|o| o.pointer("/spec/valuesFrom"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|v| v.get("targetPath").and_then(Value::as_str) == Some(path));
    in_values || targeted
}
