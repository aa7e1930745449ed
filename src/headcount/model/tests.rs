//! The headcount model: the built-in coefficients, a team's model file, and the arithmetic term by term.

#![expect(
    clippy::float_cmp,
    reason = "hand-worked hours are exact in binary (small integers, or values rounded to 2 \
              decimals on both sides): equality is the claim"
)]

use super::terms::unit_of_one;
use super::*;

#[test]
fn one_of_a_unit_is_singular() {
    assert_eq!(unit_of_one(1.0, "clusters"), "cluster");
    assert_eq!(
        unit_of_one(1.0, "hours/skewed-object/year"),
        "hour/skewed-object/year"
    );
    assert_eq!(unit_of_one(1.0, "component kinds"), "component kind");
    assert_eq!(unit_of_one(1.0, "meshes"), "mesh");
    assert_eq!(unit_of_one(1.0, "FTE/cluster"), "FTE/cluster");
    assert_eq!(unit_of_one(2.0, "clusters"), "clusters");
    assert_eq!(unit_of_one(0.0, "skewed objects"), "skewed objects");
}

fn with(key: &str, line: &str) -> String {
    // Replace one coefficient's block in the default model.
    let mut out = String::new();
    let mut skip = false;
    for l in DEFAULT_MODEL.lines() {
        if l.starts_with("[coefficients.") {
            skip = l == format!("[coefficients.{key}]");
            if skip {
                out.push_str(line);
                out.push('\n');
            }
        }
        if !skip {
            out.push_str(l);
            out.push('\n');
        }
    }
    out
}

#[test]
fn the_default_model_parses_and_has_every_coefficient() {
    let m = Model::default_model().unwrap();
    assert_eq!(m.coefficients.len(), COEFFICIENTS.len());
    assert_eq!(m.value("upgrades_per_year"), 4.0);
}

#[test]
fn hand_checked_cluster_terms() {
    // Defaults: 4 upgrades/year, 2 h/component/upgrade, 0.5 h/step/upgrade,
    // 2 incidents/proxy-type/year × 6 h/incident, 2 h/webhook/year, 1 h/skewed object,
    // 0.02 FTE/cluster × 1600 h/FTE.
    let m = Model::default_model().unwrap();
    let f = ClusterFigures {
        component_kinds: 3.0,
        upgrade_steps: 5.0,
        proxy_types: 2.0,
        webhooks: 2.0,
        version_skew: 1.0,
        meshed_clusters: 1.0,
        ..ClusterFigures::default()
    };
    let t = m.cluster_terms(&f);
    // 4 × 2 × 3 = 24
    assert_eq!(t[0].hours_per_year, 24.0);
    assert_eq!(
        t[0].formula,
        "4 upgrades/year × 2 hours/component/upgrade × 3 component kinds = 24 hours/year"
    );
    // 4 × 0.5 × 5 = 10
    assert_eq!(t[1].hours_per_year, 10.0);
    // 2 × 6 × 2 = 24
    assert_eq!(t[2].hours_per_year, 24.0);
    // 2 × 2 = 4
    assert_eq!(t[3].hours_per_year, 4.0);
    // 1 × 1 = 1
    assert_eq!(t[4].hours_per_year, 1.0);
    // 0.02 × 1600 × 1 = 32
    assert_eq!(t[5].hours_per_year, 32.0);
    // 24 + 10 + 24 + 4 + 1 + 32 = 95 hours = 95 / 1600 = 0.059... FTE
    assert_eq!(m.cluster_hours(&f, "").unwrap(), 95.0);
    assert_eq!(t[5].fte, 0.02);
}

#[test]
fn hand_checked_fleet_terms_and_estimate() {
    let m = Model::default_model().unwrap();
    let fleet = FleetFigures {
        meshes: 2.0,
        distinct_crds: 10.0,
        distinct_proxy_types: 3.0,
    };
    let t = m.fleet_terms(&fleet);
    // upgrade preparation: 4 upgrades/year × 8 h/mesh/upgrade × 2 meshes = 64
    assert_eq!(t[0].hours_per_year, 64.0);
    // CRDs: 2 h/CRD/engineer × 4 engineers × 10 CRDs ÷ 2 years = 40
    assert_eq!(t[1].hours_per_year, 40.0);
    assert_eq!(
        t[1].formula,
        "2 hours/CRD/engineer × 4 engineers × 10 CRDs ÷ 2 years = 40 hours/year"
    );
    // proxy types: 8 × 4 × 3 ÷ 2 = 48
    assert_eq!(t[2].hours_per_year, 48.0);
    let cluster = ClusterFigures {
        component_kinds: 3.0,
        upgrade_steps: 5.0,
        proxy_types: 2.0,
        webhooks: 2.0,
        version_skew: 1.0,
        meshed_clusters: 1.0,
        ..ClusterFigures::default()
    };
    let e = m.estimate(&cluster, &fleet);
    // 95 (cluster, as above) + 152 (fleet: 64 + 40 + 48) = 247 hours = 0.154... FTE
    assert_eq!(e.cluster_hours_per_year, 95.0);
    assert_eq!(e.fleet_hours_per_year, 152.0);
    assert_eq!(e.hours_per_year, 247.0);
    assert_eq!(e.fte, 0.15);
}

