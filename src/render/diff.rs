//! Diff output: a [`Diff`] laid out as sections with a sign column (`+` added, `-` removed,
//! `~` changed), drawn as text tables (coloured on a terminal) or Markdown (for a pull
//! request comment). Both draw the same sections, so they always show the same figures.
//! Budget failures are formatted here too.

use std::collections::BTreeSet;

use super::fit::{self, escape, prose, Shrink};
use super::markdown::{closing, pipe_table};
use super::table::{draw, shows_not_set};
use super::{cpu, memory, request, Section, NOT_SET_NOTE};
use crate::budget::Failure;
use crate::diff::{Attribution, Change, Diff, Figure, Figures, Side, VersionCount};

const ARROW: &str = " → ";

fn side_line(label: &str, s: &Side) -> String {
    let (what, status) = super::origin(&s.source, s.complete);
    format!("{label} {what} at {} ({status})", s.source.taken_at)
}

/// The lines above the sections: both inputs and why the surface changed.
fn headline(d: &Diff) -> Vec<String> {
    let mut out = vec![
        side_line("Before:", &d.before),
        side_line("After: ", &d.after),
    ];
    if !d.complete {
        out.push(
            "The figures of an incomplete snapshot are lower bounds; budgets judged on them are not trusted (exit 3)."
                .to_owned(),
        );
    }
    if d.changed {
        let causes: Vec<String> = d
            .growth
            .causes
            .iter()
            .map(|c| match c {
                crate::diff::Cause::MeshReplaced => {
                    let names = |ms: &[crate::diff::MeshRef]| {
                        ms.iter()
                            .map(|m| m.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    format!(
                        "mesh replaced: {}{ARROW}{}",
                        names(&d.meshes.removed),
                        names(&d.meshes.added)
                    )
                }
                c => c.as_str().to_owned(),
            })
            .collect();
        out.push(format!("Changed by: {}", causes.join(", ")));
    } else {
        out.push("No changes.".to_owned());
    }
    out
}

fn signed(n: i64, fmt: fn(i64) -> String) -> String {
    match n {
        0 => fmt(0),
        n if n > 0 => format!("+{}", fmt(n)),
        n => format!("-{}", fmt(n.saturating_abs())),
    }
}

fn plain(n: i64) -> String {
    n.to_string()
}

/// How a figure is written: CPU and memory in Kubernetes units, counts as numbers.
fn unit_of(field: &str) -> fn(i64) -> String {
    match field {
        "cpuRequestMillicores" | "cpuLimitMillicores" => cpu,
        "memoryRequestBytes" | "memoryLimitBytes" => memory,
        _ => plain,
    }
}

fn percent(f: &Figure) -> String {
    if f.delta == 0 {
        return String::new();
    }
    match f.percent {
        Some(p) if f.delta > 0 => format!("+{p:.1}%"),
        Some(p) => format!("{p:.1}%"),
        None if f.after != 0 => "new".to_owned(),
        None => "-".to_owned(),
    }
}

fn sign(delta: i64) -> String {
    match delta.signum() {
        1 => "+",
        -1 => "-",
        _ => "",
    }
    .to_owned()
}

/// One figure; `pods` (before, after) makes a zero request read `not set`.
fn figure_row(
    mut first: Vec<String>,
    name: &str,
    f: &Figure,
    pods: Option<(u64, u64)>,
) -> Vec<String> {
    let unit = unit_of(name);
    let value = |v: i64, n: u64| match pods {
        Some(_) if name.ends_with("RequestMillicores") || name.ends_with("RequestBytes") => {
            request(v, n, unit)
        }
        _ => unit(v),
    };
    let (pb, pa) = pods.unwrap_or_default();
    first.extend([
        name.to_owned(),
        value(f.before, pb),
        value(f.after, pa),
        signed(f.delta, unit),
        percent(f),
    ]);
    first
}

fn figures_section(title: &str, figures: &Figures) -> Section {
    let mut sec = Section::new(
        2,
        title,
        vec!["", "FIGURE", "BEFORE", "AFTER", "DELTA", "CHANGE"],
    );
    let count = |side: fn(&Figure) -> i64| {
        ["componentInstances", "proxyInstances"]
            .iter()
            .filter_map(|k| figures.get(k))
            .map(|f| u64::try_from(side(&f)).unwrap_or(0))
            .sum::<u64>()
    };
    let pods = (count(|f| f.before), count(|f| f.after));
    for (name, f) in &figures.0 {
        sec.rows
            .push(figure_row(vec![sign(f.delta)], name, f, Some(pods)));
    }
    sec
}

fn opt(v: Option<&String>) -> String {
    v.cloned().unwrap_or_else(|| "-".to_owned())
}

fn moved<T: ToString>(c: Option<&Change<T>>) -> String {
    c.map(|c| format!("{}{ARROW}{}", c.before.to_string(), c.after.to_string()))
        .unwrap_or_default()
}

/// A change of control-plane versions in words: `1.24.2 → 1.26.3` for a move, `1.23.4
/// added beside 1.24.2` when a revision came up, `1.23.4 removed, 1.24.2 stays` when one went.
fn control_plane_change(before: &[String], after: &[String]) -> String {
    let added: Vec<&str> = after
        .iter()
        .filter(|v| !before.contains(v))
        .map(String::as_str)
        .collect();
    let removed: Vec<&str> = before
        .iter()
        .filter(|v| !after.contains(v))
        .map(String::as_str)
        .collect();
    let kept: Vec<&str> = before
        .iter()
        .filter(|v| after.contains(v))
        .map(String::as_str)
        .collect();
    let list = |v: &[&str]| v.join(", ");
    let mut parts = Vec::new();
    if kept.is_empty() {
        parts.push(format!("{}{ARROW}{}", list(&removed), list(&added)));
    } else {
        if !added.is_empty() {
            parts.push(format!("{} added beside {}", list(&added), list(&kept)));
        }
        if !removed.is_empty() {
            parts.push(format!("{} removed, {} stays", list(&removed), list(&kept)));
        }
    }
    parts.join("; ")
}

fn version_list(vs: &[VersionCount]) -> String {
    vs.iter()
        .map(|v| format!("{} ×{}", opt(v.version.as_ref()), v.instances))
        .collect::<Vec<_>>()
        .join(", ")
}

fn attribution_line(what: &str, a: &Attribution, unit: fn(i64) -> String) -> String {
    format!(
        "{what} {}: {} from proxy types already there, {} from new proxy types, {} from removed proxy types, {} from control planes and other components.",
        signed(a.delta, unit),
        signed(a.existing_proxy_types, unit),
        signed(a.added_proxy_types, unit),
        signed(a.removed_proxy_types, unit),
        signed(a.other, unit),
    )
}

/// Lays a diff out as sections; empty parts are left out.
pub fn diff_sections(d: &Diff) -> Vec<Section> {
    let mut out = Vec::new();
    if !d.changed {
        return out;
    }
    out.push(figures_section("Totals", &d.totals));
    out.push(figures_section("Scale", &d.scale));

    let mut growth = Section::new(2, "Growth", Vec::new());
    let mut notes = Vec::new();
    let kinds = |ks: &[crate::diff::ComponentKind]| {
        ks.iter()
            .map(|k| format!("{}/{}", k.mesh, k.component))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !d.growth.added_component_kinds.is_empty() {
        notes.push(format!(
            "New component kinds: {}.",
            kinds(&d.growth.added_component_kinds)
        ));
    }
    if !d.growth.removed_component_kinds.is_empty() {
        notes.push(format!(
            "Component kinds gone: {}.",
            kinds(&d.growth.removed_component_kinds)
        ));
    }
    let w = &d.growth.workload_pods;
    notes.push(format!(
        "Application pods (not the mesh's own): {}{ARROW}{} ({}).",
        w.before,
        w.after,
        signed(w.delta, plain)
    ));
    notes.push(attribution_line(
        "CPU requests",
        &d.growth.cpu_request_millicores,
        cpu,
    ));
    notes.push(attribution_line(
        "Memory requests",
        &d.growth.memory_request_bytes,
        memory,
    ));
    growth.note = Some(notes.join("\n"));
    out.push(growth);

    if !d.meshes.is_empty() {
        let mut sec = Section::new(2, "Meshes", vec!["", "MESH", "MODE", "VERSIONS"])
            .shrink("VERSIONS", Shrink::List);
        for (s, m) in d
            .meshes
            .added
            .iter()
            .map(|m| ("+", m))
            .chain(d.meshes.removed.iter().map(|m| ("-", m)))
        {
            sec.rows.push(vec![
                s.to_owned(),
                m.name.clone(),
                m.mode.clone(),
                m.versions.join(", "),
            ]);
        }
        for m in &d.meshes.changed {
            sec.rows.push(vec![
                "~".to_owned(),
                m.name.clone(),
                moved(Some(&m.mode)),
                String::new(),
            ]);
        }
        out.push(sec);
    }

    if !d.components.is_empty() {
        let mut sec = Section::new(
            2,
            "Components",
            vec![
                "",
                "MESH",
                "COMPONENT",
                "KIND",
                "NAMESPACE",
                "NAME",
                "REPLICAS",
                "PODS",
                "VERSION",
            ],
        )
        .optional(&["KIND", "MESH", "REPLICAS"]);
        for (s, c) in d
            .components
            .added
            .iter()
            .map(|c| ("+", c))
            .chain(d.components.removed.iter().map(|c| ("-", c)))
        {
            sec.rows.push(vec![
                s.to_owned(),
                c.mesh.clone(),
                c.component.clone(),
                c.kind.as_str().to_owned(),
                c.namespace.clone(),
                c.name.clone(),
                c.replicas.to_string(),
                c.instances.to_string(),
                opt(c.version.as_ref()),
            ]);
        }
        for c in &d.components.changed {
            let version = c.version.as_ref().map(|v| Change {
                before: opt(v.before.as_ref()),
                after: opt(v.after.as_ref()),
            });
            sec.rows.push(vec![
                "~".to_owned(),
                c.mesh.clone(),
                c.component.clone(),
                c.kind.as_str().to_owned(),
                c.namespace.clone(),
                c.name.clone(),
                moved(c.replicas.as_ref()),
                moved(c.instances.as_ref()),
                moved(version.as_ref()),
            ]);
        }
        out.push(sec);
    }

    if !d.proxy_types.is_empty() {
        let mut sec = Section::new(
            2,
            "Proxy types",
            vec![
                "",
                "MESH",
                "IMPLEMENTATION",
                "PLACEMENT",
                "INSTANCES",
                "VERSIONS",
            ],
        )
        .optional(&["MESH", "PLACEMENT"])
        .shrink("VERSIONS", Shrink::List);
        for (s, p) in d
            .proxy_types
            .added
            .iter()
            .map(|p| ("+", p))
            .chain(d.proxy_types.removed.iter().map(|p| ("-", p)))
        {
            sec.rows.push(vec![
                s.to_owned(),
                p.mesh.clone(),
                p.implementation.clone(),
                p.placement.to_string(),
                p.instances.to_string(),
                version_list(&p.versions),
            ]);
        }
        for p in &d.proxy_types.changed {
            let versions = p
                .versions
                .iter()
                .map(|v| {
                    format!(
                        "{}: {}{ARROW}{}",
                        opt(v.version.as_ref()),
                        v.before,
                        v.after
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            sec.rows.push(vec![
                "~".to_owned(),
                p.mesh.clone(),
                p.implementation.clone(),
                p.placement.to_string(),
                moved(Some(&p.instances)),
                versions,
            ]);
        }
        out.push(sec);
    }

    if !d.footprint.is_empty() {
        let mut sec = Section::new(
            2,
            "Proxy footprint",
            vec![
                "", "MESH", "PROXY", "FIGURE", "BEFORE", "AFTER", "DELTA", "CHANGE",
            ],
        )
        .optional(&["MESH", "CHANGE"]);
        for f in &d.footprint {
            let pods = (f.instances.before, f.instances.after);
            let pods = (
                u64::try_from(pods.0).unwrap_or(0),
                u64::try_from(pods.1).unwrap_or(0),
            );
            for (name, fig) in [
                ("instances", &f.instances),
                ("cpuRequestMillicores", &f.cpu_request_millicores),
                ("memoryRequestBytes", &f.memory_request_bytes),
                ("cpuLimitMillicores", &f.cpu_limit_millicores),
                ("memoryLimitBytes", &f.memory_limit_bytes),
            ] {
                if fig.delta != 0 {
                    sec.rows.push(figure_row(
                        vec![
                            sign(fig.delta),
                            f.mesh.clone(),
                            format!("{}/{}", f.implementation, f.placement),
                        ],
                        name,
                        fig,
                        Some(pods),
                    ));
                }
            }
        }
        out.push(sec);
    }

    let v = &d.versions;
    if !(v.control_planes.is_empty() && v.components.is_empty() && v.proxies.is_empty()) {
        let mut sec = Section::new(
            2,
            "Version moves",
            vec!["", "MESH", "WHAT", "NAME", "BEFORE", "AFTER"],
        )
        .optional(&["MESH"])
        .shrink("BEFORE", Shrink::List)
        .shrink("AFTER", Shrink::Text);
        for m in &v.control_planes {
            sec.rows.push(vec![
                "~".to_owned(),
                m.mesh.clone(),
                "control plane".to_owned(),
                String::new(),
                m.before.join(", "),
                control_plane_change(&m.before, &m.after),
            ]);
        }
        for m in &v.components {
            sec.rows.push(vec![
                "~".to_owned(),
                m.mesh.clone(),
                format!("component {}", m.component),
                format!("{}/{}", m.namespace, m.name),
                opt(m.before.as_ref()),
                opt(m.after.as_ref()),
            ]);
        }
        for m in &v.proxies {
            sec.rows.push(vec![
                "~".to_owned(),
                m.mesh.clone(),
                "proxy".to_owned(),
                format!("{}/{}", m.implementation, m.placement),
                version_list(&m.before),
                version_list(&m.after),
            ]);
        }
        out.push(sec);
    }
    if v.skew_before != v.skew_after {
        out.push(skew_section(d));
    }

    if !d.crds.is_empty() {
        let mut sec = Section::new(2, "CRDs", vec!["", "MESH", "NAME", "GROUP", "VERSIONS"])
            .optional(&["MESH", "GROUP"])
            .shrink("VERSIONS", Shrink::List);
        for (s, c) in d
            .crds
            .added
            .iter()
            .map(|c| ("+", c))
            .chain(d.crds.removed.iter().map(|c| ("-", c)))
        {
            sec.rows.push(vec![
                s.to_owned(),
                c.mesh.clone(),
                c.name.clone(),
                c.group.clone(),
                c.versions.join(", "),
            ]);
        }
        for c in &d.crds.changed {
            let versions: Vec<String> = c
                .versions_added
                .iter()
                .map(|v| format!("+{v}"))
                .chain(c.versions_removed.iter().map(|v| format!("-{v}")))
                .collect();
            sec.rows.push(vec![
                "~".to_owned(),
                c.mesh.clone(),
                c.name.clone(),
                c.group.clone(),
                versions.join(", "),
            ]);
        }
        out.push(sec);
    }

    if !d.webhooks.is_empty() {
        let mut sec = Section::new(
            2,
            "Webhooks",
            vec!["", "MESH", "KIND", "NAME", "FAILURE POLICY", "WEBHOOKS"],
        )
        .optional(&["MESH"]);
        for (s, w) in d
            .webhooks
            .added
            .iter()
            .map(|w| ("+", w))
            .chain(d.webhooks.removed.iter().map(|w| ("-", w)))
        {
            sec.rows.push(vec![
                s.to_owned(),
                w.mesh.clone(),
                w.kind.clone(),
                w.name.clone(),
                w.failure_policy.clone(),
                w.webhooks.to_string(),
            ]);
        }
        for w in &d.webhooks.changed {
            sec.rows.push(vec![
                "~".to_owned(),
                w.mesh.clone(),
                w.kind.clone(),
                w.name.clone(),
                moved(w.failure_policy.as_ref()),
                moved(w.webhooks.as_ref()),
            ]);
        }
        out.push(sec);
    }

    if !d.upgrade_steps.is_empty() {
        let mut sec = Section::new(
            2,
            "Upgrade steps",
            vec!["", "STEP", "TITLE", "TARGETS", "RESTARTS"],
        )
        .shrink("TITLE", Shrink::Text)
        .shrink("TARGETS", Shrink::List);
        for (s, u) in d
            .upgrade_steps
            .added
            .iter()
            .map(|u| ("+", u))
            .chain(d.upgrade_steps.removed.iter().map(|u| ("-", u)))
        {
            sec.rows.push(vec![
                s.to_owned(),
                u.step.to_string(),
                u.title.clone(),
                u.targets.join(", "),
                u.restarts.to_string(),
            ]);
        }
        for u in &d.upgrade_steps.changed {
            // The targets that came and went (`+a, -b`), not both whole lists.
            let targets = u.targets.as_ref().map_or_else(String::new, |t| {
                t.after
                    .iter()
                    .filter(|x| !t.before.contains(x))
                    .map(|x| format!("+{x}"))
                    .chain(
                        t.before
                            .iter()
                            .filter(|x| !t.after.contains(x))
                            .map(|x| format!("-{x}")),
                    )
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            sec.rows.push(vec![
                "~".to_owned(),
                u.step
                    .as_ref()
                    .map_or_else(|| u.at.to_string(), |c| moved(Some(c))),
                u.title.clone(),
                targets,
                u.restarts
                    .as_ref()
                    .map_or_else(|| u.restarts_now.to_string(), |c| moved(Some(c))),
            ]);
        }
        out.push(sec);
    }
    out
}

/// Skew rows: `+` new in after, `-` gone since before, blank where it remains.
fn skew_section(d: &Diff) -> Section {
    let mut sec = Section::new(
        2,
        "Version skew (behind the control plane)",
        vec![
            "",
            "MESH",
            "CONTROL PLANE",
            "WHAT",
            "NAME",
            "VERSION",
            "INSTANCES",
        ],
    )
    .optional(&["MESH", "CONTROL PLANE"]);
    let rows = |s: &crate::diff::Skew| -> Vec<Vec<String>> {
        s.components
            .iter()
            .map(|c| {
                vec![
                    c.mesh.clone(),
                    c.control_plane_version.clone(),
                    format!("component {}", c.component),
                    format!("{}/{}", c.namespace, c.name),
                    c.version.clone(),
                    c.instances.to_string(),
                ]
            })
            .chain(s.proxies.iter().map(|p| {
                vec![
                    p.mesh.clone(),
                    p.control_plane_version.clone(),
                    "proxy".to_owned(),
                    format!("{}/{}", p.implementation, p.placement),
                    p.version.clone(),
                    p.instances.to_string(),
                ]
            }))
            .collect()
    };
    let (before, after) = (rows(&d.versions.skew_before), rows(&d.versions.skew_after));
    // Same object behind on the same version: remains (the instance count may differ).
    let key = |r: &Vec<String>| (r[0].clone(), r[2].clone(), r[3].clone(), r[4].clone());
    let kb: BTreeSet<_> = before.iter().map(key).collect();
    let ka: BTreeSet<_> = after.iter().map(key).collect();
    for r in &after {
        let s = if kb.contains(&key(r)) { "" } else { "+" };
        let mut row = vec![s.to_owned()];
        row.extend(r.iter().cloned());
        sec.rows.push(row);
    }
    for r in before.iter().filter(|r| !ka.contains(&key(r))) {
        let mut row = vec!["-".to_owned()];
        row.extend(r.iter().cloned());
        sec.rows.push(row);
    }
    if sec.rows.is_empty() {
        sec.note = Some("None.".to_owned());
    }
    sec
}

fn paint(line: &str, color: bool) -> String {
    let code = match line.as_bytes().first() {
        Some(b'+') => "32",
        Some(b'-') => "31",
        Some(b'~') => "33",
        _ => return line.to_owned(),
    };
    if color {
        format!("\x1b[{code}m{line}\x1b[0m")
    } else {
        line.to_owned()
    }
}

fn bold(s: &str, color: bool) -> String {
    if color {
        format!("\x1b[1m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// The diff as text tables fitted to `width`; `color` makes headings bold and `+`/`-`/`~`
/// rows green, red and yellow.
pub fn diff_table(d: &Diff, color: bool, width: usize) -> String {
    let mut out = prose(&headline(d).join("\n"), width);
    out.push('\n');
    let (mut lost, mut not_set) = (false, false);
    for sec in diff_sections(d) {
        out.push('\n');
        out.push_str(&bold(&prose(&sec.title, width), color));
        out.push('\n');
        if let Some(note) = &sec.note {
            out.push_str(&prose(note, width));
            out.push('\n');
        }
        if sec.rows.is_empty() {
            continue;
        }
        let (text, cut) = draw(&sec, width);
        not_set |= shows_not_set(&text);
        lost |= cut;
        for line in text.lines() {
            out.push_str(&paint(line, color));
            out.push('\n');
        }
    }
    if not_set {
        out.push('\n');
        out.push_str(&prose(NOT_SET_NOTE, width));
        out.push('\n');
    }
    if lost {
        out.push('\n');
        out.push_str(&fit::hint(width, "-o json"));
        out.push('\n');
    }
    out
}

/// The diff as Markdown, for a pull request comment.
pub fn diff_markdown(d: &Diff) -> String {
    let mut out = String::from("# meshsurface diff\n\n");
    for line in headline(d) {
        out.push_str(&escape(&line));
        out.push_str("  \n");
    }
    let (mut lost, mut not_set) = (false, false);
    for sec in diff_sections(d) {
        out.push_str(&format!("\n## {}\n\n", escape(&sec.title)));
        if let Some(note) = &sec.note {
            for line in note.lines() {
                out.push_str(&escape(line));
                out.push_str("  \n");
            }
        }
        if sec.rows.is_empty() {
            continue;
        }
        if sec.note.is_some() {
            out.push('\n');
        }
        let (table, cut) = pipe_table(&sec);
        not_set |= shows_not_set(&table);
        lost |= cut;
        out.push_str(&table);
    }
    out.push_str(&closing(not_set, lost));
    out
}

/// One line per budget term that failed, for stderr.
pub fn budget_failures(failures: &[Failure]) -> String {
    let mut out = String::new();
    for f in failures {
        // Raw figures, in the units the budget was written in.
        let unit = plain;
        let line = match f.before {
            None => format!("{}: the value is {}", f.term, unit(f.after)),
            Some(b) => {
                let growth = match f.percent {
                    Some(p) => format!(", {p:+.1}%"),
                    None if b == 0 && f.after != 0 => ", from 0".to_owned(),
                    None => String::new(),
                };
                format!(
                    "{}: {}{ARROW}{} ({}{growth})",
                    f.term,
                    unit(b),
                    unit(f.after),
                    signed(f.after.saturating_sub(b), unit)
                )
            }
        };
        out.push_str(&format!("budget exceeded: {line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;
    use crate::surface::{Snapshot, Totals};

    fn snapshot(components: u64) -> Snapshot {
        let json = serde_json::json!({
            "schemaVersion": "meshsurface/v1",
            "source": {"kind": "offline", "paths": ["x"], "takenAt": "2026-01-01T00:00:00Z"},
            "complete": true, "warnings": [],
            "scale": {"nodes": 1, "namespaces": 1, "pods": 1, "meshedPods": 0,
                      "serviceAccounts": 1, "meshedNamespaces": 0},
            "meshes": [], "components": [], "proxies": [], "crds": [], "webhooks": [],
            "upgradeSteps": [],
            "totals": {"components": components, "componentKinds": 0, "componentInstances": 0,
                       "proxyTypes": 0, "proxyImplementations": 0, "proxyInstances": 0,
                       "crds": 0, "webhooks": 0, "upgradeSteps": 0,
                       "cpuRequestMillicores": 0, "memoryRequestBytes": 0}
        });
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn colour_only_when_asked() {
        let d = crate::diff::diff(&snapshot(1), &snapshot(3));
        let plain = diff_table(&d, false, 80);
        assert!(!plain.contains('\x1b'));
        assert!(plain.contains("+   components"), "{plain}");
        let coloured = diff_table(&d, true, 80);
        assert!(coloured.contains("\x1b[1mTotals\x1b[0m"), "{coloured}");
        assert!(coloured.contains("\x1b[32m+   components"), "{coloured}");
        let shrunk = diff_table(&crate::diff::diff(&snapshot(3), &snapshot(1)), true, 80);
        assert!(shrunk.contains("\x1b[31m-   components"), "{shrunk}");
    }

    #[test]
    fn budget_failure_lines() {
        let b = Budget::parse("components>+1,components>+10%,components>2").unwrap();
        let (before, after) = (
            Totals {
                components: 0,
                ..Totals::default()
            },
            Totals {
                components: 3,
                ..Totals::default()
            },
        );
        assert_eq!(
            budget_failures(&b.check_diff(&before, &after)),
            "budget exceeded: components>+1: 0 → 3 (+3, from 0)\n\
             budget exceeded: components>+10%: 0 → 3 (+3, from 0)\n\
             budget exceeded: components>2: 0 → 3 (+3, from 0)\n"
        );
        let b = Budget::parse("components>2").unwrap();
        assert_eq!(
            budget_failures(&b.check_scan(&after)),
            "budget exceeded: components>2: the value is 3\n"
        );
    }
}
