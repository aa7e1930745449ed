//! `version-skew`: data-plane proxies whose version differs from the control plane that
//! serves them, judged against the supported skew of the mesh's release table
//! (`skew:` in `src/catalog/releases/<mesh>.yaml`, upstream's words quoted there).
//!
//! Which control plane serves a proxy: with a revision label in the catalog (Istio's
//! `istio.io/rev`), the control plane of the pod's revision (the revision annotation the
//! injector wrote on the pod, else the pod's revision label), so that a canary upgrade
//! mid-way (each revision serving its own proxies) is no skew; otherwise the mesh's
//! control plane (its newest version when several run). The skew's `controlPlane` and
//! `dataPlane` component ids replace both sides where proxies are not the data plane
//! (Cilium: agents against the operator). A version that cannot be placed on a release
//! line is not judged.
//!
//! Severity, in release lines beyond the supported skew (`dataPlaneBehind`,
//! `dataPlaneAhead`): within it (or the same line at another patch) `info`; one beyond
//! `warning`; two or more beyond `critical`.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, MeshEntry, ReleaseTable, Resolved};
use crate::surface::{Component, Hazard, HazardCode, Severity};

use super::super::inject::Matched;
use super::super::pods::{Unit, WorkloadView};
use super::super::Detector;
use super::Hazards;

/// Proxies of one unit, as detection counted them: who they are and what they run.
#[derive(Debug, Clone)]
pub(in crate::detect) struct Sighting {
    mesh: String,
    /// `Kind/namespace/name` of the workload (or pod).
    object: String,
    version: Option<String>,
    /// The pod's revision label, when the mesh has one.
    revision: Option<String>,
    count: u64,
}

impl Detector<'_> {
    /// Records `unit`'s proxies of `mesh` at `version` for the skew judgement.
    pub(in crate::detect) fn saw_proxies(
        &mut self,
        mesh: &MeshEntry,
        object: &str,
        version: Option<&String>,
        unit: &Unit<'_>,
    ) {
        if unit.count == 0 {
            return;
        }
        let injection = mesh.injection.as_ref();
        let revision = injection
            .and_then(|i| i.revision_annotation.as_ref())
            .and_then(|a| unit.shape.annotations.get(a))
            .or_else(|| revision_label(mesh).and_then(|l| unit.shape.labels.get(l)))
            .cloned();
        self.data_plane.push(Sighting {
            mesh: mesh.mesh.clone(),
            object: object.to_owned(),
            version: version.cloned(),
            revision,
            count: unit.count,
        });
    }
}

fn revision_label(mesh: &MeshEntry) -> Option<&String> {
    mesh.injection.as_ref()?.revision_label.as_ref()
}

/// One control-plane component: its revision and version.
struct ControlPlane {
    revision: String,
    version: String,
}

