//! The cost-of-ownership section of `headcount --price P --fte-cost A`: people and compute
//! per year, per cluster and for the fleet, one row per basis, each basis's source under
//! the table (typical is never shown without it).

use crate::headcount::model::num;
use crate::headcount::tco::{Tco, TcoPart};
use crate::render::fit::Shrink;
use crate::render::section::Section;
use crate::render::words::plural;

/// Money to the cent (`768.00`), or `-` for no figure.
fn money(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
}

fn rows(sec: &mut Section, name: &str, p: &TcoPart) {
    for (i, c) in p.compute.iter().enumerate() {
        let first = i == 0;
        let cell = |s: String| if first { s } else { String::new() };
        sec.rows.push(vec![
            cell(name.to_owned()),
            cell(num(p.fte)),
            cell(money(Some(p.people_per_year))),
            c.basis.to_owned(),
            money(c.per_year),
            money(c.total_per_year),
        ]);
    }
}

/// The section; its footer names the price, the rule of each figure and each basis's
/// source (or why it has none).
pub(super) fn section(t: &Tco, hours_per_fte: f64) -> Section {
    let mut sec = Section::new(
        1,
        format!(
            "Cost of ownership ({} per year; people at {} per FTE-year)",
            t.currency,
            num(t.fte_cost)
        ),
        vec![
            "CLUSTER",
            "FTE",
            "PEOPLE/YR",
            "BASIS",
            "COMPUTE/YR",
            "TOTAL/YR",
        ],
    )
    .shrink("CLUSTER", Shrink::CutStart);
    for p in &t.clusters {
        rows(&mut sec, p.cluster.as_deref().unwrap_or(""), p);
    }
    let name = format!("FLEET ({})", plural(t.clusters.len() as u64, "cluster"));
    rows(&mut sec, &name, &t.fleet);
    let mut notes = vec![format!(
        "people = hours/yr / {} hours/FTE x {} (a cluster's: its per-cluster terms; the \
         fleet's add the fleet terms, learnt once); compute = monthly x 12 at {} ({}); \
         total = people + compute; \"-\": no figure on that basis.",
        num(hours_per_fte),
        num(t.fte_cost),
        t.currency,
        t.price
    )];
    let mut seen: Vec<&str> = Vec::new();
    for c in t.clusters.iter().chain([&t.fleet]).flat_map(|p| &p.compute) {
        if !seen.contains(&c.source.as_str()) {
            seen.push(&c.source);
        }
    }
    notes.extend(seen.iter().map(|s| (*s).to_owned()));
    sec.footer = Some(notes.join("\n"));
    sec
}
