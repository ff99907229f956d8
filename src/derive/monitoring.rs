//! Prometheus scraping: a PodMonitor per app with `metrics`, selecting the
//! app's pods by the same labels its policies use. The NetworkPolicy and
//! Linkerd allowances follow from the graph's `metrics` edge.

use serde_json::{Value, json};

use super::object::Object;
use super::platform::common_labels;
use crate::check::{Namespace, ResolvedStack};

pub(super) fn objects(stack: &ResolvedStack, ns: &Namespace) -> Vec<Object> {
    let Some(prometheus) = &stack.platform.prometheus else {
        return Vec::new();
    };
    let mut labels = common_labels(stack);
    if let Some(map) = labels.as_object_mut() {
        for (k, v) in &prometheus.monitor_labels {
            map.insert(k.clone(), Value::String(v.clone()));
        }
    }
    ns.workloads
        .iter()
        .filter_map(|w| {
            let m = w.metrics.as_ref()?;
            let spec = json!({"spec": {
                "selector": {"matchLabels": w.pod_labels},
                "podMetricsEndpoints": [{"portNumber": m.port, "path": m.path, "interval": m.interval}],
            }});
            Some(Object::new("monitoring.coreos.com/v1", "PodMonitor", &w.name, Some(&ns.name), &labels, spec, m.span))
        })
        .collect()
}
