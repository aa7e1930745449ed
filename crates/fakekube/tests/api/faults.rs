//! Each injectable fault, as a client sees it.

use std::time::{Duration, Instant};

use fakekube::{FakeKube, Fault, Target};
use serde_json::{json, Value};

use crate::util::{enc, get, get_json, names, pod};

fn pods(n: usize) -> Vec<Value> {
    let mut v: Vec<Value> = (0..n)
        .map(|i| pod("shop", &format!("p{i:02}"), &json!({})))
        .collect();
    v.push(json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d", "namespace": "shop"}}));
    v
}

#[tokio::test]
async fn forbidden_gives_a_status_and_spares_other_resources() {
    let fake = FakeKube::new(pods(3))
        .with_fault("pods", Fault::Forbidden)
        .with_fault("deployments.apps", Fault::Forbidden)
        .start()
        .await
        .unwrap();
    let r = get(&fake, "/api/v1/pods").await;
    assert_eq!(r.status, 403);
    let s = r.json();
    assert_eq!(s["kind"], "Status");
    assert_eq!(s["status"], "Failure");
    assert_eq!(s["reason"], "Forbidden");
    assert_eq!(s["code"], 403);
    assert_eq!(s["details"], json!({"kind": "pods"}));
    assert_eq!(
        s["message"],
        "pods is forbidden: User \"system:serviceaccount:default:fakekube\" cannot list resource \"pods\" in API group \"\" at the cluster scope"
    );
    let r = get(&fake, "/apis/apps/v1/namespaces/shop/deployments").await;
    assert_eq!(r.status, 403);
    let s = r.json();
    assert_eq!(
        s["details"],
        json!({"group": "apps", "kind": "deployments"})
    );
    assert!(s["message"]
        .as_str()
        .unwrap()
        .ends_with("in API group \"apps\" in the namespace \"shop\""));
    assert!(s["message"]
        .as_str()
        .unwrap()
        .starts_with("deployments.apps is forbidden: "));
    // Other resources and discovery still work.
    assert_eq!(get(&fake, "/api/v1/nodes").await.status, 200);
    assert_eq!(get(&fake, "/api/v1").await.status, 200);
}

#[tokio::test]
async fn server_errors_then_success() {
    let fake = FakeKube::new(pods(3))
        .with_fault(
            Target::group_resource("", "pods"),
            Fault::ServerErrorTimes(2),
        )
        .start()
        .await
        .unwrap();
    let codes: Vec<u16> = {
        let mut c = Vec::new();
        for _ in 0..3 {
            c.push(get(&fake, "/api/v1/pods").await.status);
        }
        c
    };
    assert_eq!(codes, vec![500, 500, 200]);
    let r = get(&fake, "/api/v1/pods").await;
    assert_eq!(names(&r.json()).len(), 3);
    let statuses: Vec<u16> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![500, 500, 200, 200]);
    // Status body of a 500.
    fake.add_fault("pods", Fault::ServerErrorTimes(1));
    let s = get(&fake, "/api/v1/pods").await.json();
    assert_eq!(s["reason"], "InternalError");
    assert_eq!(s["code"], 500);
}

#[tokio::test]
async fn too_many_requests_with_retry_after() {
    let fake = FakeKube::new(pods(3))
        .with_fault("pods", Fault::TooManyRequests(1))
        .start()
        .await
        .unwrap();
    let r = get(&fake, "/api/v1/pods").await;
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after"), Some("0"));
    assert_eq!(r.json()["reason"], "TooManyRequests");
    assert_eq!(get(&fake, "/api/v1/pods").await.status, 200);
}

#[tokio::test]
async fn slow_delays_only_its_resource() {
    let delay = Duration::from_millis(300);
    let fake = FakeKube::new(pods(3))
        .with_fault("pods", Fault::Slow(delay))
        .start()
        .await
        .unwrap();
    let t = Instant::now();
    assert_eq!(get(&fake, "/api/v1/pods").await.status, 200);
    assert!(t.elapsed() >= delay, "{:?}", t.elapsed());
    let t = Instant::now();
    assert_eq!(get(&fake, "/api/v1/nodes").await.status, 200);
    assert!(t.elapsed() < delay, "{:?}", t.elapsed());
    // Everything, discovery included.
    fake.clear_faults();
    fake.add_fault(Target::Everything, Fault::Slow(delay));
    let t = Instant::now();
    assert_eq!(get(&fake, "/version").await.status, 200);
    assert!(t.elapsed() >= delay);
}

#[tokio::test]
async fn gone_on_continue_then_a_restarted_list_completes() {
    let fake = FakeKube::new(pods(10))
        .with_fault("pods", Fault::GoneOnContinue)
        .start()
        .await
        .unwrap();
    let first = get_json(&fake, "/api/v1/pods?limit=4").await;
    let token = first["metadata"]["continue"].as_str().unwrap().to_owned();
    let r = get(
        &fake,
        &format!("/api/v1/pods?limit=4&continue={}", enc(&token)),
    )
    .await;
    assert_eq!(r.status, 410);
    let s = r.json();
    assert_eq!(s["reason"], "Expired");
    assert_eq!(s["code"], 410);
    // Restart from the beginning: every page now works, the same token included.
    let mut all = names(&get_json(&fake, "/api/v1/pods?limit=4").await);
    let mut token = Some(token);
    while let Some(t) = token.take() {
        let page = get_json(&fake, &format!("/api/v1/pods?limit=4&continue={}", enc(&t))).await;
        all.extend(names(&page));
        token = page["metadata"]["continue"].as_str().map(str::to_owned);
    }
    assert_eq!(all.len(), 4 + 10 - 4);
    let unique: std::collections::BTreeSet<_> = all.iter().collect();
    assert_eq!(unique.len(), 10);
}