#[test]
fn a_team_model_changes_the_arithmetic() {
    // 10 engineers, 3 upgrades a year at 5 h per component kind.
    let text = with(
        "engineers",
        "[coefficients.engineers]\nvalue = 10\nunit = \"engineers\"",
    );
    let text = text.replace(
        "[coefficients.upgrades_per_year]\nvalue = 4.0",
        "[coefficients.upgrades_per_year]\nvalue = 3.0",
    );
    let m = Model::parse(&text, "team.toml").unwrap();
    assert_eq!(m.value("engineers"), 10.0);
    let t = m.fleet_terms(&FleetFigures {
        meshes: 1.0,
        distinct_crds: 1.0,
        distinct_proxy_types: 0.0,
    });
    // 3 × 8 × 1 = 24; 2 × 10 × 1 ÷ 2 = 10; 0
    assert_eq!(t[0].hours_per_year, 24.0);
    assert_eq!(t[1].hours_per_year, 10.0);
    assert_eq!(t[2].hours_per_year, 0.0);
}

#[test]
fn bad_models_name_the_key() {
    let unknown =
        format!("{DEFAULT_MODEL}\n[coefficients.coffee_breaks]\nvalue = 1.0\nunit = \"hours\"\n");
    let e = Model::parse(&unknown, "m.toml").unwrap_err();
    assert!(
        matches!(e, Error::Unknown { ref key, .. } if key == "coffee_breaks"),
        "{e}"
    );
    assert!(e.to_string().contains("coffee_breaks"));

    let missing = with("incident_hours", "");
    let e = Model::parse(&missing, "m.toml").unwrap_err();
    assert!(
        matches!(
            e,
            Error::Missing {
                key: "incident_hours",
                ..
            }
        ),
        "{e}"
    );

    let negative = with(
        "webhook_hours",
        "[coefficients.webhook_hours]\nvalue = -1.0\nunit = \"hours/webhook/year\"",
    );
    let e = Model::parse(&negative, "m.toml").unwrap_err();
    assert!(e.to_string().contains("`webhook_hours` is -1"), "{e}");

    let unit = with(
        "incident_hours",
        "[coefficients.incident_hours]\nvalue = 6.0\nunit = \"minutes/incident\"",
    );
    let e = Model::parse(&unit, "m.toml").unwrap_err();
    assert!(
        e.to_string()
            .contains("`incident_hours` has unit \"minutes/incident\""),
        "{e}"
    );

    let field = with(
        "incident_hours",
        "[coefficients.incident_hours]\nvalue = 6.0\nunit = \"hours/incident\"\nsource = \"x\"",
    );
    let e = Model::parse(&field, "m.toml").unwrap_err();
    assert!(e.to_string().contains("source"), "{e}");

    let zero = with(
        "hours_per_fte",
        "[coefficients.hours_per_fte]\nvalue = 0\nunit = \"hours/FTE/year\"",
    );
    let e = Model::parse(&zero, "m.toml").unwrap_err();
    assert!(e.to_string().contains("hours_per_fte"), "{e}");
}

#[test]
fn numbers_read_like_people_write_them() {
    assert_eq!(num(4.0), "4");
    assert_eq!(num(0.5), "0.5");
    assert_eq!(num(0.125), "0.13");
    assert_eq!(num(1600.0), "1600");
    assert_eq!(num(-0.0), "0");
    assert_eq!(num(-0.001), "0", "a tiny negative delta is 0, not -0");
    assert_eq!(num(-0.5), "-0.5");
    assert_eq!(num(1e300), "1e300");
    assert!(round2(-0.0).is_sign_positive());
    assert_eq!(round2(1e307), 1e307, "no overflow while rounding");
}

