//! Figure arithmetic that cannot wrap, and the one definition of an *absurd* value.
//!
//! Every figure meshsurface prints is a sum of products (a container's request × its
//! pods, summed over proxies, namespaces, meshes, clusters). Input comes from outside
//! (a hand-edited manifest, a saved snapshot, a hostile API server), so plain `+` and `*`
//! would panic in a debug build and wrap negative in a release build, and a wrapped total
//! passes any `--fail-on` budget. Figures therefore add and multiply here, saturating at
//! [`SATURATED`]: a saturated figure means "at least this much, beyond what an `i64`
//! holds", and budgets treat it as exceeding any limit (see `budget`).
//!
//! *Absurd* values (a single container or workload bigger than any cluster could run) are
//! refused at the point they are read, with a warning, rather than carried silently: the
//! ceilings below are that definition, in one place.

/// The value a figure saturates at; a figure equal to it is "at least this much".
pub const SATURATED: i64 = i64::MAX;

/// The most CPU one container may request or be limited to: 1,000,000 cores (in
/// millicores). The largest single machines sold have a few thousand hardware threads, so
/// anything above this cannot be scheduled anywhere and is a typo or hostile input.
pub const MAX_CONTAINER_MILLICORES: i64 = 1_000_000 * 1000;

/// The most memory one container may request or be limited to: 1 PiB. The largest single
/// machines hold a few tens of TiB, so anything above cannot be scheduled anywhere.
pub const MAX_CONTAINER_BYTES: i64 = 1 << 50;

/// The most replicas (or desired DaemonSet pods) a workload may plausibly ask for:
/// 1,000,000. The Kubernetes scalability envelope ("Considerations for large clusters",
/// kubernetes/website@04d4491a `content/en/docs/setup/best-practices/cluster-large.md`)
/// is 5,000 nodes and 150,000 pods per cluster, so one workload of more than a million
/// pods cannot run anywhere. A workload asking for more gets an `absurd-replicas` warning.
pub const MAX_REPLICAS: u64 = 1_000_000;

/// The most meshed namespaces a projection (`compare`, `plan --sweep`) is made at:
/// 100,000, ten times the cluster threshold of the Kubernetes scalability thresholds
/// (kubernetes/community@0f33f93d `sig-scalability/configs-and-limits/thresholds.md`:
/// 10,000 namespaces). A projection writes one entry per namespace, so an absurd count
/// would exhaust memory rather than show anything; it is a usage error instead.
pub const MAX_PROJECTED_NAMESPACES: u64 = 100_000;

/// Is this figure saturated (so the real value is unknown, and at least this)?
pub fn is_saturated(v: i64) -> bool {
    v == SATURATED
}

/// `quantity × count`, saturating. A per-container figure is never negative (parsing
/// refuses negative quantities), but a figure read back from a snapshot may be: the
/// product then saturates at `i64::MIN` rather than wrapping.
pub fn times(quantity: i64, count: u64) -> i64 {
    quantity.saturating_mul(i64::try_from(count).unwrap_or(i64::MAX))
}

/// Sums that saturate instead of wrapping (`iter.sat_sum()` where `iter.sum()` would wrap).
pub trait SatSum<T> {
    fn sat_sum(self) -> T;
}

impl<I: Iterator<Item = i64>> SatSum<i64> for I {
    fn sat_sum(self) -> i64 {
        self.fold(0i64, i64::saturating_add)
    }
}

impl<I: Iterator<Item = u64>> SatSum<u64> for I {
    fn sat_sum(self) -> u64 {
        self.fold(0u64, u64::saturating_add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn products_and_sums_saturate() {
        assert_eq!(times(5_000_000_000_000_000_000, 2), SATURATED);
        assert_eq!(times(100, u64::MAX), SATURATED);
        assert_eq!(times(100, 3), 300);
        assert_eq!(times(0, u64::MAX), 0);
        assert_eq!(times(-1, u64::MAX), -i64::MAX);
        assert_eq!([i64::MAX, 1].into_iter().sat_sum(), SATURATED);
        assert_eq!([u64::MAX, 1].into_iter().sat_sum(), u64::MAX);
        assert_eq!([1i64, 2, 3].into_iter().sat_sum(), 6);
        assert!(is_saturated([i64::MAX - 1, 2].into_iter().sat_sum()));
    }

    #[test]
    fn ceilings_leave_room_for_a_realistic_cluster() {
        // 150,000 pods (the scalability envelope) of a 1,000-core container fit easily.
        assert!(times(1_000_000, 150_000) < SATURATED);
        assert!(times(MAX_CONTAINER_MILLICORES, MAX_REPLICAS) < SATURATED);
        // 150,000 pods of a 1 TiB container fit too; only absurd ones saturate.
        assert!(times(1 << 40, 150_000) < SATURATED);
    }

    proptest! {
        #[test]
        fn sums_of_products_of_non_negative_figures_never_go_negative(
            figures in proptest::collection::vec((0i64..=i64::MAX, any::<u64>()), 0..16)
        ) {
            let total = figures.iter().map(|&(q, n)| times(q, n)).sat_sum();
            prop_assert!(total >= 0);
            let exact = figures
                .iter()
                .map(|&(q, n)| i128::from(q) * i128::from(n))
                .fold(0i128, i128::saturating_add);
            prop_assert_eq!(i128::from(total), exact.min(i128::from(SATURATED)));
        }
    }
}
