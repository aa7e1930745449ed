//! Every bundled fixture folder loads and is served in full.

use std::collections::BTreeMap;

use fakekube::FakeKube;
use serde_json::Value;

use crate::util::{fixtures_dir, get_json};

#[tokio::test]
async fn every_fixture_folder_loads_and_serves_all_its_objects() {
    let mut cases: Vec<_> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 8, "{cases:?}");
    for case in cases {
        let objects = fakekube::load_path(&case).unwrap();
        let mut per_kind: BTreeMap<(String, String), usize> = BTreeMap::new();
        for o in &objects {
            *per_kind
                .entry((
                    o["apiVersion"].as_str().unwrap().to_owned(),
                    o["kind"].as_str().unwrap().to_owned(),
                ))
                .or_default() += 1;
        }
        let fake = FakeKube::new(objects.clone()).start().await.unwrap();
        assert_eq!(fake.skipped_count(), 0, "{}", case.display());
        assert_eq!(
            fake.object_count(),
            objects.len(),
            "{}: duplicate objects?",
            case.display()
        );
        // Each kind is listed, complete, through discovery's own resource names.
        for ((api_version, kind), count) in per_kind {
            let base = if api_version.contains('/') {
                format!("/apis/{api_version}")
            } else {
                format!("/api/{api_version}")
            };
            let resources = get_json(&fake, &base).await;
            let plural = resources["resources"]
                .as_array()
                .unwrap()
                .iter()
                .find(|r| r["kind"] == kind.as_str())
                .and_then(|r| r["name"].as_str())
                .unwrap_or_else(|| panic!("{}: {kind} not in {base}", case.display()))
                .to_owned();
            let list: Value = get_json(&fake, &format!("{base}/{plural}")).await;
            assert_eq!(list["kind"], format!("{kind}List"));
            assert_eq!(
                list["items"].as_array().unwrap().len(),
                count,
                "{}: {kind}",
                case.display()
            );
        }
        fake.shutdown().await;
    }
}
