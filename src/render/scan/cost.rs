//! The scan's Cost section: each mesh's bill (and the total) on every basis, labelled,
//! with the price it was computed at. Typical figures are marked as published, never
//! measured, and a basis with no bill says why.

use crate::cost::Cost;
use crate::render::fit;
use crate::render::section::Section;
use crate::surface::Snapshot;

/// The section, when the snapshot was billed.
pub fn section(s: &Snapshot) -> Option<Section> {
    let total = s.cost.as_ref()?;
    let mut sec = Section::new(
        1,
        "Cost",
        vec![
            "MESH",
            "BASIS",
            "HOURLY",
            "MONTHLY",
            "PER MESHED POD",
            "NOTE",
        ],
    )
    .shrink("NOTE", fit::Shrink::Text);
    sec.note = Some(price_line(total));
    for m in &s.meshes {
        if let Some(c) = &m.cost {
            sec.rows.extend(rows(&m.name, c));
        }
    }
    if s.meshes.len() != 1 {
        sec.rows.extend(rows("TOTAL", total));
    }
    sec.footer = sources_line(s);
    Some(sec)
}

/// `Price: USD 0.031/vCPU-h, 0.0042/GiB-h (--price); monthly = hourly × 730`.
pub fn price_line(c: &Cost) -> String {
    format!(
        "Price: {} {}/vCPU-h, {}/GiB-h ({}); monthly = hourly x 730",
        c.currency, c.cpu_per_hour, c.memory_gib_per_hour, c.price
    )
}

/// `typical: published figures, not measured here: URL, URL` (each source once).
pub fn sources_line(s: &Snapshot) -> Option<String> {
    let mut urls: Vec<&str> = Vec::new();
    for c in s.meshes.iter().filter_map(|m| m.cost.as_ref()) {
        for src in c.typical.iter().flat_map(|t| &t.sources) {
            if !urls.contains(&src.source.as_str()) {
                urls.push(&src.source);
            }
        }
    }
    (!urls.is_empty()).then(|| {
        format!(
            "typical: published figures, not measured here (docs/cost.md): {}",
            urls.join(", ")
        )
    })
}

/// A money figure to the cent.
pub fn money(v: f64) -> String {
    format!("{v:.2}")
}

fn per_pod(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), money)
}

/// One row per basis of `c`.
pub fn rows(name: &str, c: &Cost) -> Vec<Vec<String>> {
    let mut out = vec![vec![
        name.to_owned(),
        "requests".into(),
        format!("{:.4}", c.requests.hourly),
        money(c.requests.monthly),
        per_pod(c.requests.per_meshed_pod_monthly),
        "reserved".into(),
    ]];
    out.push(match &c.usage {
        Some(u) => vec![
            name.to_owned(),
            "usage".into(),
            format!("{:.4}", u.hourly),
            money(u.monthly),
            per_pod(u.per_meshed_pod_monthly),
            format!("measured: {} of {} pods", u.pods, u.instances),
        ],
        None => vec![
            name.to_owned(),
            "usage".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            "not measured".into(),
        ],
    });
    out.push(match &c.typical {
        Some(t) => vec![
            name.to_owned(),
            "typical".into(),
            format!("{:.4}", t.hourly),
            money(t.monthly),
            per_pod(t.per_meshed_pod_monthly),
            "published".into(),
        ],
        None => vec![
            name.to_owned(),
            "typical".into(),
            "-".into(),
            "-".into(),
            "-".into(),
            c.typical_missing.clone().unwrap_or_default(),
        ],
    });
    out
}
