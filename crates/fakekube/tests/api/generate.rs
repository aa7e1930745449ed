//! The generator's configuration objects (`config=N`), as a client listing them sees them.

use std::collections::BTreeMap;

use fakekube::generate::{generate, Scale};
use fakekube::FakeKube;
use serde_json::Value;

use crate::util::{fixture, get_json};

/// Every namespaced custom resource the fake serves, found the way a scanner finds them
/// (the CRD list, then one list per kind): (group, kind) → objects per namespace.
async fn custom_resources(
    fake: &fakekube::Running,
) -> BTreeMap<(String, String), BTreeMap<String, usize>> {
    let crds = get_json(
        fake,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    )
    .await;
    let mut out = BTreeMap::new();
    for crd in crds["items"].as_array().unwrap() {
        let spec = &crd["spec"];
        if spec["scope"] == "Cluster" {
            continue;
        }
        let group = spec["group"].as_str().unwrap();
        let Some(version) = spec["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["served"] == true)
        else {
            continue;
        };
        let list = get_json(
            fake,
            &format!(
                "/apis/{group}/{}/{}",
                version["name"].as_str().unwrap(),
                spec["names"]["plural"].as_str().unwrap()
            ),
        )
        .await;
        let mut per_ns: BTreeMap<String, usize> = BTreeMap::new();
        for item in list["items"].as_array().unwrap() {
            *per_ns
                .entry(item["metadata"]["namespace"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
        out.insert(
            (
                group.to_owned(),
                spec["names"]["kind"].as_str().unwrap().to_owned(),
            ),
            per_ns,
        );
    }
    out
}

fn scale(config: usize) -> Scale {
    Scale {
        pods: 120,
        nodes: 4,
        namespaces: 5,
        deployments: 2,
        config,
    }
}

#[tokio::test]
async fn config_objects_per_generated_namespace_over_the_mesh_kinds() {
    for (case, expect_kind) in [
        ("istio-sidecar", "VirtualService"),
        ("linkerd", "Server"),
        ("cilium", "CiliumNetworkPolicy"),
    ] {
        let base = fixture(case);
        let before = FakeKube::new(generate(base.clone(), &scale(0)))
            .start()
            .await
            .unwrap();
        let baseline = custom_resources(&before).await;
        let baseline_total: usize = baseline.values().flat_map(|m| m.values()).sum();

        let objects = generate(base, &scale(30));
        let largest = objects
            .iter()
            .filter(|o| o["spec"] == Value::Object(serde_json::Map::new()))
            .map(|o| serde_json::to_vec(o).unwrap().len())
            .max()
            .unwrap();
        assert!(
            largest < 400,
            "{case}: a configuration object is {largest} bytes"
        );
        let fake = FakeKube::new(objects).start().await.unwrap();
        let found = custom_resources(&fake).await;
        let total: usize = found.values().flat_map(|m| m.values()).sum();
        assert_eq!(
            total - baseline_total,
            5 * 30,
            "{case}: 30 in each of 5 namespaces"
        );

        // Each generated namespace holds 30 more, spread evenly over every kind.
        let mut per_ns: BTreeMap<&str, usize> = BTreeMap::new();
        let mut per_kind: Vec<usize> = Vec::new();
        for (key, namespaces) in &found {
            let base_kind = baseline.get(key).map_or(0, |m| m.values().sum());
            per_kind.push(namespaces.values().sum::<usize>() - base_kind);
            for (ns, n) in namespaces {
                let base_n = baseline
                    .get(key)
                    .and_then(|m| m.get(ns))
                    .copied()
                    .unwrap_or(0);
                *per_ns.entry(ns.as_str()).or_default() += n - base_n;
            }
        }
        let generated: Vec<usize> = per_ns.values().copied().filter(|&n| n > 0).collect();
        assert_eq!(generated, vec![30; 5], "{case}: {per_ns:?}");
        let (min, max) = (
            per_kind.iter().min().unwrap(),
            per_kind.iter().max().unwrap(),
        );
        assert!(max - min <= 1, "{case}: uneven spread {found:?}");
        assert!(
            found.keys().any(|(_, k)| k == expect_kind),
            "{case}: {expect_kind} among {:?}",
            found.keys()
        );
        let expect_count: usize = found
            .iter()
            .filter(|((_, k), _)| k == expect_kind)
            .flat_map(|(_, m)| m.values())
            .sum();
        assert!(expect_count >= 1, "{case}: no {expect_kind}");
    }
}
