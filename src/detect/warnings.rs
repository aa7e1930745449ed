//! Warnings of detection: folded by (code, resource, message) while counting, so a
//! finding that repeats over many pods is one line with a count, not a line per pod.
//!
//! The findings that belong to no other stage (absurd replica counts, DaemonSets whose
//! instances are unknown) are raised here too, and [`Warnings::into_list`] merges the
//! source's own warnings into the snapshot's sorted list.

use std::collections::{BTreeMap, BTreeSet};

use crate::arith::MAX_REPLICAS;
use crate::inventory::Inventory;
use crate::surface::{Warning, WarningCode};

/// Warnings folded by (code, resource, message), counting what they stand for.
#[derive(Debug, Default)]
pub(super) struct Warnings(BTreeMap<(WarningCode, String, String), u64>);

impl Warnings {
    pub(super) fn add(&mut self, code: WarningCode, resource: String, message: String, count: u64) {
        let n = self.0.entry((code, resource, message)).or_default();
        *n = n.saturating_add(count);
    }

    /// The snapshot's warnings: the source's, then these, sorted.
    pub(super) fn into_list(self, from_source: &[Warning]) -> Vec<Warning> {
        let mut warnings: Vec<Warning> = from_source.to_vec();
        warnings.extend(
            self.0
                .into_iter()
                .map(|((code, resource, message), count)| Warning {
                    code,
                    message,
                    resource: Some(resource),
                    count,
                }),
        );
        warnings.sort();
        warnings
    }
}

/// Warns about workloads asking for more pods than any cluster runs ([`MAX_REPLICAS`]).
/// The figure is still counted (sums saturate rather than wrap), so budgets fail rather
/// than pass.
pub(super) fn absurd_replicas(inv: &Inventory, w: &mut Warnings) {
    for wl in &inv.workloads {
        let (field, value) = match (wl.replicas, wl.desired_scheduled) {
            (Some(r), _) => ("spec.replicas", r),
            (None, Some(d)) => ("status.desiredNumberScheduled", d),
            (None, None) => continue,
        };
        if value > MAX_REPLICAS {
            w.add(
                WarningCode::AbsurdReplicas,
                format!("{}/{}/{}", wl.kind.as_str(), wl.namespace, wl.name),
                format!(
                    "{field} {value} is absurd: more than {MAX_REPLICAS} pods for one workload, beyond the Kubernetes scalability envelope (150000 pods per cluster); counted as given"
                ),
                1,
            );
        }
    }
}

/// One `nodes-unknown` warning per DaemonSet whose instances could not be counted.
pub(super) fn nodes_unknown(daemonsets: BTreeSet<String>, w: &mut Warnings) {
    for ds in daemonsets {
        w.add(
            WarningCode::NodesUnknown,
            ds,
            "no pods, no status and no Nodes in the input: its instances are unknown (counted as 0; give --nodes N)".to_owned(),
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::tests::scan;

    #[test]
    fn the_same_finding_folds_into_one_warning_with_a_count() {
        let mut w = Warnings::default();
        let add = |w: &mut Warnings, n| {
            w.add(
                WarningCode::MissingRequests,
                "Deployment/a/web".to_owned(),
                "m".to_owned(),
                n,
            );
        };
        add(&mut w, 3);
        add(&mut w, 2);
        w.add(
            WarningCode::MissingRequests,
            "Deployment/a/api".to_owned(),
            "m".to_owned(),
            1,
        );
        let list = w.into_list(&[]);
        let counts: Vec<(Option<&str>, u64)> = list
            .iter()
            .map(|w| (w.resource.as_deref(), w.count))
            .collect();
        assert_eq!(
            counts,
            [(Some("Deployment/a/api"), 1), (Some("Deployment/a/web"), 5)]
        );
    }

    #[test]
    fn replicas_above_the_envelope_warn_once_and_still_count() {
        let s = scan(
            "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
spec:
  replicas: 1000001
  template:
    spec:
      containers: [{name: web, image: web:1}]
",
        );
        let absurd: Vec<_> = s
            .warnings
            .iter()
            .filter(|w| w.code == WarningCode::AbsurdReplicas)
            .collect();
        assert_eq!(absurd.len(), 1, "{:?}", s.warnings);
        assert_eq!(absurd[0].resource.as_deref(), Some("Deployment/a/web"));
        assert_eq!(s.scale.pods, 1_000_001);
    }
}
