//! `diff` output: a [`Diff`] laid out as [`Section`]s with a sign column (`+` added, `-`
//! removed, `~` changed), drawn as text tables (coloured on a terminal) or Markdown (for a
//! pull request comment).
//!
//! [`sections`] lists the parts in reading order, each laid out by one function: the
//! figures (`figures.rs`: totals, scale, growth, proxy footprint), the objects that came,
//! went or changed (`objects.rs`), and the version moves and skew (`versions.rs`). Both
//! drawers take the same sections, so they always show the same figures.

mod figures;
mod objects;
mod versions;

use super::markdown;
use super::section::Section;
use super::table::page;
use super::words::{origin, ARROW};
use crate::diff::{Cause, Diff, MeshRef, Side};

/// The diff as text tables fitted to `width`; `color` makes headings bold and `+`/`-`/`~`
/// rows green, red and yellow.
pub fn table(d: &Diff, color: bool, width: usize) -> String {
    page(&headline(d), &sections(d), color, width, "-o json")
}

/// The diff as Markdown, for a pull request comment.
pub fn markdown(d: &Diff) -> String {
    markdown::page("meshsurface diff", &headline(d), &sections(d))
}

/// Lays a diff out as sections, in reading order; empty parts are left out, and an
/// unchanged surface has none.
pub fn sections(d: &Diff) -> Vec<Section> {
    if !d.changed {
        return Vec::new();
    }
    [
        objects::hazards(d),
        Some(figures::totals(d)),
        cost(d),
        Some(figures::scale(d)),
        Some(figures::growth(d)),
        objects::meshes(d),
        objects::components(d),
        objects::proxy_types(d),
        figures::footprint(d),
        versions::moves(d),
        versions::skew(d),
        objects::crds(d),
        objects::webhooks(d),
        objects::config(d),
        objects::upgrade_steps(d),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The monthly bill before and after, per basis (with `--price`).
fn cost(d: &Diff) -> Option<Section> {
    let c = d.cost.as_ref()?;
    let mut sec = Section::new(
        1,
        format!("Cost ({} per month)", c.currency),
        vec!["", "BASIS", "BEFORE", "AFTER", "CHANGE"],
    )
    .signed();
    for (basis, ch) in [
        ("requests", Some(&c.requests)),
        ("usage", c.usage.as_ref()),
        ("typical", c.typical.as_ref()),
    ] {
        let Some(ch) = ch else { continue };
        let sign = match ch.delta {
            x if x > 0.0 => "+",
            x if x < 0.0 => "-",
            _ => " ",
        };
        sec.rows.push(vec![
            sign.to_owned(),
            basis.to_owned(),
            format!("{:.2}", ch.before),
            format!("{:.2}", ch.after),
            format!("{:+.2}", ch.delta),
        ]);
    }
    Some(sec)
}

fn side_line(label: &str, s: &Side) -> String {
    let (what, status) = origin(&s.source, s.complete);
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
        let names = |ms: &[MeshRef]| {
            ms.iter()
                .map(|m| m.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let causes: Vec<String> = d
            .growth
            .causes
            .iter()
            .map(|c| match c {
                Cause::MeshReplaced => format!(
                    "mesh replaced: {}{ARROW}{}",
                    names(&d.meshes.removed),
                    names(&d.meshes.added)
                ),
                c => c.as_str().to_owned(),
            })
            .collect();
        out.push(format!("Changed by: {}", causes.join(", ")));
    } else {
        out.push("No changes.".to_owned());
    }
    out
}

#[cfg(test)]
mod tests;
