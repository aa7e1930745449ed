//! The before/after section (`report --before OLD.json`): what `diff` says, as HTML.
//!
//! The diff's own sections ([`crate::render::diff::sections`], the ones `diff -o table`
//! and `-o markdown` draw) are drawn here as HTML tables, so the three outputs show the
//! same rows; the headline counts that changed come first as a chart of their changes.

use maud::{html, Markup};

use super::chart::{bars, Bar};
use crate::diff::Diff;
use crate::render::words::{origin, plain, signed};

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
            @for s in crate::render::diff::sections(d) {
                h3 { (s.title) }
                @if let Some(n) = &s.note { p { (n) } }
                @if !s.rows.is_empty() {
                    table {
                        thead { tr { @for h in &s.headers { th { (h) } } } }
                        tbody {
                            @for r in &s.rows {
                                tr { @for c in r { td { (c) } } }
                            }
                        }
                    }
                }
                @if let Some(f) = &s.footer { p.muted { (f) } }
            }
            p.muted { "+ added, - removed, ~ changed; the same rows as " code { "diff" } " prints." }
        }
    }
}
