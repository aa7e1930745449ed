//! The report's one chart: horizontal bars, drawn as inline SVG, with the same numbers in
//! a table beside it (a chart alone hides its figures from screen readers, copy and paste,
//! and anyone who cannot tell the colours apart).
//!
//! Written once and used by every section that shows a bar chart, so every chart is
//! scaled, labelled and tabulated the same way. Marked bars (fragile kinds) differ in
//! colour *and* carry a word in their label and in the table.

use maud::{html, Markup};

/// One bar: its label, its value, the value as people read it (`128Mi`), and whether it is
/// marked (drawn in the warning colour, with `mark` after its label).
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub shown: String,
    pub marked: bool,
}

impl Bar {
    /// A bar whose value is shown as the plain number.
    pub fn count(label: impl Into<String>, value: u64) -> Self {
        Self {
            label: label.into(),
            value,
            shown: value.to_string(),
            marked: false,
        }
    }
}

/// Pixels: the label column, the longest bar, one row.
const LABEL_W: u64 = 260;
const BAR_W: u64 = 300;
const ROW_H: u64 = 24;
/// Labels longer than this are cut in the picture (the table keeps them whole).
const LABEL_CHARS: usize = 38;

/// The chart and its table. `caption` says what is measured and in which unit; `column` is
/// the table's header for the value; `mark` is the word a marked bar carries (`fragile`).
pub fn bars(caption: &str, column: &str, mark: &str, rows: &[Bar]) -> Markup {
    let max = rows.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    let height = ROW_H * rows.len() as u64 + 8;
    let width = LABEL_W + BAR_W + 90;
    html! {
        div.figure {
            svg xmlns="http://www.w3.org/2000/svg" role="img" width=(width) height=(height)
                viewBox={ "0 0 " (width) " " (height) } aria-label=(caption) {
                title { (caption) }
                @for (i, b) in rows.iter().enumerate() {
                    @let y = ROW_H * i as u64 + 4;
                    @let len = (b.value.saturating_mul(BAR_W) / max).max(u64::from(b.value > 0));
                    text x=(LABEL_W - 8) y=(y + 15) text-anchor="end" {
                        (cut(&b.label)) @if b.marked { " (" (mark) ")" }
                    }
                    rect.bar.fragile[b.marked] x=(LABEL_W) y=(y + 3) width=(len) height=(ROW_H - 8) {}
                    text x=(LABEL_W + len + 6) y=(y + 15) { (b.shown) }
                }
            }
            table {
                caption.muted { (caption) }
                thead { tr { th { "What" } th.n { (column) } } }
                tbody {
                    @for b in rows {
                        tr {
                            td { (b.label) @if b.marked { " " span.tag { (mark) } } }
                            td.n { (b.shown) }
                        }
                    }
                }
            }
        }
    }
}

/// A label cut to [`LABEL_CHARS`] characters, with an ellipsis when cut.
fn cut(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let mut s: String = label.chars().take(LABEL_CHARS - 1).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_longest_and_keep_every_number_in_the_table() {
        let rows = [
            Bar::count("envoy sidecar", 40),
            Bar {
                marked: true,
                ..Bar::count("EnvoyFilter", 10)
            },
            Bar::count("none yet", 0),
        ];
        let html = bars("Proxies per type", "Instances", "fragile", &rows).into_string();
        assert!(
            html.contains(r#"width="300""#),
            "the largest bar is full width: {html}"
        );
        assert!(
            html.contains(r#"width="75""#),
            "10 of 40 is a quarter: {html}"
        );
        assert!(html.contains(r#"width="0""#), "a zero is no bar: {html}");
        assert!(html.contains(r#"class="bar fragile""#), "{html}");
        assert!(
            html.contains("EnvoyFilter (fragile)"),
            "the mark is a word: {html}"
        );
        for n in [
            "<td class=\"n\">40</td>",
            "<td class=\"n\">10</td>",
            "<td class=\"n\">0</td>",
        ] {
            assert!(html.contains(n), "{n} in the table: {html}");
        }
    }

    #[test]
    fn long_labels_are_cut_in_the_picture_only() {
        let long = "x".repeat(60);
        let html = bars("c", "n", "m", &[Bar::count(long.clone(), 1)]).into_string();
        assert!(html.contains(&format!("<td>{long}</td>")), "{html}");
        assert!(html.contains('…'), "{html}");
    }
}
