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
                format!(
                    "{raw} is newer than every release in the table: its support is not judged"
                ),
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

#[cfg(test)]
mod tests {
    use crate::detect::tests::scan;
    use crate::surface::{Hazard, HazardCode, Severity, Snapshot};

    /// The detection tests judge at 2026-01-01.
    fn support(s: &Snapshot) -> Option<&Hazard> {
        s.hazards
            .iter()
            .find(|h| h.code == HazardCode::ReleaseSupport)
    }

    fn istiod(version: &str, kubelet: Option<&str>) -> Snapshot {
        let node = kubelet.map_or(String::new(), |k| {
            format!(
                "
---
apiVersion: v1
kind: Node
metadata: {{name: n1}}
status: {{nodeInfo: {{kubeletVersion: {k}}}}}
---
apiVersion: v1
kind: Node
metadata: {{name: n2}}
status: {{nodeInfo: {{kubeletVersion: v1.36.1}}}}
"
            )
        });
        scan(&format!(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {{name: istiod, namespace: istio-system}}
spec:
  template:
    spec:
      containers: [{{name: discovery, image: docker.io/istio/pilot:{version}}}]
{node}"
        ))
    }

    #[test]
    fn past_end_of_life_is_critical_and_names_the_tables_date() {
        let s = istiod("1.26.0", None);
        let h = support(&s).expect("release-support");
        assert_eq!((h.severity, h.count), (Severity::Critical, 1));
        assert_eq!(h.objects, ["Deployment/istio-system/istiod (1.26.0)"]);
        assert_eq!(
            h.message,
            "istio 1.26 (1.26.0) is past its end of life: no security fixes since 2025-12-22 \
             (as of the release table of 2026-09-09)"
        );
        assert!(
            h.source.contains("src/catalog/releases/istio.yaml"),
            "{}",
            h.source
        );
    }

    #[test]
    fn the_oldest_kubelet_outside_the_supported_kubernetes_is_a_warning() {
        // 1.27 ends 2026-04-07, 96 days after the test's day: only Kubernetes counts.
        let s = istiod("1.27.2", Some("v1.35.0"));
        assert_eq!(
            s.kubernetes.as_ref().map(|k| k.version.as_str()),
            Some("v1.35.0")
        );
        let h = support(&s).expect("release-support");
        assert_eq!(h.severity, Severity::Warning);
        assert!(
            h.message.contains(
                "1.27 does not support Kubernetes 1.35 (the oldest kubelet's v1.35.0; supported: 1.29–1.33)"
            ),
            "{}",
            h.message
        );
        assert_eq!(support(&istiod("1.27.2", Some("v1.33.2"))), None);
        assert_eq!(
            support(&istiod("1.27.2", Some("not-a-version"))).map(|h| h.severity),
            Some(Severity::Warning),
            "the other node (1.36) counts"
        );
    }

    #[test]
    fn end_of_life_within_sixty_days_is_a_warning() {
        // Cilium 1.16 ends 2026-02-04 by policy: 34 days after the test's day.
        let s = scan(
            "
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cilium, namespace: kube-system}
spec:
  template:
    spec:
      containers: [{name: cilium-agent, image: quay.io/cilium/cilium:v1.16.3}]
",
        );
        let h = support(&s).expect("release-support");
        assert_eq!(h.severity, Severity::Warning);
        assert!(
            h.message
                .contains("1.16 (v1.16.3) reaches its end of life on 2026-02-04, in 34 days"),
            "{}",
            h.message
        );
    }

    #[test]
    fn newer_than_the_table_is_info_and_an_unplaced_version_nothing() {
        let h = support(&istiod("1.32.0", None))
            .cloned()
            .expect("release-support");
        assert_eq!(h.severity, Severity::Info);
        assert!(
            h.message
                .contains("1.32.0 is newer than every release in the table")
                && h.message
                    .ends_with("(as of the release table of 2026-09-09)"),
            "{}",
            h.message
        );
        assert_eq!(support(&istiod("latest", Some("v1.10.0"))), None);
        assert_eq!(
            support(&istiod("1.28.1", None)),
            None,
            "supported until 2026-07-01"
        );
    }
}
