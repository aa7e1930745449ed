//! Detection on small inline manifests shaped like real releases render them (issue 14):
//! one test per counting rule, each failing before its fix.

use super::*;
use crate::inventory::KeepKeys;
use crate::source::read_offline;
use crate::surface::SourceKind;

fn scan(yaml: &str) -> Snapshot {
    let catalog = Catalog::load().unwrap();
    let keep = KeepKeys {
        annotations: catalog.annotation_keys(),
    };
    let input = read_offline(
        &["-".to_owned()],
        &mut yaml.as_bytes(),
        keep,
        crate::source::Limits::default(),
    )
    .unwrap();
    let source = Source {
        kind: SourceKind::Offline,
        context: None,
        paths: vec!["-".to_owned()],
        namespace: None,
        taken_at: "2026-01-01T00:00:00Z".to_owned(),
    };
    detect(&input.inventory.unwrap(), &catalog, source)
}

fn component<'s>(s: &'s Snapshot, name: &str) -> &'s Component {
    s.components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no component {name}: {:?}", s.components))
}

fn has_warning(s: &Snapshot, code: WarningCode) -> bool {
    s.warnings.iter().any(|w| w.code == code)
}

const ISTIOD: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  template:
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.26.0}]
";

/// A proxyv2 Deployment as istiod renders gateways and waypoints; `labels` and `args`
/// vary by release.
fn rendered_gateway(name: &str, labels: &str, args: &str) -> String {
    format!(
        "
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: apps
  labels: {{{labels}}}
spec:
  template:
    metadata:
      labels: {{{labels}}}
    spec:
      containers:
      - name: istio-proxy
        image: docker.io/istio/proxyv2:1.26.0
        args: [{args}]
"
    )
}

#[test]
fn item1_waypoints_of_1_24_to_1_27_are_waypoints_by_any_signal() {
    let managed = "gateway.istio.io/managed: istio.io-mesh-controller, gateway.networking.k8s.io/gateway-name: a";
    let joined = "gateway.networking.k8s.io/gateway-name: b";
    let gateway_b = "
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: b, namespace: apps}
spec: {gatewayClassName: istio-waypoint}
";
    let yaml = [
        ISTIOD.to_owned(),
        rendered_gateway("a", managed, "router"),
        rendered_gateway("b", joined, "router"),
        gateway_b.to_owned(),
        rendered_gateway("c", "app: c", "proxy, waypoint"),
    ]
    .concat();
    let s = scan(&yaml);
    for name in ["a", "b", "c"] {
        let c = component(&s, name);
        assert_eq!(
            (c.component.as_str(), c.role, c.feature.as_str()),
            ("waypoint", Role::Waypoint, "l7-policy"),
            "{name}"
        );
    }
    assert!(s.proxies.iter().all(|p| p.placement != "gateway"));
}

#[test]
fn item2_east_west_gateway_of_1_28_is_multicluster_not_a_waypoint() {
    let labels = "gateway.istio.io/managed: istio.io-eastwest-controller, gateway.networking.k8s.io/gateway-class-name: istio-east-west, gateway.networking.k8s.io/gateway-name: eastwest";
    let s = scan(
        &[
            ISTIOD,
            &rendered_gateway("eastwest", labels, "proxy, waypoint"),
        ]
        .concat(),
    );
    let c = component(&s, "eastwest");
    assert_eq!(c.component, "istio-eastwestgateway");
    assert_eq!(c.feature, "multicluster");
    assert_eq!(s.proxies[0].placement, "gateway");
}

const SIDECAR_TEMPLATE: &str = "
    spec:
      containers:
      - {name: app, image: nginx:1, resources: {requests: {cpu: 10m, memory: 10Mi}}}
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.26.0, resources: {requests: {cpu: 100m, memory: 128Mi}}}
";

