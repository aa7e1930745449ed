//! Lists and single objects: paging, selectors, metadata-only lists, errors, auth and
//! the request log.

use std::fmt::Write as _;

use fakekube::rbac::Rules;
use fakekube::FakeKube;
use serde_json::{json, Value};

use crate::util::{enc, get, get_json, names, pod, request};

/// 3 namespaces × 40 pods, with labels to select on, plus nodes and a namespace.
fn cluster() -> Vec<Value> {
    let mut objs = Vec::new();
    for ns in ["alpha", "alpha-two", "beta"] {
        for i in 0..40 {
            let tier = ["web", "db", "cache"][i % 3];
            let mut labels = json!({"app": format!("app-{}", i % 4), "tier": tier});
            if i % 5 == 0 {
                labels["canary"] = json!("true");
            }
            objs.push(pod(ns, &format!("pod-{i:03}"), &labels));
        }
    }
    for n in 0..3 {
        objs.push(
            json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": format!("node-{n}")}}),
        );
    }
    objs.push(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "alpha"}, "data": {"k": "dg=="}}));
    objs
}

/// Follows `continue` until the end; returns the names and the page count.
async fn list_all(fake: &fakekube::Running, path: &str, limit: usize) -> (Vec<String>, usize) {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut url = format!("{path}{sep}limit={limit}");
        if let Some(t) = &token {
            let _ = write!(url, "&continue={}", enc(t));
        }
        let page = get_json(fake, &url).await;
        pages += 1;
        let got = names(&page);
        assert!(got.len() <= limit);
        out.extend(got);
        match page["metadata"]["continue"].as_str() {
            Some(t) if !t.is_empty() => token = Some(t.to_owned()),
            _ => break,
        }
        assert!(pages < 1000, "paging does not end");
    }
    (out, pages)
}

#[tokio::test]
async fn paging_returns_every_object_exactly_once_in_order() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    let full = get_json(&fake, "/api/v1/pods").await;
    assert_eq!(full["kind"], "PodList");
    assert_eq!(full["apiVersion"], "v1");
    assert!(full["metadata"]["resourceVersion"].is_string());
    assert!(full["metadata"].get("continue").is_none());
    let all = names(&full);
    assert_eq!(all.len(), 120);
    // etcd key order: namespace then name, `alpha-two/` before `alpha/`.
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(all, sorted);
    assert!(all[0].starts_with("alpha-two/"));

    for limit in [1, 7, 40, 119, 120, 500] {
        let (paged, pages) = list_all(&fake, "/api/v1/pods", limit).await;
        assert_eq!(paged, all, "limit {limit}");
        assert_eq!(pages, 120usize.div_ceil(limit).max(1), "limit {limit}");
    }
    // Within a namespace too.
    let (alpha, _) = list_all(&fake, "/api/v1/namespaces/alpha/pods", 6).await;
    assert_eq!(alpha.len(), 40);
    assert!(alpha.iter().all(|n| n.starts_with("alpha/")));
    // With a selector: pages hold only matches and still cover them all once.
    let (web, _) = list_all(&fake, "/api/v1/pods?labelSelector=tier%3Dweb", 5).await;
    let expect: Vec<_> = get_json(&fake, "/api/v1/pods?labelSelector=tier%3Dweb").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}/{}",
                i["metadata"]["namespace"].as_str().unwrap(),
                i["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(web, expect);
    assert_eq!(web.len(), 3 * 14);

    // The first page says how many remain, as the API server does without selectors.
    let first = get_json(&fake, "/api/v1/pods?limit=50").await;
    assert_eq!(first["metadata"]["remainingItemCount"], 70);
    // resourceVersion=0 is answered from the "watch cache": limit is ignored.
    let cached = get_json(&fake, "/api/v1/pods?limit=5&resourceVersion=0").await;
    assert_eq!(names(&cached).len(), 120);
    assert!(cached["metadata"].get("continue").is_none());
    // An invalid token is a 400 with a Status.
    let r = get(&fake, "/api/v1/pods?limit=5&continue=garbage").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["reason"], "BadRequest");
}

