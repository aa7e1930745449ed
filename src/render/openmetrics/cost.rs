//! The bill as metrics (`docs/cost.md`), only when a price was given: no price is built in,
//! so a snapshot without `cost` has no cost series at all (never a 0).
//!
//! Two families, because the cluster's bill is not the sum of its meshes' (a container two
//! meshes share is billed once in the total) and a family that mixed a total with its parts
//! would double count under `sum()` (kube-state-metrics' practice: one family, one level):
//!
//! * `meshsurface_cost_per_hour{mesh, basis, currency}`: each mesh's hourly bill;
//! * `meshsurface_cluster_cost_per_hour{basis, currency}`: the whole snapshot's.
//!
//! `basis` is `requests`, `usage` or `typical`; a basis with no figure (usage offline,
//! typical for a proxy type without a published figure) has no series.

use super::{Exposition, Label};
use crate::cost::Cost;
use crate::surface::Snapshot;

/// Adds the cost families of `snap` (none without a price); `labels` puts `cluster` first.
pub(super) fn families(e: &mut Exposition, snap: &Snapshot, labels: &Label<'_>) {
    for m in &snap.meshes {
        let Some(cost) = &m.cost else { continue };
        let family = e.gauge(
            "meshsurface_cost_per_hour",
            "The mesh's compute bill per hour at the configured price, per basis (requests, usage, typical: docs/cost.md).",
            None,
        );
        for (basis, hourly) in bases(cost) {
            family.add(
                labels(&[
                    ("mesh", &m.name),
                    ("basis", basis),
                    ("currency", &cost.currency),
                ]),
                hourly,
            );
        }
    }
    if let Some(cost) = &snap.cost {
        let family = e.gauge(
            "meshsurface_cluster_cost_per_hour",
            "Every mesh's compute bill together per hour at the configured price, per basis (each container once).",
            None,
        );
        for (basis, hourly) in bases(cost) {
            family.add(
                labels(&[("basis", basis), ("currency", &cost.currency)]),
                hourly,
            );
        }
    }
}

/// The bases that have a figure, each with its hourly bill.
fn bases(c: &Cost) -> Vec<(&'static str, f64)> {
    let mut v = vec![("requests", c.requests.hourly)];
    if let Some(u) = &c.usage {
        v.push(("usage", u.hourly));
    }
    if let Some(t) = &c.typical {
        v.push(("typical", t.hourly));
    }
    v
}