#[test]
fn item3_observed_and_projected_proxies_are_one_entry() {
    let yaml = format!(
        "{ISTIOD}---
apiVersion: v1
kind: Pod
metadata: {{name: bare, namespace: apps}}
spec:
  containers:
  - {{name: app, image: nginx:1, resources: {{requests: {{cpu: 10m, memory: 10Mi}}}}}}
  - {{name: istio-proxy, image: docker.io/istio/proxyv2:1.26.0, resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: apps}}
spec:
  replicas: 3
  template:{SIDECAR_TEMPLATE}"
    );
    let s = scan(&yaml);
    assert_eq!(s.proxies.len(), 1, "{:?}", s.proxies);
    let p = &s.proxies[0];
    assert_eq!(p.instances, 4);
    assert_eq!(p.from.as_deref(), Some("mixed"));
    assert_eq!(p.template_instances, Some(3));
    assert_eq!(p.cpu_request_millicores, 400);
}

#[test]
fn item4_a_workload_is_kind_namespace_name() {
    let yaml = format!(
        "{ISTIOD}---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: hello, namespace: apps}}
spec:
  template:{SIDECAR_TEMPLATE}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: hello, namespace: apps}}
spec:
  template:{SIDECAR_TEMPLATE}"
    );
    let s = scan(&yaml);
    let ns = s.namespaces.iter().find(|n| n.namespace == "apps").unwrap();
    assert_eq!(ns.workloads, 2);
}

#[test]
fn item5_the_same_object_twice_is_one_object() {
    let webhook = "
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata: {name: istio-sidecar-injector}
webhooks:
- name: rev.namespace.sidecar-injector.istio.io
  clientConfig: {service: {name: istiod, namespace: istio-system}}
";
    let s = scan(&[ISTIOD, webhook, webhook].concat());
    assert_eq!(s.webhooks.len(), 1);
    let dups: Vec<_> = s
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::DuplicateObject)
        .collect();
    assert_eq!(dups.len(), 1);
    assert!(
        dups[0].message.contains("document 2") && dups[0].message.contains("document 3"),
        "{}",
        dups[0].message
    );
}

#[test]
fn item5_a_duplicate_pod_counts_once_and_the_last_copy_wins() {
    let pod = |image: &str| {
        format!(
            "---
apiVersion: v1
kind: Pod
metadata: {{name: p, namespace: apps}}
spec:
  containers: [{{name: app, image: {image}}}]
"
        )
    };
    let s = scan(&[pod("nginx:1"), pod("nginx:2")].concat());
    assert_eq!(s.scale.pods, 1);
    assert!(has_warning(&s, WarningCode::DuplicateObject));
}

#[test]
fn item6_linkerd_ha_versions_come_from_the_components_own_container() {
    let yaml = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: linkerd-destination
  namespace: linkerd
  labels: {linkerd.io/control-plane-component: destination}
spec:
  template:
    spec:
      containers:
      - {name: linkerd-proxy, image: cr.l5d.io/linkerd/proxy:stable-2.14.9}
      - {name: destination, image: cr.l5d.io/linkerd/controller:stable-2.14.10}
";
    let s = scan(yaml);
    assert_eq!(
        component(&s, "linkerd-destination").version.as_deref(),
        Some("stable-2.14.10")
    );
    assert_eq!(s.meshes[0].version.as_deref(), Some("stable-2.14.10"));
    assert_eq!(s.proxies[0].version.as_deref(), Some("stable-2.14.9"));
}

#[test]
fn item7_no_version_from_a_pause_container() {
    let yaml = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: linkerd-gateway
  namespace: linkerd-multicluster
  labels: {linkerd.io/extension: multicluster, component: gateway}
spec:
  template:
    spec:
      containers: [{name: pause, image: gcr.io/google_containers/pause:3.2}]
";
    let s = scan(yaml);
    assert_eq!(component(&s, "linkerd-gateway").version, None);
    assert_eq!(s.proxies[0].version, None);
}

