//! Growth: how the surface grows as features are enabled, at a cluster's own scale.
//!
//! A projection starts from a [`Snapshot`] (a real scan for `plan`, or a profile's
//! baseline on an empty cluster for `compare`) and applies the feature profiles of
//! `src/catalog/profiles/*.yaml` one at a time. Each step is itself a snapshot, counted by
//! the same [`Snapshot::recount`] as a scan, so a projection and a scan of the cluster
//! after the change can be compared figure by figure (the honesty tests do exactly that).
//! Pure functions: no cluster, no formatting.
//!
//! This module holds the flow (profile lookup, `plan`, `compare`, `sweep`); `apply` turns
//! profile data into snapshot entries; `model` is the JSON shape of plans and comparisons.

mod apply;
mod model;

pub use model::{
    Added, AddedComponent, AddedProxy, ChangeKind, Column, ComparePlan, LearnKind, Plan,
    ProjectionScale, Step, SweepPoint,
};

use std::collections::BTreeSet;

use thiserror::Error;

use crate::catalog::profiles::{self, Profile};
use crate::catalog::{Catalog, KindRef, MeshEntry};
#[cfg(test)]
use crate::surface::TotalsDelta;
use crate::surface::{Mesh, Snapshot};

/// A projection that cannot be made.
#[derive(Debug, Error)]
pub enum Error {
    #[error("unknown feature {feature:?} for {profile}: known features are {known}")]
    UnknownFeature {
        feature: String,
        profile: String,
        known: String,
    },
    #[error("unknown mesh/mode {0:?}: known are {1}")]
    UnknownProfile(String, String),
    #[error("{0}")]
    NoMesh(String),
    /// The cluster runs several meshes and `--mesh` did not pick one of them.
    #[error("{0}")]
    ChooseMesh(String),
    /// A scale a projection cannot hold: one entry per namespace would exhaust memory.
    #[error(
        "{origin} is {value}: projections are refused above {max} meshed namespaces \
         (ten times the 10,000 Kubernetes is tested to)"
    )]
    TooLarge {
        /// The flag or snapshot field the number came from.
        origin: String,
        value: u64,
        max: u64,
    },
}

impl Error {
    /// A projection the command line asks for but cannot have is a usage error; a cluster
    /// that runs nothing to project is the input's.
    pub fn class(&self) -> crate::exit::Class {
        use crate::exit::Class;
        match self {
            Error::UnknownFeature { .. }
            | Error::UnknownProfile(..)
            | Error::ChooseMesh(..)
            | Error::TooLarge { .. } => Class::Usage,
            Error::NoMesh(_) => Class::Input,
        }
    }
}

/// The most meshed namespaces a projection materialises (it holds one entry for each).
pub const MAX_NAMESPACES: u64 = crate::arith::MAX_PROJECTED_NAMESPACES;

/// Refuses a namespace count no projection can hold; `origin` names the flag or field.
pub fn check_namespaces(value: u64, origin: impl FnOnce() -> String) -> Result<(), Error> {
    if value > MAX_NAMESPACES {
        return Err(Error::TooLarge {
            origin: origin(),
            value,
            max: MAX_NAMESPACES,
        });
    }
    Ok(())
}

/// Which namespaces per-namespace features (waypoints) apply to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NamespaceShare {
    /// Every meshed namespace (the default).
    All,
    /// The N biggest meshed namespaces.
    Count(u64),
    /// This fraction of the meshed namespaces, rounded up.
    Fraction(f64),
}

impl NamespaceShare {
    /// `all`, a count (`12`) or a fraction (`0.25`).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s == "all" {
            return Ok(Self::All);
        }
        if let Ok(n) = s.parse::<u64>() {
            return Ok(Self::Count(n));
        }
        match s.parse::<f64>() {
            Ok(f) if f > 0.0 && f <= 1.0 => Ok(Self::Fraction(f)),
            _ => Err(format!(
                "{s:?} is not `all`, a namespace count, or a fraction in (0, 1]"
            )),
        }
    }

    fn pick(self, available: usize) -> usize {
        match self {
            Self::All => available,
            Self::Count(n) => available.min(usize::try_from(n).unwrap_or(usize::MAX)),
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a fraction in 0..=1 of a count: the ceiling is a count again"
            )]
            Self::Fraction(f) => ((available as f64) * f).ceil() as usize,
        }
    }
}

/// The scale figure a growth curve (`plan --sweep AXIS=...`) varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Nodes,
    /// More namespaces of the same kind: pods per namespace stay as they are.
    Namespaces,
    Pods,
}

impl Axis {
    /// `nodes`, `namespaces` or `pods`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "nodes" => Some(Self::Nodes),
            "namespaces" => Some(Self::Namespaces),
            "pods" => Some(Self::Pods),
            _ => None,
        }
    }
}

