//! Detection on small inline manifests shaped like real releases render them (issue 14):
//! one test per counting rule, each failing before its fix.

use super::*;
use crate::source::read_offline;
use crate::surface::{Placement, Role, SourceKind, WarningCode};

/// Detection over inline YAML (the unit tests of each detection module use it too).
pub(super) fn scan(yaml: &str) -> Snapshot {
    let catalog = Catalog::load().unwrap();
    let keep = catalog.keep_keys();
    let input = read_offline(
        &["-".to_owned()],
        &mut yaml.as_bytes(),
        keep,
        crate::source::Limits::default(),
    )
    .unwrap();
    let source = Source {
        as_of: None,
        duration_seconds: None,
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

/// A bare istiod Deployment: Istio is present (the unit tests of each detection module use it).
pub(super) const ISTIOD: &str = "
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
    assert!(s.proxies.iter().all(|p| p.placement != Placement::Gateway));
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
    assert_eq!(s.proxies[0].placement, Placement::Gateway);
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
    assert_eq!(p.from, Some(crate::surface::Origin::Mixed));
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
    assert_eq!(c.from, Some(crate::surface::Origin::Template));
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

/// Linkerd 2.9's tracing add-on (linkerd/linkerd2 stable-2.9.5 `cli/cmd/testdata/install_tracing.golden`)
/// is not in the catalog; its ownership label still makes it Linkerd's.
#[test]
fn item11_workloads_the_mesh_labels_as_its_own_are_unknown_components() {
    let yaml = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: linkerd-collector
  namespace: linkerd
  labels: {linkerd.io/control-plane-component: linkerd-collector}
spec:
  template:
    spec:
      containers:
      - {name: oc-collector, image: omnition/opencensus-collector:0.1.11}
      - {name: linkerd-proxy, image: cr.l5d.io/linkerd/proxy:stable-2.9.5}
";
    let s = scan(yaml);
    let c = component(&s, "linkerd-collector");
    assert_eq!((c.mesh.as_str(), c.role), ("linkerd", Role::Unknown));
    assert_eq!(c.version.as_deref(), Some("0.1.11"));
    assert_eq!(s.scale.meshed_pods, 0);
    assert!(s.namespaces.is_empty());
    assert!(has_warning(&s, WarningCode::UnknownComponent));
}

/// Linkerd 2.10's controller and sp-validator (stable-2.10.2 `install_default.golden`) are named.
#[test]
fn item11_linkerd_2_10_controller_and_sp_validator_are_named_components() {
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
      - {name: linkerd-proxy, image: cr.l5d.io/linkerd/proxy:stable-2.10.2}
      - {name: public-api, image: cr.l5d.io/linkerd/controller:stable-2.10.1}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: linkerd-sp-validator
  namespace: linkerd
  labels: {linkerd.io/control-plane-component: sp-validator}
spec:
  template:
    spec:
      containers:
      - {name: sp-validator, image: cr.l5d.io/linkerd/controller:stable-2.10.2}
      - {name: linkerd-proxy, image: cr.l5d.io/linkerd/proxy:stable-2.10.2}
";
    let s = scan(yaml);
    let c = component(&s, "linkerd-controller");
    assert_eq!(
        (c.mesh.as_str(), c.component.as_str(), c.role),
        ("linkerd", "linkerd-controller", Role::ControlPlane)
    );
    assert_eq!(
        c.version.as_deref(),
        Some("stable-2.10.1"),
        "public-api's tag"
    );
    let v = component(&s, "linkerd-sp-validator");
    assert_eq!(
        (v.component.as_str(), v.role),
        ("linkerd-sp-validator", Role::ControlPlane)
    );
    assert!(!has_warning(&s, WarningCode::UnknownComponent));
    assert_eq!(s.scale.meshed_pods, 0);
}

/// Linkerd <= 2.8 injected gcr.io/linkerd-io/proxy (stable-2.8.1 `install_default.golden`).
#[test]
fn item11_the_old_gcr_linkerd_proxy_image_is_a_linkerd_sidecar() {
    let yaml = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: emojivoto}
spec:
  replicas: 2
  template:
    metadata:
      annotations: {linkerd.io/proxy-version: stable-2.8.1}
    spec:
      containers:
      - {name: web-svc, image: buoyantio/emojivoto-web:v10}
      - {name: linkerd-proxy, image: gcr.io/linkerd-io/proxy:stable-2.8.1}
";
    let s = scan(yaml);
    assert_eq!(s.scale.meshed_pods, 2);
    assert_eq!(s.scale.meshed_namespaces, 1);
    let p: Vec<_> = s
        .proxies
        .iter()
        .map(|p| {
            (
                p.mesh.as_str(),
                p.implementation.as_str(),
                p.placement.as_str(),
                p.version.as_deref(),
                p.instances,
            )
        })
        .collect();
    assert_eq!(
        p,
        [(
            "linkerd",
            "linkerd2-proxy",
            "sidecar",
            Some("stable-2.8.1"),
            2
        )]
    );
}

/// Istio 1.5's mixer, citadel, galley and sidecar-injector (istio/istio 1.5.10
/// operator/cmd/mesh/testdata/manifest-generate/output/all_on.yaml) carry no ownership label:
/// only the catalog can name them, and mixer's injected istio-proxy is not an application's.
#[test]
fn item11_istio_1_5_control_plane_deployments_are_named() {
    let yaml = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-policy
  namespace: istio-system
  labels: {app: istio-policy, istio: mixer, release: istio}
spec:
  template:
    metadata:
      labels: {app: policy, istio: mixer, istio-mixer-type: policy}
    spec:
      containers:
      - {name: mixer, image: docker.io/istio/mixer:1.5.10}
      - {name: istio-proxy, image: docker.io/istio/proxyv2:1.5.10}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: istio-citadel
  namespace: istio-system
  labels: {app: security, istio: citadel, release: istio}
spec:
  template:
    spec:
      containers: [{name: citadel, image: docker.io/istio/citadel:1.5.10}]
";
    let s = scan(yaml);
    let policy = component(&s, "istio-policy");
    assert_eq!(
        (
            policy.component.as_str(),
            policy.role,
            policy.feature.as_str()
        ),
        ("istio-policy", Role::ControlPlane, "l7-policy")
    );
    assert_eq!(policy.version.as_deref(), Some("1.5.10"));
    assert_eq!(component(&s, "istio-citadel").component, "istio-citadel");
    assert_eq!(
        s.scale.meshed_pods, 0,
        "mixer's sidecar is a component pod's"
    );
    assert!(s.namespaces.is_empty());
}

/// Cilium's node-init DaemonSet (cilium/cilium install/kubernetes/cilium/templates/cilium-nodeinit/daemonset.yaml).
#[test]
fn item11_cilium_node_init_is_a_named_node_agent() {
    let yaml = "
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: cilium-node-init
  namespace: kube-system
  labels: {app: cilium-node-init, app.kubernetes.io/name: cilium-node-init, app.kubernetes.io/part-of: cilium}
spec:
  template:
    metadata:
      labels: {app: cilium-node-init}
    spec:
      containers: [{name: node-init, image: quay.io/cilium/startup-script:1755531540-60ee83e}]
status: {desiredNumberScheduled: 3}
";
    let s = scan(yaml);
    let c = component(&s, "cilium-node-init");
    assert_eq!(
        (c.mesh.as_str(), c.component.as_str(), c.role),
        ("cilium", "cilium-node-init", Role::NodeAgent)
    );
    assert_eq!(c.instances, 3);
    assert!(!has_warning(&s, WarningCode::UnknownComponent));
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

// Item 9: injection at admission, projected onto templates without pods.

fn namespace(name: &str, labels: &str, annotations: &str) -> String {
    format!(
        "
---
apiVersion: v1
kind: Namespace
metadata: {{name: {name}, labels: {{{labels}}}, annotations: {{{annotations}}}}}
"
    )
}

/// An application Deployment (2 replicas, one `app` container with 50m) in `ns`.
fn app(ns: &str, labels: &str, annotations: &str) -> String {
    format!(
        "
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: {ns}}}
spec:
  replicas: 2
  template:
    metadata:
      labels: {{app: web, {labels}}}
      annotations: {{{annotations}}}
    spec:
      containers:
      - name: app
        image: example/web:1
        resources: {{requests: {{cpu: 50m, memory: 64Mi}}}}
"
    )
}

