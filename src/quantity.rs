//! Kubernetes resource quantities (`100m`, `0.5`, `128Mi`, `1G`, `1e3`, `1.5Gi`).
//!
//! The mesh bill is a sum of container requests, so quantities must be read exactly the
//! way the API server reads them: a decimal number (with an optional decimal exponent) and
//! an optional binary (`Ki`..`Ei`) or decimal (`n`, `u`, `m`, `k`, `M`..`E`) suffix. The
//! arithmetic is done on integers (no floating point), and a fractional result is rounded
//! up, as Kubernetes rounds a CPU request of `0.1m` up to `1m`.

use thiserror::Error;

use crate::arith::{MAX_CONTAINER_BYTES, MAX_CONTAINER_MILLICORES};

/// Why a quantity string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid quantity {input:?}: {reason}")]
pub struct QuantityError {
    /// The text as it was given.
    pub input: String,
    /// What is wrong with it.
    pub reason: &'static str,
    /// The text is a number, but bigger than any one container could hold (see
    /// [`crate::arith`]): the caller should not count it as 0, or a budget would pass.
    pub absurd: bool,
}

/// A parsed quantity: `mantissa × 10^exp10 × 2^exp2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parsed {
    negative: bool,
    mantissa: u128,
    exp10: i64,
    exp2: u32,
}

/// Significant digits kept (10^30 < 2^100 leaves room for a binary suffix in a `u128`).
/// Digits past these are dropped and the mantissa is rounded up, which changes nothing
/// below 10^30 after scaling: far above any ceiling.
const MAX_DIGITS: usize = 30;

/// A decimal exponent this large makes any non-zero value absurd (and any fraction
/// round up to 1); clamping keeps `1e99999999999999999999` a number, not an error.
const EXP_CLAMP: i64 = 1_000;

fn parse(input: &str) -> Result<Parsed, QuantityError> {
    let err = |reason| QuantityError {
        input: input.to_owned(),
        reason,
        absurd: false,
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
    let frac_part = frac_part.trim_end_matches('0');
    let digits: String = format!("{int_part}{frac_part}");
    let digits = digits.trim_start_matches('0');
    // Keep MAX_DIGITS significant digits; the dropped ones shift the exponent and, when
    // any is non-zero, round the mantissa up (the value is rounded up in the end anyway).
    let (kept, dropped) = digits.split_at(digits.len().min(MAX_DIGITS));
    let mut mantissa: u128 = if kept.is_empty() {
        0
    } else {
        kept.parse().map_err(|_| err("bad digits"))?
    };
    if dropped.bytes().any(|b| b != b'0') {
        mantissa += 1;
    }
    let len = |s: &str| i64::try_from(s.len()).unwrap_or(i64::MAX);
    let mut exp10 = len(dropped).saturating_sub(len(frac_part));
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
            let e = &s[1..];
            let (sign, digits) = match e.as_bytes().first() {
                Some(b'-') => (-1, &e[1..]),
                Some(b'+') => (1, &e[1..]),
                _ => (1, e),
            };
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err("bad exponent"));
            }
            let e = digits.parse::<i64>().unwrap_or(EXP_CLAMP).min(EXP_CLAMP);
            exp10 += sign * e;
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

/// Why a parsed value has no `i64` at the wanted scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OutOfRange {
    Negative,
    TooLarge,
}

impl Parsed {
    /// The value scaled by `10^scale`, rounded up to a whole number.
    fn scaled_ceil(self, scale: i64) -> Result<i64, OutOfRange> {
        if self.mantissa == 0 {
            return Ok(0);
        }
        if self.negative {
            return Err(OutOfRange::Negative);
        }
        let big = OutOfRange::TooLarge;
        let mut value = self
            .mantissa
            .checked_mul(1u128.checked_shl(self.exp2).ok_or(big)?)
            .ok_or(big)?;
        let exp = self.exp10 + scale;
        let pow = |e: i64| {
            u32::try_from(e.unsigned_abs())
                .ok()
                .and_then(|e| 10u128.checked_pow(e))
        };
        if exp >= 0 {
            value = value.checked_mul(pow(exp).ok_or(big)?).ok_or(big)?;
        } else {
            // A divisor beyond u128 leaves a positive fraction, which rounds up to 1.
            value = pow(exp).map_or(1, |div| value.div_ceil(div));
        }
        i64::try_from(value).map_err(|_| big)
    }

    /// The value at `scale`, refused when negative, or absurd above `ceiling`.
    fn checked(
        self,
        input: &str,
        scale: i64,
        ceiling: i64,
        absurd: &'static str,
    ) -> Result<i64, QuantityError> {
        let refuse = |reason, absurd| QuantityError {
            input: input.to_owned(),
            reason,
            absurd,
        };
        match self.scaled_ceil(scale) {
            Ok(v) if v <= ceiling => Ok(v),
            Ok(_) | Err(OutOfRange::TooLarge) => Err(refuse(absurd, true)),
            Err(OutOfRange::Negative) => Err(refuse("negative", false)),
        }
    }
}

