//! Application pods: meshed by a sidecar, or captured by an ambient label, or not meshed.
//!
//! Apart from components because the rules differ: an application pod is counted as
//! meshed once (by its first sidecar's mesh) while each of its sidecars is a proxy, and an
//! ambient label only captures when the mesh component that acts on it (the node agent)
//! is in the input. The capture modes seen per namespace become its `capture` label.

use std::collections::BTreeSet;

use super::pods::Unit;
use super::proxies::{resources, sidecar_version, sidecars};
use super::Detector;
use crate::surface::{Capture, Placement};

impl Detector<'_> {
    /// Counts one unit of an application pod; returns how many pods of it are meshed.
    /// `present` is the (mesh, component) pairs in the input; `meshed_ns` collects the
    /// namespaces with a meshed pod.
    pub(super) fn application_unit(
        &mut self,
        unit: &Unit<'_>,
        workload: &str,
        resource: &str,
        present: &BTreeSet<(String, String)>,
        meshed_ns: &mut BTreeSet<String>,
    ) -> u64 {
        let found: Vec<_> = sidecars(self.catalog, unit.shape).collect();
        if let Some((m, _, _)) = found.first() {
            let first_mesh = m.mesh.clone();
            for (m, _, c) in &found {
                self.measure(&m.mesh, unit, [*c]);
            }
            for (m, s, c) in found {
                let f = resources(c, resource, unit.count, &mut self.warnings);
                let version = sidecar_version(unit.shape, s, c);
                self.saw_proxies(m, resource, version.as_ref(), unit);
                self.add_proxy(
                    &m.mesh,
                    &s.implementation,
                    Placement::Sidecar,
                    version,
                    unit,
                    c,
                    f,
                );
                self.bill(&m.mesh, f, unit.count);
                self.ns(&m.mesh, unit.namespace).add_proxies(f, unit.count);
            }
            self.acc(&first_mesh).add_meshed_pods(unit.count);
            let ns = self.ns(&first_mesh, unit.namespace);
            ns.meshed_pods = ns.meshed_pods.saturating_add(unit.count);
            ns.workloads.insert(workload.to_owned());
            ns.captures.insert(Capture::Sidecar);
            if unit.count > 0 {
                meshed_ns.insert(unit.namespace.to_owned());
            }
            return unit.count;
        }
        let ns_labels = self.inv.namespaces.get(unit.namespace).map(|n| &n.labels);
        for m in &self.catalog.meshes {
            for r in &m.capture {
                if !present.contains(&(m.mesh.clone(), r.requires_component.clone())) {
                    continue;
                }
                let pod_value = unit.shape.labels.get(&r.label);
                if r.opt_out_value.is_some() && pod_value == r.opt_out_value.as_ref() {
                    continue;
                }
                let enrolled = pod_value == Some(&r.value)
                    || ns_labels.and_then(|l| l.get(&r.label)) == Some(&r.value);
                if enrolled {
                    let mesh = m.mesh.clone();
                    let capture = r.capture;
                    self.acc(&mesh).add_meshed_pods(unit.count);
                    let ns = self.ns(&mesh, unit.namespace);
                    ns.meshed_pods = ns.meshed_pods.saturating_add(unit.count);
                    ns.workloads.insert(workload.to_owned());
                    ns.captures.insert(capture);
                    meshed_ns.insert(unit.namespace.to_owned());
                    return unit.count;
                }
            }
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::tests::scan;

    const AMBIENT_NS: &str = "
apiVersion: v1
kind: Namespace
metadata: {name: a, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: a}
spec:
  containers: [{name: web, image: web:1}]
";

    const ZTUNNEL: &str = "
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ztunnel, namespace: istio-system}
spec:
  template:
    spec:
      containers: [{name: istio-proxy, image: docker.io/istio/ztunnel:1.26.0}]
status: {desiredNumberScheduled: 1}
";

    #[test]
    fn an_ambient_label_captures_only_with_its_node_agent_present() {
        let without = scan(AMBIENT_NS);
        assert_eq!(without.scale.meshed_pods, 0);
        assert!(without.namespaces.is_empty(), "{:?}", without.namespaces);

        let with = scan(&format!("{AMBIENT_NS}{ZTUNNEL}"));
        assert_eq!(with.scale.meshed_pods, 1);
        let ns = with.namespaces.iter().find(|n| n.namespace == "a").unwrap();
        assert_eq!((ns.capture.as_str(), ns.meshed_pods), ("ambient", 1));
    }

    #[test]
    fn sidecar_is_written_first_in_a_capture_label() {
        let set = |v: &[Capture]| v.iter().copied().collect::<BTreeSet<_>>();
        assert_eq!(Capture::join(&set(&[])), "none");
        assert_eq!(
            Capture::join(&set(&[Capture::Ambient, Capture::Sidecar])),
            "sidecar+ambient"
        );
    }
}
