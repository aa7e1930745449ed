//! Custom resources of any kind whose CRD the fake holds: discovery derived from the
//! CRDs, namespaced and cluster-scoped lists with paging and selectors, metadata-only
//! lists, and faults on one custom resource.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use fakekube::{FakeKube, Fault};
use kube::core::{DynamicObject, ObjectList, PartialObjectMeta};
use serde_json::{json, Value};

use crate::util::{enc, fixture, get, get_json, names, request, Resp};

/// What kube-rs 5 sends for `Api::list_metadata` (kube-core 5.0.0, src/request.rs,
/// `JSON_METADATA_LIST_MIME`).
const KUBE_RS_META_LIST: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/// The real CRDs of Istio and Cilium (from the fixtures), 3 namespaces × 7
/// VirtualServices, 2 EnvoyFilters and 9 CiliumClusterwideNetworkPolicies.
fn objects() -> Vec<Value> {
    let mut objs: Vec<Value> = fixture("istio-sidecar")
        .into_iter()
        .chain(fixture("cilium"))
        .filter(|o| o["kind"] == "CustomResourceDefinition")
        .collect();
    for ns in ["shop", "pay", "tools"] {
        for i in 0..7 {
            objs.push(json!({
                "apiVersion": "networking.istio.io/v1",
                "kind": "VirtualService",
                "metadata": {"name": format!("vs-{i}"), "namespace": ns,
                             "labels": {"team": if i % 2 == 0 { "a" } else { "b" }}},
                "spec": {"hosts": [format!("svc-{i}")]},
            }));
        }
    }
    for ns in ["shop", "pay"] {
        objs.push(json!({
            "apiVersion": "networking.istio.io/v1alpha3", "kind": "EnvoyFilter",
            "metadata": {"name": "ef", "namespace": ns}, "spec": {"configPatches": []},
        }));
    }
    for i in 0..9 {
        objs.push(json!({
            "apiVersion": "cilium.io/v2", "kind": "CiliumClusterwideNetworkPolicy",
            "metadata": {"name": format!("ccnp-{i}")}, "spec": {"endpointSelector": {}},
        }));
    }
    objs
}

fn resource<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} not in {list}"))
}

/// Follows `continue` to the end with `limit`, sending `accept`; returns every page.
async fn pages(fake: &fakekube::Running, path: &str, limit: usize, accept: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{sep}limit={limit}");
        if let Some(t) = &token {
            let _ = write!(url, "&continue={}", enc(t));
        }
        let r = request(fake, "GET", &url, &[("accept", accept)]).await;
        assert_eq!(r.status, 200, "{url}: {}", String::from_utf8_lossy(&r.body));
        let page = r.json();
        assert!(page["items"].as_array().unwrap().len() <= limit);
        token = page["metadata"]["continue"]
            .as_str()
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        out.push(page);
        if token.is_none() {
            return out;
        }
        assert!(out.len() < 100, "paging does not end");
    }
}

fn all_names(pages: &[Value]) -> Vec<String> {
    pages.iter().flat_map(names).collect()
}