fn sidecar_proxy<'s>(s: &'s Snapshot, mesh: &str) -> Option<&'s Proxy> {
    s.proxies
        .iter()
        .find(|p| p.mesh == mesh && p.placement == Placement::Sidecar)
}

#[test]
fn item9_istio_namespace_label_projects_the_default_sidecar() {
    let s = scan(&format!(
        "{ISTIOD}{}{}",
        namespace("shop", "istio-injection: enabled", ""),
        app("shop", "", "")
    ));
    let p = sidecar_proxy(&s, "istio").expect("projected sidecar");
    assert_eq!(p.instances, 2);
    assert_eq!(p.from, Some(crate::surface::Origin::Template));
    assert_eq!(p.version.as_deref(), Some("1.26.0"), "istiod's version");
    assert_eq!(p.cpu_request_millicores, 200);
    assert_eq!(p.memory_request_bytes, 2 * 128 * 1024 * 1024);
    assert_eq!(p.cpu_limit_millicores, 4000);
    assert_eq!(p.memory_limit_bytes, 2 * 1024 * 1024 * 1024);
    assert_eq!(s.scale.meshed_pods, 2);
    assert_eq!(s.totals.cpu_request_millicores, 200);
}

#[test]
fn item9_istio_pod_label_true_injects_outside_labelled_namespaces() {
    let s = scan(&format!(
        "{ISTIOD}{}{}",
        namespace("shop", "", ""),
        app("shop", "sidecar.istio.io/inject: \"true\"", "")
    ));
    assert_eq!(sidecar_proxy(&s, "istio").map(|p| p.instances), Some(2));
    // The annotation alone calls no webhook (the object selectors read labels).
    let s = scan(&format!(
        "{ISTIOD}{}{}",
        namespace("shop", "", ""),
        app("shop", "", "sidecar.istio.io/inject: \"true\"")
    ));
    assert!(sidecar_proxy(&s, "istio").is_none());
}

