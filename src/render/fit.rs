//! Human output that a terminal can take: every text cell escaped, every table fitted to
//! the terminal's width.
//!
//! Object names come from the cluster (or a file someone sent): an ESC or OSC sequence in a
//! name must not reach the terminal as a command, and a newline must not break a table row.
//! [`escape`] is the one function every human renderer (tables, Markdown, stderr warnings)
//! passes text through.
//!
//! A table wider than the terminal is fitted by [`fit`]: long cells are shortened first
//! (lists summarised as `a, b, … (+62)`, prose wrapped, long tokens cut with `…`), then
//! optional columns dropped, then cells shortened further. Whoever loses something prints a
//! hint pointing at the output that keeps everything (`-o wide`, `-o json`).

use std::fmt::Write as _;

use std::borrow::Cow;

/// The width when stdout is not a terminal, or its size is unknown.
pub const DEFAULT_WIDTH: usize = 80;

/// No fitting (`-o wide`, Markdown).
pub const UNLIMITED: usize = usize::MAX;

/// `text` with control characters (C0, DEL, C1) and bidirectional overrides replaced by
/// visible escapes (`\e`, `\n`, `\x7f`, `\u{9b}`), so that nothing read from a cluster
/// can move the cursor, recolour the terminal or split a row.
pub fn escape(text: &str) -> Cow<'_, str> {
    let bad =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(bad) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{1b}' => out.push_str("\\e"),
            c if (c as u32) < 0x80 && bad(c) => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if bad(c) => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The width of a cell as drawn: its longest line, in characters.
pub fn width(s: &str) -> usize {
    s.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

/// How a column's cells may be shortened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Shrink {
    /// Cut at the end with `…` (versions, names).
    #[default]
    Cut,
    /// Cut at the start with `…` (paths, whose end tells them apart).
    CutStart,
    /// A `, `-separated list: `a, b, … (+N)`.
    List,
    /// Prose: wrapped onto more lines (nothing is lost).
    Text,
    /// Never shortened.
    Keep,
}

/// One column's fitting rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ColFit {
    /// 0: always shown; otherwise dropped when the table does not fit, highest first.
    pub drop: u8,
    pub shrink: Shrink,
}

/// A fitted table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Something was left out or cut (wrapping loses nothing).
    pub lost: bool,
}

/// Columns are separated by this many spaces (see `table::draw`: two of padding and the
/// blank style's one-space separator).
pub const GAP: usize = 3;

/// Cells shortened before any column is dropped keep at least this width.
const COMFORT: usize = 24;
/// The narrowest a shortened column gets.
const FLOOR: usize = 6;