/// Raises `version-skew` for each mesh whose data plane strays from its control plane.
pub(in crate::detect) fn skew(
    catalog: &Catalog,
    views: &[WorkloadView<'_>],
    matched: &[Matched<'_>],
    components: &[Component],
    sightings: &[Sighting],
    hazards: &mut Hazards,
) {
    for mesh in &catalog.meshes {
        let Some(table) = &mesh.releases else {
            continue;
        };
        let cp_ids = if table.skew.control_plane.is_empty() {
            &mesh.version_from
        } else {
            &table.skew.control_plane
        };
        let planes = control_planes(mesh, cp_ids, views, matched, components);
        if planes.is_empty() {
            continue;
        }
        let data: Vec<(Sighting, &str)> = if table.skew.data_plane.is_empty() {
            sightings
                .iter()
                .filter(|s| s.mesh == mesh.mesh)
                .map(|s| (s.clone(), "proxy"))
                .collect()
        } else {
            components
                .iter()
                .filter(|c| c.mesh == mesh.mesh && table.skew.data_plane.contains(&c.component))
                .map(|c| {
                    let s = Sighting {
                        mesh: c.mesh.clone(),
                        object: format!("{}/{}/{}", c.kind.as_str(), c.namespace, c.name),
                        version: c.version.clone(),
                        revision: None,
                        count: c.instances.max(1),
                    };
                    (s, c.component.as_str())
                })
                .collect()
        };
        let cp_name = if table.skew.control_plane.is_empty() {
            "control plane".to_owned()
        } else {
            table.skew.control_plane.join("/")
        };
        let mut objects: BTreeMap<String, (Severity, u64)> = BTreeMap::new();
        let mut furthest = (0i64, "behind");
        for (s, what) in &data {
            let Some(dp) = &s.version else { continue };
            let Some(cp) = serving(&planes, s, revision_label(mesh).is_some()) else {
                continue;
            };
            let Some((severity, lines, side)) = judge(table, dp, cp) else {
                continue;
            };
            if lines > furthest.0 {
                furthest = (lines, side);
            }
            let e = objects
                .entry(format!("{} ({what} {dp}, {cp_name} {cp})", s.object))
                .or_insert((severity, 0));
            e.0 = e.0.min(severity);
            e.1 = e.1.saturating_add(s.count);
        }
        if !objects.is_empty() {
            hazards.push(worded(mesh, table, &cp_name, &objects, furthest));
        }
    }
}

/// The control-plane components `ids` of `mesh` with a version, and their revisions.
fn control_planes(
    mesh: &MeshEntry,
    ids: &[String],
    views: &[WorkloadView<'_>],
    matched: &[Matched<'_>],
    components: &[Component],
) -> Vec<ControlPlane> {
    let label = revision_label(mesh);
    views
        .iter()
        .zip(matched)
        .filter_map(|(v, m)| {
            let (entry, rule, _) = m.as_ref()?;
            if entry.mesh != mesh.mesh || !ids.contains(&rule.id) {
                return None;
            }
            let c = components.iter().find(|c| {
                c.mesh == mesh.mesh
                    && c.kind == v.kind
                    && c.namespace == v.namespace
                    && c.name == v.name
            })?;
            let revision = label
                .and_then(|l| v.labels.get(l).or_else(|| v.shape.labels.get(l)))
                .cloned()
                .unwrap_or_else(|| "default".to_owned());
            Some(ControlPlane {
                revision,
                version: c.version.clone()?,
            })
        })
        .collect()
}

/// The control-plane version that serves `s`: its revision's, or the only one, or (for a
/// mesh without revisions) the newest; `None` when that cannot be told.
fn serving<'p>(planes: &'p [ControlPlane], s: &Sighting, revisions: bool) -> Option<&'p str> {
    let distinct: BTreeSet<&str> = planes.iter().map(|p| p.version.as_str()).collect();
    if let (true, Some(rev)) = (revisions, &s.revision) {
        let of_rev: BTreeSet<&str> = planes
            .iter()
            .filter(|p| &p.revision == rev)
            .map(|p| p.version.as_str())
            .collect();
        // A revision whose own control plane runs two versions (mid-rollout): none is
        // "the" one.
        if of_rev.len() == 1 {
            return of_rev.first().copied();
        }
    }
    if distinct.len() == 1 {
        return distinct.first().copied();
    }
    if revisions {
        return None;
    }
    distinct
        .into_iter()
        .max_by(|a, b| super::super::meshes::version_cmp(a, b))
}

/// Severity of a data plane at `dp` served by a control plane at `cp`, with the release
/// lines between them and the side (`behind`, `ahead`); `None` when equal or unplaceable.
fn judge(table: &ReleaseTable, dp: &str, cp: &str) -> Option<(Severity, i64, &'static str)> {
    let (Resolved { line: d, exact: de }, Resolved { line: c, exact: ce }) =
        (table.resolve(dp)?, table.resolve(cp)?);
    if de == ce {
        return None;
    }
    let lines = d.minors_until(c)?;
    let (distance, allowed, side) = if lines >= 0 {
        (lines, table.skew.data_plane_behind, "behind")
    } else {
        (-lines, table.skew.data_plane_ahead, "ahead")
    };
    let beyond = distance - i64::from(allowed);
    let severity = match beyond {
        i64::MIN..=0 => Severity::Info,
        1 => Severity::Warning,
        _ => Severity::Critical,
    };
    Some((severity, distance, side))
}

fn worded(
    mesh: &MeshEntry,
    table: &ReleaseTable,
    cp_name: &str,
    objects: &BTreeMap<String, (Severity, u64)>,
    (lines, side): (i64, &str),
) -> Hazard {
    let severity = objects
        .values()
        .map(|(s, _)| *s)
        .min()
        .unwrap_or(Severity::Info);
    let count = objects
        .values()
        .fold(0u64, |n, (_, c)| n.saturating_add(*c));
    let skew = &table.skew;
    let what = if skew.data_plane.is_empty() {
        if count == 1 {
            "1 proxy".to_owned()
        } else {
            format!("{count} proxies")
        }
    } else {
        let pods = if count == 1 { "pod" } else { "pods" };
        format!("{count} {} {pods}", skew.data_plane.join("/"))
    };
    let allowed = |n: u32| match n {
        0 => "none".to_owned(),
        n => format!("up to {n}"),
    };
    let supported = format!(
        "supported: {} behind, {} ahead",
        allowed(skew.data_plane_behind),
        allowed(skew.data_plane_ahead)
    );
    let (s, them) = if count == 1 {
        ("s", "it")
    } else {
        ("", "them")
    };
    let head = format!(
        "{what} of {} run{s} another version than the {cp_name} that serves {them}",
        mesh.mesh
    );
    let (message, why) = if severity == Severity::Info {
        (
            format!("{head}, within the supported skew ({supported})"),
            "Nothing breaks within the supported skew, but the data plane misses the control plane's fixes until its pods restart, and the next control-plane upgrade takes it out of the supported skew.",
        )
    } else {
        let versions = if lines == 1 { "version" } else { "versions" };
        (
            format!("{head}, up to {lines} {versions} {side}: beyond the supported skew ({supported})"),
            "Upstream does not support a data plane this far from its control plane: configuration the control plane sends may be misread or rejected, features and fixes on one side are missing on the other, and upgrades from here skip every tested path.",
        )
    };
    Hazard {
        code: HazardCode::VersionSkew,
        severity,
        mesh: mesh.mesh.clone(),
        count,
        objects: objects.keys().cloned().collect(),
        message,
        why: why.to_owned(),
        source: format!("{} (src/catalog/releases/{}.yaml)", skew.source, mesh.mesh),
    }
}

#[cfg(test)]
mod tests {
    use crate::detect::tests::scan;
    use crate::surface::{Hazard, HazardCode, Severity, Snapshot};

    fn skew(s: &Snapshot) -> Option<&Hazard> {
        s.hazards.iter().find(|h| h.code == HazardCode::VersionSkew)
    }

    fn istiod(name: &str, rev: &str, version: &str) -> String {
        format!(
            "
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: istio-system, labels: {{istio.io/rev: {rev}}}}}
spec:
  template:
    metadata: {{labels: {{istio.io/rev: {rev}}}}}
    spec:
      containers: [{{name: discovery, image: docker.io/istio/pilot:{version}}}]
"
        )
    }

    /// A pod injected by revision `rev`: the injector writes it as an annotation.
    fn pod(name: &str, rev: Option<&str>, version: &str) -> String {
        let labels = rev.map_or(String::new(), |r| {
            format!(", annotations: {{istio.io/rev: {r}}}")
        });
        format!(
            "
---
apiVersion: v1
kind: Pod
metadata: {{name: {name}, namespace: a{labels}}}
spec:
  containers:
  - {{name: web, image: web:1}}
  - {{name: istio-proxy, image: docker.io/istio/proxyv2:{version}}}
"
        )
    }

    #[test]
    fn a_canary_upgrade_mid_way_is_no_skew() {
        let s = scan(&format!(
            "{}{}{}{}",
            istiod("istiod-1-25", "1-25", "1.25.4"),
            istiod("istiod-1-26", "1-26", "1.26.3"),
            pod("old", Some("1-25"), "1.25.4"),
            pod("new", Some("1-26"), "1.26.3"),
        ));
        assert_eq!(skew(&s), None);
        // Each proxy is held against its own revision: only the 1-25 pod a patch behind
        // istiod-1-25 is named, not the 1-25 pods for being behind 1.26.3.
        let s = scan(&format!(
            "{}{}{}{}{}",
            istiod("istiod-1-25", "1-25", "1.25.4"),
            istiod("istiod-1-26", "1-26", "1.26.3"),
            pod("old", Some("1-25"), "1.25.4"),
            pod("patch", Some("1-25"), "1.25.3"),
            pod("new", Some("1-26"), "1.26.3"),
        ));
        let h = skew(&s).expect("skew");
        assert_eq!(
            (h.severity, h.objects.clone()),
            (
                Severity::Info,
                vec!["Pod/a/patch (proxy 1.25.3, control plane 1.25.4)".to_owned()]
            )
        );
        // A pod labelled for a revision (not yet annotated) is matched by its label.
        let labelled = pod("odd", None, "1.26.3").replace(
            "namespace: a}",
            "namespace: a, labels: {istio.io/rev: 1-25}}",
        );
        let s = scan(&format!(
            "{}{}{labelled}",
            istiod("istiod-1-25", "1-25", "1.25.4"),
            istiod("istiod-1-26", "1-26", "1.26.3"),
        ));
        assert_eq!(skew(&s).map(|h| h.severity), Some(Severity::Warning));
    }

    #[test]
    fn a_proxy_is_compared_with_the_control_plane_of_its_revision() {
        // A pod of revision 1-25 running the 1.26 proxy: one ahead of its istiod.
        let s = scan(&format!(
            "{}{}{}",
            istiod("istiod-1-25", "1-25", "1.25.4"),
            istiod("istiod-1-26", "1-26", "1.26.3"),
            pod("odd", Some("1-25"), "1.26.3"),
        ));
        let h = skew(&s).expect("skew");
        assert_eq!(h.severity, Severity::Warning);
        assert_eq!(
            h.objects,
            ["Pod/a/odd (proxy 1.26.3, control plane 1.25.4)"]
        );
        assert!(h.message.contains("1 version ahead"), "{}", h.message);
        // Without a revision label and two versions running, nothing is guessed.
        let s = scan(&format!(
            "{}{}{}",
            istiod("istiod-1-25", "1-25", "1.25.4"),
            istiod("istiod-1-26", "1-26", "1.26.3"),
            pod("unlabelled", None, "1.22.0"),
        ));
        assert_eq!(skew(&s), None);
    }

    #[test]
    fn severity_grows_with_the_release_lines_beyond_the_supported_skew() {
        let at = |proxy: &str| {
            let s = scan(&format!(
                "{}{}",
                istiod("istiod", "default", "1.26.0"),
                pod("web", None, proxy)
            ));
            skew(&s).map(|h| (h.severity, h.count))
        };
        assert_eq!(at("1.26.0"), None);
        assert_eq!(at("1.26.1"), Some((Severity::Info, 1)), "another patch");
        assert_eq!(
            at("1.25.9"),
            Some((Severity::Info, 1)),
            "supported: 1 behind"
        );
        assert_eq!(at("1.24.1"), Some((Severity::Warning, 1)), "two behind");
        assert_eq!(at("1.23.0"), Some((Severity::Critical, 1)), "three behind");
        assert_eq!(
            at("1.27.0"),
            Some((Severity::Warning, 1)),
            "ahead is never supported"
        );
        assert_eq!(at("latest"), None, "not placed, not judged");
    }

    #[test]
    fn two_minors_behind_names_each_workload_with_both_versions() {
        let s = scan(&format!(
            "{}{}{}",
            istiod("istiod", "default", "1.24.1"),
            pod("web-1", None, "1.22.3"),
            pod("web-2", None, "1.22.3"),
        ));
        let h = skew(&s).expect("skew");
        // Bare pods of one shape fold into one group, named by its first pod.
        assert_eq!((h.severity, h.count), (Severity::Warning, 2));
        assert_eq!(
            h.objects,
            ["Pod/a/web-1 (proxy 1.22.3, control plane 1.24.1)"]
        );
        assert_eq!(
            h.message,
            "2 proxies of istio run another version than the control plane that serves them, \
             up to 2 versions behind: beyond the supported skew (supported: up to 1 behind, none ahead)"
        );
        assert!(h.source.contains("supported-releases"), "{}", h.source);
    }

    #[test]
    fn linkerd_edges_are_placed_on_versions() {
        let mesh = |cp: &str, proxy: &str| {
            scan(&format!(
                "
apiVersion: apps/v1
kind: Deployment
metadata: {{name: linkerd-destination, namespace: linkerd, labels: {{linkerd.io/control-plane-component: destination}}}}
spec:
  template:
    spec:
      containers: [{{name: destination, image: cr.l5d.io/linkerd/controller:{cp}}}]
---
apiVersion: v1
kind: Pod
metadata: {{name: web, namespace: a, annotations: {{linkerd.io/proxy-version: {proxy}}}}}
spec:
  containers:
  - {{name: web, image: web:1}}
  - {{name: linkerd-proxy, image: cr.l5d.io/linkerd/proxy:{proxy}}}
"
            ))
        };
        let sev = |cp: &str, proxy: &str| skew(&mesh(cp, proxy)).map(|h| h.severity);
        assert_eq!(sev("edge-25.10.7", "edge-25.10.7"), None);
        assert_eq!(sev("edge-25.10.7", "edge-25.4.4"), Some(Severity::Info));
        assert_eq!(sev("edge-25.10.7", "edge-24.8.2"), Some(Severity::Critical));
        assert_eq!(
            sev("stable-2.14.10", "stable-2.12.3"),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn cilium_compares_agents_with_the_operator() {
        let s = scan(
            "
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: cilium, namespace: kube-system}
spec:
  template:
    spec:
      containers: [{name: cilium-agent, image: quay.io/cilium/cilium:v1.16.0}]
status: {desiredNumberScheduled: 3}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cilium-operator, namespace: kube-system, labels: {io.cilium/app: operator}}
spec:
  template:
    spec:
      containers: [{name: cilium-operator, image: quay.io/cilium/operator-generic:v1.17.4}]
",
        );
        let h = skew(&s).expect("skew");
        assert_eq!((h.severity, h.count), (Severity::Warning, 3));
        assert_eq!(
            h.objects,
            ["DaemonSet/kube-system/cilium (cilium-agent v1.16.0, cilium-operator v1.17.4)"]
        );
    }
}
