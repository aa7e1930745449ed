//! Walking a `--from` folder: which files to read, and what to skip and say so.
//!
//! Every folder and file is recorded by device and inode, so a symlink back into a folder
//! already walked (`sub/up -> ..`) is skipped with a warning instead of reading the tree
//! again and again, and a file reached twice (two links, a hard link) counts once. Only
//! regular files are read from a folder: a FIFO or a device named `x.yaml` would block or
//! never end.

use std::collections::{HashSet, VecDeque};
use std::fs::Metadata;
use std::path::{Path, PathBuf};

use super::{Error, Result};
use crate::surface::{Warning, WarningCode};

/// Folders and files already taken, by identity (device and inode on Unix).
#[derive(Debug, Default)]
pub struct Visited(HashSet<Key>);

#[cfg(unix)]
type Key = (u64, u64);
#[cfg(not(unix))]
type Key = PathBuf;

#[cfg(unix)]
fn key(m: &Metadata, _path: &Path) -> Key {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn key(_m: &Metadata, path: &Path) -> Key {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_owned())
}

impl Visited {
    /// Records a path; false when it was already taken.
    pub fn take(&mut self, m: &Metadata, path: &Path) -> bool {
        self.0.insert(key(m, path))
    }
}

/// Whether a file name is one `--from` reads in a folder: `.yaml`, `.yml` or `.json`, in
/// any case.
pub fn is_manifest(path: &Path) -> bool {
    path.extension().and_then(|x| x.to_str()).is_some_and(|x| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|e| x.eq_ignore_ascii_case(e))
    })
}

fn skipped_link(link: &Path, why: &str) -> Warning {
    let target =
        std::fs::read_link(link).map_or_else(|_| "?".to_owned(), |t| t.display().to_string());
    Warning::new(
        WarningCode::SkippedLink,
        format!("{} -> {target}: {why}; skipped", link.display()),
    )
    .on(link.display().to_string())
}

/// Collects the manifest files under `dir` into `out`: first the real tree (sorted, depth
/// first), then what its symlinks lead to, so that a folder is always read under its own
/// path and a link is what gets skipped.
pub fn walk(
    dir: &Path,
    visited: &mut Visited,
    out: &mut Vec<PathBuf>,
    warnings: &mut Vec<Warning>,
) -> Result<()> {
    let mut links = VecDeque::new();
    walk_real(dir, visited, out, warnings, &mut links)?;
    while let Some(link) = links.pop_front() {
        let Ok(meta) = std::fs::metadata(&link) else {
            if is_manifest(&link) || link.extension().is_none() {
                warnings.push(skipped_link(&link, "the link leads nowhere"));
            }
            continue;
        };
        if meta.is_dir() {
            if visited.take(&meta, &link) {
                walk_real(&link, visited, out, warnings, &mut links)?;
            } else {
                warnings.push(skipped_link(
                    &link,
                    "leads to a folder already read (a loop, or the same folder twice)",
                ));
            }
        } else if is_manifest(&link) {
            if !meta.is_file() {
                warnings.push(not_regular(&link));
            } else if visited.take(&meta, &link) {
                out.push(link);
            } else {
                warnings.push(skipped_link(&link, "leads to a file already read"));
            }
        }
    }
    Ok(())
}

fn not_regular(p: &Path) -> Warning {
    Warning::new(
        WarningCode::SkippedFile,
        format!(
            "{} is not a regular file (a FIFO, socket or device); skipped",
            p.display()
        ),
    )
    .on(p.display().to_string())
}

/// One folder without following links: files and subfolders now, links queued.
fn walk_real(
    dir: &Path,
    visited: &mut Visited,
    out: &mut Vec<PathBuf>,
    warnings: &mut Vec<Warning>,
    links: &mut VecDeque<PathBuf>,
) -> Result<()> {
    let io = |source| Error::Io {
        path: dir.to_owned(),
        source,
    };
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .collect::<std::result::Result<_, _>>()
        .map_err(io)?;
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for e in entries {
        let p = e.path();
        let meta = std::fs::symlink_metadata(&p).map_err(|source| Error::Io {
            path: p.clone(),
            source,
        })?;
        if meta.file_type().is_symlink() {
            links.push_back(p);
        } else if meta.is_dir() {
            // A folder seen before under another path (a bind mount) is read once.
            if visited.take(&meta, &p) {
                walk_real(&p, visited, out, warnings, links)?;
            }
        } else if !is_manifest(&p) {
            // Not a manifest: passed over.
        } else if !meta.is_file() {
            warnings.push(not_regular(&p));
        } else if visited.take(&meta, &p) {
            out.push(p);
        } else {
            warnings.push(
                Warning::new(
                    WarningCode::SkippedFile,
                    format!(
                        "{} is a file already read (a hard link); skipped",
                        p.display()
                    ),
                )
                .on(p.display().to_string()),
            );
        }
    }
    Ok(())
}
