//! Fleet arithmetic on catalog baselines (the CLI golden tests scan real fixtures).

#![expect(
    clippy::float_cmp,
    reason = "hand-worked hours are exact in binary (sums of small multiples of 1/4, or \
              values rounded to 2 decimals on both sides): equality is the claim"
)]
#![expect(
    clippy::many_single_char_names,
    reason = "c catalog, g growth, m model, h headcount, r row, p projection: as in the formulas"
)]

use super::*;
use crate::catalog::Catalog;
use crate::growth::ProjectionScale;

const SCALE: ProjectionScale = ProjectionScale {
    nodes: 3,
    namespaces: 2,
    pods: 10,
    service_accounts: 4,
};

fn growth(catalog: &Catalog) -> Growth<'_> {
    static PROFILES: std::sync::LazyLock<Vec<crate::catalog::profiles::Profile>> =
        std::sync::LazyLock::new(|| {
            crate::catalog::profiles::load(&Catalog::load().unwrap()).unwrap()
        });
    Growth::new(catalog, &PROFILES)
}

fn base(g: &Growth<'_>, profile: &str) -> Snapshot {
    g.baseline(g.profile(profile).unwrap(), &SCALE)
}

#[test]
fn per_cluster_terms_add_up_fleet_terms_are_learnt_once() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let snap = base(&g, "istio-ambient");
    let one = headcount(&[("a".into(), snap.clone())], &m, &[], &g).unwrap();
    let two = headcount(
        &[("a".into(), snap.clone()), ("b".into(), snap.clone())],
        &m,
        &[],
        &g,
    )
    .unwrap();
    assert_eq!(two.totals.clusters, 2);
    assert_eq!(two.rows.len(), 2);
    // Per-cluster work doubles with a second identical cluster...
    assert_eq!(
        two.estimate.cluster_hours_per_year,
        2.0 * one.estimate.cluster_hours_per_year
    );
    // ...what is learnt once does not.
    assert_eq!(
        two.estimate.fleet_hours_per_year,
        one.estimate.fleet_hours_per_year
    );
    assert_eq!(two.totals.distinct_crds, one.totals.crds);
    assert_eq!(two.totals.crds, 2 * one.totals.crds);
    // The row's hours are the per-cluster terms on its own figures.
    let r = &one.rows[0];
    assert_eq!(r.hours_per_year, one.estimate.cluster_hours_per_year);
    // The total is the sum of its terms, term by term.
    let sum: f64 = one
        .estimate
        .cluster_terms
        .iter()
        .chain(&one.estimate.fleet_terms)
        .map(|t| t.hours_per_year)
        .sum();
    assert!((sum - one.estimate.hours_per_year).abs() < 0.01);
}

#[test]
fn hand_checked_row_of_a_small_cluster() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let snap = base(&g, "linkerd");
    let h = headcount(&[("l".into(), snap)], &m, &[], &g).unwrap();
    let r = &h.rows[0];
    // Default coefficients, written out:
    //   4 × 2 × kinds + 4 × 0.5 × steps + 2 × 6 × proxyTypes + 2 × webhooks + 1 × skew
    //   + 0.02 × 1600 × 1 cluster
    #[expect(clippy::cast_precision_loss, reason = "small counts")]
    let expected = 8.0 * r.component_kinds as f64
        + 2.0 * r.upgrade_steps as f64
        + 12.0 * r.proxy_types as f64
        + 2.0 * r.webhooks as f64
        + r.version_skew as f64
        + 32.0;
    assert_eq!(r.hours_per_year, expected);
    assert!(r.component_kinds > 0 && r.proxy_types > 0);
}

#[test]
fn a_cluster_without_a_mesh_is_a_row_and_a_cluster_but_costs_nothing() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let mut empty = base(&g, "linkerd");
    empty.meshes.clear();
    empty.components.clear();
    empty.proxies.clear();
    empty.crds.clear();
    empty.webhooks.clear();
    empty.upgrade_steps.clear();
    empty.recount();
    let h = headcount(&[("bare".into(), empty)], &m, &[], &g).unwrap();
    assert_eq!(h.totals.clusters, 1);
    assert_eq!(h.totals.meshed_clusters, 0);
    assert_eq!(h.rows[0].mesh, "none");
    assert_eq!(h.estimate.hours_per_year, 0.0);
}