#[tokio::test]
async fn items_carry_api_version_and_kind() {
    let fake = FakeKube::new(crate::util::fixture("istio-ambient"))
        .start()
        .await
        .unwrap();
    let deps = get_json(&fake, "/apis/apps/v1/deployments").await;
    assert_eq!(deps["kind"], "DeploymentList");
    assert_eq!(deps["apiVersion"], "apps/v1");
    for item in deps["items"].as_array().unwrap() {
        assert_eq!(item["kind"], "Deployment");
        assert_eq!(item["apiVersion"], "apps/v1");
        assert!(item["spec"].is_object());
    }
    let crds = get_json(
        &fake,
        "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
    )
    .await;
    assert!(!crds["items"].as_array().unwrap().is_empty());
    assert_eq!(crds["items"][0]["kind"], "CustomResourceDefinition");
    // Single objects, namespaced and cluster-scoped.
    let first = &deps["items"][0]["metadata"];
    let (ns, name) = (
        first["namespace"].as_str().unwrap(),
        first["name"].as_str().unwrap(),
    );
    let one = get_json(
        &fake,
        &format!("/apis/apps/v1/namespaces/{ns}/deployments/{name}"),
    )
    .await;
    assert_eq!(one["kind"], "Deployment");
    assert_eq!(one["metadata"]["name"], name);
    let ns_obj = get_json(&fake, &format!("/api/v1/namespaces/{ns}")).await;
    assert_eq!(ns_obj["kind"], "Namespace");

    // Like the real server: built-in list items without apiVersion/kind, CRs with them.
    let bare = FakeKube::new(crate::util::fixture("istio-ambient-waypoints"))
        .with_bare_list_items()
        .start()
        .await
        .unwrap();
    let deps = get_json(&bare, "/apis/apps/v1/deployments?limit=2").await;
    assert_eq!(deps["kind"], "DeploymentList");
    for item in deps["items"].as_array().unwrap() {
        assert!(item.get("kind").is_none() && item.get("apiVersion").is_none());
        assert!(item["metadata"]["name"].is_string());
    }
    let gws = get_json(&bare, "/apis/gateway.networking.k8s.io/v1/gateways").await;
    assert_eq!(gws["items"][0]["kind"], "Gateway");
    let m = &deps["items"][0]["metadata"];
    let (ns, name) = (
        m["namespace"].as_str().unwrap(),
        m["name"].as_str().unwrap(),
    );
    let one = get_json(
        &bare,
        &format!("/apis/apps/v1/namespaces/{ns}/deployments/{name}"),
    )
    .await;
    assert_eq!(
        one["kind"], "Deployment",
        "single objects always carry their kind"
    );
}

#[tokio::test]
async fn custom_resources_are_served_at_every_served_version() {
    let objs = vec![
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
               "metadata": {"name": "widgets.example.com"},
               "spec": {"group": "example.com", "scope": "Namespaced",
                        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
                        "versions": [{"name": "v1", "served": true}, {"name": "v1beta1", "served": true}, {"name": "v1alpha1", "served": false}]}}),
        json!({"apiVersion": "example.com/v1beta1", "kind": "Widget", "metadata": {"name": "w", "namespace": "n"}}),
    ];
    let fake = FakeKube::new(objs).start().await.unwrap();
    for v in ["v1", "v1beta1"] {
        let list = get_json(&fake, &format!("/apis/example.com/{v}/widgets")).await;
        assert_eq!(list["kind"], "WidgetList");
        assert_eq!(list["items"][0]["apiVersion"], format!("example.com/{v}"));
    }
    assert_eq!(
        get(&fake, "/apis/example.com/v1alpha1/widgets")
            .await
            .status,
        404
    );
}

