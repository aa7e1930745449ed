//! Budgets (`--fail-on`): a small expression language over the totals, so that a CI
//! pipeline can refuse a change that grows the operating surface too much.
//!
//! An expression is terms joined by commas; a term is a totals field (its camelCase JSON
//! name), `>`, and a limit:
//! - `field>N`: the value (on `diff`, the after value) is above N;
//! - `field>+N`: on `diff`, the value grew by more than N;
//! - `field>+N%`: on `diff`, the value grew by more than N percent of its before value
//!   (from 0, any growth is more than any percentage).
//!
//! N is a whole number in the field's own unit (millicores, bytes, a count). CPU and memory
//! limits may also carry units: `cpuRequestMillicores>2cores` or `>2000m`,
//! `memoryRequestBytes>+4Gi` (any Kubernetes suffix: `Ki`..`Ei`, `k`..`E`).
//!
//! A term may also name one configuration kind: `config.envoyfilters>0` (its resource
//! name, the plural) is the number of objects of that kind; a kind whose count is unknown
//! is not judged.
//!
//! And hazards: `hazards>0` is the number of hazards (entries of `hazards[]`, one per code
//! and mesh), `hazards.critical>0` those of one severity, `hazards.fragile-config>0` those
//! of one code. A scan with hazards exits 0 unless such a term says otherwise.
//!
//! Only `diff` has a before, so `scan` takes absolute terms only. Parsing fails with a
//! message naming the term and what is wrong; checking returns every term that failed.

use thiserror::Error;

use crate::arith::is_saturated;
use crate::surface::{as_i64, HazardCode, Severity, Snapshot, Totals};

/// What budgets are judged on: the totals, or a whole snapshot (which also answers
/// per-kind configuration terms).
pub trait Figures {
    /// The value of a term's figure, None when it has none (or it is unknown).
    fn figure(&self, term: &Term) -> Option<i64>;
}

impl Figures for Totals {
    fn figure(&self, term: &Term) -> Option<i64> {
        match (&term.config, term.hazards) {
            (None, None) => self.get(term.field),
            _ => None,
        }
    }
}

impl Figures for Snapshot {
    fn figure(&self, term: &Term) -> Option<i64> {
        if term.field == COST_MONTHLY {
            // Whole currency units of the monthly bill on requests; unbilled: not judged.
            #[expect(
                clippy::cast_possible_truncation,
                reason = "a monthly bill, rounded, is far below i64::MAX"
            )]
            return self
                .cost
                .as_ref()
                .map(|c| c.requests.monthly.round() as i64);
        }
        if let Some(filter) = term.hazards {
            let n = self.hazards.iter().filter(|h| filter.counts(h)).count();
            return Some(as_i64(n as u64));
        }
        let Some(resource) = &term.config else {
            return self.totals.figure(term);
        };
        if !self.totals.config_known() {
            return None;
        }
        // A kind the cluster does not have holds no objects (0); a kind whose count is
        // unknown is not judged.
        let mut sum = 0u64;
        for c in self.config.iter().filter(|c| {
            c.resource.eq_ignore_ascii_case(resource) || c.kind.eq_ignore_ascii_case(resource)
        }) {
            sum = sum.saturating_add(c.objects?);
        }
        Some(as_i64(sum))
    }
}

/// Why a `--fail-on` expression is not understood (a usage error).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    #[error("--fail-on is empty: give terms such as 'components>+2,proxyTypes>2'")]
    Empty,
    #[error("--fail-on term {term:?}: unknown field {field:?}; valid fields: {}, config.<resource> (config.envoyfilters), hazards, hazards.<severity> ({}) or hazards.<code> ({})", Totals::FIELDS.join(", "), Severity::ALL.map(Severity::as_str).join(", "), HazardCode::ALL.map(HazardCode::as_str).join(", "))]
    UnknownField { term: String, field: String },
    #[error("--fail-on term {term:?}: operator {op:?} is not supported; use >N, >+N or >+N%")]
    BadOperator { term: String, op: String },
    #[error("--fail-on term {term:?}: {number:?} is not a {expected}")]
    BadNumber {
        term: String,
        number: String,
        expected: &'static str,
    },
    #[error("--fail-on term {term:?}: a percentage limit must be relative: use >+N%")]
    AbsolutePercent { term: String },
    #[error("--fail-on term {term:?}: `scan` has no before to grow from; use an absolute term such as {field}>N (relative terms work on `diff`)")]
    RelativeOnScan { term: String, field: String },
}

