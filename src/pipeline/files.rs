//! `--from` files to snapshots: raw manifests are one cluster (read, then the pipeline's
//! [`snapshot`]), saved snapshots are taken as saved. Three shapes, one per kind of
//! command: one cluster ([`offline`]), a fleet ([`fleet`]), one saved snapshot ([`saved`]).
//!
//! Each refuses what its shape cannot use (snapshots mixed with manifests, `-n` on a
//! snapshot already scanned), naming the file, so that every command refuses alike.

use std::io::Read;

use super::{now_rfc3339, snapshot, Error, Knowledge};
use crate::inventory::KeepKeys;
use crate::source::{self, read_offline, Limits, OfflineInput};
use crate::surface::{Snapshot, Source, SourceKind};

/// The files `--from` names (`-` is `stdin`) and the caps on reading them.
pub struct Files<'a> {
    pub paths: &'a [String],
    pub stdin: &'a mut dyn Read,
    pub limits: Limits,
}

/// What a scan of raw manifests looks at.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// `-n NS`: the namespaced cut of a scan.
    pub namespace: Option<String>,
    /// `scan --nodes N`: the node count DaemonSets project to when the manifests hold no
    /// Node objects.
    pub nodes: Option<u64>,
}

/// One cluster from files: raw manifests scanned, or the one saved snapshot given.
#[expect(
    clippy::needless_pass_by_value,
    reason = "`Files` is a bundle of borrows made for this one call; it holds a `&mut` reader"
)]
pub fn offline(files: Files<'_>, scope: &Scope, k: &Knowledge) -> Result<Snapshot, Error> {
    let read = read_offline(files.paths, files.stdin, k.keep(), files.limits)?;
    refuse_namespace_on_snapshots(scope.namespace.as_deref(), &read.snapshots)?;
    let OfflineInput {
        inventory,
        snapshots,
        paths,
        warnings,
    } = read;
    match inventory {
        Some(_) if !snapshots.is_empty() => Err(Error::Mixed { fleet: false }),
        Some(mut inventory) => {
            inventory.assumed_nodes = scope.nodes;
            Ok(snapshot(
                inventory,
                k,
                offline_source(paths, scope.namespace.clone()),
            ))
        }
        None => match <[_; 1]>::try_from(snapshots) {
            Ok([(_, mut snap)]) => {
                snap.warnings.extend(warnings);
                Ok(snap)
            }
            Err(snapshots) => Err(Error::SeveralSnapshots {
                paths: snapshots.into_iter().map(|(p, _)| p).collect(),
            }),
        },
    }
}

/// A fleet from files: every saved snapshot is one cluster (named after its file); raw
/// manifests together are one cluster (named after the paths). Snapshots of another
/// schema version are refused, naming the file.
#[expect(
    clippy::needless_pass_by_value,
    reason = "`Files` is a bundle of borrows made for this one call; it holds a `&mut` reader"
)]
pub fn fleet(
    files: Files<'_>,
    namespace: Option<&str>,
    k: &Knowledge,
) -> Result<Vec<(String, Snapshot)>, Error> {
    let read =
        read_offline(files.paths, files.stdin, k.keep(), files.limits).map_err(|e| match e {
            source::Error::SchemaVersion {
                path,
                found,
                expected,
            } => Error::FleetSchemaVersion {
                path,
                found,
                expected,
            },
            e => Error::Source(e),
        })?;
    refuse_namespace_on_snapshots(namespace, &read.snapshots)?;
    match (read.inventory, read.snapshots.is_empty()) {
        (Some(_), false) => Err(Error::Mixed { fleet: true }),
        (Some(inventory), true) => {
            let name = read.paths.join(",");
            let source = offline_source(read.paths, namespace.map(str::to_owned));
            Ok(vec![(name, snapshot(inventory, k, source))])
        }
        (None, _) => Ok(read
            .snapshots
            .into_iter()
            .enumerate()
            // What reading found (skipped links, empty inputs) goes with the first cluster.
            .map(|(i, (path, mut s))| {
                if i == 0 {
                    s.warnings.extend(read.warnings.iter().cloned());
                }
                let name = std::path::Path::new(&path)
                    .file_stem()
                    .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
                (name, s)
            })
            .collect()),
    }
}

/// One saved snapshot (JSON or YAML, `-` for stdin), refusing anything else: for commands
/// that compare snapshots, where raw manifests would be a different question.
pub fn saved(path: &str, stdin: &mut dyn Read, limits: Limits) -> Result<Snapshot, Error> {
    let read = read_offline(&[path.to_owned()], stdin, KeepKeys::default(), limits)?;
    if read.inventory.is_some() {
        return Err(Error::NotASnapshot {
            path: path.to_owned(),
        });
    }
    match <[_; 1]>::try_from(read.snapshots) {
        Ok([(_, mut snap)]) => {
            snap.warnings.extend(read.warnings);
            Ok(snap)
        }
        Err(snapshots) => Err(Error::SnapshotCount {
            path: path.to_owned(),
            count: snapshots.len(),
        }),
    }
}

