//! Discovery: groups come from built-ins and from the CRDs among the objects.

use fakekube::{pod_metrics, FakeKube};
use serde_json::Value;

use crate::util::{fixture, get, get_json};

fn group_names(list: &Value) -> Vec<String> {
    list["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect()
}

fn resource<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}"))
}

#[tokio::test]
async fn discovery_lists_groups_from_crds() {
    let fake = FakeKube::new(fixture("istio-ambient"))
        .start()
        .await
        .unwrap();

    let version = get_json(&fake, "/version").await;
    assert_eq!(version["major"], "1");
    let api = get_json(&fake, "/api").await;
    assert_eq!(api["kind"], "APIVersions");
    assert_eq!(api["versions"], serde_json::json!(["v1"]));

    let core = get_json(&fake, "/api/v1").await;
    assert_eq!(core["kind"], "APIResourceList");
    assert_eq!(core["groupVersion"], "v1");
    for r in [
        "pods",
        "nodes",
        "namespaces",
        "services",
        "serviceaccounts",
        "secrets",
        "configmaps",
    ] {
        let res = resource(&core, r);
        assert_eq!(res["verbs"], serde_json::json!(["get", "list", "watch"]));
    }
    assert_eq!(resource(&core, "pods")["namespaced"], true);
    assert_eq!(resource(&core, "pods")["kind"], "Pod");
    assert_eq!(resource(&core, "pods")["singularName"], "pod");
    assert_eq!(resource(&core, "nodes")["namespaced"], false);

    let apis = get_json(&fake, "/apis").await;
    assert_eq!(apis["kind"], "APIGroupList");
    let groups = group_names(&apis);
    for g in [
        "apps",
        "apiextensions.k8s.io",
        "admissionregistration.k8s.io",
        "networking.istio.io",
        "security.istio.io",
        "gateway.networking.k8s.io",
    ] {
        assert!(
            groups.contains(&g.to_owned()),
            "{g} missing from {groups:?}"
        );
    }
    assert!(!groups.contains(&"cilium.io".to_owned()));
    assert!(!groups.contains(&"metrics.k8s.io".to_owned()));

    // The group document lists the served versions, preferred first.
    let istio = get_json(&fake, "/apis/networking.istio.io").await;
    assert_eq!(istio["kind"], "APIGroup");
    assert_eq!(
        istio["preferredVersion"]["groupVersion"],
        "networking.istio.io/v1"
    );
    let versions: Vec<_> = istio["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, vec!["v1", "v1beta1", "v1alpha3"]);

    let v1 = get_json(&fake, "/apis/networking.istio.io/v1").await;
    let vs = resource(&v1, "virtualservices");
    assert_eq!(vs["kind"], "VirtualService");
    assert_eq!(vs["namespaced"], true);
    assert_eq!(vs["singularName"], "virtualservice");
    assert_eq!(vs["verbs"], serde_json::json!(["get", "list", "watch"]));

    let crds = get_json(&fake, "/apis/apiextensions.k8s.io/v1").await;
    assert_eq!(
        resource(&crds, "customresourcedefinitions")["namespaced"],
        false
    );

    // Unknown groups and versions are 404s with a Status body.
    for path in [
        "/apis/cilium.io",
        "/apis/cilium.io/v2",
        "/apis/apps/v1beta1",
        "/api/v2",
    ] {
        let r = get(&fake, path).await;
        assert_eq!(r.status, 404, "{path}");
        assert_eq!(r.json()["kind"], "Status");
    }
}

#[tokio::test]
async fn cilium_group_appears_only_with_its_crds() {
    let cilium = FakeKube::new(fixture("cilium")).start().await.unwrap();
    let groups = group_names(&get_json(&cilium, "/apis").await);
    assert!(groups.contains(&"cilium.io".to_owned()), "{groups:?}");
    assert!(!groups.contains(&"networking.istio.io".to_owned()));
    let none = FakeKube::new(fixture("none")).start().await.unwrap();
    let groups = group_names(&get_json(&none, "/apis").await);
    assert!(
        !groups
            .iter()
            .any(|g| g.contains("istio") || g.contains("cilium")),
        "{groups:?}"
    );
    assert_eq!(
        groups.iter().filter(|g| *g == "apps").count(),
        1,
        "built-in groups are listed once"
    );
}

#[tokio::test]
async fn metrics_are_served_only_when_given() {
    let without = FakeKube::new(vec![]).start().await.unwrap();
    assert!(!group_names(&get_json(&without, "/apis").await).contains(&"metrics.k8s.io".to_owned()));
    assert_eq!(
        get(&without, "/apis/metrics.k8s.io/v1beta1/pods")
            .await
            .status,
        404
    );

    let with = FakeKube::new(vec![])
        .with_pod_metrics(vec![
            pod_metrics(
                "shop",
                "web-1",
                &[("app", "5m", "20Mi"), ("istio-proxy", "3m", "40Mi")],
            ),
            pod_metrics("pay", "api-1", &[("app", "1m", "10Mi")]),
        ])
        .start()
        .await
        .unwrap();
    assert!(group_names(&get_json(&with, "/apis").await).contains(&"metrics.k8s.io".to_owned()));
    let res = get_json(&with, "/apis/metrics.k8s.io/v1beta1").await;
    assert_eq!(resource(&res, "pods")["kind"], "PodMetrics");
    let all = get_json(&with, "/apis/metrics.k8s.io/v1beta1/pods").await;
    assert_eq!(all["kind"], "PodMetricsList");
    assert_eq!(all["apiVersion"], "metrics.k8s.io/v1beta1");
    assert_eq!(crate::util::names(&all), vec!["pay/api-1", "shop/web-1"]);
    let shop = get_json(&with, "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods").await;
    assert_eq!(shop["items"][0]["kind"], "PodMetrics");
    assert_eq!(shop["items"][0]["containers"][1]["usage"]["memory"], "40Mi");

    // PodMetrics objects in fixtures switch the group on as well.
    let from_objects = FakeKube::new(vec![pod_metrics("a", "b", &[])])
        .start()
        .await
        .unwrap();
    assert!(
        group_names(&get_json(&from_objects, "/apis").await).contains(&"metrics.k8s.io".to_owned())
    );
}