impl Error {
    /// Every budget error is in the `--fail-on` the user wrote.
    pub fn class(&self) -> crate::exit::Class {
        crate::exit::Class::Usage
    }
}

/// The limit of one term.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// `>N`: the value is above N.
    Above(i64),
    /// `>+N`: the value grew by more than N.
    GrowsBy(i64),
    /// `>+N%`: the value grew by more than N percent.
    GrowsByPercent(f64),
}

/// One term, as the user wrote it (whitespace removed) and as understood.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    pub field: &'static str,
    /// `config.<resource>`: the configuration kind (resource or kind name) it counts.
    pub config: Option<String>,
    /// `hazards`, `hazards.<severity>`, `hazards.<code>`: the hazards it counts.
    pub hazards: Option<HazardFilter>,
    pub limit: Limit,
}

/// Which hazards a `hazards` term counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HazardFilter {
    All,
    Severity(Severity),
    Code(HazardCode),
}

impl HazardFilter {
    fn counts(self, h: &crate::surface::Hazard) -> bool {
        match self {
            HazardFilter::All => true,
            HazardFilter::Severity(s) => h.severity == s,
            HazardFilter::Code(c) => h.code == c,
        }
    }

    /// `""` (all), a severity or a code, as written after `hazards.`.
    fn parse(name: &str) -> Option<Self> {
        if name.is_empty() {
            return Some(HazardFilter::All);
        }
        Severity::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .map(HazardFilter::Severity)
            .or_else(|| {
                HazardCode::ALL
                    .into_iter()
                    .find(|c| c.as_str() == name)
                    .map(HazardFilter::Code)
            })
    }
}

/// A parsed `--fail-on` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    pub terms: Vec<Term>,
}

/// A term that the figures exceed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub term: String,
    pub field: &'static str,
    /// Absent on `scan`.
    pub before: Option<i64>,
    pub after: i64,
    /// The growth in percent, when the term is relative to a non-zero before.
    pub percent: Option<f64>,
}

impl Budget {
    /// Parses `term,term,...`.
    pub fn parse(expr: &str) -> Result<Self, Error> {
        let terms = expr
            .split(',')
            .map(|t| t.chars().filter(|c| !c.is_whitespace()).collect::<String>())
            .filter(|t| !t.is_empty())
            .map(|t| parse_term(&t))
            .collect::<Result<Vec<_>, _>>()?;
        if terms.is_empty() {
            return Err(Error::Empty);
        }
        Ok(Self { terms })
    }

    /// Does a term judge the bill (so a price is needed)?
    pub fn needs_cost(&self) -> bool {
        self.terms.iter().any(|t| t.field == COST_MONTHLY)
    }

    /// Refuses relative terms (for `scan`, which has no before).
    pub fn require_absolute(&self) -> Result<(), Error> {
        match self
            .terms
            .iter()
            .find(|t| !matches!(t.limit, Limit::Above(_)))
        {
            Some(t) => Err(Error::RelativeOnScan {
                term: t.text.clone(),
                field: t.field.to_owned(),
            }),
            None => Ok(()),
        }
    }

    /// The terms one snapshot's totals exceed (absolute terms only; see [`Self::require_absolute`]).
    pub fn check_scan(&self, figures: &impl Figures) -> Vec<Failure> {
        self.terms
            .iter()
            .filter_map(|t| {
                let value = figures.figure(t)?;
                // A saturated total is "at least i64::MAX": it exceeds any limit.
                let over = is_saturated(value) || matches!(t.limit, Limit::Above(n) if value > n);
                over.then(|| Failure {
                    term: t.text.clone(),
                    field: t.field,
                    before: None,
                    after: value,
                    percent: None,
                })
            })
            .collect()
    }

