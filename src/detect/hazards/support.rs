//! `release-support`: each mesh's control-plane version (its `versionFrom` components)
//! against the mesh's release table (`src/catalog/releases/<mesh>.yaml`): past end of
//! life `critical`, end of life within [`SOON_DAYS`] `warning`, the cluster's Kubernetes
//! version not among those the release supports `warning`, a release newer than the
//! table `info`. Every message names the table's as-of date: the table ages, and a
//! release or end of life announced after it is not in it. A version that cannot be
//! placed on a release line (`latest`, a branch name) is not judged.

use std::collections::BTreeMap;

use crate::catalog::{Catalog, MeshEntry, ReleaseTable};
use crate::date::Day;
use crate::surface::{Component, Hazard, HazardCode, Kubernetes, KubernetesFrom, Severity};
use crate::version::Version;

use super::Hazards;

/// An end of life this close (in days) is a `warning`: time to plan the upgrade.
pub(in crate::detect) const SOON_DAYS: i64 = 60;

/// What was found about one control-plane version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Finding {
    EndOfLife,
    EndOfLifeSoon,
    Kubernetes,
    Newer,
}

/// Raises `release-support` for each mesh whose control-plane release is out of support.
pub(in crate::detect) fn release_support(
    catalog: &Catalog,
    components: &[Component],
    kubernetes: Option<&Kubernetes>,
    today: Option<Day>,
    hazards: &mut Hazards,
) {
    for mesh in &catalog.meshes {
        let Some(table) = &mesh.releases else {
            continue;
        };
        // Each control-plane version once, with its components.
        let mut by_version: BTreeMap<&str, Vec<&Component>> = BTreeMap::new();
        for c in components
            .iter()
            .filter(|c| c.mesh == mesh.mesh && mesh.version_from.contains(&c.component))
        {
            if let Some(v) = &c.version {
                by_version.entry(v.as_str()).or_default().push(c);
            }
        }
        let mut objects: BTreeMap<String, Severity> = BTreeMap::new();
        let mut said = Vec::new();
        let mut found = Vec::new();
        for (raw, comps) in by_version {
            let judged = judge(table, raw, kubernetes, today);
            let Some(severity) = judged.iter().map(|(s, _, _)| *s).min() else {
                continue;
            };
            for c in comps {
                let object = format!("{}/{}/{} ({raw})", c.kind.as_str(), c.namespace, c.name);
                let e = objects.entry(object).or_insert(severity);
                *e = (*e).min(severity);
            }
            for (_, finding, text) in judged {
                said.push(text);
                found.push(finding);
            }
        }
        if objects.is_empty() {
            continue;
        }
        found.sort();
        found.dedup();
        hazards.push(worded(mesh, table, &objects, &said, &found));
    }
}

/// The findings about control-plane version `raw`: severity, kind, and the words.
fn judge(
    table: &ReleaseTable,
    raw: &str,
    kubernetes: Option<&Kubernetes>,
    today: Option<Day>,
) -> Vec<(Severity, Finding, String)> {
    let mut out = Vec::new();
    let Some(resolved) = table.resolve(raw) else {
        return out;
    };
    let line = resolved.line.minor_key();
    let Some(release) = table.release(resolved.line) else {
        let Some((newest, oldest)) = table.span() else {
            return out;
        };
        if resolved.line > newest {
            out.push((
                Severity::Info,
                Finding::Newer,
                format!("{raw} is newer than every release in the table: its support is not judged"),
            ));
        } else if resolved.line < oldest {
            let eol = table.release(oldest).and_then(|r| r.end_of_life);
            if let (Some(eol), Some(today)) = (eol, today) {
                if eol <= today {
                    out.push((
                        Severity::Critical,
                        Finding::EndOfLife,
                        format!(
                            "{raw} is older than the table's oldest release ({}, end of life {eol}): no security fixes since {eol} at the latest",
                            oldest.minor_key()
                        ),
                    ));
                }
            }
        }
        return out;
    };
    if let (Some(eol), Some(today)) = (release.end_of_life, today) {
        let left = today.until(eol);
        if left <= 0 {
            out.push((
                Severity::Critical,
                Finding::EndOfLife,
                format!("{line} ({raw}) is past its end of life: no security fixes since {eol}"),
            ));
        } else if left <= SOON_DAYS {
            out.push((
                Severity::Warning,
                Finding::EndOfLifeSoon,
                format!(
                    "{line} ({raw}) reaches its end of life on {eol}, in {left} day{}",
                    if left == 1 { "" } else { "s" }
                ),
            ));
        }
    }
    if let Some(k) = kubernetes {
        if let Some(kv) = Version::parse(&k.version) {
            if release.supports_kubernetes(kv) == Some(false) {
                let from = match k.from {
                    KubernetesFrom::ApiServer => "the API server's",
                    KubernetesFrom::Nodes => "the oldest kubelet's",
                };
                out.push((
                    Severity::Warning,
                    Finding::Kubernetes,
                    format!(
                        "{line} does not support Kubernetes {} ({from} {}; supported: {})",
                        kv.minor_key(),
                        k.version,
                        release.kubernetes_range()
                    ),
                ));
            }
        }
    }
    out
}

fn worded(
    mesh: &MeshEntry,
    table: &ReleaseTable,
    objects: &BTreeMap<String, Severity>,
    said: &[String],
    found: &[Finding],
) -> Hazard {
    let severity = objects.values().min().copied().unwrap_or(Severity::Info);
    let why: Vec<&str> = found
        .iter()
        .map(|f| match f {
            Finding::EndOfLife => "A release past its end of life gets no more patch releases: security fixes and CVE backports stop, and upgrades from it are no longer tested.",
            Finding::EndOfLifeSoon => "At its end of life the release stops getting security fixes; an upgrade takes planning (in-place upgrades go one release at a time).",
            Finding::Kubernetes => "A mesh release supports only the Kubernetes versions it was tested against: on others, removed or changed Kubernetes APIs can break its control plane or injection.",
            Finding::Newer => "A release newer than the table cannot be judged until the table is refreshed (docs/releases.md).",
        })
        .collect();
    let source = table
        .source
        .url
        .clone()
        .or_else(|| table.source.repo.clone())
        .unwrap_or_default();
    Hazard {
        code: HazardCode::ReleaseSupport,
        severity,
        mesh: mesh.mesh.clone(),
        count: objects.len() as u64,
        objects: objects.keys().cloned().collect(),
        message: format!(
            "{} {} (as of the release table of {})",
            mesh.mesh,
            said.join("; "),
            table.as_of
        ),
        why: why.join(" "),
        source: format!("{source} (src/catalog/releases/{}.yaml)", mesh.mesh),
    }
}
