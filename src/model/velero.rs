//! Lowering of `velero namespace=... schedule=... ttl=... storage-location=...
//! volume-backup=...`. The values are checked in `check`.

use super::lower::one_of;
use super::reader::Reader;
use super::types::{Velero, VolumeBackup};
use crate::diagnostic::{Diagnostics, Spanned};
use crate::syntax::Node;

const PROPERTIES: &[&str] = &["namespace", "schedule", "ttl", "storage-location", "volume-backup"];

pub(super) fn velero(node: &Node, d: &mut Diagnostics) -> Velero {
    let r = Reader::new(node, 0, PROPERTIES, &[], d);
    let or_default = |value: Option<Spanned<String>>, default: &str| {
        value.unwrap_or_else(|| Spanned::new(default.to_owned(), node.name_span))
    };
    let volume_backup = r
        .string("volume-backup", d)
        .and_then(|s| match s.value.as_str() {
            "fs-backup" => Some(Spanned::new(VolumeBackup::FsBackup, s.span)),
            "snapshot" => Some(Spanned::new(VolumeBackup::Snapshot, s.span)),
            other => {
                d.push(one_of(s.span, "volume backup method", other, &["fs-backup", "snapshot"]));
                None
            }
        })
        .unwrap_or_else(|| Spanned::new(VolumeBackup::FsBackup, node.name_span));
    Velero {
        span: node.name_span,
        namespace: or_default(r.string("namespace", d), "velero"),
        schedule: or_default(r.string("schedule", d), "0 3 * * *"),
        ttl: or_default(r.string("ttl", d), "720h"),
        storage_location: r.string("storage-location", d),
        volume_backup,
    }
}