async fn selected(fake: &fakekube::Running, selector: &str) -> Vec<String> {
    let list = get_json(
        fake,
        &format!(
            "/api/v1/namespaces/alpha/pods?labelSelector={}",
            enc(selector)
        ),
    )
    .await;
    names(&list)
        .into_iter()
        .map(|n| n.trim_start_matches("alpha/").to_owned())
        .collect()
}

#[tokio::test]
async fn label_selectors_of_each_form() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    let all: Vec<String> = (0..40).map(|i| format!("pod-{i:03}")).collect();
    let pick = |f: &dyn Fn(usize) -> bool| -> Vec<String> {
        (0..40).filter(|&i| f(i)).map(|i| all[i].clone()).collect()
    };
    assert_eq!(selected(&fake, "tier=web").await, pick(&|i| i % 3 == 0));
    assert_eq!(selected(&fake, "tier==web").await, pick(&|i| i % 3 == 0));
    assert_eq!(selected(&fake, "tier!=web").await, pick(&|i| i % 3 != 0));
    assert_eq!(
        selected(&fake, "tier in (db, cache)").await,
        pick(&|i| i % 3 != 0)
    );
    assert_eq!(
        selected(&fake, "app notin (app-0,app-1)").await,
        pick(&|i| i % 4 >= 2)
    );
    assert_eq!(selected(&fake, "canary").await, pick(&|i| i % 5 == 0));
    assert_eq!(selected(&fake, "!canary").await, pick(&|i| i % 5 != 0));
    assert_eq!(
        selected(&fake, "tier=web,!canary,app in (app-1,app-3)").await,
        pick(&|i| i % 3 == 0 && i % 5 != 0 && i % 2 == 1)
    );
    assert_eq!(selected(&fake, "missing=x").await, Vec::<String>::new());
    let bad = get(
        &fake,
        &format!("/api/v1/pods?labelSelector={}", enc("tier in web")),
    )
    .await;
    assert_eq!(bad.status, 400);
    let status = bad.json();
    assert_eq!(status["kind"], "Status");
    assert_eq!(status["reason"], "BadRequest");
    assert!(status["message"]
        .as_str()
        .unwrap()
        .contains("unable to parse requirement"));
}

#[tokio::test]
async fn field_selectors_and_unsupported_fields() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    let one = get_json(&fake, "/api/v1/pods?fieldSelector=metadata.name%3Dpod-007").await;
    assert_eq!(
        names(&one),
        vec!["alpha-two/pod-007", "alpha/pod-007", "beta/pod-007"]
    );
    let not_alpha = get_json(
        &fake,
        &format!(
            "/api/v1/pods?fieldSelector={}",
            enc("metadata.namespace!=alpha,metadata.name=pod-001")
        ),
    )
    .await;
    assert_eq!(names(&not_alpha), vec!["alpha-two/pod-001", "beta/pod-001"]);
    let running = get_json(
        &fake,
        "/api/v1/namespaces/beta/pods?fieldSelector=status.phase%3DRunning",
    )
    .await;
    assert_eq!(names(&running).len(), 40);
    let nodes = get_json(&fake, "/api/v1/nodes?fieldSelector=metadata.name%3Dnode-1").await;
    assert_eq!(names(&nodes), vec!["node-1"]);

    let r = get(&fake, "/api/v1/pods?fieldSelector=spec.color%3Dred").await;
    assert_eq!(r.status, 400);
    let s = r.json();
    assert_eq!(s["reason"], "BadRequest");
    assert_eq!(s["message"], "field label not supported: spec.color");
    // status.phase is a pod field, not a node field.
    assert_eq!(
        get(&fake, "/api/v1/nodes?fieldSelector=status.phase%3DRunning")
            .await
            .status,
        400
    );
}

const META_LIST: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

