//! The cost section (`report --price`): one chart per basis (each mesh's monthly bill, and
//! the cluster's when several meshes share it), each with its table, its basis named in
//! its caption, and under the charts where each basis comes from: the price, and the
//! published sources of `typical` (never shown as measured). The figures are the
//! snapshot's `cost` (`docs/cost.md`), so they equal `scan -o json --price`.

use maud::{html, Markup};

use super::chart::{bars, Bar};
use crate::cost::Cost;
use crate::surface::Snapshot;

/// What each basis is, in the words of `docs/cost.md`.
const BASES: [(&str, &str); 3] = [
    (
        "requests",
        "what the scheduler reserves (what a cluster autoscaler buys)",
    ),
    (
        "usage",
        "what metrics.k8s.io measured of the same containers (live scans; its pod coverage shown)",
    ),
    (
        "typical",
        "published per-instance figures scaled by a load assumption, not measured here",
    ),
];

/// A bill on `basis` of `c`: monthly and hourly, or none.
fn figure(c: &Cost, basis: &str) -> Option<(f64, f64)> {
    match basis {
        "requests" => Some((c.requests.monthly, c.requests.hourly)),
        "usage" => c.usage.as_ref().map(|u| (u.monthly, u.hourly)),
        _ => c.typical.as_ref().map(|t| (t.monthly, t.hourly)),
    }
}

/// A monthly bill as a bar: the length in cents, the label with the hourly figure.
fn bar(label: String, monthly: f64, hourly: f64, currency: &str) -> Bar {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a bill is finite, non-negative and far below 2^64 cents"
    )]
    let cents = (monthly.max(0.0) * 100.0).round() as u64;
    Bar {
        shown: format!("{monthly:.2} {currency}/month ({hourly}/h)"),
        ..Bar::count(label, cents)
    }
}

/// The section, when the snapshot was billed.
pub fn section(snap: &Snapshot) -> Option<Markup> {
    let total = snap.cost.as_ref()?;
    let billed: Vec<(&str, &Cost)> = snap
        .meshes
        .iter()
        .filter_map(|m| m.cost.as_ref().map(|c| (m.name.as_str(), c)))
        .collect();
    let mut sources: Vec<(&str, &str, &str)> = Vec::new();
    for (_, c) in &billed {
        for s in c.typical.iter().flat_map(|t| &t.sources) {
            let entry = (s.published.as_str(), s.source.as_str(), s.read.as_str());
            if !sources.contains(&entry) {
                sources.push(entry);
            }
        }
    }
    Some(html! {
        p {
            "Price: " (total.currency) " " (total.cpu_per_hour) "/vCPU-h, "
            (total.memory_gib_per_hour) "/GiB-h (" (total.price) "); monthly = hourly × 730. "
            "Every figure names its basis."
        }
        @for (basis, what) in BASES {
            @let rows: Vec<Bar> = billed
                .iter()
                .filter_map(|(mesh, c)| figure(c, basis).map(|(m, h)| bar((*mesh).to_owned(), m, h, &c.currency)))
                .chain(
                    (billed.len() > 1)
                        .then(|| figure(total, basis))
                        .flatten()
                        .map(|(m, h)| bar("cluster (each container once)".to_owned(), m, h, &total.currency)),
                )
                .collect();
            h3 { "On " (basis) }
            p.muted { (basis) ": " (what) "." }
            @if rows.is_empty() {
                p { "No figure on " (basis) ": "
                    @if basis == "usage" { "not measured (live scans with metrics.k8s.io only)." }
                    @else { (total.typical_missing.as_deref().unwrap_or("none")) "." }
                }
            } @else {
                (bars(&format!("Monthly bill on {basis} ({})", total.currency), "Monthly (hourly)", "", &rows))
                @for (mesh, c) in &billed {
                    @if basis == "typical" && c.typical.is_none() {
                        p { (mesh) ": no typical bill: " (c.typical_missing.as_deref().unwrap_or("")) "." }
                    }
                    @if let (true, Some(u)) = (basis == "usage", &c.usage) {
                        p.muted { (mesh) ": measured over " (u.pods) " of " (u.instances) " pods of the bill." }
                    }
                }
                @if basis == "typical" && billed.len() > 1 && total.typical.is_none() {
                    p { "cluster (each container once): no typical bill: "
                        (total.typical_missing.as_deref().unwrap_or("")) "." }
                }
            }
        }
        @if !sources.is_empty() {
            h3 { "Sources of typical" }
            p.muted { "Published figures, not measurements of this cluster (docs/cost.md)." }
            ul {
                @for (published, url, read) in &sources {
                    li { (published) " " a href=(url) { (url) } " (read " (read) ")" }
                }
            }
        }
    })
}