#[test]
fn enabling_l7_policy_on_ambient_costs_hours() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let snap = base(&g, "istio-ambient");
    let h = headcount(&[("a".into(), snap)], &m, &["l7-policy".into()], &g).unwrap();
    let p = h.projection.unwrap();
    // Waypoints: a new component kind and a new proxy type.
    assert!(p.totals.component_kinds > h.totals.component_kinds);
    assert!(p.delta.hours_per_year > 0.0, "{:?}", p.delta);
    assert_eq!(
        p.delta.hours_per_year,
        round2(p.estimate.hours_per_year - h.estimate.hours_per_year)
    );
}

#[test]
fn a_feature_no_mesh_offers_is_refused() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let snap = base(&g, "istio-ambient");
    let e = headcount(&[("a".into(), snap)], &m, &["teleport".into()], &g).unwrap_err();
    assert!(matches!(e, Error::UnknownFeature { ref feature, .. } if feature == "teleport"));
}

#[test]
fn rows_and_totals_carry_configuration_figures_null_aware() {
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let mut counted = base(&g, "istio-ambient");
    let mesh = counted.meshes[0].name.clone();
    counted.meshes[0].totals.config_objects = Some(15);
    counted.meshes[0].totals.fragile_config_objects = Some(2);
    let mut unknown = counted.clone();
    unknown.meshes[0].totals.config_objects = None;
    unknown.meshes[0].totals.fragile_config_objects = None;

    let r = Row::of("a", &counted, Some(&mesh));
    assert_eq!(
        (r.config_objects, r.fragile_config_objects),
        (Some(15), Some(2))
    );
    let r = Row::of("b", &unknown, Some(&mesh));
    assert_eq!((r.config_objects, r.fragile_config_objects), (None, None));

    // One counted cluster, one not: the sum of the counted one, and the other named.
    let h = headcount(
        &[("a".into(), counted.clone()), ("b".into(), unknown.clone())],
        &m,
        &[],
        &g,
    )
    .unwrap();
    assert_eq!(h.totals.config_objects, Some(15));
    assert_eq!(h.totals.fragile_config_objects, Some(2));
    assert_eq!(h.totals.config_not_counted, 1);
    let review = h
        .estimate
        .cluster_terms
        .iter()
        .find(|t| t.name == "configuration review")
        .unwrap();
    assert_eq!(review.hours_per_year, 3.75);
    assert!(review.note.is_some());
    // The unknown row's own hours leave the term out, they do not count 0 objects as work.
    assert_eq!(
        h.rows[0].hours_per_year - h.rows[1].hours_per_year,
        3.75 + 16.0
    );

    // No cluster counted: unknown, not 0.
    let h = headcount(&[("b".into(), unknown)], &m, &[], &g).unwrap();
    assert_eq!(h.totals.config_objects, None);
    assert_eq!(h.totals.config_not_counted, 1);
}

#[test]
fn rows_and_totals_count_each_meshs_hazards_by_severity() {
    use crate::surface::{Hazard, HazardCode, Severity};
    let c = Catalog::load().unwrap();
    let g = growth(&c);
    let m = Model::default_model().unwrap();
    let mut snap = base(&g, "istio-ambient");
    let mesh = snap.meshes[0].name.clone();
    let hazard = |code, severity, mesh: &str| Hazard {
        code,
        severity,
        mesh: mesh.to_owned(),
        count: 1,
        objects: Vec::new(),
        message: String::new(),
        why: String::new(),
        source: String::new(),
    };
    snap.hazards = vec![
        hazard(
            HazardCode::FailClosedSingleReplica,
            Severity::Critical,
            &mesh,
        ),
        hazard(HazardCode::FragileConfig, Severity::Warning, &mesh),
        hazard(
            HazardCode::OrphanedWebhook,
            Severity::Critical,
            "another-mesh",
        ),
    ];
    let r = Row::of("a", &snap, Some(&mesh));
    assert_eq!(
        (r.hazards_critical, r.hazards_warning, r.hazards_info),
        (1, 1, 0)
    );
    assert_eq!(
        Row::of("a", &snap, None).hazards_critical,
        0,
        "the mesh-less row"
    );
    let h = headcount(
        &[("a".into(), snap.clone()), ("b".into(), snap)],
        &m,
        &[],
        &g,
    )
    .unwrap();
    let t = &h.totals;
    assert_eq!(
        (t.hazards_critical, t.hazards_warning, t.hazards_info),
        (2, 2, 0)
    );
}
