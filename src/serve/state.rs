//! What `serve` knows between scans: the last good scan (its metric families and its
//! snapshot JSON, rendered once when it lands), and its own counters. A failed or
//! incomplete scan is counted, never served in place of a complete one: figures a scraper
//! has seen never drop to zeros or to a lower bound because one scan went wrong.

use std::sync::Arc;

use crate::render::openmetrics::{self, Exposition};
use crate::surface::Snapshot;

/// Why a scan was not taken as the new figures (the `reason` label of
/// `meshsurface_scan_errors_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The scan ended with an error: nothing was read.
    Failed,
    /// The scan finished but some resource could not be read (`complete: false`).
    Incomplete,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::Failed => "failed",
            Failure::Incomplete => "incomplete",
        }
    }
}

/// The last complete scan, ready to serve.
#[derive(Debug, Clone)]
pub struct Good {
    /// `build_info` and the snapshot's families (`render::openmetrics::of_snapshots`).
    pub exposition: Exposition,
    /// The snapshot as `scan -o json` writes it.
    pub snapshot_json: Arc<str>,
}

/// Everything `/metrics`, `/snapshot` and `/readyz` answer from.
#[derive(Debug, Clone, Default)]
pub struct State {
    pub good: Option<Good>,
    /// Scans finished, whatever their outcome.
    pub scans: u64,
    /// Scans that failed.
    pub failed: u64,
    /// Scans that finished incomplete.
    pub incomplete: u64,
    /// When the last complete scan finished, in seconds since the Unix epoch.
    pub last_success: Option<f64>,
}

impl State {
    /// Ready once a complete scan has landed.
    pub fn ready(&self) -> bool {
        self.good.is_some()
    }

    /// Takes a complete snapshot as the figures to serve (finished at `now`, Unix
    /// seconds); an incomplete one is only counted.
    pub fn record(&mut self, snap: &Snapshot, now: f64) -> Result<(), Failure> {
        self.scans += 1;
        if !snap.complete {
            self.incomplete += 1;
            return Err(Failure::Incomplete);
        }
        // A snapshot serde cannot write is a failed scan (it does not happen with the
        // snapshot's own types, but it is not a panic).
        let Ok(json) = crate::render::json(snap) else {
            self.failed += 1;
            return Err(Failure::Failed);
        };
        let snapshot_json = Arc::from(json);
        self.good = Some(Good {
            exposition: openmetrics::of_snapshots(&[(None, snap)]),
            snapshot_json,
        });
        self.last_success = Some(now);
        Ok(())
    }

    /// Counts a scan that ended with an error.
    pub fn record_failure(&mut self) {
        self.scans += 1;
        self.failed += 1;
    }

    /// The exposition a scrape gets: the last good scan's families (or only
    /// `meshsurface_build_info` before one), then `serve`'s own.
    pub fn exposition(&self) -> Exposition {
        let mut e = match &self.good {
            Some(g) => g.exposition.clone(),
            None => openmetrics::of_snapshots(&[]),
        };
        let scans = e.counter(
            "meshsurface_scans",
            "Scans this process has finished since it started, whatever their outcome.",
        );
        scans.add(Vec::new(), count(self.scans));
        let errors = e.counter(
            "meshsurface_scan_errors",
            "Scans not taken as the new figures, by reason: failed (nothing read) or incomplete (a resource unread); the figures served stay those of the last complete scan.",
        );
        for (reason, n) in [
            (Failure::Failed, self.failed),
            (Failure::Incomplete, self.incomplete),
        ] {
            errors.add(vec![("reason", reason.as_str().to_owned())], count(n));
        }
        if let Some(t) = self.last_success {
            e.gauge(
                "meshsurface_last_success_timestamp_seconds",
                "When the last complete scan finished (the figures served are its), in seconds since the Unix epoch.",
                Some("seconds"),
            )
            .add(Vec::new(), t);
        }
        e
    }
}

#[expect(
    clippy::cast_precision_loss,
    reason = "scan counts stay far below 2^53"
)]
fn count(n: u64) -> f64 {
    n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surface::{Mesh, Source, Totals};

    fn snapshot(pods: u64, complete: bool) -> Snapshot {
        let mut s = Snapshot::empty(Source::projected());
        s.complete = complete;
        s.meshes.push(Mesh {
            name: "istio".into(),
            mode: "sidecar".into(),
            version: None,
            versions: Vec::new(),
            namespace: None,
            meshed_pods: pods,
            totals: Totals::default(),
            usage: None,
            cost: None,
        });
        s
    }

    #[test]
    fn before_any_scan_only_its_own_families_and_not_ready() {
        let s = State::default();
        assert!(!s.ready());
        let om = s.exposition().openmetrics();
        assert!(om.contains("meshsurface_build_info{"), "{om}");
        assert!(om.contains("meshsurface_scans_total 0\n"), "{om}");
        assert!(om.contains("meshsurface_scan_errors_total{reason=\"failed\"} 0\n"));
        assert!(!om.contains("meshsurface_last_success_timestamp_seconds"));
        assert!(!om.contains("meshsurface_mesh_meshed_pods"));
    }

    #[test]
    fn an_incomplete_or_failed_scan_keeps_the_last_good_figures() {
        let mut s = State::default();
        assert_eq!(s.record(&snapshot(7, true), 100.0), Ok(()));
        assert!(s.ready());
        assert_eq!(
            s.record(&snapshot(0, false), 200.0),
            Err(Failure::Incomplete)
        );
        s.record_failure();
        let om = s.exposition().openmetrics();
        assert!(
            om.contains("meshsurface_mesh_meshed_pods{mesh=\"istio\"} 7\n"),
            "{om}"
        );
        assert!(om.contains("meshsurface_scans_total 3\n"));
        assert!(om.contains("meshsurface_scan_errors_total{reason=\"incomplete\"} 1\n"));
        assert!(om.contains("meshsurface_scan_errors_total{reason=\"failed\"} 1\n"));
        assert!(om.contains("meshsurface_last_success_timestamp_seconds 100\n"));
        assert!(s
            .good
            .as_ref()
            .unwrap()
            .snapshot_json
            .contains("\"meshedPods\": 7"));
    }

    #[test]
    fn a_first_scan_that_is_incomplete_is_not_served() {
        let mut s = State::default();
        assert!(s.record(&snapshot(3, false), 1.0).is_err());
        assert!(!s.ready());
        assert!(!s
            .exposition()
            .openmetrics()
            .contains("meshsurface_mesh_meshed_pods"));
    }
}
