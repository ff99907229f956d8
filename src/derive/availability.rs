//! Availability of an image app with more than one replica: a
//! PodDisruptionBudget (one pod down at a time unless the stack says
//! otherwise) and a spread of its pods across nodes (soft by default).

use serde_json::{Value, json};

use super::object::Object;
use crate::check::Workload;
use crate::model::{App, Spread};

/// The PodDisruptionBudget of `app`, if it has several replicas and wants one.
pub(super) fn budget(w: &Workload, app: &App, labels: &Value) -> Option<Object> {
    let a = app.availability.as_ref();
    if app.replicas.value <= 1 || a.is_some_and(|a| !a.budget) {
        return None;
    }
    let max = a.and_then(|a| a.max_unavailable.as_ref()).map_or(1, |m| m.value);
    let spec = json!({"spec": {"maxUnavailable": max, "selector": {"matchLabels": w.pod_labels}}});
    Some(Object::new("policy/v1", "PodDisruptionBudget", &w.object_name, Some(&w.namespace), labels, spec, w.span))
}

/// The pod's `topologySpreadConstraints`, if it has several replicas: at most
/// one more pod on a node than on any other, preferred (`ScheduleAnyway`) or
/// required (`DoNotSchedule`).
pub(super) fn spread(w: &Workload, app: &App) -> Option<Value> {
    if app.replicas.value <= 1 {
        return None;
    }
    let when = match app.availability.as_ref().and_then(|a| a.spread.as_ref()).map_or(Spread::Soft, |s| s.value) {
        Spread::Soft => "ScheduleAnyway",
        Spread::Hard => "DoNotSchedule",
        Spread::Off => return None,
    };
    Some(json!([{
        "maxSkew": 1,
        "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": when,
        "labelSelector": {"matchLabels": w.pod_labels},
    }]))
}
