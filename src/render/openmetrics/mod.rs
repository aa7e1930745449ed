//! Metrics: snapshots as an OpenMetrics exposition (`scan -o openmetrics`, a scrape) or
//! as the Prometheus text format 0.0.4 (`scan --push`: the Pushgateway reads no other text).
//!
//! Hand-written rather than with a client crate: an exposition of gauges computed once
//! from a snapshot is a few `write!`s, and a registry of live instruments (what
//! `prometheus-client` is for) would only be filled and emptied again. Two layers:
//!
//! * [`Exposition`]: metric families (name, help, type, unit, samples) and the two text
//!   writers, which own every rule of the formats (escaping, `# UNIT`, `_total`, `# EOF`);
//! * `surface.rs`: which families a [`Snapshot`] gives ([`of_snapshots`]), documented
//!   family by family in `docs/metrics.md`.
//!
//! A caller with figures of its own (a long-running scraper's error counter, its last
//! success) adds families with [`Exposition::gauge`] / [`Exposition::counter`] before
//! writing. Static facts are `_info` gauges of value 1, as kube-state-metrics writes them
//! (not the OpenMetrics `info` type, which Prometheus' 0.0.4 parser, `promtool check
//! metrics` and the Pushgateway reject), so one set of families reads in both formats.

mod cost;
mod surface;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::surface::Snapshot;

pub use surface::{build_info, snapshot_families};

/// The media type of [`Exposition::openmetrics`].
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
/// The media type of [`Exposition::prometheus_text`].
pub const PROMETHEUS_CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The exposition of several snapshots: [`build_info`], then each snapshot's families,
/// with `cluster="NAME"` first on every series of a snapshot given a name (a fleet; one
/// snapshot alone needs no name: the scraper or the Pushgateway's grouping key says it).
pub fn of_snapshots(snaps: &[(Option<&str>, &Snapshot)]) -> Exposition {
    let mut e = Exposition::default();
    build_info(&mut e);
    for (cluster, snap) in snaps {
        snapshot_families(&mut e, snap, *cluster);
    }
    e
}

/// A metric type: the two this tool writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A value that goes up and down (every figure of a snapshot, and `_info` facts).
    Gauge,
    /// A count since the process started (`NAME_total` samples), for a caller that runs
    /// scans in a loop.
    Counter,
}

/// Label names and values of one series, in the order written.
pub type Labels = Vec<(&'static str, String)>;

/// Makes a series' labels from `(name, value)` pairs (putting `cluster` first in a fleet).
type Label<'a> = dyn Fn(&[(&'static str, &str)]) -> Labels + 'a;

/// One metric family: its samples keyed by their labels.
#[derive(Debug, Clone)]
pub struct Family {
    /// Without `_total` for a counter; ends with `_UNIT` when `unit` is set.
    pub name: String,
    pub help: &'static str,
    pub kind: Kind,
    /// The OpenMetrics unit (`seconds`, `bytes`, `cores`), also the name's suffix.
    pub unit: Option<&'static str>,
    samples: BTreeMap<Labels, f64>,
}

impl Family {
    /// Sets the series `labels` to `value`, or adds `value` to it when already set (a count
    /// gathered from several entries).
    pub fn add(&mut self, labels: Labels, value: f64) -> &mut Self {
        *self.samples.entry(labels).or_insert(0.0) += value;
        self
    }

    /// The samples, in label order.
    pub fn samples(&self) -> impl Iterator<Item = (&Labels, f64)> {
        self.samples.iter().map(|(l, v)| (l, *v))
    }
}

/// Metric families in the order first added, each written once with all its series.
#[derive(Debug, Clone, Default)]
pub struct Exposition {
    families: Vec<Family>,
}

impl Exposition {
    /// The gauge family `name`, created (with `help` and `unit`) when new.
    pub fn gauge(
        &mut self,
        name: &str,
        help: &'static str,
        unit: Option<&'static str>,
    ) -> &mut Family {
        self.family(name, help, Kind::Gauge, unit)
    }

    /// The counter family `name` (without `_total`), created when new.
    pub fn counter(&mut self, name: &str, help: &'static str) -> &mut Family {
        self.family(name, help, Kind::Counter, None)
    }

    fn family(
        &mut self,
        name: &str,
        help: &'static str,
        kind: Kind,
        unit: Option<&'static str>,
    ) -> &mut Family {
        let i = if let Some(i) = self.families.iter().position(|f| f.name == name) {
            i
        } else {
            self.families.push(Family {
                name: name.to_owned(),
                help,
                kind,
                unit,
                samples: BTreeMap::new(),
            });
            self.families.len() - 1
        };
        &mut self.families[i]
    }

    /// The families, in the order written.
    pub fn families(&self) -> &[Family] {
        &self.families
    }

    /// OpenMetrics 1.0 text: `# TYPE`, `# UNIT`, `# HELP` per family, counters as
    /// `NAME_total`, ending with `# EOF`. Families without series are left out.
    pub fn openmetrics(&self) -> String {
        let mut out = String::new();
        for f in self.families.iter().filter(|f| !f.samples.is_empty()) {
            let kind = match f.kind {
                Kind::Gauge => "gauge",
                Kind::Counter => "counter",
            };
            let _ = writeln!(out, "# TYPE {} {kind}", f.name);
            if let Some(unit) = f.unit {
                let _ = writeln!(out, "# UNIT {} {unit}", f.name);
            }
            let _ = writeln!(out, "# HELP {} {}", f.name, escape(f.help, true));
            let suffix = if f.kind == Kind::Counter {
                "_total"
            } else {
                ""
            };
            write_samples(&mut out, f, suffix);
        }
        out.push_str("# EOF\n");
        out
    }

    /// The Prometheus text format 0.0.4 (what the Pushgateway accepts): no `# UNIT`, no
    /// `# EOF`, a counter's family named with its `_total`; no timestamps.
    pub fn prometheus_text(&self) -> String {
        let mut out = String::new();
        for f in self.families.iter().filter(|f| !f.samples.is_empty()) {
            let (kind, suffix) = match f.kind {
                Kind::Gauge => ("gauge", ""),
                Kind::Counter => ("counter", "_total"),
            };
            let _ = writeln!(out, "# HELP {}{suffix} {}", f.name, escape(f.help, false));
            let _ = writeln!(out, "# TYPE {}{suffix} {kind}", f.name);
            write_samples(&mut out, f, suffix);
        }
        out
    }
}

fn write_samples(out: &mut String, f: &Family, suffix: &str) {
    for (labels, value) in &f.samples {
        out.push_str(&f.name);
        out.push_str(suffix);
        if !labels.is_empty() {
            out.push('{');
            for (i, (name, value)) in labels.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{name}=\"{}\"", escape(value, true));
            }
            out.push('}');
        }
        let _ = writeln!(out, " {}", number(*value));
    }
}

/// A label value (or, with `quote`, an OpenMetrics help text) escaped: `\` `"` and
/// newline become `\\` `\"` `\n`. The 0.0.4 help text escapes only `\` and newline.
fn escape(s: &str, quote: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '"' if quote => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out
}

/// A sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf` as both formats
/// spell them.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned()
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests;