/// The projection engine over the loaded catalog and feature profiles (both parsed once,
/// in `pipeline::Knowledge`, and borrowed).
pub struct Growth<'c> {
    pub catalog: &'c Catalog,
    pub profiles: &'c [Profile],
}

impl<'c> Growth<'c> {
    pub fn new(catalog: &'c Catalog, profiles: &'c [Profile]) -> Self {
        Self { catalog, profiles }
    }

    /// A profile by name (`istio-ambient`), or the error that lists the known ones.
    pub fn profile(&self, name: &str) -> Result<&Profile, Error> {
        self.profiles
            .iter()
            .find(|p| p.profile == name)
            .ok_or_else(|| {
                Error::UnknownProfile(
                    name.to_owned(),
                    self.profiles
                        .iter()
                        .map(|p| p.profile.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            })
    }

    /// The profile that matches a scanned mesh (`istio` in `ambient` mode → `istio-ambient`).
    pub fn profile_of(&self, mesh: &Mesh) -> Result<&Profile, Error> {
        // A cluster running sidecars and ambient side by side grows like ambient.
        let mode = mesh.mode.rsplit('+').next().unwrap_or(&mesh.mode);
        self.profiles
            .iter()
            .find(|p| p.mesh == mesh.name && p.mode.as_str() == mode)
            .ok_or_else(|| {
                Error::NoMesh(format!(
                    "no feature profile for {} in {} mode",
                    mesh.name, mesh.mode
                ))
            })
    }

    /// Checks feature names for a profile, in the order given.
    pub fn features<'p>(
        &self,
        profile: &'p Profile,
        names: &[String],
    ) -> Result<Vec<&'p profiles::Feature>, Error> {
        names
            .iter()
            .map(|n| {
                profile.feature(n).ok_or_else(|| Error::UnknownFeature {
                    feature: n.clone(),
                    profile: profile.profile.clone(),
                    known: profile.feature_names().join(", "),
                })
            })
            .collect()
    }