#[test]
fn item9_istio_pod_false_turns_injection_off() {
    for (labels, annotations) in [
        ("sidecar.istio.io/inject: \"false\"", ""),
        ("", "sidecar.istio.io/inject: \"false\""),
    ] {
        let s = scan(&format!(
            "{ISTIOD}{}{}",
            namespace("shop", "istio-injection: enabled", ""),
            app("shop", labels, annotations)
        ));
        assert!(
            sidecar_proxy(&s, "istio").is_none(),
            "{labels}{annotations}"
        );
        assert_eq!(s.scale.meshed_pods, 0);
    }
    let s = scan(&format!(
        "{ISTIOD}{}{}",
        namespace("shop", "istio-injection: disabled", ""),
        app("shop", "istio.io/rev: default", "")
    ));
    assert!(
        sidecar_proxy(&s, "istio").is_none(),
        "namespace disabled wins"
    );
}

#[test]
fn item9_no_injector_in_the_input_no_projection() {
    let s = scan(&format!(
        "{}{}",
        namespace("shop", "istio-injection: enabled", ""),
        app("shop", "", "")
    ));
    assert!(s.proxies.is_empty());
    assert_eq!(s.scale.meshed_pods, 0);
}

#[test]
fn item9_observed_pods_are_never_altered() {
    let pod = "
---
apiVersion: v1
kind: Pod
metadata:
  name: web-7d9f8b6c5d-abcde
  namespace: shop
  labels: {app: web, pod-template-hash: 7d9f8b6c5d}
  ownerReferences: [{kind: ReplicaSet, name: web-7d9f8b6c5d}]
spec:
  containers: [{name: app, image: example/web:1}]
";
    let s = scan(&format!(
        "{ISTIOD}{}{}{pod}",
        namespace("shop", "istio-injection: enabled", ""),
        app("shop", "", "")
    ));
    assert!(sidecar_proxy(&s, "istio").is_none());
    assert_eq!(s.scale.pods, 2, "istiod + the observed pod");
}

