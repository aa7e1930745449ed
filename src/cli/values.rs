//! Flag values that need more than clap's parsers: sizes, durations and byte counts as
//! kubectl writes them, and `--sweep AXIS=V1,V2`. Apart from the flag definitions so that
//! each parser sits with its own tests of the forms it accepts.

/// A size in bytes as Kubernetes writes memory (`64Mi`, `4Gi`, `1G`, `1000`).
pub fn parse_size(s: &str) -> Result<u64, String> {
    crate::quantity::bytes(s.trim())
        .ok()
        .and_then(|n| u64::try_from(n).ok())
        .filter(|&n| n > 0)
        .ok_or_else(|| format!("{s:?} is not a size like 64Mi, 4Gi or 1000000"))
}

/// kubectl's `--request-timeout` forms: `0`, `15` (seconds), `500ms`, `30s`, `2m`, `1h`.
pub fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration like 30s, 2m or 500ms"))?;
    let ms = match unit {
        "" | "s" => n.saturating_mul(1000),
        "ms" => n,
        "m" => n.saturating_mul(60_000),
        "h" => n.saturating_mul(3_600_000),
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use ms, s, m or h)")),
    };
    Ok(std::time::Duration::from_millis(ms))
}

/// A byte count: `300000`, or with a binary suffix `64Ki`, `256Mi`, `1Gi`; at least 1 KiB.
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size like 256Mi, 1Gi or 300000"))?;
    let scale: u64 = match unit {
        "" => 1,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        _ => return Err(format!("{s:?}: unknown unit {unit:?} (use Ki, Mi or Gi)")),
    };
    let bytes = n.saturating_mul(scale);
    if bytes < 1024 {
        return Err(format!("{s:?}: at least 1Ki"));
    }
    Ok(bytes)
}

/// `--sweep namespaces=10,100,1000`: one axis and its scale points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sweep {
    pub axis: crate::growth::Axis,
    pub values: Vec<u64>,
}

/// Parses `AXIS=V1,V2,...` with AXIS one of nodes, namespaces, pods.
pub fn parse_sweep(s: &str) -> Result<Sweep, String> {
    let (axis, values) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: expected AXIS=V1,V2 such as namespaces=10,100,1000"))?;
    let axis = crate::growth::Axis::parse(axis)
        .ok_or_else(|| format!("{axis:?}: the axis is nodes, namespaces or pods"))?;
    let values = values
        .split(',')
        .map(|v| {
            v.trim()
                .parse::<u64>()
                .map_err(|_| format!("{v:?} is not a whole number"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sweep { axis, values })
}
