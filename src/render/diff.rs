//! Diff output: a [`Diff`] laid out as sections with a sign column (`+` added, `-` removed,
//! `~` changed), drawn as text tables (coloured on a terminal) or Markdown (for a pull
//! request comment). Both draw the same sections, so they always show the same figures.
//! Budget failures are formatted here too.

use std::collections::BTreeSet;

use super::{cpu, memory, table::draw, Section};
use crate::diff::budget::Failure;
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
        let causes: Vec<&str> = d.growth.causes.iter().map(|c| c.as_str()).collect();
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

fn figure_row(mut first: Vec<String>, name: &str, f: &Figure) -> Vec<String> {
    let unit = unit_of(name);
    first.extend([
        name.to_owned(),
        unit(f.before),
        unit(f.after),
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
    for (name, f) in &figures.0 {
        sec.rows.push(figure_row(vec![sign(f.delta)], name, f));
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
        let mut sec = Section::new(2, "Meshes", vec!["", "MESH", "MODE", "VERSIONS"]);
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
        );
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
                c.kind.clone(),
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
                c.kind.clone(),
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
        );
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
                p.placement.clone(),
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
                p.placement.clone(),
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
        );
        for f in &d.footprint {
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
        );
        for m in &v.control_planes {
            sec.rows.push(vec![
                "~".to_owned(),
                m.mesh.clone(),
                "control plane".to_owned(),
                String::new(),
                m.before.join(", "),
                m.after.join(", "),
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
        let mut sec = Section::new(2, "CRDs", vec!["", "MESH", "NAME", "GROUP", "VERSIONS"]);
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
        );
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
        );
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
            let targets = u.targets.as_ref().map(|t| Change {
                before: t.before.join(", "),
                after: t.after.join(", "),
            });
            sec.rows.push(vec![
                "~".to_owned(),
                moved(u.step.as_ref()),
                u.title.clone(),
                moved(targets.as_ref()),
                moved(u.restarts.as_ref()),
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
    );
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

/// The diff as text tables; `color` makes headings bold and `+`/`-`/`~` rows green, red
/// and yellow.
pub fn diff_table(d: &Diff, color: bool) -> String {
    let mut out = headline(d).join("\n");
    out.push('\n');
    for sec in diff_sections(d) {
        out.push('\n');
        out.push_str(&bold(&sec.title, color));
        out.push('\n');
        if let Some(note) = &sec.note {
            out.push_str(note);
            out.push('\n');
        }
        if sec.rows.is_empty() {
            continue;
        }
        for line in draw(&sec).lines() {
            out.push_str(&paint(line, color));
            out.push('\n');
        }
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The diff as Markdown, for a pull request comment.
pub fn diff_markdown(d: &Diff) -> String {
    let mut out = String::from("# meshsurface diff\n\n");
    for line in headline(d) {
        out.push_str(&line);
        out.push_str("  \n");
    }
    for sec in diff_sections(d) {
        out.push_str(&format!("\n## {}\n\n", sec.title));
        if let Some(note) = &sec.note {
            for line in note.lines() {
                out.push_str(line);
                out.push_str("  \n");
            }
        }
        if sec.rows.is_empty() {
            continue;
        }
        if sec.note.is_some() {
            out.push('\n');
        }
        let headers: Vec<&str> = sec
            .headers
            .iter()
            .map(|h| if h.is_empty() { " " } else { h })
            .collect();
        out.push_str(&format!("| {} |\n", headers.join(" | ")));
        out.push_str(&format!("|{}\n", "---|".repeat(sec.headers.len())));
        for r in &sec.rows {
            let cells: Vec<String> = r.iter().map(|c| cell(c)).collect();
            out.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
    }
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
    use crate::diff::budget::Budget;
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
        let plain = diff_table(&d, false);
        assert!(!plain.contains('\x1b'));
        assert!(plain.contains("+   components"), "{plain}");
        let coloured = diff_table(&d, true);
        assert!(coloured.contains("\x1b[1mTotals\x1b[0m"), "{coloured}");
        assert!(coloured.contains("\x1b[32m+   components"), "{coloured}");
        let shrunk = diff_table(&crate::diff::diff(&snapshot(3), &snapshot(1)), true);
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