    /// The terms a before/after pair exceeds.
    pub fn check_diff<F: Figures>(&self, before: &F, after: &F) -> Vec<Failure> {
        self.terms
            .iter()
            .filter_map(|t| {
                let (b, a) = (before.figure(t)?, after.figure(t)?);
                let delta = a.saturating_sub(b);
                #[expect(clippy::cast_precision_loss, reason = "a percentage")]
                let percent = (b != 0).then(|| delta as f64 * 100.0 / b as f64);
                // A saturated after is unknown and huge: it exceeds any limit.
                let over = is_saturated(a)
                    || match t.limit {
                        Limit::Above(n) => a > n,
                        Limit::GrowsBy(n) => delta > n,
                        // From 0, any growth is infinitely many percent.
                        Limit::GrowsByPercent(p) => percent.map_or(delta > 0, |pc| pc > p),
                    };
                over.then(|| Failure {
                    term: t.text.clone(),
                    field: t.field,
                    before: Some(b),
                    after: a,
                    percent,
                })
            })
            .collect()
    }
}

/// The budget figure of the monthly bill on requests (whole currency units).
pub const COST_MONTHLY: &str = "costMonthly";

fn parse_term(term: &str) -> Result<Term, Error> {
    if let Some(t) = hazard_term(term)? {
        return Ok(t);
    }
    // `costMonthly<op>N`: the monthly bill on requests, in whole currency units.
    if let Some(rest) = term.strip_prefix(COST_MONTHLY) {
        let mut parsed = parse_plain(term, &format!("components{rest}"))?;
        parsed.field = COST_MONTHLY;
        return Ok(parsed);
    }
    // `config.<resource>`: one configuration kind's objects.
    let (config, body) = match term.strip_prefix("config.") {
        Some(rest) => {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(rest.len());
            let (resource, rest) = rest.split_at(end);
            if resource.is_empty() {
                return Err(Error::UnknownField {
                    term: term.to_owned(),
                    field: "config.".to_owned(),
                });
            }
            (
                Some(resource.to_ascii_lowercase()),
                format!("configObjects{rest}"),
            )
        }
        None => (None, term.to_owned()),
    };
    let mut parsed = parse_plain(term, &body)?;
    if config.is_some() {
        parsed.field = "config";
        parsed.config = config;
    }
    Ok(parsed)
}

/// `hazards<op>N` or `hazards.<severity|code><op>N`; None when `term` is about something else.
fn hazard_term(term: &str) -> Result<Option<Term>, Error> {
    let Some(rest) = term.strip_prefix("hazards") else {
        return Ok(None);
    };
    let (name, rest) = match rest.strip_prefix('.') {
        Some(r) => r.split_at(
            r.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(r.len()),
        ),
        None if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) => return Ok(None),
        None => ("", rest),
    };
    let Some(filter) =
        HazardFilter::parse(name).filter(|_| !(name.is_empty() && term.starts_with("hazards.")))
    else {
        return Err(Error::UnknownField {
            term: term.to_owned(),
            field: format!("hazards.{name}"),
        });
    };
    // A count: read the operator and number as a count field's.
    let mut parsed = parse_plain(term, &format!("components{rest}"))?;
    parsed.field = "hazards";
    parsed.hazards = Some(filter);
    Ok(Some(parsed))
}