    fn mesh_entry(&self, profile: &Profile) -> Option<&'c MeshEntry> {
        self.catalog.mesh(&profile.mesh)
    }

    /// `plan`: the scanned surface, then each feature in turn, at the cluster's own scale.
    pub fn plan(
        &self,
        today: &Snapshot,
        mesh: Option<&str>,
        features: &[String],
        share: NamespaceShare,
    ) -> Result<Plan, Error> {
        let m = match mesh {
            Some(name) => today.meshes.iter().find(|m| m.name == name).ok_or_else(|| {
                Error::ChooseMesh(format!(
                    "--mesh {name}: the cluster runs {}",
                    list_or_none(today.meshes.iter().map(|m| m.name.as_str()))
                ))
            })?,
            None => match today.meshes.as_slice() {
                [one] => one,
                [] => {
                    return Err(Error::NoMesh(
                        "the cluster runs no mesh to plan for: use `compare` to project one before installing it".to_owned(),
                    ))
                }
                many => {
                    return Err(Error::ChooseMesh(format!(
                        "the cluster runs several meshes ({}): choose one with --mesh",
                        list_or_none(many.iter().map(|m| m.name.as_str()))
                    )))
                }
            },
        };
        let profile = self.profile_of(m)?;
        let feats = self.features(profile, features)?;
        let scale = ProjectionScale::of(today);
        let mut snap = today.clone();
        // The plan follows the one mesh; other meshes in the cluster are left out of the figures.
        keep_mesh(&mut snap, &m.name);
        // Step 0 is today: the install is behind the team, nothing is new to learn.
        let steps = self.steps(snap, profile, &feats, &scale, share, false);
        Ok(Plan::new(
            m.name.clone(),
            profile.profile.clone(),
            scale,
            steps,
        ))
    }

    /// The steps of a projection, starting from `snap` (step 0). `install`: step 0 is the
    /// profile's install (its day-1 kinds are to learn), not a cluster already running it.
    pub fn steps(
        &self,
        mut snap: Snapshot,
        profile: &Profile,
        features: &[&profiles::Feature],
        scale: &ProjectionScale,
        share: NamespaceShare,
        install: bool,
    ) -> Vec<Step> {
        let mut known = kinds_in_use(&snap);
        let mut first = Step::first(&snap);
        if install {
            first.learn = self.new_kinds(profile, &profile.baseline.learn, &mut known);
        }
        let mut steps = vec![first];
        for f in features {
            let before = snap.totals;
            let added = self.apply(&mut snap, profile, f, scale, share);
            let mut step = Step::after(f.feature.clone(), before, &snap, added);
            step.learn = self.new_kinds(profile, &f.learn, &mut known);
            steps.push(step);
        }
        steps
    }

    /// The kinds of `kinds` not yet `known`, which then become known (a kind is learnt once).
    fn new_kinds(
        &self,
        profile: &Profile,
        kinds: &[KindRef],
        known: &mut BTreeSet<(String, String)>,
    ) -> Vec<LearnKind> {
        let mesh = self.mesh_entry(profile);
        kinds
            .iter()
            .filter(|k| known.insert((k.group.clone(), k.kind.clone())))
            .map(|k| LearnKind {
                group: k.group.clone(),
                kind: k.kind.clone(),
                fragile: mesh.is_some_and(|m| m.is_fragile(&k.group, &k.kind)),
            })
            .collect()
    }

    /// `compare`: each profile's baseline at this scale, then the features in turn.
    pub fn compare(
        &self,
        names: &[String],
        features: &[String],
        scale: &ProjectionScale,
        share: NamespaceShare,
        calibrate: Option<&Snapshot>,
    ) -> Result<ComparePlan, Error> {
        let mut columns = Vec::new();
        for name in names {
            let profile = self.profile(name)?;
            // Features a mesh does not offer are shown as such, not as an error: only names
            // outside the shared vocabulary are errors.
            for f in features {
                if !profiles::FEATURES.contains(&f.as_str()) {
                    return Err(Error::UnknownFeature {
                        feature: f.clone(),
                        profile: "any mesh".to_owned(),
                        known: profiles::FEATURES.join(", "),
                    });
                }
            }
            let offered: Vec<&profiles::Feature> =
                features.iter().filter_map(|f| profile.feature(f)).collect();
            let missing: Vec<String> = features
                .iter()
                .filter(|f| profile.feature(f).is_none())
                .cloned()
                .collect();
            let start = match calibrate.filter(|s| {
                self.installed_profile(s)
                    .is_some_and(|p| p.profile == profile.profile)
            }) {
                Some(scan) => {
                    let mut s = scan.clone();
                    keep_mesh(&mut s, &profile.mesh);
                    s
                }
                None => self.baseline(profile, scale),
            };
            let steps = self.steps(start, profile, &offered, scale, share, true);
            columns.push(model::Column {
                profile: profile.profile.clone(),
                mesh: profile.mesh.clone(),
                mode: profile.mode,
                calibrated: calibrate.is_some_and(|s| {
                    self.installed_profile(s)
                        .is_some_and(|p| p.profile == profile.profile)
                }),
                not_offered: missing,
                steps,
            });
        }
        Ok(ComparePlan::new(*scale, columns))
    }

    fn installed_profile(&self, scan: &Snapshot) -> Option<&Profile> {
        scan.meshes.first().and_then(|m| self.profile_of(m).ok())
    }

    /// The growth curve: the full feature list projected from the baseline at each point.
    pub fn sweep(
        &self,
        profile: &Profile,
        features: &[&profiles::Feature],
        base: &ProjectionScale,
        axis: Axis,
        values: &[u64],
        share: NamespaceShare,
    ) -> Vec<SweepPoint> {
        values
            .iter()
            .map(|&v| {
                let mut scale = *base;
                match axis {
                    Axis::Nodes => scale.nodes = v,
                    Axis::Namespaces => {
                        let per_ns = base.pods.div_ceil(base.namespaces.max(1)).max(1);
                        scale.namespaces = v;
                        scale.pods = v.saturating_mul(per_ns);
                    }
                    Axis::Pods => scale.pods = v,
                }
                let mut snap = self.baseline(profile, &scale);
                for f in features {
                    self.apply(&mut snap, profile, f, &scale, share);
                }
                SweepPoint {
                    scale,
                    totals: snap.totals,
                }
            })
            .collect()
    }
}

/// The (group, kind) pairs the cluster already has objects of: known to its engineers. An
/// uncounted configuration (`objects: null`) knows nothing, so every kind is new.
fn kinds_in_use(snap: &Snapshot) -> BTreeSet<(String, String)> {
    snap.config
        .iter()
        .filter(|c| c.objects.is_some_and(|n| n > 0))
        .map(|c| (c.group.clone(), c.kind.clone()))
        .collect()
}

fn list_or_none<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = names.collect();
    if v.is_empty() {
        "no mesh".to_owned()
    } else {
        v.join(", ")
    }
}

/// Drops every other mesh from a snapshot (a plan follows one mesh).
fn keep_mesh(snap: &mut Snapshot, mesh: &str) {
    snap.meshes.retain(|m| m.name == mesh);
    snap.components.retain(|c| c.mesh == mesh);
    snap.proxies.retain(|p| p.mesh == mesh);
    snap.crds.retain(|c| c.mesh == mesh);
    snap.webhooks.retain(|w| w.mesh == mesh);
    snap.namespaces.retain(|n| n.mesh == mesh);
    snap.upgrade_steps.retain(|s| s.mesh == mesh);
    // The mesh's configuration and the shared kinds it uses (waypoints, routes).
    snap.config
        .retain(|c| c.mesh == mesh || c.mesh == crate::surface::SHARED);
    snap.overrides.retain(|o| o.mesh == mesh);
    snap.recount();
}

#[cfg(test)]
mod tests;
