//! `stackc import`: turning another tool's description of an app into a
//! stack. One source so far, [`compose`]: a Compose file. The import reads
//! only what the CLI hands it (texts, and a reader for files beside the
//! Compose file); it writes nothing itself.

pub mod compose;
