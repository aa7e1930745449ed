//! Every kind of answer parses into the types kube-rs and k8s-openapi use, so the live
//! client and the fake agree on the wire format, not just on our own reading of it.

use fakekube::{pod_metrics, FakeKube};
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{Namespace, Pod};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    APIGroup, APIGroupList, APIResourceList, APIVersions,
};
use kube::core::discovery::v2::{APIGroupDiscoveryList, ACCEPT_AGGREGATED_DISCOVERY_V2};
use kube::core::{DynamicObject, ObjectList, PartialObjectMeta, Status};
use serde::de::DeserializeOwned;

use crate::util::{fixture, get, request, Resp};

fn parse<T: DeserializeOwned>(r: &Resp) -> T {
    serde_json::from_slice(&r.body).unwrap_or_else(|e| {
        panic!(
            "{} does not parse: {e}: {}",
            std::any::type_name::<T>(),
            String::from_utf8_lossy(&r.body[..r.body.len().min(400)])
        )
    })
}

#[tokio::test]
async fn answers_parse_into_kube_rs_types() {
    let fake = FakeKube::new(fixture("istio-ambient-waypoints"))
        .with_pod_metrics(vec![pod_metrics(
            "istio-system",
            "ztunnel-x",
            &[("istio-proxy", "4m", "12Mi")],
        )])
        .start()
        .await
        .unwrap();

    let v: APIVersions = parse(&get(&fake, "/api").await);
    assert_eq!(v.versions, vec!["v1"]);
    let groups: APIGroupList = parse(&get(&fake, "/apis").await);
    assert!(groups
        .groups
        .iter()
        .any(|g| g.name == "networking.istio.io"));
    let g: APIGroup = parse(&get(&fake, "/apis/gateway.networking.k8s.io").await);
    assert_eq!(g.preferred_version.unwrap().version, "v1");
    let core: APIResourceList = parse(&get(&fake, "/api/v1").await);
    assert!(core
        .resources
        .iter()
        .any(|r| r.name == "pods" && r.namespaced));

    let pods: ObjectList<Pod> = parse(&get(&fake, "/api/v1/pods?limit=4").await);
    assert_eq!(pods.items.len(), 4);
    assert!(pods.metadata.continue_.is_some());
    assert!(pods.items.iter().all(|p| p.spec.is_some()));
    let deps: ObjectList<Deployment> = parse(&get(&fake, "/apis/apps/v1/deployments").await);
    assert!(!deps.items.is_empty());
    let ns: Namespace = parse(&get(&fake, "/api/v1/namespaces/istio-system").await);
    assert_eq!(ns.metadata.name.as_deref(), Some("istio-system"));
    let crs: ObjectList<DynamicObject> =
        parse(&get(&fake, "/apis/gateway.networking.k8s.io/v1/gateways").await);
    assert!(!crs.items.is_empty());
    assert!(crs
        .items
        .iter()
        .all(|o| o.types.as_ref().unwrap().kind == "Gateway"));

    let meta_accept = [(
        "accept",
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
    )];
    let meta: ObjectList<PartialObjectMeta<Pod>> =
        parse(&request(&fake, "GET", "/api/v1/pods", &meta_accept).await);
    let all_pods: ObjectList<Pod> = parse(&get(&fake, "/api/v1/pods").await);
    assert_eq!(meta.items.len(), all_pods.items.len());
    assert!(meta.items.iter().all(|m| m.metadata.name.is_some()));
    assert_eq!(meta.types.kind, "PartialObjectMetadataList");

    let metrics: ObjectList<DynamicObject> =
        parse(&get(&fake, "/apis/metrics.k8s.io/v1beta1/pods").await);
    assert_eq!(metrics.items[0].data["containers"][0]["usage"]["cpu"], "4m");

    let r = get(&fake, "/api/v1/namespaces/x/pods/missing").await;
    let s: Status = parse(&r);
    assert_eq!((s.code, s.reason.as_str()), (404, "NotFound"));
    assert!(s.is_failure());

    // Aggregated discovery, as Discovery::run_aggregated asks for it.
    let accept = [("accept", ACCEPT_AGGREGATED_DISCOVERY_V2)];
    let r = request(&fake, "GET", "/apis", &accept).await;
    assert_eq!(
        r.header("content-type"),
        Some("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList")
    );
    let agg: APIGroupDiscoveryList = parse(&r);
    let istio = agg
        .items
        .iter()
        .find(|g| {
            g.metadata.as_ref().and_then(|m| m.name.as_deref()) == Some("networking.istio.io")
        })
        .unwrap();
    assert_eq!(istio.versions[0].version.as_deref(), Some("v1"));
    let vs = istio.versions[0]
        .resources
        .iter()
        .find(|r| r.resource.as_deref() == Some("virtualservices"))
        .unwrap();
    assert_eq!(vs.scope.as_deref(), Some("Namespaced"));
    assert_eq!(
        vs.response_kind.as_ref().unwrap().kind.as_deref(),
        Some("VirtualService")
    );
    assert!(agg
        .items
        .iter()
        .any(|g| g.metadata.as_ref().and_then(|m| m.name.as_deref()) == Some("metrics.k8s.io")));
    let core: APIGroupDiscoveryList = parse(&request(&fake, "GET", "/api", &accept).await);
    assert_eq!(core.items.len(), 1);
    let pods = core.items[0].versions[0]
        .resources
        .iter()
        .find(|r| r.resource.as_deref() == Some("pods"))
        .unwrap();
    assert_eq!(pods.short_names, vec!["po"]);

    // An older server answers the same request with the legacy documents.
    let old = FakeKube::new(vec![])
        .without_aggregated_discovery()
        .start()
        .await
        .unwrap();
    let r = request(&old, "GET", "/apis", &accept).await;
    assert_eq!(r.header("content-type"), Some("application/json"));
    let _: APIGroupList = parse(&r);
}
