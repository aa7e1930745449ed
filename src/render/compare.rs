//! `compare` output: meshes side by side, feature by feature, before anything is
//! installed, and the workloads that keep growing with the cluster.
//!
//! Each column is a mesh's `plan` steps; a step's figures and words are the plan's
//! ([`super::plan`]), so a figure reads the same in both commands.

use std::collections::BTreeSet;

use super::fit::Shrink;
use super::markdown;
use super::plan::{cells, changes, cost_cells, learn, scale_line, FIGURES};
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
    let mut out = vec![sec];
    out.extend(cost_section(c, &labels));
    out.push(grows);
    (head, out)
}

/// The bill of each mesh after each step, on each basis a projection has, when a price was
/// given: the figure a budget needs beside the surface (issue 21).
fn cost_section(c: &ComparePlan, labels: &[Option<String>]) -> Option<Section> {
    let first = c
        .columns
        .iter()
        .flat_map(|col| &col.steps)
        .find_map(|s| s.cost.as_ref())?;
    let mut headers = vec!["STEP".to_owned(), "BASIS".to_owned()];
    headers.extend(c.columns.iter().map(|col| col.profile.to_ascii_uppercase()));
    let mut sec = Section::new(
        1,
        format!(
            "Cost after each step ({} per month, change in brackets)",
            first.currency
        ),
        headers.clone(),
    );
    for name in headers.iter().skip(2) {
        sec = sec.shrink(name, Shrink::Text);
    }
    sec.note = Some(super::scan::cost::price_line(first));
    for label in labels {
        let name = label
            .clone()
            .map_or_else(|| "baseline".to_owned(), |f| format!("+ {f}"));
        for (k, basis) in ["requests", "typical"].into_iter().enumerate() {
            let mut row = vec![
                if k == 0 { name.clone() } else { String::new() },
                basis.to_owned(),
            ];
            row.extend(c.columns.iter().map(|col| {
                let Some(i) = col.steps.iter().position(|s| &s.feature == label) else {
                    return "-".to_owned();
                };
                let s = &col.steps[i];
                let cell =
                    cost_cells(s, i.checked_sub(1).and_then(|j| col.steps.get(j)))[k].clone();
                let unset =
                    s.totals.cpu_request_millicores == 0 && s.totals.memory_request_bytes == 0;
                if k == 0 && unset {
                    format!("{cell} (unset)")
                } else {
                    cell
                }
            }));
            sec.rows.push(row);
        }
    }
    for (k, basis) in ["requests", "typical"].into_iter().enumerate() {
        let mut row = vec![
            if k == 0 {
                "per meshed pod".to_owned()
            } else {
                String::new()
            },
            basis.to_owned(),
        ];
        row.extend(c.columns.iter().map(|col| {
            let bill = col.steps.last().and_then(|s| s.cost.as_ref());
            let per = bill.and_then(|b| {
                if k == 0 {
                    b.requests.per_meshed_pod_monthly
                } else {
                    b.typical.as_ref().and_then(|t| t.per_meshed_pod_monthly)
                }
            });
            per.map_or_else(|| "-".to_owned(), |v| format!("{v:.2}"))
        }));
        sec.rows.push(row);
    }
    sec.footer = Some(
        "requests: what the scheduler reserves (\"unset\": the charts reserve nothing, yet the \
         pods use CPU and memory); typical: published per-instance figures, not measured \
         (\"-\": none published for a proxy type, -o json says which); usage: only a live scan \
         measures it, never a projection; per meshed pod: after the last step (\"-\": no \
         meshed application pods)"
            .to_owned(),
    );
    Some(sec)
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
