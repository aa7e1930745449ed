//! A fleet's trends: when several snapshots are of the same cluster (the same context, or
//! the same source files) at different times, a small line per figure (components, proxy
//! instances, CRDs, hazards) over time, drawn as inline SVG.
//!
//! A sparkline alone hides its numbers, so each one carries them in its `<title>` and
//! `aria-label`, and the full series is a table in `<details>` below. Clusters that
//! appear once have no trend; when none appears twice the page says so and draws nothing.

use maud::{html, Markup};

use super::Cluster;
use crate::render::words::origin;
use crate::surface::Snapshot;

/// Pixels of one sparkline and its inner margin.
const W: f64 = 120.0;
const H: f64 = 24.0;
const PAD: f64 = 3.0;

/// A figure drawn over time: a name for people and how to read it from a snapshot.
type Figure = (&'static str, fn(&Snapshot) -> u64);

/// The figures drawn over time.
const FIGURES: [Figure; 4] = [
    ("Components", |s| s.totals.components),
    ("Proxy instances", |s| s.totals.proxy_instances),
    ("CRDs", |s| s.totals.crds),
    ("Hazards", |s| s.hazards.len() as u64),
];

/// One cluster's snapshots, oldest first: (index on the page, cluster).
struct Series<'c, 'a> {
    name: String,
    points: Vec<(usize, &'c Cluster<'a>)>,
}

/// The snapshots that are of one cluster: the same context (live) or the same source
/// files (offline), at two different times at least; oldest first.
fn series<'c, 'a>(clusters: &'c [Cluster<'a>]) -> Vec<Series<'c, 'a>> {
    let mut all: Vec<Series<'c, 'a>> = Vec::new();
    for (i, c) in clusters.iter().enumerate() {
        let (key, _) = origin(&c.snap.source, true);
        match all.iter_mut().find(|s| s.name == key) {
            Some(s) => s.points.push((i, c)),
            None => all.push(Series {
                name: key,
                points: vec![(i, c)],
            }),
        }
    }
    for s in &mut all {
        // RFC 3339 in UTC sorts as text; the stable sort keeps `--from` order for ties.
        s.points
            .sort_by(|(_, a), (_, b)| a.snap.source.taken_at.cmp(&b.snap.source.taken_at));
    }
    all.retain(|s| {
        let first = &s.points[0].1.snap.source.taken_at;
        s.points
            .iter()
            .any(|(_, c)| &c.snap.source.taken_at != first)
    });
    all
}

/// One sparkline of `values` (oldest first), its numbers in its title.
#[expect(
    clippy::cast_precision_loss,
    reason = "pixel positions of counts far below 2^52"
)]
fn sparkline(what: &str, times: &[&str], values: &[u64]) -> Markup {
    let min = values.iter().copied().min().unwrap_or(0);
    let max = values.iter().copied().max().unwrap_or(0);
    let steps = values.len().saturating_sub(1).max(1) as f64;
    let point = |i: usize, v: u64| {
        let x = PAD + i as f64 * (W - 2.0 * PAD) / steps;
        let y = if max == min {
            H / 2.0
        } else {
            H - PAD - (v - min) as f64 * (H - 2.0 * PAD) / (max - min) as f64
        };
        (x, y)
    };
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let (x, y) = point(i, v);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let said: Vec<String> = times
        .iter()
        .zip(values)
        .map(|(t, v)| format!("{t}: {v}"))
        .collect();
    let label = format!("{what} over time: {}", said.join(", "));
    let (lx, ly) = point(
        values.len().saturating_sub(1),
        values.last().copied().unwrap_or(0),
    );
    html! {
        svg.spark xmlns="http://www.w3.org/2000/svg" role="img" width=(W) height=(H)
            viewBox={ "0 0 " (W) " " (H) } aria-label=(label) {
            title { (label) }
            polyline points=(points.join(" ")) {}
            circle cx=(format!("{lx:.1}")) cy=(format!("{ly:.1}")) r="2.5" {}
        }
    }
}

/// The trends of a fleet: one row per cluster seen at several times, a sparkline per
/// figure, and the values in a table below; or a sentence when no cluster repeats.
pub fn trends(clusters: &[Cluster<'_>]) -> Markup {
    let all = series(clusters);
    if all.is_empty() {
        return html! {
            p.trends {
                "Every cluster appears once (no two snapshots of one context or source at "
                "different times): no trend over time to draw."
            }
        };
    }
    html! {
        table.trends {
            thead {
                tr {
                    th { "Cluster (context or source)" } th.n { "Snapshots" } th { "From → to" }
                    @for (name, _) in &FIGURES { th { (name) " (first → last)" } }
                }
            }
            tbody {
                @for s in &all {
                    @let times: Vec<&str> = s.points.iter().map(|(_, c)| c.snap.source.taken_at.as_str()).collect();
                    tr {
                        td { (s.name) }
                        td.n { (s.points.len()) }
                        td { (times[0]) " → " (times[times.len() - 1]) }
                        @for (name, value) in &FIGURES {
                            @let values: Vec<u64> = s.points.iter().map(|(_, c)| value(c.snap)).collect();
                            td.trend {
                                (sparkline(name, &times, &values))
                                (values[0]) " → " (values[values.len() - 1])
                            }
                        }
                    }
                }
            }
        }
        @for s in &all {
            details {
                summary { "The values of " (s.name) " (" (s.points.len()) " snapshots)" }
                table {
                    thead {
                        tr {
                            th { "Taken at" } th { "Snapshot" }
                            @for (name, _) in &FIGURES { th.n { (name) } }
                        }
                    }
                    tbody {
                        @for (i, c) in &s.points {
                            tr {
                                td { (c.snap.source.taken_at) }
                                td { a href={ "#c" (i + 1) } { (c.name) } }
                                @for (_, value) in &FIGURES { td.n { (value(c.snap)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