#[tokio::test]
async fn metadata_only_accept_header() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    let r = request(
        &fake,
        "GET",
        "/api/v1/namespaces/beta/pods?limit=10",
        &[("accept", META_LIST)],
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r
        .header("content-type")
        .unwrap()
        .contains("as=PartialObjectMetadataList"));
    let list = r.json();
    assert_eq!(list["kind"], "PartialObjectMetadataList");
    assert_eq!(list["apiVersion"], "meta.k8s.io/v1");
    assert!(list["metadata"]["continue"].is_string());
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 10);
    for i in items {
        assert_eq!(i["kind"], "PartialObjectMetadata");
        assert_eq!(i["apiVersion"], "meta.k8s.io/v1");
        assert_eq!(i["metadata"]["namespace"], "beta");
        assert!(i["metadata"]["labels"]["tier"].is_string());
        assert!(i.get("spec").is_none() && i.get("status").is_none());
    }
    // kube-rs sends the list type first and plain JSON as a fallback.
    let r = request(
        &fake,
        "GET",
        "/api/v1/nodes",
        &[("accept", &format!("{META_LIST},application/json"))],
    )
    .await;
    assert_eq!(r.json()["kind"], "PartialObjectMetadataList");
    // A single object.
    let r = request(
        &fake,
        "GET",
        "/api/v1/nodes/node-2",
        &[(
            "accept",
            "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
        )],
    )
    .await;
    let obj = r.json();
    assert_eq!(obj["kind"], "PartialObjectMetadata");
    assert_eq!(obj["metadata"]["name"], "node-2");
    // kubectl's Table request falls back to the plain list.
    let table = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    let r = request(&fake, "GET", "/api/v1/pods?limit=3", &[("accept", table)]).await;
    assert_eq!(r.json()["kind"], "PodList");
    // Protobuf only: 406, as a server that cannot produce it would say.
    let r = request(
        &fake,
        "GET",
        "/api/v1/pods",
        &[("accept", "application/vnd.kubernetes.protobuf")],
    )
    .await;
    assert_eq!(r.status, 406);
    assert_eq!(r.json()["reason"], "NotAcceptable");
}

#[tokio::test]
async fn not_found_and_bad_request_status_bodies() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    let r = get(&fake, "/api/v1/widgets").await;
    assert_eq!(r.status, 404);
    let s = r.json();
    assert_eq!(
        (
            s["kind"].as_str(),
            s["status"].as_str(),
            s["reason"].as_str(),
            s["code"].as_u64()
        ),
        (Some("Status"), Some("Failure"), Some("NotFound"), Some(404))
    );
    assert_eq!(
        s["message"],
        "the server could not find the requested resource"
    );

    let r = get(&fake, "/api/v1/namespaces/alpha/pods/nope").await;
    assert_eq!(r.status, 404);
    let s = r.json();
    assert_eq!(s["message"], "pods \"nope\" not found");
    assert_eq!(s["details"], json!({"name": "nope", "kind": "pods"}));
    let r = get(&fake, "/apis/apps/v1/namespaces/alpha/deployments/nope").await;
    assert_eq!(
        r.json()["details"],
        json!({"name": "nope", "group": "apps", "kind": "deployments"})
    );

    // Cluster-scoped under a namespace, subresources, watch, writes.
    assert_eq!(
        get(&fake, "/api/v1/namespaces/alpha/nodes").await.status,
        404
    );
    assert_eq!(
        get(&fake, "/api/v1/namespaces/alpha/pods/pod-001/log")
            .await
            .status,
        404
    );
    assert_eq!(get(&fake, "/api/v1/pods?watch=true").await.status, 405);
    let r = request(
        &fake,
        "DELETE",
        "/api/v1/namespaces/alpha/pods/pod-001",
        &[],
    )
    .await;
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["reason"], "MethodNotAllowed");
    assert_eq!(get(&fake, "/api/v1/pods?limit=x").await.status, 400);
    // Outside the API: plain 404, as the API server does.
    assert_eq!(get(&fake, "/metrics-nope").await.status, 404);
}