fn offline_source(paths: Vec<String>, namespace: Option<String>) -> Source {
    Source {
        kind: SourceKind::Offline,
        context: None,
        paths,
        namespace,
        taken_at: now_rfc3339(),
        as_of: None,
        duration_seconds: None,
    }
}

/// A saved snapshot was scanned already: `-n` cannot limit it after the fact.
fn refuse_namespace_on_snapshots(
    namespace: Option<&str>,
    snapshots: &[(String, Snapshot)],
) -> Result<(), Error> {
    match (namespace, snapshots.first()) {
        (Some(ns), Some((path, _))) => Err(Error::NamespaceOnSnapshot {
            namespace: ns.to_owned(),
            path: path.clone(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exit::Class;

    fn fixture(case: &str) -> String {
        format!("{}/fixtures/clusters/{case}", env!("CARGO_MANIFEST_DIR"))
    }

    fn read(paths: &[String], stdin: &[u8]) -> Result<Snapshot, Error> {
        let files = Files {
            paths,
            stdin: &mut &stdin[..],
            limits: Limits::default(),
        };
        offline(files, &Scope::default(), &Knowledge::load().unwrap())
    }

    #[test]
    fn dropping_the_labels_no_rule_reads_changes_no_fixture() {
        let k = Knowledge::load().unwrap();
        let root = format!("{}/fixtures/clusters", env!("CARGO_MANIFEST_DIR"));
        let mut cases: Vec<_> = std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        assert!(cases.len() > 5, "{cases:?}");
        let mut every_label = k.keep();
        every_label.labels = None;
        for case in cases {
            let paths = [case.to_string_lossy().into_owned()];
            let scan = |keep: KeepKeys| {
                let read =
                    read_offline(&paths, &mut std::io::empty(), keep, Limits::default()).unwrap();
                let source = offline_source(paths.to_vec(), None);
                let mut snap = serde_json::to_value(snapshot(read.inventory.unwrap(), &k, source));
                let snap = snap.as_mut().unwrap();
                snap["source"]["takenAt"] = serde_json::Value::Null;
                snap.clone()
            };
            assert_eq!(
                scan(k.keep()),
                scan(every_label.clone()),
                "{}",
                case.display()
            );
        }
    }

    #[test]
    fn one_cluster_is_manifests_or_one_snapshot() {
        let snap = read(&[fixture("linkerd")], b"").unwrap();
        assert_eq!(snap.source.kind, SourceKind::Offline);
        assert_eq!(snap.meshes[0].name, "linkerd");
        let saved = serde_json::to_vec(&snap).unwrap();
        let again = read(&["-".to_owned()], &saved).unwrap();
        assert_eq!(
            again.totals, snap.totals,
            "a saved snapshot is taken as saved"
        );

        let e = read(&[fixture("linkerd"), "-".to_owned()], &saved).unwrap_err();
        assert!(matches!(e, Error::Mixed { fleet: false }), "{e}");
        assert_eq!(e.class(), Class::Usage);

        let dir = std::env::temp_dir().join(format!("meshsurface-pipe-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let two: Vec<String> = ["a.json", "b.json"]
            .iter()
            .map(|f| {
                let p = dir.join(f);
                std::fs::write(&p, &saved).unwrap();
                p.to_string_lossy().into_owned()
            })
            .collect();
        let e = read(&two, b"").unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "this command takes one cluster, but --from gave 2 snapshots ({}, {})",
                two[0], two[1]
            )
        );
        let fleet = fleet(
            Files {
                paths: &two,
                stdin: &mut std::io::empty(),
                limits: Limits::default(),
            },
            None,
            &Knowledge::load().unwrap(),
        )
        .unwrap();
        let names: Vec<&str> = fleet.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            ["a", "b"],
            "a fleet's clusters are named after their files"
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn namespace_cannot_limit_a_saved_snapshot() {
        let snap = read(&[fixture("linkerd")], b"").unwrap();
        let saved = serde_json::to_vec(&snap).unwrap();
        let files = Files {
            paths: &["-".to_owned()],
            stdin: &mut &saved[..],
            limits: Limits::default(),
        };
        let scope = Scope {
            namespace: Some("shop".to_owned()),
            nodes: None,
        };
        let e = offline(files, &scope, &Knowledge::load().unwrap()).unwrap_err();
        assert!(
            matches!(&e, Error::NamespaceOnSnapshot { namespace, path } if namespace == "shop" && path == "<stdin>"),
            "{e}"
        );
    }
}
