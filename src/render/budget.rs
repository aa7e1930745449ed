//! Budget failures (`--fail-on`, for `scan` and `diff`) as lines for stderr: the term,
//! the figures it was judged on, and by how much it grew.

use std::fmt::Write as _;

use super::words::{plain, signed, ARROW};
use crate::budget::Failure;

/// One line per budget term that failed.
pub fn failures(failures: &[Failure], context: Option<&str>) -> String {
    let from = context
        .map(|c| format!("context {c}: "))
        .unwrap_or_default();
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
        let _ = writeln!(out, "budget exceeded: {from}{line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budget::Budget;
    use crate::surface::Totals;

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
            failures(&b.check_diff(&before, &after), None),
            "budget exceeded: components>+1: 0 → 3 (+3, from 0)\n\
             budget exceeded: components>+10%: 0 → 3 (+3, from 0)\n\
             budget exceeded: components>2: 0 → 3 (+3, from 0)\n"
        );
        let b = Budget::parse("components>2").unwrap();
        assert_eq!(
            failures(&b.check_scan(&after), None),
            "budget exceeded: components>2: the value is 3\n"
        );
    }
}