#[test]
fn non_finite_terms_are_refused_by_name() {
    let figures = ClusterFigures {
        component_kinds: 3.0,
        meshed_clusters: 1.0,
        ..ClusterFigures::default()
    };
    let fleet = FleetFigures {
        distinct_crds: 2.0,
        ..FleetFigures::default()
    };
    let big = with(
        "upgrade_hours_per_component",
        "[coefficients.upgrade_hours_per_component]\nvalue = 1e308\nunit = \"hours/component/upgrade\"",
    );
    let m = Model::parse(&big, "big.toml").unwrap();
    let e = m.checked_estimate(&figures, &fleet).unwrap_err();
    assert!(
        matches!(&e, Error::NonFinite { term, .. } if term == "component upgrades"),
        "{e}"
    );
    let e = m
        .cluster_hours(&figures, " (cluster a, mesh istio)")
        .unwrap_err();
    assert!(
        e.to_string().starts_with(
            "big.toml: the term `component upgrades` (cluster a, mesh istio) comes to inf"
        ),
        "{e}"
    );

    let tiny = with(
        "learning_amortization_years",
        "[coefficients.learning_amortization_years]\nvalue = 1e-320\nunit = \"years\"",
    );
    let m = Model::parse(&tiny, "tiny.toml").unwrap();
    assert!(
        m.cluster_hours(&figures, "").is_ok(),
        "cluster terms do not divide by it"
    );
    let e = m.checked_estimate(&figures, &fleet).unwrap_err();
    assert!(
        matches!(&e, Error::NonFinite { term, .. } if term == "learning CRDs"),
        "{e}"
    );

    // Finite terms whose sum overflows: the total is refused.
    let sum = with(
        "upgrades_per_year",
        "[coefficients.upgrades_per_year]\nvalue = 8e307\nunit = \"upgrades/year\"",
    );
    let m = Model::parse(&sum, "sum.toml").unwrap();
    // 8e307 × 2 × 1 and 8e307 × 0.5 × 1: two finite terms, an infinite sum.
    let two = ClusterFigures {
        component_kinds: 1.0,
        upgrade_steps: 1.0,
        ..ClusterFigures::default()
    };
    assert!(m
        .cluster_terms(&two)
        .iter()
        .all(|t| t.hours_per_year.is_finite()));
    let e = m.cluster_hours(&two, "").unwrap_err();
    assert!(
        matches!(&e, Error::NonFinite { term, .. } if term == "per-cluster total"),
        "{e}"
    );
}

#[test]
fn minus_zero_coefficients_read_as_zero() {
    let neg = with(
        "incident_hours",
        "[coefficients.incident_hours]\nvalue = -0.0\nunit = \"hours/incident\"",
    );
    let m = Model::parse(&neg, "m.toml").unwrap();
    assert!(m.value("incident_hours").is_sign_positive());
    let t = m.cluster_terms(&ClusterFigures {
        proxy_types: 1.0,
        ..ClusterFigures::default()
    });
    assert!(!t[2].formula.contains("-0"), "{}", t[2].formula);
}

#[test]
fn configuration_terms_are_hand_checked_and_say_when_not_counted() {
    // Defaults (assumptions, default-model.toml): 0.25 h/config-object/year, and
    // 4 upgrades/year × 2 h/fragile-object/upgrade on top.
    let m = Model::default_model().unwrap();
    let counted = ClusterFigures {
        config_objects: Some(15.0),
        fragile_config_objects: Some(2.0),
        ..ClusterFigures::default()
    };
    let t = m.cluster_terms(&counted);
    let term = |t: &[Term], name: &str| t.iter().find(|x| x.name == name).unwrap().clone();
    let review = term(&t, "configuration review");
    // 0.25 × 15 = 3.75
    assert_eq!(review.hours_per_year, 3.75);
    assert_eq!(
        review.formula,
        "0.25 hours/config-object/year × 15 config objects = 3.75 hours/year"
    );
    assert_eq!(review.note, None);
    // 4 × 2 × 2 = 16
    assert_eq!(term(&t, "fragile configuration").hours_per_year, 16.0);
    assert_eq!(m.cluster_hours(&counted, "").unwrap(), 19.75);

    // Not counted: the term adds nothing and says so (never "× 0 config objects").
    let unknown = m.cluster_terms(&ClusterFigures::default());
    let review = term(&unknown, "configuration review");
    assert_eq!(review.hours_per_year, 0.0);
    assert!(
        review
            .formula
            .ends_with("configObjects not counted = not counted"),
        "{}",
        review.formula
    );
    assert!(!review.formula.contains("× 0 "), "{}", review.formula);
    assert!(review.note.as_deref().unwrap().contains("not counted"));
    assert!(review.inputs.iter().all(|i| i.name != "configObjects"));

    // Counted in some rows only: the sum of those, with a note naming the rest.
    let partial = m.cluster_terms(&ClusterFigures {
        config_objects: Some(15.0),
        fragile_config_objects: Some(2.0),
        config_not_counted: 2,
        ..ClusterFigures::default()
    });
    let review = term(&partial, "configuration review");
    assert_eq!(review.hours_per_year, 3.75);
    assert_eq!(
        review.note.as_deref(),
        Some("configObjects not counted in 2 mesh rows: left out of this term")
    );
}
