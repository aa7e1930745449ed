//! `compare` output: meshes side by side, feature by feature, before anything is
//! installed, and the workloads that keep growing with the cluster.
//!
//! Each column is a mesh's `plan` steps; a step's figures and words are the plan's
//! ([`super::plan`]), so a figure reads the same in both commands.

use std::collections::BTreeSet;

use super::fit::Shrink;
use super::markdown;
use super::plan::{cells, changes, cost_cells, learn, scale_line, COST_FIGURES, FIGURES};
use super::section::Section;
use super::table::page;
use crate::growth::{ComparePlan, Step};

/// The comparison as text tables fitted to `width`.
pub fn table(c: &ComparePlan, color: bool, width: usize) -> String {
    let (head, secs) = sections(c);
    page(&head, &secs, color, width, "-o json")
}

/// The comparison as Markdown.
pub fn markdown(c: &ComparePlan) -> String {
    let (head, secs) = sections(c);
    markdown::page("meshsurface compare", &head, &secs)
}

#[expect(
    clippy::too_many_lines,
    reason = "the compare page's sections in the order they print"
)]
/// The comparison as its head lines and sections (the table, Markdown and `report` draw
/// them).
pub(crate) fn sections(c: &ComparePlan) -> (Vec<String>, Vec<Section>) {
    let mut head = vec![
        scale_line("Compare", &c.scale),
        "CPU/memory are upstream default requests: Linkerd's proxy and Cilium's workloads set none \
         (\"not set\" here, not free); --from calibrates with a real scan."
            .to_owned(),
    ];
    if let Some(first) = c
        .columns
        .iter()
        .flat_map(|col| &col.steps)
        .find_map(|s| s.cost.as_ref())
    {
        head.push(format!(
            "{}; typical: published per-instance figures, not measured (\"-\": none published)",
            super::scan::cost::price_line(first)
        ));
    }
    for col in c.columns.iter().filter(|col| col.calibrated) {
        head.push(format!(
            "{}: baseline calibrated by the scanned cluster",
            col.profile
        ));
    }
    // One column per profile, named after it: no list of meshes here.
    let names: Vec<String> = c
        .columns
        .iter()
        .map(|col| col.profile.to_ascii_uppercase())
        .collect();
    let mut headers = vec!["STEP".to_owned(), "FIGURE".to_owned()];
    headers.extend(names.iter().cloned());
    let mut sec = Section::new(
        1,
        "Surface by feature (value, and its change in brackets)",
        headers,
    );
    for name in &names {
        sec = sec.shrink(name, Shrink::Text);
    }
    // Step labels: the baseline, then every feature asked for, in order.
    let mut labels: Vec<Option<String>> = vec![None];
    for col in &c.columns {
        for s in col.steps.iter().skip(1) {
            if !labels.contains(&s.feature) {
                labels.push(s.feature.clone());
            }
        }
        for f in &col.not_offered {
            if !labels.contains(&Some(f.clone())) {
                labels.push(Some(f.clone()));
            }
        }
    }
    for label in &labels {
        let steps: Vec<Option<&Step>> = c
            .columns
            .iter()
            .map(|col| col.steps.iter().find(|s| &s.feature == label))
            .collect();
        let name = label
            .clone()
            .map_or_else(|| "baseline".to_owned(), |f| format!("+ {f}"));
        let mut row = vec![name, "changes".to_owned()];
        row.extend(steps.iter().map(|s| {
            s.map_or_else(
                || "not offered".to_owned(),
                |s| {
                    if s.feature.is_none() {
                        "install".to_owned()
                    } else {
                        changes(s)
                    }
                },
            )
        }));
        sec.rows.push(row);
        let mut row = vec![String::new(), "new kinds".to_owned()];
        row.extend(
            steps
                .iter()
                .map(|s| s.map_or_else(|| "-".to_owned(), learn)),
        );
        sec.rows.push(row);
        for (k, fig) in FIGURES.iter().enumerate() {
            let mut row = vec![String::new(), fig.to_lowercase()];
            row.extend(
                steps
                    .iter()
                    .map(|s| s.map_or_else(|| "-".to_owned(), |s| cells(s)[k].clone())),
            );
            sec.rows.push(row);
        }
        if steps.iter().flatten().any(|s| s.cost.is_some()) {
            for (k, fig) in COST_FIGURES.iter().enumerate() {
                let mut row = vec![String::new(), fig.to_lowercase()];
                row.extend(c.columns.iter().zip(&steps).map(|(col, s)| {
                    s.map_or_else(
                        || "-".to_owned(),
                        |s| {
                            let before = col
                                .steps
                                .iter()
                                .position(|x| std::ptr::eq(x, s))
                                .and_then(|i| i.checked_sub(1))
                                .and_then(|i| col.steps.get(i));
                            cost_cells(s, before)[k].clone()
                        },
                    )
                }));
                sec.rows.push(row);
            }
        }
    }
    // What keeps growing: the workloads that multiply with nodes or namespaces.
    let mut grows = Section::new(
        1,
        "Workloads that grow with the cluster",
        vec!["MESH", "PER NODE", "PER NAMESPACE", "PER POD (SIDECARS)"],
    )
    .shrink("PER NODE", Shrink::List)
    .shrink("PER NAMESPACE", Shrink::List);
    for col in &c.columns {
        let Some(last) = col.steps.last() else {
            continue;
        };
        let per = |unit: &str| {
            let v: Vec<String> = last
                .snapshot
                .components
                .iter()
                .filter(|x| x.scales_with.as_str() == unit)
                .map(|x| x.component.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.join(", ")
            }
        };
        let sidecars: u64 = last
            .snapshot
            .proxies
            .iter()
            .filter(|p| p.placement == crate::surface::Placement::Sidecar)
            .map(|p| p.instances)
            .fold(0u64, u64::saturating_add);
        grows.rows.push(vec![
            col.profile.clone(),
            per("node"),
            per("namespace"),
            if sidecars > 0 {
                format!("{sidecars} sidecars")
            } else {
                "-".to_owned()
            },
        ]);
    }
    (head, vec![sec, grows])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::growth::{Column, ProjectionScale};
    use crate::surface::Mode;

    /// A column is named after its profile, whatever the profile: adding a mesh's profile
    /// needs no list of column names here (issue 15 item 5).
    #[test]
    fn a_column_is_named_after_any_profile() {
        let column = |profile: &str| Column {
            profile: profile.to_owned(),
            mesh: profile.to_owned(),
            mode: Mode::Sidecar,
            calibrated: false,
            not_offered: Vec::new(),
            steps: Vec::new(),
        };
        let plan = ComparePlan {
            schema_version: "meshsurface/compare/v1",
            scale: ProjectionScale::default(),
            columns: vec![column("linkerd"), column("kuma-sidecar")],
        };
        let (_, secs) = sections(&plan);
        assert_eq!(
            secs[0].headers,
            ["STEP", "FIGURE", "LINKERD", "KUMA-SIDECAR"]
        );
        assert!(table(&plan, false, 200).contains("KUMA-SIDECAR"));
    }
}
