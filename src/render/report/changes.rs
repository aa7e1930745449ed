//! The sections that project or compare: the before/after section (`report --before
//! OLD.json`, what `diff` says), the growth plan (`--enable`, what `plan` says) and every
//! mesh at this scale (`--compare`, what `compare --from` says), as HTML.
//!
//! The diff's own sections ([`crate::render::diff::sections`], the ones `diff -o table`
//! and `-o markdown` draw) are drawn here as HTML tables, so the three outputs show the
//! same rows; the headline counts that changed come first as a chart of their changes.

use maud::{html, Markup};

use super::chart::{bars, Bar};
use crate::diff::Diff;
use crate::growth::{ComparePlan, Plan};
use crate::render::words::{origin, plain, signed};
use crate::render::Section;

/// The headline counts charted (CPU and memory are in other units: they stay in the table).
const CHARTED: [&str; 6] = [
    "components",
    "componentInstances",
    "proxyTypes",
    "proxyInstances",
    "crds",
    "webhooks",
];

/// The section.
pub fn changes(d: &Diff) -> Markup {
    let side = |label: &str, s: &crate::diff::Side| {
        let (what, status) = origin(&s.source, s.complete);
        format!("{label}: {what} at {} ({status})", s.source.taken_at)
    };
    let moved: Vec<Bar> = d
        .totals
        .0
        .iter()
        .filter(|(name, f)| CHARTED.contains(name) && f.delta != 0)
        .map(|(name, f)| Bar {
            shown: format!("{} ({} → {})", signed(f.delta, plain), f.before, f.after),
            ..Bar::count(*name, f.delta.unsigned_abs())
        })
        .collect();
    html! {
        p { (side("Before", &d.before)) br; (side("After", &d.after)) }
        @if !d.changed {
            p { "No change: the two surfaces are the same." }
        } @else {
            @if !moved.is_empty() {
                (bars("Headline counts that changed (length: the size of the change; the sign says which way)", "Change (before → after)", "", &moved))
            }
            (tables(&crate::render::diff::sections(d)))
            p.muted { "+ added, - removed, ~ changed; the same rows as " code { "diff" } " prints." }
        }
    }
}

/// Sections drawn as HTML tables: a heading, its note, its rows, its footer.
pub(super) fn tables(sections: &[Section]) -> Markup {
    html! {
        @for s in sections {
            h3 { (s.title) }
            @if let Some(n) = &s.note { p { (n) } }
            @if !s.rows.is_empty() {
                div.wide { table {
                    thead { tr { @for h in &s.headers { th { (h) } } } }
                    tbody {
                        @for r in &s.rows {
                            tr { @for c in r { td { (c) } } }
                        }
                    }
                } }
            }
            @if let Some(f) = &s.footer { p.muted { (f) } }
        }
    }
}

/// The growth plan (`--enable`): components and proxy types after each step (charts),
/// then the same tables `plan` prints.
pub fn growth(p: &Plan) -> Markup {
    let step = |s: &crate::growth::Step| {
        s.feature
            .as_ref()
            .map_or_else(|| "today".to_owned(), |f| format!("+ {f}"))
    };
    let chart = |value: fn(&crate::growth::Step) -> u64| -> Vec<Bar> {
        p.steps
            .iter()
            .map(|s| Bar::count(step(s), value(s)))
            .collect()
    };
    let (head, sections) = crate::render::plan::sections(p);
    html! {
        @for line in &head { p { (line) } }
        (bars("Components after each step", "Components", "", &chart(|s| s.totals.components)))
        (bars("Proxy instances after each step", "Proxy instances", "", &chart(|s| s.totals.proxy_instances)))
        (tables(&sections))
        p.muted { "A projection from the catalog's feature profiles at this cluster's scale, not a measurement." }
    }
}

/// The comparison (`--compare`): components and proxy types of each mesh and mode after
/// every feature (charts), then the same table `compare` prints.
pub fn comparison(c: &ComparePlan) -> Markup {
    let last = |value: fn(&crate::growth::Step) -> u64| -> Vec<Bar> {
        c.columns
            .iter()
            .map(|col| Bar::count(col.profile.clone(), col.steps.last().map_or(0, value)))
            .collect()
    };
    let (head, sections) = crate::render::compare::sections(c);
    html! {
        @for line in &head { p { (line) } }
        (bars("Components after every feature, per mesh and mode", "Components", "", &last(|s| s.totals.components)))
        (bars("Proxy types after every feature, per mesh and mode", "Proxy types", "", &last(|s| s.totals.proxy_types)))
        (tables(&sections))
        p.muted { "A projection from the catalog's feature profiles, not a measurement; the installed mesh's column starts from this scan." }
    }
}
