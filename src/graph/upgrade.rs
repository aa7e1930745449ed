//! The upgrade runbook: each mesh's catalog steps in the order of their "must be upgraded
//! before" relation, kept when the snapshot has something for them to upgrade.
//!
//! A step's targets are the workloads of its components (`namespace/name`), its CRD
//! groups that the snapshot has, and, for a restart step, the namespaces whose pods are
//! captured that way (`restarts` counts their workloads: each must be rolled out so that
//! its sidecar is injected again at the new version).

use crate::catalog::Catalog;
use crate::surface::SHARED;
use crate::surface::{Snapshot, UpgradeStep};

/// The runbook of a snapshot: meshes in `meshes[]` order, steps numbered from 1.
pub fn upgrade_steps(snap: &Snapshot, catalog: &Catalog) -> Vec<UpgradeStep> {
    let mut out = Vec::new();
    for mesh in &snap.meshes {
        let Some(entry) = catalog.mesh(&mesh.name) else {
            continue;
        };
        for &i in &entry.runbook {
            let Some(rule) = entry.upgrade.get(i) else {
                continue;
            };
            let mut targets: Vec<String> = Vec::new();
            for id in &rule.components {
                targets.extend(
                    snap.components
                        .iter()
                        .filter(|c| c.mesh == mesh.name && &c.component == id)
                        .map(|c| format!("{}/{}", c.namespace, c.name)),
                );
            }
            for group in &rule.crd_groups {
                let present = snap
                    .crds
                    .iter()
                    .any(|c| (c.mesh == mesh.name || c.mesh == SHARED) && &c.group == group);
                if present {
                    targets.push(group.clone());
                }
            }
            let mut restarts = 0u64;
            if let Some(mode) = &rule.restart {
                for n in snap.namespaces.iter().filter(|n| {
                    n.mesh == mesh.name && n.capture.split('+').any(|c| c == mode.as_str())
                }) {
                    targets.push(n.namespace.clone());
                    restarts = u64::saturating_add(restarts, n.workloads);
                }
            }
            if targets.is_empty() {
                continue;
            }
            out.push(UpgradeStep {
                step: out.len() as u64 + 1,
                mesh: mesh.name.clone(),
                kind: rule.kind.as_str().to_owned(),
                title: rule.title.clone(),
                targets,
                restarts,
            });
        }
    }
    out
}

/// Sets `upgradeSteps` and the `upgradeSteps` totals (each mesh's and the cluster's).
pub fn fill_upgrade_steps(snap: &mut Snapshot, catalog: &Catalog) {
    let steps = upgrade_steps(snap, catalog);
    for m in &mut snap.meshes {
        m.totals.upgrade_steps = steps.iter().filter(|s| s.mesh == m.name).count() as u64;
    }
    snap.totals.upgrade_steps = steps.len() as u64;
    snap.upgrade_steps = steps;
}
