//! Prices as data: what one vCPU-hour and one GiB-hour cost, from `--price` or from a
//! pricing file (TOML) of named presets, each with its source and the day it was read.
//!
//! Nothing is fetched at run time: a price is only what the user or the file says, so a
//! bill can always be traced to the figure it was computed from. A file is strict (an
//! unknown key, a negative price or a preset without its source is an error naming it),
//! because a silently ignored typo would be a silently wrong bill.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Error;

/// The built-in pricing file, embedded; `--print-prices` prints it.
pub const DEFAULT_PRICES: &str = include_str!("default-prices.toml");

/// One price to bill at: per vCPU-hour and per GiB-hour, in `currency`.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    pub currency: String,
    pub cpu_per_hour: f64,
    pub memory_gib_per_hour: f64,
    /// Where it came from: `--price`, or `preset NAME (SOURCE, read DAY)`.
    pub origin: String,
}

/// A pricing file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    currency: String,
    #[serde(default)]
    default: Option<String>,
    #[serde(default)]
    presets: BTreeMap<String, Preset>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Preset {
    #[serde(default)]
    #[expect(dead_code, reason = "read by people: the file documents itself")]
    description: Option<String>,
    #[serde(default)]
    cpu_per_hour: Option<f64>,
    #[serde(default, rename = "memoryGiBPerHour")]
    memory_gib_per_hour: Option<f64>,
    #[serde(default)]
    instance_per_hour: Option<f64>,
    #[serde(default)]
    vcpus: Option<f64>,
    #[serde(default, rename = "memoryGiB")]
    memory_gib: Option<f64>,
    #[serde(default)]
    cpu_share: Option<f64>,
    source: String,
    read: String,
    #[serde(default)]
    #[expect(dead_code, reason = "read by people: the file documents itself")]
    note: Option<String>,
}

impl Preset {
    /// The two prices: given, or split from the instance price.
    fn prices(&self, origin: &str, name: &str) -> Result<(f64, f64), Error> {
        let bad = |message: String| Error::Prices {
            origin: origin.to_owned(),
            message: format!("preset `{name}`: {message}"),
        };
        let (cpu, mem) = match (self.cpu_per_hour, self.memory_gib_per_hour) {
            (Some(c), Some(m)) => (c, m),
            (None, None) => {
                let (Some(p), Some(v), Some(g), Some(s)) = (
                    self.instance_per_hour,
                    self.vcpus,
                    self.memory_gib,
                    self.cpu_share,
                ) else {
                    return Err(bad("give cpuPerHour and memoryGiBPerHour, or instancePerHour, vcpus, memoryGiB and cpuShare".to_owned()));
                };
                if v <= 0.0 || g <= 0.0 || !(0.0..=1.0).contains(&s) {
                    return Err(bad(
                        "vcpus and memoryGiB must be above 0, cpuShare between 0 and 1".to_owned(),
                    ));
                }
                (p * s / v, p * (1.0 - s) / g)
            }
            _ => return Err(bad("cpuPerHour and memoryGiBPerHour go together".to_owned())),
        };
        if !(cpu.is_finite() && mem.is_finite() && cpu >= 0.0 && mem >= 0.0) {
            return Err(bad("prices must be zero or more".to_owned()));
        }
        if self.source.trim().is_empty() || self.read.trim().is_empty() {
            return Err(bad(
                "a preset names its source and the day it was read".to_owned()
            ));
        }
        Ok((cpu, mem))
    }
}