/// Fits `headers`/`rows` into `max` characters per line. Cells are escaped first.
pub fn fit(headers: &[&str], fits: &[ColFit], rows: &[Vec<String>], max: usize) -> Fitted {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| escape(c).into_owned()).collect())
        .collect();
    let n = headers.len();
    let fit_of = |i: usize| fits.get(i).copied().unwrap_or_default();
    let natural: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| width(c))
                .chain([headers[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut visible: Vec<usize> = (0..n).collect();
    let total = |vis: &[usize], w: &[usize]| -> usize {
        vis.iter().map(|&i| w[i]).sum::<usize>() + GAP * vis.len().saturating_sub(1)
    };
    let mut targets = natural.clone();
    let mut dropped = false;
    if total(&visible, &natural) > max {
        loop {
            targets = waterfill(&visible, &natural, headers, &fit_of, max, COMFORT);
            if total(&visible, &targets) <= max {
                break;
            }
            let victim = visible
                .iter()
                .enumerate()
                .filter(|(_, &i)| fit_of(i).drop > 0)
                .max_by_key(|(k, &i)| (fit_of(i).drop, *k))
                .map(|(k, _)| k);
            if let Some(k) = victim {
                visible.remove(k);
                dropped = true;
            } else {
                targets = waterfill(&visible, &natural, headers, &fit_of, max, FLOOR);
                break;
            }
        }
    }
    if total(&visible, &natural) > max {
        targets = give_back(&visible, &natural, &targets, headers, &fit_of, &rows, max);
    }
    let mut lost = dropped;
    let rows = rows
        .into_iter()
        .map(|r| {
            visible
                .iter()
                .map(|&i| {
                    let cell = r.get(i).cloned().unwrap_or_default();
                    if width(&cell) <= targets[i] {
                        return cell;
                    }
                    let kind = fit_of(i).shrink;
                    if kind != Shrink::Text {
                        lost = true;
                    }
                    shorten(&cell, kind, targets[i])
                })
                .collect()
        })
        .collect();
    Fitted {
        headers: visible.iter().map(|&i| headers[i].to_owned()).collect(),
        rows,
        lost,
    }
}

/// Wrapped columns often need less than their target (a cell of two words wraps at the
/// space): their unused room is given back to the columns that were cut, by fitting again
/// with the wrapped columns at the width their wrapped cells take.
fn give_back(
    visible: &[usize],
    natural: &[usize],
    targets: &[usize],
    headers: &[&str],
    fit_of: &dyn Fn(usize) -> ColFit,
    rows: &[Vec<String>],
    max: usize,
) -> Vec<usize> {
    let mut natural = natural.to_vec();
    let mut kept = Vec::new();
    for &i in visible {
        if fit_of(i).shrink != Shrink::Text || targets[i] >= natural[i] {
            continue;
        }
        let used = rows
            .iter()
            .filter_map(|r| r.get(i))
            .flat_map(|c| wrap(c, targets[i], 0))
            .map(|l| width(&l))
            .chain([headers[i].chars().count()])
            .max()
            .unwrap_or(0);
        natural[i] = used.min(targets[i]);
        kept.push(i);
    }
    if kept.is_empty() {
        return targets.to_vec();
    }
    let fixed = |i: usize| {
        let f = fit_of(i);
        if kept.contains(&i) {
            ColFit {
                shrink: Shrink::Keep,
                ..f
            }
        } else {
            f
        }
    };
    let again = waterfill(visible, &natural, headers, &fixed, max, FLOOR);
    let mut out = targets.to_vec();
    for &i in visible {
        // A wrapped column takes what its lines take; the others never get narrower.
        out[i] = if kept.contains(&i) {
            natural[i]
        } else {
            again[i].max(targets[i])
        };
    }
    let total: usize =
        visible.iter().map(|&i| out[i]).sum::<usize>() + GAP * visible.len().saturating_sub(1);
    if total > max {
        return targets.to_vec();
    }
    out
}

/// Target widths: the widest shrinkable columns are capped at one width, as high as fits,
/// never below their header nor `floor`.
fn waterfill(
    visible: &[usize],
    natural: &[usize],
    headers: &[&str],
    fit_of: &dyn Fn(usize) -> ColFit,
    max: usize,
    floor: usize,
) -> Vec<usize> {
    let mut out = natural.to_vec();
    let shrinkable: Vec<usize> = visible
        .iter()
        .copied()
        .filter(|&i| fit_of(i).shrink != Shrink::Keep)
        .collect();
    let fixed: usize = visible
        .iter()
        .filter(|i| !shrinkable.contains(i))
        .map(|&i| natural[i])
        .sum::<usize>()
        + GAP * visible.len().saturating_sub(1);
    let avail = max.saturating_sub(fixed);
    let at = |cap: usize| -> Vec<(usize, usize)> {
        shrinkable
            .iter()
            .map(|&i| {
                let low = floor.max(headers[i].chars().count());
                (i, natural[i].min(cap.max(low)))
            })
            .collect()
    };
    let widest = shrinkable.iter().map(|&i| natural[i]).max().unwrap_or(0);
    let mut cap = widest;
    while cap > 0 && at(cap).iter().map(|(_, w)| w).sum::<usize>() > avail {
        cap -= 1;
    }
    for (i, w) in at(cap) {
        out[i] = w;
    }
    out
}

/// `cell` made at most `max` characters wide, the way its column allows.
pub fn shorten(cell: &str, kind: Shrink, max: usize) -> String {
    match kind {
        Shrink::Keep => cell.to_owned(),
        Shrink::Cut => cut(cell, max),
        Shrink::CutStart => {
            let n = cell.chars().count();
            if n <= max {
                return cell.to_owned();
            }
            let keep = max.saturating_sub(1);
            format!("…{}", cell.chars().skip(n - keep).collect::<String>())
        }
        Shrink::List => summarise(cell, max),
        Shrink::Text => wrap(cell, max, 0).join("\n"),
    }
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// A `, `-separated list in at most `max` characters: as many items as fit, then
/// `… (+N)` for the rest.
pub fn summarise(list: &str, max: usize) -> String {
    if list.chars().count() <= max {
        return list.to_owned();
    }
    let items: Vec<&str> = list.split(", ").collect();
    let mut shown = 0;
    let mut best = None;
    while shown < items.len() {
        shown += 1;
        let rest = items.len() - shown;
        let text = if rest == 0 {
            items.join(", ")
        } else {
            format!("{}, … (+{rest})", items[..shown].join(", "))
        };
        if text.chars().count() > max {
            break;
        }
        best = Some(text);
    }
    // Not even one item fits whole: the first, cut, and the count of the rest.
    best.unwrap_or_else(|| {
        let more = format!(", … (+{})", items.len() - 1);
        let room = max.saturating_sub(more.chars().count()).max(4);
        cut(&format!("{}{more}", cut(items[0], room)), max)
    })
}

/// A line wrapped at spaces into lines of at most `max` characters; lines after the first
/// are indented by `indent` spaces. Words longer than a line are cut into pieces.
pub fn wrap(line: &str, max: usize, indent: usize) -> Vec<String> {
    let max = max.max(indent + 8);
    let body = line.trim_start_matches(' ');
    let lead = line.len() - body.len();
    let mut lines: Vec<String> = Vec::new();
    // The line being filled, and whether it holds a word yet.
    let mut cur = " ".repeat(lead);
    let mut has_word = false;
    for word in body.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_owned();
        loop {
            let room = if lines.is_empty() { max } else { max - indent };
            let len = cur.chars().count();
            let need = len + usize::from(has_word) + word.chars().count();
            if need <= room {
                if has_word {
                    cur.push(' ');
                }
                cur.push_str(&word);
                has_word = true;
                break;
            }
            if has_word {
                lines.push(std::mem::take(&mut cur));
                has_word = false;
                continue;
            }
            // One word longer than a whole line: cut it into pieces, after a `/`, `-` or
            // `.` where one is near the end (resource paths, kebab-case codes, API
            // groups), so that a piece ends where a reader expects a break.
            let take = room.saturating_sub(len).max(1);
            let chars: Vec<char> = word.chars().collect();
            let take = chars[..take.min(chars.len())]
                .iter()
                .rposition(|c| matches!(c, '/' | '-' | '.'))
                .filter(|p| *p + 1 >= take / 2)
                .map_or(take, |p| p + 1);
            cur.extend(word.chars().take(take));
            word = word.chars().skip(take).collect();
            lines.push(std::mem::take(&mut cur));
            if word.is_empty() {
                break;
            }
        }
    }
    if has_word || lines.is_empty() {
        lines.push(cur);
    }
    let pad = " ".repeat(indent);
    lines
        .into_iter()
        .enumerate()
        .map(|(k, l)| if k == 0 { l } else { format!("{pad}{l}") })
        .collect()
}

/// Prose lines (a heading, a note) escaped and wrapped to `max`, continuation lines
/// indented by two spaces.
pub fn prose(text: &str, max: usize) -> String {
    text.lines()
        .flat_map(|l| {
            let l = escape(l);
            if l.chars().count() <= max {
                vec![l.into_owned()]
            } else {
                wrap(&l, max, 2)
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The line printed under output that was shortened: what keeps everything.
pub fn hint(max: usize, full: &str) -> String {
    prose(
        &format!("(Shortened to fit {max} columns: {full} shows everything.)"),
        max,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(escape("plain-name"), "plain-name");
        assert_eq!(escape("evil\x1b[31mred\nrow"), "evil\\e[31mred\\nrow");
        assert_eq!(escape("a\x07b\x7fc"), "a\\x07b\\x7fc");
        assert_eq!(escape("osc\u{9d}8;;x\u{9c}"), "osc\\u{9d}8;;x\\u{9c}");
        assert_eq!(escape("rtl\u{202e}txt"), "rtl\\u{202e}txt");
        assert!(!escape("\x1b]0;title\x07").chars().any(char::is_control));
    }

    #[test]
    fn lists_are_summarised_within_the_width() {
        let list: Vec<String> = (0..64).map(|i| format!("team-{i:04}/waypoint")).collect();
        let s = summarise(&list.join(", "), 60);
        assert_eq!(s, "team-0000/waypoint, team-0001/waypoint, … (+62)");
        assert!(s.chars().count() <= 60);
        assert_eq!(summarise("a, b", 60), "a, b");
        assert!(summarise("averyveryverylongitem, b", 10).chars().count() <= 10);
    }

    #[test]
    fn long_words_break_after_a_separator_near_the_end() {
        let w = wrap("critical fail-closed-single-replica", 15, 0);
        assert_eq!(w, ["critical", "fail-closed-", "single-replica"]);
        let w = wrap("VirtualService.networking.istio.io", 20, 0);
        assert_eq!(w, ["VirtualService.", "networking.istio.io"]);
    }

    #[test]
    fn wrapping_keeps_every_word() {
        let w = wrap("one two three four five six seven", 12, 2);
        assert!(w.iter().all(|l| l.chars().count() <= 12), "{w:?}");
        assert_eq!(
            w.iter().map(|l| l.trim()).collect::<Vec<_>>().join(" "),
            "one two three four five six seven"
        );
        let long = wrap(&"x".repeat(30), 10, 0);
        assert!(long.iter().all(|l| l.chars().count() <= 10), "{long:?}");
        assert_eq!(long.concat(), "x".repeat(30));
    }

    #[test]
    fn tables_fit_by_shortening_then_dropping() {
        let headers = ["NAME", "EXTRA", "TARGETS"];
        let fits = [
            ColFit::default(),
            ColFit {
                drop: 1,
                shrink: Shrink::Keep,
            },
            ColFit {
                drop: 0,
                shrink: Shrink::List,
            },
        ];
        let targets: Vec<String> = (0..20).map(|i| format!("ns-{i}/waypoint")).collect();
        let rows = vec![vec!["step".to_owned(), "x".repeat(30), targets.join(", ")]];
        let f = fit(&headers, &fits, &rows, 80);
        assert!(f.lost);
        let line_width =
            f.rows[0].iter().map(|c| width(c)).sum::<usize>() + GAP * (f.rows[0].len() - 1);
        assert!(line_width <= 80, "{f:?}");
        // A table that fits is left alone.
        let f = fit(
            &headers,
            &fits,
            &[vec!["a".into(), "b".into(), "c".into()]],
            80,
        );
        assert!(!f.lost);
        assert_eq!(f.headers, headers);
    }

    /// A wrapped column that needs less than its share once wrapped gives the rest back
    /// to a column that would otherwise be cut (compare's Cost section at 80 columns).
    #[test]
    fn room_a_wrapped_column_does_not_use_goes_to_a_cut_one() {
        let headers = ["STEP", "A", "B"];
        let text = ColFit {
            drop: 0,
            shrink: Shrink::Text,
        };
        let fits = [ColFit::default(), text, text];
        let rows = vec![vec![
            "+ observability".to_owned(),
            "0.00 (unset)".to_owned(),
            "0.00 (unset)".to_owned(),
        ]];
        // Natural 15 + 12 + 12 + 2 gaps of 3 = 45. At 35 each column first gets 9 and the
        // two wrapped ones use 7 ("(unset)"): 15 + 7 + 7 + 6 = 35.
        let f = fit(&headers, &fits, &rows, 35);
        assert_eq!(f.rows[0][0], "+ observability", "{f:?}");
        assert_eq!(f.rows[0][1], "0.00\n(unset)");
        assert!(!f.lost, "wrapping loses nothing");
        // Without the room, the cut still happens.
        let f = fit(&headers, &fits, &rows, 34);
        assert!(f.rows[0][0].ends_with('…') && f.lost, "{f:?}");
    }
}
