//! Feature profiles: for each mesh and mode, what its install brings (the baseline) and
//! what each feature a team adopts adds, as data in `profiles/*.yaml`, with every entry
//! citing its source. Growth projections read only these files and the mesh catalog.

use serde::{Deserialize, Deserializer};

use super::{Catalog, Error, KindRef, Result};
use crate::inventory::WorkloadKind;
use crate::quantity;
use crate::surface::{Capture, Mode, Resources};

use super::PROFILE_FILES;

/// The shared feature vocabulary, so that meshes can be compared feature by feature.
pub const FEATURES: &[&str] = &[
    "mtls",
    "l7-policy",
    "l7-routing",
    "ingress",
    "egress",
    "multicluster",
    "observability",
    "tracing",
    "cni",
    "mutual-auth",
];

/// One mesh in one mode (`istio-ambient`), with its baseline and features.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Profile {
    pub profile: String,
    /// Profiles are listed (compare's default columns, error messages) by this number.
    pub order: u32,
    pub mesh: String,
    pub mode: Mode,
    /// How the baseline captures application pods: `sidecar` (then `baseline.sidecar` is
    /// the injected proxy), `ambient`, or `none` (pods are not captured one by one: no
    /// namespace is meshed).
    pub capture: Capture,
    pub baseline: Additions,
    pub features: Vec<Feature>,
}

/// What an install or a feature adds.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Additions {
    #[serde(default)]
    pub components: Vec<ComponentSpec>,
    /// The sidecar injected into every meshed pod (sidecar modes only).
    #[serde(default)]
    pub sidecar: Option<SidecarSpec>,
    #[serde(default)]
    pub crds: Vec<CrdGroupSpec>,
    #[serde(default)]
    pub webhooks: Vec<WebhookSpec>,
    /// Configuration kinds a team must learn and write on day 1, each with its source.
    #[serde(default)]
    pub learn: Vec<KindRef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Feature {
    pub feature: String,
    #[serde(default)]
    pub components: Vec<ComponentSpec>,
    #[serde(default)]
    pub crds: Vec<CrdGroupSpec>,
    #[serde(default)]
    pub webhooks: Vec<WebhookSpec>,
    /// Configuration kinds the feature asks engineers to learn and write, each citing the
    /// upstream page that has them write it.
    #[serde(default)]
    pub learn: Vec<KindRef>,
}

/// How many of a component run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Per {
    /// `replicas` pods in the cluster.
    Cluster,
    /// One pod per node.
    Node,
    /// `replicas` pods in every namespace the feature applies to.
    Namespace,
}

/// A workload a baseline or feature adds, with its default size.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComponentSpec {
    /// The mesh catalog's component id.
    pub component: String,
    pub kind: WorkloadKind,
    /// Absent for per-namespace components (they live in the namespace they serve).
    #[serde(default)]
    pub namespace: Option<String>,
    pub name: String,
    #[serde(default = "one")]
    pub replicas: u64,
    #[serde(default = "cluster")]
    pub per: Per,
    /// Requests of the pod's own containers (absent: none by default upstream).
    #[serde(default)]
    pub cpu: Option<String>,
    #[serde(default)]
    pub memory: Option<String>,
    /// The mesh injects its sidecar into this component's pods (Linkerd's control plane).
    #[serde(default)]
    pub sidecar: bool,
    /// Each pod is a proxy (gateways, ztunnel, waypoints, cilium-envoy): the proxy
    /// container's requests and limits (written as quantities: `cpu`, `memory`,
    /// `cpuLimit`, `memoryLimit`).
    #[serde(default, deserialize_with = "proxy_resources")]
    pub proxy: Option<Resources>,
}

impl ComponentSpec {
    /// The requests of the pod's own containers (no limits are modelled for them).
    pub fn own_requests(&self) -> Result<Resources, String> {
        Quantities {
            cpu: self.cpu.clone(),
            memory: self.memory.clone(),
            ..Quantities::default()
        }
        .parse()
    }
}

fn one() -> u64 {
    1
}

fn cluster() -> Per {
    Per::Cluster
}

/// Requests and limits as the profiles write them: Kubernetes quantities (absent: none).
/// Parsed into [`Resources`] while the profile loads, so a bad quantity fails the load.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Quantities {
    #[serde(default)]
    cpu: Option<String>,
    #[serde(default)]
    memory: Option<String>,
    #[serde(default)]
    cpu_limit: Option<String>,
    #[serde(default)]
    memory_limit: Option<String>,
}

impl Quantities {
    fn parse(&self) -> Result<Resources, String> {
        let cpu = |q: &Option<String>| {
            q.as_deref().map_or(Ok(0), |v| {
                quantity::cpu_millicores(v).map_err(|e| format!("invalid CPU quantity {v:?}: {e}"))
            })
        };
        let mem = |q: &Option<String>| {
            q.as_deref().map_or(Ok(0), |v| {
                quantity::bytes(v).map_err(|e| format!("invalid memory quantity {v:?}: {e}"))
            })
        };
        Ok(Resources {
            cpu_request_millicores: cpu(&self.cpu)?,
            memory_request_bytes: mem(&self.memory)?,
            cpu_limit_millicores: cpu(&self.cpu_limit)?,
            memory_limit_bytes: mem(&self.memory_limit)?,
        })
    }
}