/// CPU in millicores (`100m` → 100, `0.5` → 500, `2` → 2000). More than
/// [`MAX_CONTAINER_MILLICORES`] is refused as absurd.
pub fn cpu_millicores(input: &str) -> Result<i64, QuantityError> {
    parse(input)?.checked(
        input,
        3,
        MAX_CONTAINER_MILLICORES,
        "absurd: more than 1000000 cores, beyond any node",
    )
}

/// Memory in bytes (`128Mi` → 134217728, `1G` → 1000000000, `1e3` → 1000). More than
/// [`MAX_CONTAINER_BYTES`] is refused as absurd.
pub fn bytes(input: &str) -> Result<i64, QuantityError> {
    parse(input)?.checked(
        input,
        0,
        MAX_CONTAINER_BYTES,
        "absurd: more than 1Pi, beyond any node",
    )
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
        assert_eq!(bytes("1P"), Ok(1_000_000_000_000_000));
        assert_eq!(bytes("1Pi"), Ok(1 << 50), "the ceiling itself is fine");
        assert_eq!(bytes("0"), Ok(0));
        assert_eq!(bytes("-0"), Ok(0));
        assert_eq!(bytes("0E"), Ok(0));
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
        assert!(!e.absurd);
        assert!(
            !bytes("-1").unwrap_err().absurd,
            "negative is malformed, not absurd"
        );
    }

    #[test]
    fn absurd_values_are_refused_as_absurd() {
        for big in [
            "5E",
            "2Pi",
            "1e400",
            "1e99999999999999999999",
            "9999999999999999999Ki",
            "99999999999Ei",
            "1000000000000000000000000000000000000000000000",
            "1.5Ei",
        ] {
            let e = bytes(big).unwrap_err();
            assert!(e.absurd, "{big:?}: {e}");
            assert_eq!(e.reason, "absurd: more than 1Pi, beyond any node");
        }
        assert_eq!(cpu_millicores("1000000"), Ok(1_000_000_000));
        for big in ["1000001", "1e7", "5E", "1e400"] {
            assert!(cpu_millicores(big).unwrap_err().absurd, "{big:?}");
        }
    }

    #[test]
    fn tiny_and_long_values_round_up() {
        assert_eq!(cpu_millicores("0.0001m"), Ok(1));
        assert_eq!(cpu_millicores("1e-400"), Ok(1));
        assert_eq!(cpu_millicores("0e-400"), Ok(0));
        assert_eq!(cpu_millicores("1n"), Ok(1));
        assert_eq!(cpu_millicores("0.5m"), Ok(1));
        assert_eq!(cpu_millicores("1e+3"), Ok(1_000_000));
        // More digits than kept: trailing zeros change nothing, other digits round up.
        assert_eq!(
            cpu_millicores("1.00000000000000000000000000000000000"),
            Ok(1000)
        );
        assert_eq!(
            cpu_millicores("1.00000000000000000000000000000000001"),
            Ok(1001)
        );
        assert_eq!(bytes("0.000000000000000000000000000000000000001Ki"), Ok(1));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC{0,24}") {
            let _ = cpu_millicores(&s);
            let _ = bytes(&s);
        }

        #[test]
        fn parsed_values_are_within_the_ceilings(s in "[+-]?[0-9]{0,22}(\\.[0-9]{0,22})?(|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[+-]?[0-9]{1,4})") {
            if let Ok(v) = bytes(&s) {
                prop_assert!((0..=MAX_CONTAINER_BYTES).contains(&v));
            }
            if let Ok(v) = cpu_millicores(&s) {
                prop_assert!((0..=MAX_CONTAINER_MILLICORES).contains(&v));
            }
        }

        #[test]
        fn sums_of_arbitrary_quantities_never_go_negative(
            items in proptest::collection::vec(
                ("[+-]?[0-9]{0,22}(\\.[0-9]{0,6})?(|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|e[+-]?[0-9]{1,3})", any::<u64>()),
                0..12,
            )
        ) {
            use crate::arith::{times, SatSum, SATURATED};
            // As detection counts them: malformed → 0, absurd → saturated.
            let value = |r: Result<i64, QuantityError>| match r {
                Ok(v) => v,
                Err(e) if e.absurd => SATURATED,
                Err(_) => 0,
            };
            let memory = items.iter().map(|(q, n)| times(value(bytes(q)), *n)).sat_sum();
            let cpu = items.iter().map(|(q, n)| times(value(cpu_millicores(q)), *n)).sat_sum();
            prop_assert!(memory >= 0 && cpu >= 0);
        }

        #[test]
        fn integer_mebibytes_roundtrip(n in 0i64..1_000_000) {
            prop_assert_eq!(bytes(&format!("{n}Mi")), Ok(n * 1_048_576));
            prop_assert_eq!(cpu_millicores(&format!("{n}m")), Ok(n));
        }
    }
}
