//! Each injectable fault, as a client sees it.

use std::time::{Duration, Instant};

use fakekube::{FakeKube, Fault, Target};
use serde_json::{json, Value};

use crate::util::{enc, get, get_json, names, pod};

fn pods(n: usize) -> Vec<Value> {
    let mut v: Vec<Value> = (0..n)
        .map(|i| pod("shop", &format!("p{i:02}"), json!({})))
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