#[tokio::test]
async fn unavailable_and_throttled_never_stop() {
    let fake = FakeKube::new(pods(3))
        .with_fault(Target::group_resource("", "pods"), Fault::Unavailable)
        .with_fault("deployments.apps", Fault::TooManyRequestsForever)
        .start()
        .await
        .unwrap();
    for _ in 0..20 {
        let r = get(&fake, "/api/v1/pods").await;
        assert_eq!(r.status, 503);
        assert_eq!(r.json()["reason"], "ServiceUnavailable");
        assert_eq!(r.header("retry-after"), Some("0"));
        let r = get(&fake, "/apis/apps/v1/deployments").await;
        assert_eq!(r.status, 429);
        assert_eq!(r.json()["reason"], "TooManyRequests");
    }
    assert_eq!(get(&fake, "/api/v1/nodes").await.status, 200);
}

/// Follows `continue` tokens for `pages` pages; returns each page's token.
async fn follow(fake: &fakekube::Running, base: &str, pages: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut path = format!("{base}?limit=2");
    for _ in 0..pages {
        let page = get_json(fake, &path).await;
        assert_eq!(names(&page).len(), 2, "each page holds items");
        let t = page["metadata"]["continue"]
            .as_str()
            .expect("a continue token on every page")
            .to_owned();
        path = format!("{base}?limit=2&continue={}", enc(&t));
        tokens.push(t);
    }
    tokens
}

#[tokio::test]
async fn endless_continue_repeating_and_changing() {
    let fake = FakeKube::new(pods(3))
        .with_fault("pods", Fault::RepeatingContinue)
        .with_fault("deployments", Fault::ChangingContinue)
        .start()
        .await
        .unwrap();
    let same = follow(&fake, "/api/v1/pods", 6).await;
    assert!(same.iter().all(|t| t == &same[0]), "{same:?}");
    // The list restarts: the same first page every time.
    let first = names(&get_json(&fake, "/api/v1/pods?limit=2").await);
    let again = names(
        &get_json(
            &fake,
            &format!("/api/v1/pods?limit=2&continue={}", enc(&same[0])),
        )
        .await,
    );
    assert_eq!(first, again);
    // One deployment only, yet a new token on every page (and remainingItemCount 0).
    let mut tokens = Vec::new();
    let mut path = "/apis/apps/v1/deployments?limit=2".to_owned();
    for _ in 0..6 {
        let page = get_json(&fake, &path).await;
        assert_eq!(names(&page), vec!["shop/d"]);
        assert_eq!(page["metadata"]["remainingItemCount"], 0);
        let t = page["metadata"]["continue"].as_str().unwrap().to_owned();
        path = format!("/apis/apps/v1/deployments?limit=2&continue={}", enc(&t));
        tokens.push(t);
    }
    let unique: std::collections::BTreeSet<_> = tokens.iter().collect();
    assert_eq!(unique.len(), tokens.len(), "{tokens:?}");
}

#[tokio::test]
async fn ok_status_instead_of_a_list_or_discovery() {
    let fake = FakeKube::new(pods(3))
        .with_fault("pods", Fault::OkStatus)
        .with_fault(Target::discovery(), Fault::OkStatus)
        .start()
        .await
        .unwrap();
    for path in ["/api/v1/pods", "/apis"] {
        let r = get(&fake, path).await;
        assert_eq!(r.status, 200, "{path}");
        let v = r.json();
        assert_eq!(v["kind"], "Status", "{path}");
        assert!(v.get("items").is_none() && v.get("groups").is_none(), "{v}");
    }
    // Only that path: group documents and other lists are fine.
    assert_eq!(get_json(&fake, "/apis/apps").await["kind"], "APIGroup");
    assert_eq!(
        names(&get_json(&fake, "/apis/apps/v1/deployments").await).len(),
        1
    );
}

#[tokio::test]
async fn endless_body_streams_forever_and_stall_sends_nothing_more() {
    use http_body_util::BodyExt;
    let fake = FakeKube::new(pods(3))
        .with_fault("pods", Fault::EndlessBody)
        .with_fault("deployments", Fault::StallBody)
        .start()
        .await
        .unwrap();
    let (status, mut body) = crate::util::get_streaming(&fake, "/api/v1/pods").await;
    assert_eq!(status, 200);
    let mut read = Vec::new();
    while read.len() < 4 << 20 {
        let frame = body.frame().await.expect("never ends").expect("no error");
        if let Ok(data) = frame.into_data() {
            read.extend_from_slice(&data);
        }
    }
    let text = String::from_utf8_lossy(&read[..200]);
    assert!(text.starts_with(r#"{"kind":"PodList""#), "{text}");
    drop(body);

    let (status, mut body) = crate::util::get_streaming(&fake, "/apis/apps/v1/deployments").await;
    assert_eq!(status, 200);
    let first = body.frame().await.expect("a first frame").expect("ok");
    assert!(first.into_data().is_ok_and(|d| d.starts_with(b"{\"kind\"")));
    // Nothing more comes (the body neither continues nor ends).
    let more = tokio::time::timeout(Duration::from_millis(300), body.frame()).await;
    assert!(more.is_err(), "the stalled body must send nothing more");
}
