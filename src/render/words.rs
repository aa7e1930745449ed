//! How figures and facts are written for people, in every human output (tables,
//! Markdown, stderr): CPU and memory in Kubernetes units, counts with their noun, signed
//! changes, `not set` for a request nobody made, what a snapshot was taken of.
//!
//! One place, so that a figure reads the same in `scan`, `diff`, `plan` and `headcount`.
//! JSON and YAML keep the raw numbers.

use crate::surface::{Source, SourceKind, Totals};

/// Written where a CPU or memory request is 0 although pods are there: nothing was requested.
pub(crate) const NOT_SET: &str = "not set";

/// The line explaining [`NOT_SET`], printed once under output that shows it.
pub(crate) const NOT_SET_NOTE: &str =
    "not set: these pods request no CPU/memory (counted as 0 in the totals; they still use some).";

/// Between a before and an after value: `1.25.4 → 1.26.3`.
pub(crate) const ARROW: &str = " → ";

/// A request for people: [`NOT_SET`] when `instances` pods request nothing.
pub(crate) fn request(value: i64, instances: u64, unit: fn(i64) -> String) -> String {
    if value == 0 && instances > 0 {
        NOT_SET.to_owned()
    } else {
        unit(value)
    }
}

/// CPU for people: millicores up to 10 cores (`1100m`, `2000m`), cores above
/// (`300.5 cores`), so that big figures stay readable. JSON keeps millicores.
pub fn cpu(millicores: i64) -> String {
    if millicores.unsigned_abs() < 10_000 {
        return format!("{millicores}m");
    }
    let tenths = (millicores + millicores.signum() * 50) / 100;
    if tenths % 10 == 0 {
        format!("{} cores", tenths / 10)
    } else {
        format!("{}.{} cores", tenths / 10, (tenths % 10).abs())
    }
}

/// Memory in binary units, rounded for reading (`128Mi`, `2.63Gi`).
pub fn memory(bytes: i64) -> String {
    const MI: i64 = 1 << 20;
    const GI: i64 = 1 << 30;
    #[expect(clippy::cast_precision_loss, reason = "display only, to one decimal")]
    let f = |b: i64, unit: i64| b as f64 / unit as f64;
    if bytes >= GI {
        if bytes % GI == 0 {
            format!("{}Gi", bytes / GI)
        } else {
            format!("{:.2}Gi", f(bytes, GI))
        }
    } else if bytes >= MI {
        if bytes % MI == 0 {
            format!("{}Mi", bytes / MI)
        } else {
            format!("{:.1}Mi", f(bytes, MI))
        }
    } else {
        bytes.to_string()
    }
}

/// A count as a plain number (the unit of figures that are neither CPU nor memory).
pub(crate) fn plain(n: i64) -> String {
    n.to_string()
}

/// A change with its sign, in `unit`: `+3`, `-1400m`, `0`.
pub(crate) fn signed(n: i64, unit: fn(i64) -> String) -> String {
    match n {
        0 => unit(0),
        n if n > 0 => format!("+{}", unit(n)),
        n => format!("-{}", unit(n.saturating_abs())),
    }
}

/// `1 node`, `2 nodes`, `2 meshes`, `2 proxies`: the count and its noun, singular for one.
pub(crate) fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        return format!("1 {what}");
    }
    let y_to_ies = what
        .strip_suffix('y')
        .filter(|stem| !stem.ends_with(['a', 'e', 'o', 'u']));
    match y_to_ies {
        Some(stem) => format!("{n} {stem}ies"),
        None if what.ends_with("sh") || what.ends_with("ch") || what.ends_with('s') => {
            format!("{n} {what}es")
        }
        None => format!("{n} {what}s"),
    }
}

/// An optional value, `-` when absent.
pub(crate) fn opt(s: Option<&String>) -> String {
    s.cloned().unwrap_or_else(|| "-".to_owned())
}

/// The pods behind a set of totals (components' and proxies'): whose requests they are.
pub(crate) fn pods(t: &Totals) -> u64 {
    t.component_instances.saturating_add(t.proxy_instances)
}

/// What a snapshot was taken of (`context prod-eu`, or its paths) and whether it is complete.
pub(crate) fn origin(source: &Source, complete: bool) -> (String, &'static str) {
    let what = match source.kind {
        SourceKind::Live => format!(
            "context {}",
            source.context.as_deref().unwrap_or("(current)")
        ),
        SourceKind::Offline => source.paths.join(", "),
    };
    let status = if complete {
        "complete"
    } else {
        "INCOMPLETE: some resources could not be read"
    };
    (what, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_read_well() {
        assert_eq!(cpu(1100), "1100m");
        assert_eq!(cpu(2000), "2000m");
        assert_eq!(cpu(0), "0m");
        assert_eq!(cpu(9999), "9999m");
        assert_eq!(cpu(300_500), "300.5 cores");
        assert_eq!(cpu(50_500), "50.5 cores");
        assert_eq!(cpu(12_000), "12 cores");
        assert_eq!(cpu(-12_340), "-12.3 cores");
        assert_eq!(memory(134_217_728), "128Mi");
        assert_eq!(memory(2_818_572_288), "2.62Gi"); // 2.625: ties round to even
        assert_eq!(memory(2 << 30), "2Gi");
        assert_eq!(memory(20_971_520 + 1), "20.0Mi");
        assert_eq!(memory(512), "512");
        assert_eq!(plural(1, "mesh"), "1 mesh");
        assert_eq!(plural(2, "mesh"), "2 meshes");
        assert_eq!(plural(0, "proxy"), "0 proxies");
        assert_eq!(plural(3, "proxy instance"), "3 proxy instances");
        assert_eq!(plural(1, "meshed cluster"), "1 meshed cluster");
    }

    #[test]
    fn changes_carry_their_sign() {
        assert_eq!(signed(0, plain), "0");
        assert_eq!(signed(3, plain), "+3");
        assert_eq!(signed(-1400, cpu), "-1400m");
        // `memory` of a negative figure would be bytes: the sign goes before the unit.
        assert_eq!(signed(-(2 << 30), memory), "-2Gi");
        assert_eq!(signed(i64::MIN, plain), format!("-{}", i64::MAX));
    }
}