#[tokio::test]
async fn token_is_required_when_set() {
    let fake = FakeKube::new(cluster())
        .with_token("s3cret")
        .start()
        .await
        .unwrap();
    for headers in [
        vec![],
        vec![("authorization", "Bearer wrong")],
        vec![("authorization", "Basic czNjcmV0")],
    ] {
        let r = request(&fake, "GET", "/api/v1/pods", &headers).await;
        assert_eq!(r.status, 401);
        let s = r.json();
        assert_eq!(s["reason"], "Unauthorized");
        assert_eq!(s["code"], 401);
    }
    assert_eq!(get(&fake, "/version").await.status, 401);
    let ok = request(
        &fake,
        "GET",
        "/api/v1/pods",
        &[("authorization", "Bearer s3cret")],
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(fake.token(), "s3cret");
    // Without with_token anything goes.
    let open = FakeKube::new(vec![]).start().await.unwrap();
    assert_eq!(get(&open, "/api/v1/pods").await.status, 200);
}

#[tokio::test]
async fn request_log_resolves_each_request_and_checks_rbac() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    get(&fake, "/apis").await;
    get(
        &fake,
        "/api/v1/namespaces/alpha/pods?limit=5&labelSelector=tier%3Dweb",
    )
    .await;
    request(&fake, "GET", "/api/v1/nodes", &[("accept", META_LIST)]).await;
    get(&fake, "/api/v1/namespaces/alpha/secrets").await;
    let log = fake.requests();
    assert_eq!(log.len(), 4);
    assert_eq!(log[0].path, "/apis");
    assert!(log[0].resource.is_none());
    let pods = &log[1];
    assert_eq!(pods.query, "limit=5&labelSelector=tier%3Dweb");
    assert_eq!(pods.param("labelSelector"), Some("tier=web"));
    let a = pods.resource.as_ref().unwrap();
    assert_eq!(
        (
            a.verb.as_str(),
            a.group.as_str(),
            a.resource.as_str(),
            a.namespace.as_deref()
        ),
        ("list", "", "pods", Some("alpha"))
    );
    assert_eq!(log[2].accept.as_deref(), Some(META_LIST));
    assert_eq!(log[2].describe(), "list /nodes");
    assert!(log.iter().all(|r| r.status == 200));

    let role = r#"
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: meshsurface}
rules:
- apiGroups: [""]
  resources: [pods, nodes]
  verbs: [list]
"#;
    let rules = Rules::from_text(role).unwrap();
    let denied: Vec<_> = rules
        .denied(&log)
        .into_iter()
        .map(fakekube::RequestRecord::describe)
        .collect();
    assert_eq!(denied, vec!["list /secrets"]);
    assert!(log
        .iter()
        .any(|r| r.resource.as_ref().is_some_and(|a| a.resource == "secrets")));
    fake.clear_requests();
    assert!(fake.requests().is_empty());
}

#[tokio::test]
async fn set_objects_changes_what_the_next_request_sees() {
    let fake = FakeKube::new(cluster()).start().await.unwrap();
    assert_eq!(names(&get_json(&fake, "/api/v1/nodes").await).len(), 3);
    let before = fake.object_count();
    // A cluster that changed: one node, and a CRD whose group discovery now serves.
    let mut changed = vec![
        json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "only"}},
        ]}),
        json!({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
            "metadata": {"name": "widgets.example.com"},
            "spec": {"group": "example.com", "scope": "Namespaced",
                "names": {"plural": "widgets", "kind": "Widget"},
                "versions": [{"name": "v1", "served": true, "storage": true}]}}),
    ];
    changed.push(pod("alpha", "p", &json!({})));
    fake.set_objects(changed);
    assert_eq!(
        names(&get_json(&fake, "/api/v1/nodes").await),
        vec!["only".to_owned()]
    );
    assert_eq!(names(&get_json(&fake, "/api/v1/pods").await).len(), 1);
    assert!(fake.groups().contains(&"example.com".to_owned()));
    assert_ne!(fake.object_count(), before);
    assert_eq!(fake.object_count(), 3);
}