fn proxy_resources<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Resources>, D::Error> {
    let q = Quantities::deserialize(d)?;
    q.parse().map(Some).map_err(serde::de::Error::custom)
}

/// The sidecar a sidecar-mode baseline injects into every meshed pod, written
/// `{implementation, cpu, memory, cpuLimit, memoryLimit}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "SidecarQuantities")]
pub struct SidecarSpec {
    pub implementation: String,
    pub resources: Resources,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SidecarQuantities {
    implementation: String,
    #[serde(default)]
    cpu: Option<String>,
    #[serde(default)]
    memory: Option<String>,
    #[serde(default)]
    cpu_limit: Option<String>,
    #[serde(default)]
    memory_limit: Option<String>,
}

impl TryFrom<SidecarQuantities> for SidecarSpec {
    type Error = String;

    fn try_from(s: SidecarQuantities) -> Result<Self, String> {
        let resources = Quantities {
            cpu: s.cpu,
            memory: s.memory,
            cpu_limit: s.cpu_limit,
            memory_limit: s.memory_limit,
        }
        .parse()?;
        Ok(Self {
            implementation: s.implementation,
            resources,
        })
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CrdGroupSpec {
    pub group: String,
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WebhookSpec {
    pub kind: String,
    pub name: String,
    pub webhooks: u64,
    pub failure_policy: String,
}

impl Profile {
    pub fn feature(&self, id: &str) -> Option<&Feature> {
        self.features.iter().find(|f| f.feature == id)
    }

    pub fn feature_names(&self) -> Vec<&str> {
        self.features.iter().map(|f| f.feature.as_str()).collect()
    }

    fn validate(&self, file: &'static str, catalog: &Catalog) -> Result<()> {
        let bad = |problem: String| Err(Error::Invalid { file, problem });
        let Some(mesh) = catalog.mesh(&self.mesh) else {
            return bad(format!("unknown mesh {}", self.mesh));
        };
        let all_components = self
            .baseline
            .components
            .iter()
            .chain(self.features.iter().flat_map(|f| f.components.iter()));
        for c in all_components {
            if mesh.component(&c.component).is_none() {
                return bad(format!(
                    "component {} is not in the {} catalog",
                    c.component, self.mesh
                ));
            }
            if c.per == Per::Namespace && c.namespace.is_some() {
                return bad(format!(
                    "{}: a per-namespace component lives in the namespace it serves",
                    c.component
                ));
            }
            if let Err(e) = c.own_requests() {
                return bad(format!("{}: {e}", c.component));
            }
        }
        let mut seen = Vec::new();
        for f in &self.features {
            if !FEATURES.contains(&f.feature.as_str()) {
                return bad(format!(
                    "feature {} is not in the shared vocabulary {FEATURES:?}",
                    f.feature
                ));
            }
            if seen.contains(&f.feature.as_str()) {
                return bad(format!("feature {} is listed twice", f.feature));
            }
            seen.push(f.feature.as_str());
        }
        let learn = std::iter::once(("baseline", &self.baseline.learn))
            .chain(self.features.iter().map(|f| (f.feature.as_str(), &f.learn)));
        for (step, kinds) in learn {
            if let Err(problem) = check_learn(kinds) {
                return bad(format!("{step}: learn: {problem}"));
            }
        }
        if (self.capture == Capture::Sidecar) != self.baseline.sidecar.is_some() {
            return bad(format!(
                "capture {} needs a baseline sidecar exactly when it is sidecar",
                self.capture
            ));
        }
        Ok(())
    }
}

/// A `learn:` list: every kind named, grouped and sourced, none twice.
fn check_learn(kinds: &[KindRef]) -> Result<(), String> {
    for (i, k) in kinds.iter().enumerate() {
        for (field, value) in [
            ("group", &k.group),
            ("kind", &k.kind),
            ("source", &k.source),
        ] {
            if value.trim().is_empty() {
                return Err(format!("entry {} has an empty {field}", i + 1));
            }
        }
        if kinds[..i]
            .iter()
            .any(|o| o.group == k.group && o.kind == k.kind)
        {
            return Err(format!("{}/{} is listed twice", k.group, k.kind));
        }
    }
    Ok(())
}

/// Loads every profile and checks it against the mesh catalog.
pub fn load(catalog: &Catalog) -> Result<Vec<Profile>> {
    let mut out = Vec::new();
    let mut orders = std::collections::BTreeMap::new();
    for (file, text) in PROFILE_FILES {
        let p: Profile = serde_saphyr::from_str(text).map_err(|e| Error::Parse {
            file,
            source: Box::new(e),
        })?;
        p.validate(file, catalog)?;
        super::claim_order(&mut orders, p.order, file)?;
        out.push(p);
    }
    out.sort_by_key(|p| p.order);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_load_and_agree_with_the_catalog() {
        let catalog = Catalog::load().unwrap();
        let profiles = load(&catalog).unwrap();
        let names: Vec<_> = profiles.iter().map(|p| p.profile.as_str()).collect();
        assert_eq!(names.len(), PROFILE_FILES.len(), "one profile per file");
        assert_eq!(
            names[..4],
            ["istio-sidecar", "istio-ambient", "linkerd", "cilium"]
        );
        for p in &profiles {
            assert!(
                p.feature("l7-policy").is_some(),
                "{} lacks l7-policy",
                p.profile
            );
            assert!(
                p.feature("observability").is_some(),
                "{} lacks observability",
                p.profile
            );
        }
    }

    #[test]
    fn capture_and_the_baseline_sidecar_agree() {
        let catalog = Catalog::load().unwrap();
        let profile = |capture: &str, sidecar: &str| -> Profile {
            serde_saphyr::from_str(&format!(
                "{{profile: p, order: 9, mesh: linkerd, mode: sidecar, capture: {capture}, \
                 baseline: {{{sidecar}}}, features: []}}"
            ))
            .unwrap()
        };
        let sidecar = "sidecar: {implementation: linkerd2-proxy}";
        assert!(profile("sidecar", sidecar).validate("p", &catalog).is_ok());
        assert!(profile("sidecar", "").validate("p", &catalog).is_err());
        assert!(profile("ambient", sidecar).validate("p", &catalog).is_err());
        assert!(profile("none", "").validate("p", &catalog).is_ok());
    }

    #[test]
    fn learn_entries_need_a_kind_and_a_source() {
        let catalog = Catalog::load().unwrap();
        let profile = |learn: &str| -> Profile {
            serde_saphyr::from_str(&format!(
                "{{profile: p, order: 9, mesh: cilium, mode: node, capture: none, baseline: {{}}, \
                 features: [{{feature: egress, learn: [{learn}]}}]}}"
            ))
            .unwrap()
        };
        let ok =
            "{group: cilium.io, kind: CiliumEgressGatewayPolicy, source: https://docs.cilium.io/}";
        assert!(profile(ok).validate("p", &catalog).is_ok());
        for bad in [
            "{group: cilium.io, kind: CiliumEgressGatewayPolicy}",
            "{group: cilium.io, kind: CiliumEgressGatewayPolicy, source: ' '}",
            "{group: cilium.io, kind: '', source: https://docs.cilium.io/}",
            "{group: '', kind: CiliumEgressGatewayPolicy, source: https://docs.cilium.io/}",
            &format!("{ok}, {ok}"),
        ] {
            let err = profile(bad)
                .validate("p", &catalog)
                .unwrap_err()
                .to_string();
            assert!(err.contains("egress: learn:"), "{bad}: {err}");
        }
        // Unknown fields are refused like everywhere else in the profiles.
        assert!(serde_saphyr::from_str::<Profile>(
            "{profile: p, order: 9, mesh: cilium, mode: node, capture: none, baseline: {}, \
             features: [{feature: egress, learn: [{group: g, kind: K, source: s, count: 3}]}]}"
        )
        .is_err());
    }

    /// The kinds the issue names for L7 policy are in the profiles (issue 16 item 7).
    #[test]
    fn l7_policy_names_the_kinds_to_learn() {
        let catalog = Catalog::load().unwrap();
        let profiles = load(&catalog).unwrap();
        let kinds = |p: &str, f: &str| -> Vec<String> {
            let p = profiles.iter().find(|x| x.profile == p).unwrap();
            p.feature(f)
                .unwrap()
                .learn
                .iter()
                .map(|k| k.kind.clone())
                .collect()
        };
        assert_eq!(kinds("istio-sidecar", "l7-policy"), ["AuthorizationPolicy"]);
        assert_eq!(
            kinds("istio-ambient", "l7-policy"),
            ["Gateway", "AuthorizationPolicy"]
        );
        assert_eq!(
            kinds("linkerd", "l7-policy"),
            [
                "Server",
                "HTTPRoute",
                "AuthorizationPolicy",
                "MeshTLSAuthentication"
            ]
        );
        assert_eq!(kinds("cilium", "l7-policy"), ["CiliumNetworkPolicy"]);
        for p in &profiles {
            for k in p.features.iter().flat_map(|f| &f.learn) {
                assert!(k.source.starts_with("https://"), "{}: {k:?}", p.profile);
            }
        }
    }

    #[test]
    fn crd_counts_match_the_references() {
        let catalog = Catalog::load().unwrap();
        let count = |p: &Profile| p.baseline.crds.iter().map(|g| g.names.len()).sum::<usize>();
        let profiles = load(&catalog).unwrap();
        let by = |name: &str| profiles.iter().find(|p| p.profile == name).unwrap();
        // docs/sources.md: Istio 15, Linkerd 10, Cilium 22.
        assert_eq!(count(by("istio-sidecar")), 15);
        assert_eq!(count(by("istio-ambient")), 15);
        assert_eq!(count(by("linkerd")), 10);
        assert_eq!(count(by("cilium")), 22);
    }
}
