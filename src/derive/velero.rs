//! Velero backups: one `Schedule` per namespace that holds PVCs, in the
//! platform's Velero namespace. Velero itself is not installed by stackc.
//!
//! Each Schedule selects exactly the namespace's PVC-bearing workloads by
//! their pod labels (`orLabelSelectors`): their pods, their PVCs (a
//! StatefulSet's claims carry its selector labels), their controllers and
//! Services; Velero adds the PersistentVolumes of the selected claims.

use serde_json::{Value, json};

use super::Component;
use super::object::Object;
use super::platform::common_labels;
use crate::check::{Engine, Namespace, ResolvedStack, Workload, WorkloadKind};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{Velero, VolumeBackup};

/// The component of the Schedules, or `None` (with a warning) when no
/// namespace holds a PVC to back up.
pub(super) fn component(stack: &ResolvedStack, d: &mut Diagnostics) -> Option<Component> {
    let velero = stack.platform.velero.as_ref()?;
    let schedules: Vec<Object> = stack.namespaces.iter().filter_map(|ns| schedule(stack, velero, ns)).collect();
    if schedules.is_empty() {
        d.push(
            Diagnostic::warning(Code::NothingToBackUp, velero.span, "Velero is configured, but nothing needs a backup")
                .label("no Schedule is written")
                .help("Schedules back up PVCs: a `database`, or an app `volume` with `size`, in a namespace without `backup=#false`"),
        );
        return None;
    }
    Some(Component::new("velero", &format!("clusters/{}/velero", stack.cluster.name.value), schedules))
}

/// A workload stackc writes PVCs for: a database, or an image app with a
/// sized volume. Release apps' charts may make claims stackc cannot see.
fn has_pvc(w: &Workload) -> bool {
    match &w.kind {
        WorkloadKind::Database(_) => true,
        WorkloadKind::Image(app) => app.volumes.iter().any(|v| v.size.is_some()),
        WorkloadKind::Release { .. } => false,
    }
}

fn schedule(stack: &ResolvedStack, velero: &Velero, ns: &Namespace) -> Option<Object> {
    let cron = ns.backup_schedule.as_ref()?;
    let workloads: Vec<&Workload> = ns.workloads.iter().filter(|w| has_pvc(w)).collect();
    if workloads.is_empty() {
        return None;
    }
    let fs_backup = velero.volume_backup.value == VolumeBackup::FsBackup;
    let mut template = json!({
        "includedNamespaces": [ns.name],
        "orLabelSelectors": workloads.iter().map(|w| json!({"matchLabels": w.pod_labels})).collect::<Vec<_>>(),
        "ttl": velero.ttl.value,
        "snapshotVolumes": !fs_backup,
        "defaultVolumesToFsBackup": fs_backup,
    });
    if let Some(location) = &velero.storage_location {
        template["storageLocation"] = json!(location.value);
    }
    let hooks: Vec<Value> = workloads.iter().filter_map(|w| checkpoint_hook(ns, w)).collect();
    if !hooks.is_empty() {
        template["hooks"] = json!({"resources": hooks});
    }
    let spec = json!({"spec": {"schedule": cron, "template": template}});
    let labels = common_labels(stack);
    Some(Object::new("velero.io/v1", "Schedule", &ns.name, Some(&velero.namespace), &labels, spec, ns.span))
}

/// PostgreSQL writes its dirty buffers to disk right before the backup, so
/// the captured files need the least WAL replay. The socket connection is
/// trusted inside the container; no password is involved.
fn checkpoint_hook(ns: &Namespace, w: &Workload) -> Option<Value> {
    let WorkloadKind::Database(db) = &w.kind else {
        return None;
    };
    let Engine::Postgresql { .. } = db.engine else {
        return None;
    };
    Some(json!({
        "name": format!("{}-checkpoint", w.name),
        "includedNamespaces": [ns.name],
        "labelSelector": {"matchLabels": w.pod_labels},
        "pre": [{"exec": {
            "container": w.name,
            "command": ["psql", "--username", "postgres", "--no-psqlrc", "--command", "CHECKPOINT"],
            "onError": "Fail",
            "timeout": "2m",
        }}],
    }))
}