#[tokio::test]
async fn discovery_is_derived_from_the_crds() {
    let widget_crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {"group": "example.com", "scope": "Namespaced",
                 "names": {"plural": "widgets", "kind": "Widget"},
                 "versions": [{"name": "v1", "served": false, "storage": true}]}});
    let widget = json!({"apiVersion": "example.com/v1", "kind": "Widget",
                        "metadata": {"name": "w", "namespace": "n"}});
    // listKind is the CRD's to choose (it is almost always `<kind>List`).
    let gadget_crd = json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": "gadgets.example.org"},
        "spec": {"group": "example.org", "scope": "Cluster",
                 "names": {"plural": "gadgets", "kind": "Gadget", "listKind": "GadgetCatalog"},
                 "versions": [{"name": "v1", "served": true, "storage": true}]}});
    let gadget =
        json!({"apiVersion": "example.org/v1", "kind": "Gadget", "metadata": {"name": "g"}});
    let mut objs = objects();
    objs.extend([widget_crd, widget, gadget_crd, gadget]);
    let fake = FakeKube::new(objs).start().await.unwrap();

    let groups: Vec<String> = get_json(&fake, "/apis").await["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap().to_owned())
        .collect();
    for g in ["networking.istio.io", "security.istio.io", "cilium.io"] {
        assert!(groups.contains(&g.to_owned()), "{g} not in {groups:?}");
    }
    // A CRD that serves no version declares nothing, and its objects are not served
    // under a guessed plural either.
    assert!(!groups.contains(&"example.com".to_owned()), "{groups:?}");
    assert_eq!(get(&fake, "/apis/example.com/v1/widgets").await.status, 404);
    let gadgets = get_json(&fake, "/apis/example.org/v1/gadgets").await;
    assert_eq!(gadgets["kind"], "GadgetCatalog");
    assert_eq!(gadgets["items"][0]["kind"], "Gadget");

    // Namespaced, from the CRD: plural, singular, kind, short names, served versions.
    let istio = get_json(&fake, "/apis/networking.istio.io").await;
    assert_eq!(
        istio["preferredVersion"]["groupVersion"],
        "networking.istio.io/v1"
    );
    let v1 = get_json(&fake, "/apis/networking.istio.io/v1").await;
    let vs = resource(&v1, "virtualservices");
    assert_eq!(
        (&vs["kind"], &vs["namespaced"], &vs["singularName"]),
        (
            &json!("VirtualService"),
            &json!(true),
            &json!("virtualservice")
        )
    );
    assert_eq!(vs["shortNames"], json!(["vs"]));
    // EnvoyFilter is served at v1alpha3 only: not in the v1 list.
    assert!(!v1["resources"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["name"] == "envoyfilters"));
    let alpha = get_json(&fake, "/apis/networking.istio.io/v1alpha3").await;
    assert_eq!(resource(&alpha, "envoyfilters")["kind"], "EnvoyFilter");

    // Cluster-scoped, with its categories.
    let cilium = get_json(&fake, "/apis/cilium.io/v2").await;
    let ccnp = resource(&cilium, "ciliumclusterwidenetworkpolicies");
    assert_eq!(ccnp["namespaced"], false);
    assert_eq!(ccnp["kind"], "CiliumClusterwideNetworkPolicy");
    assert_eq!(ccnp["shortNames"], json!(["ccnp"]));
    assert_eq!(ccnp["categories"], json!(["cilium"]));

    // Aggregated discovery says the same.
    let r = request(
        &fake,
        "GET",
        "/apis",
        &[(
            "accept",
            "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        )],
    )
    .await;
    let agg = r.json();
    let group = |name: &str| {
        agg["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["metadata"]["name"] == name)
            .unwrap()
            .clone()
    };
    let cilium = group("cilium.io");
    let ccnp = cilium["versions"][0]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["resource"] == "ciliumclusterwidenetworkpolicies")
        .unwrap()
        .clone();
    assert_eq!(ccnp["scope"], "Cluster");
    assert_eq!(
        ccnp["responseKind"],
        json!({"group": "cilium.io", "version": "v2", "kind": "CiliumClusterwideNetworkPolicy"})
    );
    let versions: Vec<String> = group("networking.istio.io")["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(versions, vec!["v1", "v1beta1", "v1alpha3"]);
}

#[tokio::test]
async fn namespaced_and_cluster_scoped_custom_resources_page_and_select() {
    let fake = FakeKube::new(objects()).start().await.unwrap();

    // Namespaced, across namespaces: etcd order, every object once, at any page size.
    let whole = get_json(&fake, "/apis/networking.istio.io/v1/virtualservices").await;
    assert_eq!(whole["kind"], "VirtualServiceList");
    assert_eq!(whole["apiVersion"], "networking.istio.io/v1");
    let all = names(&whole);
    assert_eq!(all.len(), 21);
    assert_eq!(all[0], "pay/vs-0");
    for item in whole["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "VirtualService");
        assert_eq!(item["apiVersion"], "networking.istio.io/v1");
        assert!(item["spec"]["hosts"].is_array());
    }
    for limit in [1, 4, 7, 20, 21, 50] {
        let p = pages(
            &fake,
            "/apis/networking.istio.io/v1/virtualservices",
            limit,
            "application/json",
        )
        .await;
        assert_eq!(all_names(&p), all, "limit {limit}");
        assert_eq!(p.len(), 21usize.div_ceil(limit), "limit {limit}");
    }
    let first = get_json(
        &fake,
        "/apis/networking.istio.io/v1/virtualservices?limit=5",
    )
    .await;
    assert_eq!(first["metadata"]["remainingItemCount"], 16);
    // Another served version answers with that version.
    let beta = get_json(
        &fake,
        "/apis/networking.istio.io/v1beta1/virtualservices?limit=1",
    )
    .await;
    assert_eq!(beta["apiVersion"], "networking.istio.io/v1beta1");
    assert_eq!(
        beta["items"][0]["apiVersion"],
        "networking.istio.io/v1beta1"
    );

    // One namespace, with a label selector, paged.
    let p = pages(
        &fake,
        &format!(
            "/apis/networking.istio.io/v1/namespaces/shop/virtualservices?labelSelector={}",
            enc("team=a")
        ),
        3,
        "application/json",
    )
    .await;
    assert_eq!(
        all_names(&p),
        vec!["shop/vs-0", "shop/vs-2", "shop/vs-4", "shop/vs-6"]
    );
    let one = get_json(
        &fake,
        "/apis/networking.istio.io/v1/namespaces/tools/virtualservices/vs-3",
    )
    .await;
    assert_eq!(one["kind"], "VirtualService");
    assert_eq!(one["metadata"]["namespace"], "tools");
    let missing = get(
        &fake,
        "/apis/networking.istio.io/v1/namespaces/tools/virtualservices/nope",
    )
    .await;
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.json()["message"],
        "virtualservices.networking.istio.io \"nope\" not found"
    );

    // Cluster-scoped: the list kind is the CRD's listKind; no namespaced path.
    let p = pages(
        &fake,
        "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies",
        4,
        "application/json",
    )
    .await;
    assert_eq!(p.len(), 3);
    assert_eq!(p[0]["kind"], "CiliumClusterwideNetworkPolicyList");
    let expect: Vec<String> = (0..9).map(|i| format!("ccnp-{i}")).collect();
    assert_eq!(all_names(&p), expect);
    assert!(p[0]["items"][0]["metadata"].get("namespace").is_none());
    let one = get_json(
        &fake,
        "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies/ccnp-4",
    )
    .await;
    assert_eq!(one["metadata"]["name"], "ccnp-4");
    assert_eq!(
        get(
            &fake,
            "/apis/cilium.io/v2/namespaces/shop/ciliumclusterwidenetworkpolicies"
        )
        .await
        .status,
        404
    );
    // A kind whose CRD is there but that has no objects: an empty list, not a 404.
    let empty = get_json(&fake, "/apis/cilium.io/v2/ciliumnetworkpolicies").await;
    assert_eq!(empty["kind"], "CiliumNetworkPolicyList");
    assert_eq!(empty["items"], json!([]));
}

/// The keys of a JSON object, sorted.
fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[tokio::test]
async fn metadata_only_lists_of_custom_resources() {
    let fake = FakeKube::new(objects()).start().await.unwrap();
    let path = "/apis/networking.istio.io/v1/virtualservices";
    let all = names(&get_json(&fake, path).await);

    // kube-rs's header; kubectl-style parameter order with a plain-JSON fallback.
    for accept in [
        KUBE_RS_META_LIST.to_owned(),
        "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json"
            .to_owned(),
    ] {
        let p = pages(&fake, path, 8, &accept).await;
        assert_eq!(all_names(&p), all, "{accept}");
        for page in &p {
            assert_eq!(
                keys(page),
                BTreeSet::from(["kind", "apiVersion", "metadata", "items"])
            );
            assert_eq!(page["kind"], "PartialObjectMetadataList");
            assert_eq!(page["apiVersion"], "meta.k8s.io/v1");
            assert!(page["metadata"]["resourceVersion"].is_string());
            for item in page["items"].as_array().unwrap() {
                assert_eq!(
                    keys(item),
                    BTreeSet::from(["kind", "apiVersion", "metadata"])
                );
                assert_eq!(item["kind"], "PartialObjectMetadata");
                assert_eq!(item["apiVersion"], "meta.k8s.io/v1");
                assert!(item["metadata"]["labels"]["team"].is_string());
            }
        }
        assert!(p[0]["metadata"]["continue"].is_string());
        assert_eq!(p[0]["metadata"]["remainingItemCount"], 13);
    }

    // The body parses as kube-rs's `list_metadata` result, and says so in Content-Type.
    let r: Resp = request(
        &fake,
        "GET",
        "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies?limit=5",
        &[("accept", KUBE_RS_META_LIST)],
    )
    .await;
    assert_eq!(
        r.header("content-type"),
        Some("application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1")
    );
    let list: ObjectList<PartialObjectMeta<DynamicObject>> =
        serde_json::from_slice(&r.body).unwrap();
    assert_eq!(list.types.kind, "PartialObjectMetadataList");
    assert_eq!(list.items.len(), 5);
    assert_eq!(list.items[0].metadata.name.as_deref(), Some("ccnp-0"));
    assert!(list.metadata.continue_.is_some());

    // Asking for a list shape on one object is refused, as the real server does.
    let r = request(
        &fake,
        "GET",
        "/apis/networking.istio.io/v1/namespaces/pay/virtualservices/vs-1",
        &[("accept", KUBE_RS_META_LIST)],
    )
    .await;
    assert_eq!(r.status, 406);
}

#[tokio::test]
async fn forbidden_on_one_custom_resource_only() {
    let fake = FakeKube::new(objects())
        .with_fault("virtualservices", Fault::Forbidden)
        .with_fault(
            "ciliumclusterwidenetworkpolicies.cilium.io",
            Fault::Forbidden,
        )
        .start()
        .await
        .unwrap();
    for (path, accept) in [
        (
            "/apis/networking.istio.io/v1/virtualservices",
            "application/json",
        ),
        (
            "/apis/networking.istio.io/v1/namespaces/shop/virtualservices?limit=2",
            KUBE_RS_META_LIST,
        ),
        (
            "/apis/networking.istio.io/v1beta1/namespaces/shop/virtualservices/vs-1",
            "application/json",
        ),
    ] {
        let r = request(&fake, "GET", path, &[("accept", accept)]).await;
        assert_eq!(r.status, 403, "{path}");
        let s = r.json();
        assert_eq!(
            (&s["kind"], &s["reason"]),
            (&json!("Status"), &json!("Forbidden"))
        );
        assert_eq!(s["details"]["group"], "networking.istio.io");
        assert_eq!(s["details"]["kind"], "virtualservices");
    }
    // Worded as the API server words it: the resource qualified by its group.
    let r = get(&fake, "/apis/networking.istio.io/v1/virtualservices").await;
    assert_eq!(
        r.json()["message"],
        "virtualservices.networking.istio.io is forbidden: User \"system:serviceaccount:default:fakekube\" \
         cannot list resource \"virtualservices\" in API group \"networking.istio.io\" at the cluster scope"
    );
    assert_eq!(
        get(&fake, "/apis/cilium.io/v2/ciliumclusterwidenetworkpolicies")
            .await
            .status,
        403
    );
    // Every other custom resource, discovery and the built-ins are untouched.
    for path in [
        "/apis/networking.istio.io/v1alpha3/envoyfilters",
        "/apis/networking.istio.io/v1/destinationrules",
        "/apis/cilium.io/v2/ciliumnetworkpolicies",
        "/apis/networking.istio.io/v1",
        "/apis",
        "/api/v1/pods",
    ] {
        assert_eq!(get(&fake, path).await.status, 200, "{path}");
    }
    assert_eq!(
        names(&get_json(&fake, "/apis/networking.istio.io/v1alpha3/envoyfilters").await),
        vec!["pay/ef", "shop/ef"]
    );
}
