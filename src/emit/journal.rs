//! The build transaction. Before the first rename, stackc records every
//! change it is about to make in `.stackc-txn/journal` and keeps the old
//! bytes of every file it replaces or removes in `.stackc-txn/backup/`. If
//! the process dies while applying, the next build finds the journal and
//! rolls back, so the output directory is as it was before the interrupted
//! build. The journal ends with a `commit` line once complete; an incomplete
//! journal means nothing was applied yet.

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::paths::{Dirs, remove_empty_parents, safe_join};
use super::{EmitError, io_error};

pub(super) const TXN_DIR: &str = ".stackc-txn";

/// One change to apply.
pub(super) enum Change {
    /// A new file; rollback removes it.
    Add(String),
    /// An existing file replaced; rollback restores the backup.
    Replace(String),
    /// An existing file removed; rollback restores the backup.
    Remove(String),
}

impl Change {
    /// Append its journal line to `journal`.
    fn push_line(&self, journal: &mut String) {
        let (verb, path) = match self {
            Change::Add(p) => ("add ", p),
            Change::Replace(p) => ("replace ", p),
            Change::Remove(p) => ("remove ", p),
        };
        journal.push_str(verb);
        journal.push_str(path);
        journal.push('\n');
    }
}

/// Whether an interrupted build left a journal.
pub(super) fn pending(out: &Path) -> bool {
    out.join(TXN_DIR).exists()
}

/// Back up what `changes` touch and write the journal.
pub(super) fn begin(out: &Path, changes: &[Change]) -> Result<(), EmitError> {
    let txn = out.join(TXN_DIR);
    let backup = txn.join("backup");
    fs::create_dir_all(&backup).map_err(io_error("creating", &backup))?;
    let mut journal = String::new();
    let mut dirs = Dirs::new(out);
    let mut made: BTreeSet<PathBuf> = BTreeSet::new();
    for change in changes {
        if let Change::Replace(path) | Change::Remove(path) = change {
            let from = dirs.join_no_link(path)?.full;
            let to = backup.join(path);
            if let Some(parent) = to.parent()
                && !made.contains(parent)
            {
                fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
                made.insert(parent.to_path_buf());
            }
            fs::copy(&from, &to).map_err(io_error("backing up", &from))?;
        }
        change.push_line(&mut journal);
    }
    journal.push_str("commit\n");
    let path = txn.join("journal");
    let mut file = fs::File::create(&path).map_err(io_error("writing", &path))?;
    file.write_all(journal.as_bytes()).map_err(io_error("writing", &path))?;
    file.sync_all().map_err(io_error("writing", &path))?;
    Ok(())
}

/// The transaction is applied: drop the journal and backups.
pub(super) fn finish(out: &Path) -> Result<(), EmitError> {
    let txn = out.join(TXN_DIR);
    fs::remove_dir_all(&txn).map_err(io_error("removing", &txn))
}

/// Roll back an interrupted build.
pub(super) fn roll_back(out: &Path) -> Result<(), EmitError> {
    let txn = out.join(TXN_DIR);
    let journal_path = txn.join("journal");
    let journal = fs::read_to_string(&journal_path).unwrap_or_default();
    if journal.ends_with("commit\n") {
        for line in journal.lines().rev() {
            let Some((op, path)) = line.split_once(' ') else {
                continue;
            };
            let target = safe_join(out, path)?;
            match op {
                // The directories of every added file are made before any
                // file is written, so an added file may be missing while
                // its new directories exist: they go too, once empty.
                "add" => {
                    if target.exists() {
                        fs::remove_file(&target).map_err(io_error("rolling back", &target))?;
                    }
                    remove_empty_parents(out, &target);
                }
                "replace" | "remove" => {
                    let saved = txn.join("backup").join(path);
                    if saved.exists() {
                        if let Some(parent) = target.parent() {
                            fs::create_dir_all(parent).map_err(io_error("creating", parent))?;
                        }
                        fs::rename(&saved, &target).map_err(io_error("rolling back", &target))?;
                    }
                }
                _ => {}
            }
        }
    }
    fs::remove_dir_all(&txn).map_err(io_error("removing", &txn))
}
