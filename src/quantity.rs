//! Kubernetes resource quantities (`100m`, `0.5`, `128Mi`, `1G`, `1e3`, `1.5Gi`).
//!
//! The mesh bill is a sum of container requests, so quantities must be read exactly the
//! way the API server reads them: a decimal number (with an optional decimal exponent) and
//! an optional binary (`Ki`..`Ei`) or decimal (`n`, `u`, `m`, `k`, `M`..`E`) suffix. The
//! arithmetic is done on integers (no floating point), and a fractional result is rounded
//! up, as Kubernetes rounds a CPU request of `0.1m` up to `1m`.

use thiserror::Error;

/// Why a quantity string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid quantity {input:?}: {reason}")]
pub struct QuantityError {
    /// The text as it was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

/// A parsed quantity: `mantissa × 10^exp10 × 2^exp2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parsed {
    negative: bool,
    mantissa: u128,
    exp10: i32,
    exp2: u32,
}

const MAX_DIGITS: usize = 30;

fn parse(input: &str) -> Result<Parsed, QuantityError> {
    let err = |reason| QuantityError {
        input: input.to_owned(),
        reason,
    };
    let s = input.trim();
    if s.is_empty() {
        return Err(err("empty"));
    }
    let (negative, rest) = match s.as_bytes()[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    // number part: digits, optional '.', digits
    let num_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(num_end);
    if number.is_empty() || number == "." {
        return Err(err("no number"));
    }
    let mut parts = number.splitn(2, '.');
    let int_part = parts.next().unwrap_or("");
    let frac_part = parts.next().unwrap_or("");
    if frac_part.contains('.') {
        return Err(err("more than one decimal point"));
    }
    let digits: String = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    if digits.len() > MAX_DIGITS {
        return Err(err("too many digits"));
    }
    let mantissa: u128 = if digits.is_empty() {
        0
    } else {
        digits.parse().map_err(|_| err("bad digits"))?
    };
    let frac_len = i32::try_from(frac_part.len()).map_err(|_| err("too many digits"))?;
    let mut exp10 = -frac_len;
    let mut exp2 = 0u32;
    match suffix {
        "" => {}
        "n" => exp10 -= 9,
        "u" => exp10 -= 6,
        "m" => exp10 -= 3,
        "k" => exp10 += 3,
        "M" => exp10 += 6,
        "G" => exp10 += 9,
        "T" => exp10 += 12,
        "P" => exp10 += 15,
        "E" => exp10 += 18,
        "Ki" => exp2 = 10,
        "Mi" => exp2 = 20,
        "Gi" => exp2 = 30,
        "Ti" => exp2 = 40,
        "Pi" => exp2 = 50,
        "Ei" => exp2 = 60,
        s if s.starts_with(['e', 'E']) => {
            let e: i32 = s[1..].parse().map_err(|_| err("bad exponent"))?;
            if !(-40..=40).contains(&e) {
                return Err(err("exponent out of range"));
            }
            exp10 += e;
        }
        _ => return Err(err("unknown suffix")),
    }
    Ok(Parsed {
        negative,
        mantissa,
        exp10,
        exp2,
    })
}

impl Parsed {
    /// The value scaled by `10^scale`, rounded up to a whole number.
    fn scaled_ceil(self, scale: i32) -> Option<i64> {
        if self.negative && self.mantissa != 0 {
            return None;
        }
        let mut value = self.mantissa.checked_mul(1u128.checked_shl(self.exp2)?)?;
        let exp = self.exp10 + scale;
        if exp >= 0 {
            value = value.checked_mul(10u128.checked_pow(exp.unsigned_abs())?)?;
        } else {
            let div = 10u128.checked_pow(exp.unsigned_abs()).unwrap_or(u128::MAX);
            value = value.div_ceil(div);
        }
        i64::try_from(value).ok()
    }
}

/// CPU in millicores (`100m` → 100, `0.5` → 500, `2` → 2000).
pub fn cpu_millicores(input: &str) -> Result<i64, QuantityError> {
    let p = parse(input)?;
    p.scaled_ceil(3).ok_or(QuantityError {
        input: input.to_owned(),
        reason: "negative or out of range",
    })
}

/// Memory in bytes (`128Mi` → 134217728, `1G` → 1000000000, `1e3` → 1000).
pub fn bytes(input: &str) -> Result<i64, QuantityError> {
    let p = parse(input)?;
    p.scaled_ceil(0).ok_or(QuantityError {
        input: input.to_owned(),
        reason: "negative or out of range",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cpu_forms() {
        assert_eq!(cpu_millicores("100m"), Ok(100));
        assert_eq!(cpu_millicores("0.5"), Ok(500));
        assert_eq!(cpu_millicores("2"), Ok(2000));
        assert_eq!(cpu_millicores("1e3"), Ok(1_000_000));
        assert_eq!(cpu_millicores("0.1m"), Ok(1), "fractions round up");
        assert_eq!(cpu_millicores("250000u"), Ok(250));
        assert_eq!(cpu_millicores("+1.5"), Ok(1500));
        assert_eq!(cpu_millicores(".5"), Ok(500));
    }

    #[test]
    fn memory_forms() {
        assert_eq!(bytes("128Mi"), Ok(134_217_728));
        assert_eq!(bytes("1G"), Ok(1_000_000_000));
        assert_eq!(bytes("1e3"), Ok(1000));
        assert_eq!(bytes("1.5Gi"), Ok(1_610_612_736));
        assert_eq!(bytes("20Mi"), Ok(20_971_520));
        assert_eq!(bytes("1024"), Ok(1024));
        assert_eq!(bytes("1E"), Ok(1_000_000_000_000_000_000));
        assert_eq!(bytes("0"), Ok(0));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in [
            "",
            "m",
            "abc",
            "1.2.3",
            "10Xi",
            "1e",
            "-1",
            "1e999",
            "9Ei0",
            "99999999999Ei",
        ] {
            assert!(bytes(bad).is_err(), "{bad:?} should be rejected");
        }
        let e = cpu_millicores("12q").unwrap_err();
        assert_eq!(e.to_string(), "invalid quantity \"12q\": unknown suffix");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = cpu_millicores(&s);
            let _ = bytes(&s);
        }

        #[test]
        fn integer_mebibytes_roundtrip(n in 0i64..1_000_000) {
            prop_assert_eq!(bytes(&format!("{n}Mi")), Ok(n * 1_048_576));
            prop_assert_eq!(cpu_millicores(&format!("{n}m")), Ok(n));
        }
    }
}