/// A term on a totals field (`body`; `term` is what the user wrote, for messages).
fn parse_plain(term: &str, body: &str) -> Result<Term, Error> {
    let split = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let (name, rest) = body.split_at(split);
    let op_len = rest
        .find(|c: char| c.is_ascii_alphanumeric() || c == '.')
        .unwrap_or(rest.len());
    let (op, number) = rest.split_at(op_len);
    let Some(field) = Totals::FIELDS.iter().find(|f| **f == name) else {
        return Err(Error::UnknownField {
            term: term.to_owned(),
            field: name.to_owned(),
        });
    };
    let bad_number = |expected| Error::BadNumber {
        term: term.to_owned(),
        number: number.to_owned(),
        expected,
    };
    let limit = match op {
        ">" => {
            if number.ends_with('%') {
                return Err(Error::AbsolutePercent {
                    term: term.to_owned(),
                });
            }
            Limit::Above(amount(field, number).ok_or_else(|| bad_number(expected(field)))?)
        }
        ">+" => match number.strip_suffix('%') {
            Some(pc) => Limit::GrowsByPercent(
                pc.parse::<f64>()
                    .ok()
                    .filter(|p| p.is_finite() && *p >= 0.0 && !pc.starts_with(['+', '-']))
                    .ok_or_else(|| bad_number("percentage (such as 20%)"))?,
            ),
            None => {
                Limit::GrowsBy(amount(field, number).ok_or_else(|| bad_number(expected(field)))?)
            }
        },
        _ => {
            return Err(Error::BadOperator {
                term: term.to_owned(),
                op: if op.is_empty() {
                    "(none)".to_owned()
                } else {
                    op.to_owned()
                },
            })
        }
    };
    Ok(Term {
        text: term.to_owned(),
        field,
        config: None,
        hazards: None,
        limit,
    })
}

/// What a limit of `field` may be written as (for the error message).
fn expected(field: &str) -> &'static str {
    if field.ends_with("Millicores") {
        "whole number of millicores, or a CPU amount such as 2cores or 1500m"
    } else if field.ends_with("Bytes") {
        "whole number of bytes, or a memory amount such as 4Gi or 512Mi"
    } else {
        "whole number"
    }
}

/// A limit in `field`'s unit: a whole number, or for CPU and memory an amount with a unit
/// (`2cores`, `1500m`; `4Gi`, `1.5G`).
fn amount(field: &str, number: &str) -> Option<i64> {
    if let Some(n) = whole(number) {
        return Some(n);
    }
    let quantity = |q: &str| q.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if field.ends_with("Millicores") {
        let cores = number
            .strip_suffix("cores")
            .or_else(|| number.strip_suffix("core"));
        match cores {
            // A plain Kubernetes CPU quantity is in cores.
            Some(c) if quantity(c) && !c.ends_with(|x: char| x.is_ascii_alphabetic()) => {
                crate::quantity::cpu_millicores(c).ok()
            }
            None if quantity(number) && number.ends_with('m') => {
                crate::quantity::cpu_millicores(number).ok()
            }
            _ => None,
        }
    } else if field.ends_with("Bytes") && quantity(number) {
        // A unit is required: a bare number is already bytes (above).
        number
            .ends_with(|c: char| c.is_ascii_alphabetic())
            .then(|| crate::quantity::bytes(number).ok())
            .flatten()
    } else {
        None
    }
}