/// The price `--price` and `--prices` ask for: `spec` is `cpu=X/h,memory=Y/GiB-h` (with an
/// optional `currency=EUR`; default: the file's currency, else USD) or a preset's name;
/// without `spec`, the file's `default` preset. `file` is (origin, text) of `--prices`, else
/// the built-in file is used for preset names.
pub fn resolve(spec: Option<&str>, file: Option<(&str, &str)>) -> Result<Option<Price>, Error> {
    if spec.is_none() && file.is_none() {
        return Ok(None);
    }
    let (origin, text) = file.unwrap_or(("the built-in prices", DEFAULT_PRICES));
    let parsed: File = toml::from_str(text).map_err(|e| Error::Prices {
        origin: origin.to_owned(),
        message: e.message().to_owned(),
    })?;
    if let Some(s) = spec.filter(|s| s.contains('=')) {
        return direct(s, file.map(|_| parsed.currency.as_str())).map(Some);
    }
    let Some(name) = spec.or(parsed.default.as_deref()) else {
        return Err(Error::Prices {
            origin: origin.to_owned(),
            message: "no `default` preset: name one with --price NAME".to_owned(),
        });
    };
    let preset = parsed
        .presets
        .get(name)
        .ok_or_else(|| Error::UnknownPreset {
            origin: origin.to_owned(),
            name: name.to_owned(),
            known: parsed
                .presets
                .keys()
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let (cpu, mem) = preset.prices(origin, name)?;
    Ok(Some(Price {
        currency: parsed.currency,
        cpu_per_hour: cpu,
        memory_gib_per_hour: mem,
        origin: format!("preset {name} ({}, read {})", preset.source, preset.read),
    }))
}

/// `cpu=0.031/h,memory=0.0042/GiB-h[,currency=EUR]`.
fn direct(spec: &str, currency: Option<&str>) -> Result<Price, Error> {
    let bad = |message: &str| Error::PriceFlag {
        spec: spec.to_owned(),
        message: message.to_owned(),
    };
    let (mut cpu, mut mem, mut cur) = (None, None, currency.map(str::to_owned));
    for term in spec.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (key, value) = term
            .split_once('=')
            .ok_or_else(|| bad("each term is KEY=VALUE"))?;
        let number = |units: &[&str]| -> Result<f64, Error> {
            let v = units
                .iter()
                .find_map(|u| value.strip_suffix(u))
                .unwrap_or(value)
                .trim();
            match v.parse::<f64>() {
                Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
                _ => Err(bad(&format!(
                    "`{term}`: a price is a number zero or more, optionally followed by {}",
                    units.join(" or ")
                ))),
            }
        };
        match key.trim() {
            "cpu" => cpu = Some(number(&["/vCPU-h", "/h"])?),
            "memory" => mem = Some(number(&["/GiB-h"])?),
            "currency" if !value.trim().is_empty() => cur = Some(value.trim().to_owned()),
            _ => {
                return Err(bad(&format!(
                    "unknown term `{term}` (cpu, memory, currency)"
                )))
            }
        }
    }
    match (cpu, mem) {
        (Some(c), Some(m)) => Ok(Price {
            currency: cur.unwrap_or_else(|| "USD".to_owned()),
            cpu_per_hour: c,
            memory_gib_per_hour: m,
            origin: "--price".to_owned(),
        }),
        _ => Err(bad("give both cpu=PRICE/h and memory=PRICE/GiB-h")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_prices_parse_with_or_without_units() {
        let p = resolve(Some("cpu=0.031/h,memory=0.0042/GiB-h"), None)
            .unwrap()
            .unwrap();
        assert_eq!((p.cpu_per_hour, p.memory_gib_per_hour), (0.031, 0.0042));
        assert_eq!(p.currency, "USD");
        let p = resolve(Some("cpu=1,memory=2,currency=EUR"), None)
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.cpu_per_hour, p.memory_gib_per_hour, p.currency.as_str()),
            (1.0, 2.0, "EUR")
        );
    }

    #[test]
    fn bad_price_flags_are_errors_naming_the_term() {
        for bad in [
            "cpu=0.03",
            "cpu=-1,memory=1",
            "cpu=1,memory=1/TB-h",
            "gpu=1",
        ] {
            let e = resolve(Some(bad), None).unwrap_err().to_string();
            assert!(e.contains(bad) || e.contains("gpu"), "{bad}: {e}");
        }
    }

    #[test]
    fn the_built_in_default_preset_splits_its_instance_price() {
        let p = resolve(None, Some(("built-in", DEFAULT_PRICES)))
            .unwrap()
            .unwrap();
        // m7g.large: $0.0816/h, half to 2 vCPUs, half to 8 GiB.
        assert!((p.cpu_per_hour - 0.0204).abs() < 1e-12);
        assert!((p.memory_gib_per_hour - 0.0051).abs() < 1e-12);
        assert!(p.origin.contains("https://"), "{}", p.origin);
        let named = resolve(Some("aws-m7g-large"), None).unwrap().unwrap();
        assert_eq!(named, p);
    }

    #[test]
    fn a_preset_without_source_or_with_an_unknown_key_is_refused() {
        let no_source = "currency = \"USD\"\n[presets.x]\ncpuPerHour = 1\nmemoryGiBPerHour = 1\nsource = \"\"\nread = \"2026-01-01\"\n";
        let e = resolve(Some("x"), Some(("f.toml", no_source))).unwrap_err();
        assert!(e.to_string().contains("source"), "{e}");
        let typo = "currency = \"USD\"\n[presets.x]\ncpuPerHr = 1\nsource = \"u\"\nread = \"d\"\n";
        let e = resolve(Some("x"), Some(("f.toml", typo))).unwrap_err();
        assert!(e.to_string().contains("f.toml"), "{e}");
        let e = resolve(Some("nope"), None).unwrap_err().to_string();
        assert!(e.contains("nope") && e.contains("aws-m7g-large"), "{e}");
    }
}
