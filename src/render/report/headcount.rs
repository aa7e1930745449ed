//! The headcount section: the model's estimate first (hours per year per term, as a
//! chart), then the same tables `headcount` prints (the figures per cluster and mesh, the
//! terms with their formulas written out, the sum) and the model's coefficients.
//!
//! The estimate is only as good as its coefficients, so the page names the model and
//! where it was read from (`built-in`, or the `--model` file) and lists every
//! coefficient with its unit: a reader can check each term by hand.

use maud::{html, Markup};

use super::changes::tables;
use super::chart::{bars, Bar};
use crate::headcount::model::num;
use crate::headcount::{Headcount, Term};

/// A term's hours as a bar (hundredths of an hour for the length; the table keeps the decimals).
fn bar(t: &Term) -> Bar {
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "hours are finite, non-negative and far below 2^64 (the model refuses negative coefficients)"
    )]
    let hundredths = (t.hours_per_year.max(0.0) * 100.0).round() as u64;
    Bar {
        shown: format!("{} h/yr ({} FTE)", num(t.hours_per_year), num(t.fte)),
        ..Bar::count(format!("{} ({})", t.name, t.scope.as_str()), hundredths)
    }
}

/// The section for one cluster's, or a fleet's, headcount.
pub fn section(h: &Headcount) -> Markup {
    let e = &h.estimate;
    let per: Vec<Bar> = e
        .cluster_terms
        .iter()
        .chain(&e.fleet_terms)
        .map(bar)
        .collect();
    let (head, sections) = crate::render::headcount::sections(h);
    html! {
        p.estimate {
            "Estimate: " strong data-figure="fte" { (num(e.fte)) " FTE" }
            " (" (num(e.hours_per_year)) " hours/year)"
            @if let Some(p) = &h.projection {
                "; after enabling " (p.enabled.join(", ")) ": "
                strong data-figure="fte-after" { (num(p.estimate.fte)) " FTE" }
                " (" (num(p.estimate.hours_per_year)) " hours/year)"
            }
        }
        @for line in &head { p { (line) } }
        (bars("Hours per year per term of the model", "Hours/year (FTE)", "", &per))
        (tables(&sections))
        details {
            summary { "The model's coefficients (" (h.model.name) ", " (h.model.origin) ")" }
            table {
                thead { tr { th { "Coefficient" } th.n { "Value" } th { "Unit" } } }
                tbody {
                    @for (key, c) in &h.model.coefficients {
                        tr { td { code { (key) } } td.n { (num(c.value)) } td { (c.unit) } }
                    }
                }
            }
        }
    }
}