#[test]
fn item8_daemonsets_without_nodes_keep_their_proxy_type() {
    let yaml = "
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ztunnel, namespace: istio-system}
spec:
  template:
    spec:
      containers: [{name: istio-proxy, image: docker.io/istio/ztunnel:1.26.0}]
status: {desiredNumberScheduled: 0}
";
    let s = scan(&[ISTIOD, "---", yaml].concat());
    let c = component(&s, "ztunnel");
    assert!(c.instances_unknown);
    assert_eq!(c.from.as_deref(), Some("template"));
    assert_eq!(s.totals.proxy_types, 1);
    assert!(s.proxies[0].instances_unknown);
    let w = s
        .warnings
        .iter()
        .find(|w| w.code == WarningCode::NodesUnknown)
        .expect("nodes-unknown");
    assert_eq!(
        w.resource.as_deref(),
        Some("DaemonSet/istio-system/ztunnel")
    );
}

#[test]
fn item8_nodes_in_the_input_still_count() {
    let yaml = "
apiVersion: v1
kind: Node
metadata: {name: n1}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ztunnel, namespace: istio-system}
spec:
  template:
    spec:
      containers: [{name: istio-proxy, image: docker.io/istio/ztunnel:1.26.0}]
";
    let s = scan(yaml);
    let c = component(&s, "ztunnel");
    assert_eq!((c.instances, c.instances_unknown), (1, false));
    assert!(!has_warning(&s, WarningCode::NodesUnknown));
}

#[test]
fn item10_bare_replicasets_and_replication_controllers_are_projected() {
    let yaml = format!(
        "{ISTIOD}---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {{name: hello, namespace: apps}}
spec:
  replicas: 2
  template:{SIDECAR_TEMPLATE}---
apiVersion: v1
kind: ReplicationController
metadata: {{name: nginx, namespace: apps}}
spec:
  replicas: 3
  template:{SIDECAR_TEMPLATE}---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: owned-abc
  namespace: apps
  ownerReferences: [{{kind: Deployment, name: owned, controller: true}}]
spec:
  replicas: 5
  template:{SIDECAR_TEMPLATE}"
    );
    let s = scan(&yaml);
    assert_eq!(
        s.scale.meshed_pods, 5,
        "an owned ReplicaSet is its Deployment's"
    );
    assert_eq!(s.totals.proxy_instances, 5);
}

#[test]
fn item11_workloads_the_mesh_labels_as_its_own_are_unknown_components() {
    let yaml = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: linkerd-controller
  namespace: linkerd
  labels: {linkerd.io/control-plane-component: controller}
spec:
  template:
    spec:
      containers:
      - {name: public-api, image: cr.l5d.io/linkerd/controller:stable-2.10.2}
      - {name: linkerd-proxy, image: cr.l5d.io/linkerd/proxy:stable-2.10.2}
";
    let s = scan(yaml);
    let c = component(&s, "linkerd-controller");
    assert_eq!((c.mesh.as_str(), c.role), ("linkerd", Role::Unknown));
    assert_eq!(c.version.as_deref(), Some("stable-2.10.2"));
    assert_eq!(s.scale.meshed_pods, 0);
    assert!(s.namespaces.is_empty());
    assert!(has_warning(&s, WarningCode::UnknownComponent));
}

#[test]
fn item12_grpc_agent_is_its_own_implementation() {
    let yaml = format!(
        "{ISTIOD}---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: grpc, namespace: apps}}
spec:
  template:
    metadata:
      annotations: {{inject.istio.io/templates: grpc-agent}}{SIDECAR_TEMPLATE}"
    );
    let s = scan(&yaml);
    let impls: Vec<_> = s
        .proxies
        .iter()
        .map(|p| (p.implementation.as_str(), p.placement.as_str()))
        .collect();
    assert_eq!(impls, [("istio-agent", "sidecar")]);
    assert_eq!(s.scale.meshed_pods, 1);
}
