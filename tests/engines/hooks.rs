//! Chart hooks under Argo CD. Argo CD runs a Helm `post-install` hook as a
//! `PostSync` hook (argo-cd v3.5.1
//! gitops-engine/pkg/sync/hook/helm/type.go:27-32): cert-manager's
//! startup check Job runs after the chart's Application has synced and its
//! resources are healthy. It can only pass if the namespace lets it reach
//! DNS and the API server, and if its pod can finish (no mesh proxy).

use serde_json::Value;

use super::{objects, tree, wave};

#[test]
fn cert_manager_startup_check_can_pass_as_an_argocd_post_sync_hook() {
    for (example, clusters) in [("environments", &["production", "staging"][..]), ("argocd", &["staging"])] {
        let tree = tree(example, r#"engine "argocd""#);
        let objects = objects(&tree);
        for cluster in clusters {
            let dir = format!("clusters/{cluster}/cert-manager/");
            let in_dir: Vec<&Value> =
                objects.iter().filter(|(path, _)| path.starts_with(&dir)).map(|(_, object)| object).collect();
            let namespace = in_dir.iter().find(|o| o["kind"] == "Namespace").expect("the namespace");
            assert!(
                namespace["metadata"]["annotations"]["linkerd.io/inject"].is_null(),
                "{example}/{cluster}: a meshed Job never completes"
            );
            let policies: Vec<&&Value> = in_dir.iter().filter(|o| o["kind"] == "NetworkPolicy").collect();
            if !policies.is_empty() {
                let check = policies
                    .iter()
                    .find(|p| p["spec"]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "startupapicheck")
                    .unwrap_or_else(|| panic!("{example}/{cluster}: default-deny without the startup check's egress"));
                let ports: Vec<u64> = check["spec"]["egress"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .flat_map(|rule| rule["ports"].as_array().cloned().unwrap_or_default())
                    .filter_map(|port| port["port"].as_u64())
                    .collect();
                assert!(ports.contains(&53) && ports.contains(&6443), "{example}/{cluster}: egress ports {ports:?}");
            }
            // The policies' Application syncs before the chart's, whose PostSync runs the check.
            let apps: Vec<&Value> = objects
                .iter()
                .filter(|(path, _)| path.starts_with(&format!("clusters/{cluster}/argocd/")))
                .map(|(_, object)| object)
                .collect();
            let chart = apps.iter().find(|a| a["spec"]["source"]["chart"] == "cert-manager").expect("the chart");
            let directory = apps
                .iter()
                .find(|a| a["spec"]["source"]["path"] == format!("clusters/{cluster}/cert-manager"))
                .expect("the directory's Application");
            assert!(wave(directory) < wave(chart), "{example}/{cluster}");
            let values = &chart["spec"]["source"]["helm"]["valuesObject"];
            assert!(values["startupapicheck"]["enabled"] != false, "{example}/{cluster}: the check is on");
        }
    }
}
