//! Release-support tables (`src/catalog/releases/<mesh>.yaml`, see `docs/releases.md`):
//! per mesh, each release line with its dates and supported Kubernetes versions, the
//! supported control-plane/data-plane skew with upstream's words, and the date the table
//! is true as of. Read by the `release-support` and `version-skew` hazards.
//!
//! Apart from the mesh files because they are another kind of fact (dates that age, with a
//! refresh procedure), compiled from other sources. [`ReleaseTable::resolve`] places a
//! version string as a mesh writes it (`1.26.3`, `v1.17.4`, `stable-2.14.10`,
//! `edge-25.4.4`) on a release line; a string it cannot place is `None`, never a guess.

use serde::{Deserialize, Deserializer};

use crate::date::Day;
use crate::version::Version;

/// One mesh's release-support table.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ReleaseTable {
    pub mesh: String,
    /// The newest upstream statement the table reflects: printed with every hazard.
    #[serde(deserialize_with = "day")]
    pub as_of: Day,
    /// When the table was compiled.
    #[serde(deserialize_with = "day")]
    pub checked: Day,
    pub source: TableSource,
    pub policy: Quoted,
    /// Prefixes before `MAJOR.MINOR` in the versions the mesh reports (`stable-`).
    #[serde(default)]
    pub version_prefixes: Vec<String>,
    /// Newest first.
    pub releases: Vec<Release>,
    pub skew: Skew,
}

/// Where a table comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TableSource {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub repo: Option<String>,
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// An upstream rule, verbatim, and where it is.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Quoted {
    pub quote: String,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// One release line (`1.26`; Linkerd `2.18`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Release {
    pub version: String,
    #[serde(default, deserialize_with = "opt_day")]
    pub released: Option<Day>,
    #[serde(default, deserialize_with = "opt_day")]
    pub end_of_life: Option<Day>,
    #[serde(default)]
    pub end_of_life_expected: Option<String>,
    #[serde(default)]
    pub end_of_life_basis: Option<String>,
    /// Supported Kubernetes minors (`1.32`).
    #[serde(default)]
    pub kubernetes: Vec<String>,
    #[serde(default)]
    pub tested_kubernetes: Vec<String>,
    /// A floor only, where no list is known.
    #[serde(default)]
    pub kubernetes_minimum: Option<String>,
    /// Linkerd: the edge release that became this version.
    #[serde(default)]
    pub edge: Option<String>,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// The supported skew between control plane and data plane.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Skew {
    pub unit: String,
    pub compares: String,
    /// Release lines the data plane may be behind / ahead of its control plane.
    pub data_plane_behind: u32,
    pub data_plane_ahead: u32,
    pub quote: String,
    pub source: String,
    #[serde(default)]
    pub related: Vec<Related>,
    /// Component ids (of the mesh's catalog file) that are the control plane compared;
    /// absent: the mesh's `versionFrom` components.
    #[serde(default)]
    pub control_plane: Vec<String>,
    /// Component ids that are the data plane compared; absent: every proxy of the mesh.
    #[serde(default)]
    pub data_plane: Vec<String>,
}

/// A further upstream rule about skew or upgrades.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Related {
    pub rule: String,
    pub quote: String,
    pub source: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A version string placed on a release line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The release line, `MAJOR.MINOR` (no patch).
    pub line: Version,
    /// The exact version, for telling two of one line apart (`1.26.3`, `edge-25.4.4`).
    pub exact: String,
}

impl ReleaseTable {
    /// The entry of a release line.
    pub fn release(&self, line: Version) -> Option<&Release> {
        self.releases
            .iter()
            .find(|r| Version::parse(&r.version).is_some_and(|v| v.same_minor(line)))
    }

    /// The newest and oldest lines of the table.
    pub fn span(&self) -> Option<(Version, Version)> {
        let lines = self
            .releases
            .iter()
            .filter_map(|r| Version::parse(&r.version));
        Some((lines.clone().max()?, lines.min()?))
    }

    /// Places a version as the mesh reports it on a release line: `[v]MAJOR.MINOR...`
    /// after one of `versionPrefixes`, or an edge release named like the entries' `edge`
    /// (the line of the newest entry whose edge is not later; an edge later than the
    /// table's `asOf` month may be a line the table does not know yet, and is not placed).
    pub fn resolve(&self, raw: &str) -> Option<Resolved> {
        let stripped = self
            .version_prefixes
            .iter()
            .find_map(|p| raw.strip_prefix(p.as_str()))
            .unwrap_or(raw);
        if let Some(v) = Version::parse(stripped) {
            let line = Version { patch: None, ..v };
            return Some(Resolved {
                line,
                exact: v.to_string(),
            });
        }
        self.resolve_edge(raw)
    }

    fn resolve_edge(&self, raw: &str) -> Option<Resolved> {
        let (prefix, number) = edge_parts(raw)?;
        let edges: Vec<(Version, Version)> = self
            .releases
            .iter()
            .filter_map(|r| {
                let (p, n) = edge_parts(r.edge.as_deref()?)?;
                (p == prefix).then_some((n, Version::parse(&r.version)?))
            })
            .collect();
        let (newest_edge, _) = edges.iter().max()?;
        let (y, m, _) = self.as_of.civil();
        let (year, month) = (u64::try_from(y % 100).ok()?, u64::try_from(m).ok()?);
        if number > *newest_edge && (number.major, number.minor) > (year, month) {
            return None;
        }
        let line = edges
            .iter()
            .filter(|(e, _)| *e <= number)
            .max()
            .map(|(_, v)| Version { patch: None, ..*v })?;
        Some(Resolved {
            line,
            exact: raw.to_owned(),
        })
    }
}

/// `edge-25.4.4` → (`edge-`, 25.4.4).
fn edge_parts(raw: &str) -> Option<(&str, Version)> {
    let at = raw.find(|c: char| c.is_ascii_digit())?;
    let (prefix, rest) = raw.split_at(at);
    if prefix.is_empty() || prefix == "v" {
        return None;
    }
    Some((prefix, Version::parse(rest)?))
}

impl Release {
    /// Is Kubernetes `k` (a minor line) supported? `None` when the table does not say
    /// (no list, and no floor `k` is under).
    pub fn supports_kubernetes(&self, k: Version) -> Option<bool> {
        if !self.kubernetes.is_empty() {
            return Some(
                self.kubernetes
                    .iter()
                    .filter_map(|s| Version::parse(s))
                    .any(|v| v.same_minor(k)),
            );
        }
        let floor = Version::parse(self.kubernetes_minimum.as_deref()?)?;
        (k < floor).then_some(false)
    }

    /// `1.29–1.33` or `1.21 or later`: what the entry supports, for messages.
    pub fn kubernetes_range(&self) -> String {
        match (self.kubernetes.first(), self.kubernetes.last()) {
            (Some(a), Some(b)) if a == b => a.clone(),
            (Some(a), Some(b)) => format!("{a}–{b}"),
            _ => self
                .kubernetes_minimum
                .as_ref()
                .map(|m| format!("{m} or later"))
                .unwrap_or_default(),
        }
    }
}

fn day<'de, D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
    let s = String::deserialize(d)?;
    Day::parse(&s).map_err(serde::de::Error::custom)
}

fn opt_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Day>, D::Error> {
    day(d).map(Some)
}