/// A non-negative whole number, digits only.
fn whole(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(components: u64, cpu: i64) -> Totals {
        Totals {
            components,
            cpu_request_millicores: cpu,
            ..Totals::default()
        }
    }

    #[test]
    fn parses_every_operator() {
        let b = Budget::parse(" components>+2, proxyTypes>+0 ,memoryRequestBytes>+20%,crds>15")
            .unwrap();
        let limits: Vec<_> = b.terms.iter().map(|t| (t.field, t.limit)).collect();
        assert_eq!(
            limits,
            vec![
                ("components", Limit::GrowsBy(2)),
                ("proxyTypes", Limit::GrowsBy(0)),
                ("memoryRequestBytes", Limit::GrowsByPercent(20.0)),
                ("crds", Limit::Above(15)),
            ]
        );
        assert_eq!(b.terms[0].text, "components>+2");
        assert!(b.require_absolute().is_err());
        assert!(Budget::parse("crds>15,webhooks>1")
            .unwrap()
            .require_absolute()
            .is_ok());
        assert_eq!(
            Budget::parse("cpuRequestMillicores>+2.5%").unwrap().terms[0].limit,
            Limit::GrowsByPercent(2.5)
        );
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        let err = |e: &str| Budget::parse(e).unwrap_err();
        assert_eq!(err(""), Error::Empty);
        assert_eq!(err(" , "), Error::Empty);
        let unknown = err("pods>2").to_string();
        assert!(unknown.contains("unknown field \"pods\""), "{unknown}");
        assert!(unknown.contains("components, componentKinds"), "{unknown}");
        assert!(matches!(err("Components>2"), Error::UnknownField { .. }));
        assert!(matches!(err("components<2"), Error::BadOperator { op, .. } if op == "<"));
        assert!(matches!(err("components>=2"), Error::BadOperator { op, .. } if op == ">="));
        assert!(matches!(err("components>-2"), Error::BadOperator { op, .. } if op == ">-"));
        assert!(matches!(err("components"), Error::BadOperator { op, .. } if op == "(none)"));
        assert!(matches!(err("components>two"), Error::BadNumber { .. }));
        assert!(matches!(err("components>"), Error::BadNumber { .. }));
        assert!(matches!(err("components>+1.5"), Error::BadNumber { .. }));
        assert!(matches!(err("components>+x%"), Error::BadNumber { .. }));
        assert!(matches!(
            err("components>99999999999999999999"),
            Error::BadNumber { .. }
        ));
        assert!(matches!(
            err("components>20%"),
            Error::AbsolutePercent { .. }
        ));
    }

    #[test]
    fn cpu_and_memory_limits_take_units() {
        let limit = |e: &str| Budget::parse(e).unwrap().terms[0].limit;
        assert_eq!(limit("memoryRequestBytes>+4Gi"), Limit::GrowsBy(4 << 30));
        assert_eq!(limit("memoryRequestBytes>512Mi"), Limit::Above(512 << 20));
        assert_eq!(
            limit("memoryRequestBytes>1.5G"),
            Limit::Above(1_500_000_000)
        );
        assert_eq!(limit("cpuRequestMillicores>2cores"), Limit::Above(2000));
        assert_eq!(limit("cpuRequestMillicores>2 cores"), Limit::Above(2000));
        assert_eq!(limit("cpuRequestMillicores>0.5core"), Limit::Above(500));
        assert_eq!(limit("cpuRequestMillicores>+2000m"), Limit::GrowsBy(2000));
        // A bare number stays in the field's own unit.
        assert_eq!(limit("cpuRequestMillicores>2"), Limit::Above(2));
        assert_eq!(limit("memoryRequestBytes>4096"), Limit::Above(4096));
        let err = |e: &str| Budget::parse(e).unwrap_err();
        for bad in [
            "memoryRequestBytes>4Gb",
            "memoryRequestBytes>1.5",
            "cpuRequestMillicores>2Gi",
            "cpuRequestMillicores>1.5",
            "cpuRequestMillicores>cores",
            "components>4Gi",
            "components>2cores",
        ] {
            assert!(matches!(err(bad), Error::BadNumber { .. }), "{bad}");
        }
        let msg = err("memoryRequestBytes>4Gb").to_string();
        assert!(msg.contains("such as 4Gi"), "{msg}");
    }

    #[test]
    fn absolute_terms_on_one_snapshot() {
        let b = Budget::parse("components>3").unwrap();
        assert!(b.check_scan(&totals(3, 0)).is_empty(), "equal is within");
        let f = b.check_scan(&totals(4, 0));
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].before, f[0].after), (None, 4));
    }

    #[test]
    fn relative_terms_on_a_pair() {
        let b = Budget::parse("components>+2").unwrap();
        assert!(b.check_diff(&totals(3, 0), &totals(5, 0)).is_empty());
        assert_eq!(b.check_diff(&totals(3, 0), &totals(6, 0)).len(), 1);
        assert!(
            b.check_diff(&totals(9, 0), &totals(1, 0)).is_empty(),
            "shrinking"
        );

        let pc = Budget::parse("cpuRequestMillicores>+20%").unwrap();
        assert!(pc.check_diff(&totals(0, 1000), &totals(0, 1200)).is_empty());
        let f = pc.check_diff(&totals(0, 1000), &totals(0, 1201));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].before, Some(1000));
        assert!((f[0].percent.unwrap() - 20.1).abs() < 1e-9);
        assert_eq!(
            pc.check_diff(&totals(0, 0), &totals(0, 1)).len(),
            1,
            "from 0"
        );
        assert!(pc.check_diff(&totals(0, 0), &totals(0, 0)).is_empty());

        let abs = Budget::parse("components>4").unwrap();
        assert!(
            abs.check_diff(&totals(9, 0), &totals(4, 0)).is_empty(),
            "after"
        );
        assert_eq!(abs.check_diff(&totals(0, 0), &totals(5, 0)).len(), 1);
    }

    #[test]
    fn a_saturated_total_exceeds_any_budget() {
        let max = crate::arith::SATURATED;
        let b = Budget::parse(&format!("cpuRequestMillicores>{max}")).unwrap();
        assert_eq!(b.check_scan(&totals(0, max)).len(), 1);
        assert!(b.check_scan(&totals(0, max - 1)).is_empty());
        let grow = Budget::parse(&format!(
            "cpuRequestMillicores>+{max},cpuRequestMillicores>+1000%"
        ))
        .unwrap();
        assert_eq!(grow.check_diff(&totals(0, max), &totals(0, max)).len(), 2);
        assert_eq!(grow.check_diff(&totals(0, 1), &totals(0, max)).len(), 2);
        assert!(grow.check_diff(&totals(0, max), &totals(0, 1)).is_empty());
    }

    fn hazard(code: HazardCode, severity: Severity) -> crate::surface::Hazard {
        crate::surface::Hazard {
            code,
            severity,
            mesh: "istio".into(),
            count: 4,
            objects: Vec::new(),
            message: String::new(),
            why: String::new(),
            source: String::new(),
        }
    }

    #[test]
    fn hazard_terms_count_hazards_all_by_severity_or_by_code() {
        let mut s = Snapshot::empty(crate::surface::Source::projected());
        s.hazards = vec![
            hazard(HazardCode::OrphanedWebhook, Severity::Critical),
            hazard(HazardCode::FragileConfig, Severity::Warning),
        ];
        let failed = |expr: &str| {
            Budget::parse(expr)
                .unwrap()
                .check_scan(&s)
                .into_iter()
                .map(|f| (f.term, f.after))
                .collect::<Vec<_>>()
        };
        assert_eq!(failed("hazards>0"), [("hazards>0".to_owned(), 2)]);
        assert_eq!(failed("hazards>2"), []);
        assert_eq!(
            failed("hazards.critical>0"),
            [("hazards.critical>0".to_owned(), 1)]
        );
        assert_eq!(failed("hazards.info>0"), []);
        assert_eq!(
            failed("hazards.fragile-config>0,hazards.control-plane-not-found>0"),
            [("hazards.fragile-config>0".to_owned(), 1)]
        );
        // Not a totals figure: nothing to judge on totals alone.
        let b = Budget::parse("hazards>0").unwrap();
        assert!(b.check_scan(&Totals::default()).is_empty());
        // On a pair, relative terms work too.
        let none = Snapshot::empty(crate::surface::Source::projected());
        let grew = Budget::parse("hazards.critical>+0")
            .unwrap()
            .check_diff(&none, &s);
        assert_eq!((grew[0].before, grew[0].after), (Some(0), 1));
    }

    #[test]
    fn unknown_hazard_names_are_usage_errors_that_list_the_valid_ones() {
        for bad in ["hazards.severe>0", "hazards.>0", "hazards.Critical>0"] {
            let e = Budget::parse(bad).unwrap_err();
            assert!(matches!(e, Error::UnknownField { .. }), "{bad}: {e:?}");
            let text = e.to_string();
            assert!(
                text.contains("hazards.<severity> (critical, warning, info)")
                    && text.contains("orphaned-webhook"),
                "{text}"
            );
        }
        assert!(matches!(
            Budget::parse("hazards0").unwrap_err(),
            Error::UnknownField { .. }
        ));
        assert!(matches!(
            Budget::parse("hazards>x").unwrap_err(),
            Error::BadNumber { .. }
        ));
    }
}
