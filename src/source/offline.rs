//! Offline input: YAML or JSON files, folders of them, stdin, and saved snapshots.
//!
//! Accepts what people already have: `kubectl get ... -o yaml` output (`kind: List` and
//! typed `*List` wrappers), rendered Helm charts (multi-document YAML), JSON, and
//! meshsurface snapshots (recognised by `schemaVersion`). Documents that are not
//! Kubernetes objects are skipped with a warning naming the file and document index.
//!
//! Inputs are streamed (see [`stream`]): one document at a time, and within a List one item
//! at a time, under two caps ([`Limits`]) so that an endless or enormous input ends in a
//! clear error, never in the kernel's OOM killer.
//!
//! One job per file: this one reads the paths given ([`read_offline`]); [`walk`] lists a
//! folder; [`reader`] streams one input and names what failed; its `seed` drives the parser
//! document by document; [`document`] decides what a document is; [`stream`] meters and
//! splits the bytes.

mod document;
mod reader;
mod stream;
#[cfg(test)]
mod tests;
mod walk;

use std::io::Read;
use std::path::Path;

use self::reader::{Reader, Target};
use self::walk::Visited;
use super::{Error, Result};
use crate::inventory::{Inventory, KeepKeys};
use crate::surface::{Snapshot, Warning, WarningCode};

/// How much one input may cost. Both are far above real output: a 50,000-pod
/// `kubectl get -A -o yaml` is a few hundred MB, and the API server refuses objects over
/// 1.5 MiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes one input (a file, or stdin) may hold (`--max-input-size`).
    pub max_input_bytes: u64,
    /// Bytes one object may take: a document, or one item of a List (`--max-object-size`).
    pub max_object_bytes: u64,
}

impl Limits {
    pub const DEFAULT_INPUT_BYTES: u64 = 4 << 30;
    pub const DEFAULT_OBJECT_BYTES: u64 = 64 << 20;
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: Self::DEFAULT_INPUT_BYTES,
            max_object_bytes: Self::DEFAULT_OBJECT_BYTES,
        }
    }
}

/// What `--from` read: raw objects (one cluster) or saved snapshots.
#[derive(Debug)]
pub struct OfflineInput {
    /// Present when any Kubernetes object was read.
    pub inventory: Option<Inventory>,
    /// Snapshots, with the path each came from.
    pub snapshots: Vec<(String, Snapshot)>,
    /// The paths as given.
    pub paths: Vec<String>,
    /// What reading itself found (empty inputs, skipped links and files) when there is no
    /// inventory to carry it (only snapshots were read).
    pub warnings: Vec<Warning>,
}

/// Reads every `--from` path (`-` is stdin) into one Inventory and/or snapshots.
pub fn read_offline(
    paths: &[String],
    stdin: &mut dyn Read,
    keep: KeepKeys,
    limits: Limits,
) -> Result<OfflineInput> {
    let mut reader = Reader {
        t: Target::new(keep.clone()),
        keep,
        limits,
        snapshots: Vec::new(),
        warnings: Vec::new(),
        failed: None,
    };
    let mut visited = Visited::default();
    for p in paths {
        if p == "-" {
            reader.stream("<stdin>", &mut *stdin, None)?;
            continue;
        }
        let path = Path::new(p);
        let meta = std::fs::metadata(path).map_err(|source| Error::Io {
            path: path.to_owned(),
            source,
        })?;
        if !visited.take(&meta, path) {
            reader.warnings.push(
                Warning::new(
                    WarningCode::SkippedFile,
                    format!("{p} was already read (given twice, or through a link); skipped"),
                )
                .on(p.clone()),
            );
            continue;
        }
        if meta.is_dir() {
            let mut files = Vec::new();
            walk::walk(path, &mut visited, &mut files, &mut reader.warnings)?;
            if files.is_empty() {
                return Err(Error::Empty {
                    path: path.to_owned(),
                });
            }
            for f in files {
                reader.file(&f)?;
            }
        } else {
            // A path named on the command line is read whatever it is: `<(kubectl ...)` is
            // a pipe. The caps bound a device that never ends.
            reader.file(path)?;
        }
    }
    let mut warnings = std::mem::take(&mut reader.warnings);
    let inventory = (reader.t.objects > 0 || reader.snapshots.is_empty()).then(|| {
        reader.t.close();
        for w in warnings.drain(..) {
            reader.t.b.warn(w);
        }
        reader.t.b.finish()
    });
    Ok(OfflineInput {
        inventory,
        snapshots: reader.snapshots,
        paths: paths.to_vec(),
        warnings,
    })
}