#[test]
fn item9_istio_override_annotations_replace_the_defaults() {
    // injection-template.yaml: with any resource annotation the defaults are not used; a
    // limit without a request makes the request equal to it (API server defaulting).
    let s = scan(&format!(
        "{ISTIOD}{}{}",
        namespace("shop", "istio-injection: enabled", ""),
        app(
            "shop",
            "",
            "sidecar.istio.io/proxyCPU: 200m, sidecar.istio.io/proxyMemoryLimit: 1Gi"
        )
    ));
    let p = sidecar_proxy(&s, "istio").unwrap();
    assert_eq!(p.cpu_request_millicores, 400);
    assert_eq!(p.memory_request_bytes, 2 * 1024 * 1024 * 1024);
    assert_eq!(p.cpu_limit_millicores, 0);
    assert_eq!(p.memory_limit_bytes, 2 * 1024 * 1024 * 1024);
}

#[test]
fn item9_istio_revision_label_picks_its_istiod() {
    let canary = "
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod-canary, namespace: istio-system, labels: {istio.io/rev: canary}}
spec:
  template:
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.27.1}]
";
    let old = "
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod-old, namespace: istio-system, labels: {istio.io/rev: old}}
spec:
  template:
    spec:
      containers: [{name: discovery, image: docker.io/istio/pilot:1.25.0}]
";
    let s = scan(&format!(
        "{canary}{old}{}{}",
        namespace("shop", "istio.io/rev: old", ""),
        app("shop", "", "")
    ));
    assert_eq!(
        sidecar_proxy(&s, "istio").and_then(|p| p.version.as_deref()),
        Some("1.25.0")
    );
}

const LINKERD_INJECTOR: &str = "
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: linkerd-proxy-injector, namespace: linkerd}
spec:
  template:
    metadata:
      labels: {linkerd.io/control-plane-component: proxy-injector}
      annotations: {linkerd.io/proxy-version: stable-2.14.9}
    spec:
      containers:
      - name: linkerd-proxy
        image: cr.l5d.io/linkerd/proxy:stable-2.14.9
        resources: {requests: {cpu: 100m, memory: 20Mi}, limits: {memory: 250Mi}}
      - name: proxy-injector
        image: cr.l5d.io/linkerd/controller:stable-2.14.9
";

#[test]
fn item9_linkerd_namespace_annotation_projects_the_injectors_proxy() {
    let s = scan(&format!(
        "{LINKERD_INJECTOR}{}{}",
        namespace("shop", "", "linkerd.io/inject: enabled"),
        app("shop", "", "")
    ));
    let p = s
        .proxies
        .iter()
        .find(|p| p.mesh == "linkerd" && p.placement == Placement::Sidecar && p.from.is_some())
        .expect("projected proxy");
    // One entry: the injector's own proxy (rendered) and the two projected ones.
    assert_eq!(p.from, Some(crate::surface::Origin::Template));
    assert_eq!(p.instances, 3);
    assert_eq!(p.version.as_deref(), Some("stable-2.14.9"));
    assert_eq!(p.cpu_request_millicores, 300);
    assert_eq!(p.memory_request_bytes, 3 * 20 * 1024 * 1024);
    assert_eq!(p.memory_limit_bytes, 3 * 250 * 1024 * 1024);
    assert_eq!(s.scale.meshed_pods, 2);
    // `disabled` on the template turns it off.
    let s = scan(&format!(
        "{LINKERD_INJECTOR}{}{}",
        namespace("shop", "", "linkerd.io/inject: enabled"),
        app("shop", "", "linkerd.io/inject: disabled")
    ));
    assert_eq!(s.scale.meshed_pods, 0);
}

#[test]
fn item9_linkerd_override_annotations_change_single_fields() {
    let s = scan(&format!(
        "{LINKERD_INJECTOR}{}{}",
        namespace("shop", "", "config.linkerd.io/proxy-cpu-request: 300m"),
        app(
            "shop",
            "",
            "linkerd.io/inject: enabled, config.linkerd.io/proxy-memory-request: 64Mi, config.linkerd.io/proxy-version: stable-2.14.10"
        )
    ));
    let p = s
        .proxies
        .iter()
        .find(|p| p.mesh == "linkerd" && p.version.as_deref() == Some("stable-2.14.10"))
        .expect("version override");
    assert_eq!(p.cpu_request_millicores, 600, "namespace override");
    assert_eq!(p.memory_request_bytes, 2 * 64 * 1024 * 1024, "pod override");
    assert_eq!(
        p.memory_limit_bytes,
        2 * 250 * 1024 * 1024,
        "model's limit kept"
    );
}
