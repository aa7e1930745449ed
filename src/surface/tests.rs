//! The contract's names: figures and vocabularies serialize as the JSON says.

use super::*;

#[test]
fn figure_names_are_the_json_names() {
    let t = Totals {
        components: 1,
        component_kinds: 2,
        component_instances: 3,
        proxy_types: 4,
        proxy_implementations: 5,
        proxy_instances: 6,
        crds: 7,
        webhooks: 8,
        upgrade_steps: 9,
        cpu_request_millicores: 10,
        memory_request_bytes: 11,
        config_objects: Some(12),
        config_kinds_in_use: Some(13),
        fragile_config_objects: Some(14),
        proxy_overrides: 15,
    };
    let json = serde_json::to_value(t).unwrap();
    let obj = json.as_object().unwrap();
    assert_eq!(obj.len(), Totals::FIELDS.len());
    for (name, value) in t.figures() {
        assert_eq!(obj[name], serde_json::json!(value), "{name}");
    }
    let scale = Scale {
        nodes: 1,
        namespaces: 2,
        pods: 3,
        meshed_pods: 4,
        service_accounts: 5,
        meshed_namespaces: 6,
    };
    let json = serde_json::to_value(scale).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 6);
    for (name, value) in scale.figures() {
        assert_eq!(json[name], serde_json::json!(value), "{name}");
    }
    assert_eq!(t.get("crds"), Some(7));
    assert_eq!(t.get("nope"), None);
    // The delta has the same names, each the difference.
    let d = t.delta(&Totals::default());
    let json = serde_json::to_value(d).unwrap();
    assert_eq!(json.as_object().unwrap().len(), Totals::FIELDS.len());
    for (name, value) in t.figures() {
        assert_eq!(json[name], serde_json::json!(value), "{name}");
    }
    assert_eq!(Totals::default().delta(&t).crds, -7);
}

#[test]
fn vocabularies_serialize_as_their_names_and_sort_by_them() {
    for p in Placement::ALL {
        assert_eq!(serde_json::to_value(p).unwrap(), p.as_str());
        assert_eq!(Placement::parse(p.as_str()), Some(p));
    }
    // Proxy types are keyed by placement: the enum must order as the names did.
    let mut by_enum = Placement::ALL.to_vec();
    by_enum.sort();
    let mut by_name = Placement::ALL.to_vec();
    by_name.sort_by_key(|p| p.as_str());
    assert_eq!(by_enum, by_name);
    for c in Capture::ALL {
        assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
    }
    for o in [Origin::Mixed, Origin::Projected, Origin::Template] {
        assert_eq!(serde_json::to_value(o).unwrap(), o.as_str());
    }
    for m in [Mode::Sidecar, Mode::Ambient, Mode::Node, Mode::Unknown] {
        assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
    }
    assert_eq!(
        Mode::join(&[Mode::Sidecar, Mode::Ambient]),
        "sidecar+ambient"
    );
}
