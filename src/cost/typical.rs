//! The `typical` basis: published measurements per proxy instance (catalog data in
//! `typical.toml`, each with its source and the day it was read), scaled by the load
//! assumption written in the same file.
//!
//! Apart from the bill because it is knowledge about meshes, not arithmetic: a proxy type
//! with no published figure has no typical footprint, and the bill then says so instead of
//! guessing one.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Error;
use crate::surface::Proxy;

/// The built-in figures, embedded.
const TYPICAL: &str = include_str!("typical.toml");

/// The figures and the load they are scaled to.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Typical {
    /// The load assumption: requests per second through each proxy instance.
    pub requests_per_second_per_instance: f64,
    pub proxies: Vec<Figure>,
}

/// One proxy's published footprint per 1000 requests per second.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Figure {
    pub mesh: String,
    pub implementation: String,
    pub placements: Vec<String>,
    pub cpu_cores_per1000_rps: f64,
    #[serde(rename = "memoryMBPer1000Rps")]
    pub memory_mb_per1000_rps: f64,
    pub published: String,
    pub source: String,
    pub read: String,
}

/// One figure a typical bill used, as the snapshot carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TypicalSource {
    pub mesh: String,
    pub implementation: String,
    /// vCPU per 1000 requests per second through one instance, as published.
    pub cpu_cores_per1000_rps: f64,
    /// Memory (MB, 10^6 bytes) per 1000 requests per second through one instance.
    #[serde(rename = "memoryMBPer1000Rps")]
    pub memory_mb_per1000_rps: f64,
    /// The load assumption the figure was scaled to.
    pub requests_per_second_per_instance: f64,
    /// What the source says, quoted.
    pub published: String,
    /// Where it says it (a URL).
    pub source: String,
    /// The day the source was read (YYYY-MM-DD).
    pub read: String,
}

impl Typical {
    /// The built-in figures.
    pub fn load() -> Result<Self, Error> {
        let t: Self =
            toml::from_str(TYPICAL).map_err(|e| Error::Typical(e.message().to_owned()))?;
        if let Some(f) = t
            .proxies
            .iter()
            .find(|f| f.source.trim().is_empty() || f.read.trim().is_empty())
        {
            return Err(Error::Typical(format!(
                "{} {}: a figure names its source and the day it was read",
                f.mesh, f.implementation
            )));
        }
        Ok(t)
    }

    /// The published figure for this proxy type, if there is one.
    pub fn figure(&self, p: &Proxy) -> Option<&Figure> {
        self.proxies.iter().find(|f| {
            f.mesh == p.mesh
                && f.implementation == p.implementation
                && f.placements.iter().any(|x| x == p.placement.as_str())
        })
    }

    /// The typical (cores, bytes) of `p`'s instances, with the figure used; None without one.
    pub fn footprint(&self, p: &Proxy) -> Option<(f64, f64, TypicalSource)> {
        let f = self.figure(p)?;
        #[expect(
            clippy::cast_precision_loss,
            reason = "instance counts are far below 2^52"
        )]
        let load = p.instances as f64 * self.requests_per_second_per_instance / 1000.0;
        Some((
            load * f.cpu_cores_per1000_rps,
            load * f.memory_mb_per1000_rps * 1e6,
            TypicalSource {
                mesh: f.mesh.clone(),
                implementation: f.implementation.clone(),
                cpu_cores_per1000_rps: f.cpu_cores_per1000_rps,
                memory_mb_per1000_rps: f.memory_mb_per1000_rps,
                requests_per_second_per_instance: self.requests_per_second_per_instance,
                published: f.published.clone(),
                source: f.source.clone(),
                read: f.read.clone(),
            },
        ))
    }
}
