//! `PodDisruptionBudgets` (`policy/v1`), reduced to what `fail-closed-single-replica` asks
//! of them: which pods one selects, and whether it lets one of them be evicted. Only the
//! selector and the two budgets are kept (no status, no other metadata), so a cluster
//! with thousands of budgets costs a few strings each.
//!
//! The rules are the disruption controller's: a `null` selector selects no pod, an empty
//! one every pod of its namespace; a percentage is of the workload's replicas, rounded up
//! (kubernetes/kubernetes `pkg/controller/disruption/disruption.go`, `getExpectedPodCount`
//! with `intstr.GetScaledValueFromIntOrPercent(..., true)`).

use super::Labels;

/// `minAvailable` or `maxUnavailable`: a number of pods, or a percentage of the replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Budget {
    Count(u64),
    Percent(u64),
}

impl Budget {
    /// The number of pods this stands for among `replicas` (percentages rounded up).
    pub fn of(self, replicas: u64) -> u64 {
        match self {
            Budget::Count(n) => n,
            Budget::Percent(p) => replicas.saturating_mul(p).div_ceil(100),
        }
    }
}

/// One `matchExpressions` requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    /// `In`, `NotIn`, `Exists` or `DoesNotExist`.
    pub operator: String,
    pub values: Vec<String>,
}

/// A label selector (`matchLabels` and `matchExpressions`, all of which must hold).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selector {
    pub labels: Labels,
    pub expressions: Vec<Requirement>,
}

impl Selector {
    /// Does it select a pod with these labels? (An unknown operator selects nothing.)
    pub fn matches(&self, labels: &Labels) -> bool {
        self.labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => value.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => value.is_some(),
                    "DoesNotExist" => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// A `PodDisruptionBudget`: what it selects and what it allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pdb {
    /// `None`: `selector: null`, which selects no pod.
    pub selector: Option<Selector>,
    pub min_available: Option<Budget>,
    pub max_unavailable: Option<Budget>,
}

impl Pdb {
    /// Does it select the pods of a template with these labels?
    pub fn selects(&self, labels: &Labels) -> bool {
        self.selector.as_ref().is_some_and(|s| s.matches(labels))
    }

    /// With `replicas` pods, all ready, would it allow one eviction (`disruptionsAllowed`
    /// of at least 1)? `maxUnavailable` of at least one, or `minAvailable` below the
    /// replicas; with neither set the controller wants no pod kept, so every one may go.
    pub fn allows_disruption(&self, replicas: u64) -> bool {
        match (self.min_available, self.max_unavailable) {
            (_, Some(max)) => max.of(replicas) >= 1,
            (Some(min), None) => min.of(replicas) < replicas,
            (None, None) => replicas >= 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        Labels::from_pairs(pairs)
    }

    fn pdb(min: Option<Budget>, max: Option<Budget>) -> Pdb {
        Pdb {
            selector: Some(Selector::default()),
            min_available: min,
            max_unavailable: max,
        }
    }

    #[test]
    fn percentages_round_up() {
        assert_eq!(Budget::Percent(50).of(3), 2);
        assert_eq!(Budget::Percent(10).of(2), 1);
        assert_eq!(Budget::Percent(0).of(5), 0);
        assert_eq!(Budget::Count(4).of(2), 4);
    }

    #[test]
    fn a_budget_allows_a_disruption_when_one_pod_may_go() {
        // Istio's chart default: minAvailable 1.
        let istio = pdb(Some(Budget::Count(1)), None);
        assert!(!istio.allows_disruption(1), "1 replica, minAvailable 1");
        assert!(istio.allows_disruption(2), "2 replicas, minAvailable 1");
        assert!(!pdb(Some(Budget::Percent(100)), None).allows_disruption(3));
        assert!(
            !pdb(Some(Budget::Percent(60)), None).allows_disruption(2),
            "60% of 2 is 2"
        );
        assert!(pdb(Some(Budget::Percent(50)), None).allows_disruption(2));
        assert!(pdb(None, Some(Budget::Count(1))).allows_disruption(1));
        assert!(!pdb(None, Some(Budget::Count(0))).allows_disruption(3));
        assert!(
            pdb(None, Some(Budget::Percent(1))).allows_disruption(2),
            "rounded up to 1"
        );
        assert!(!pdb(None, Some(Budget::Percent(0))).allows_disruption(2));
    }

    #[test]
    fn selectors_follow_the_label_selector_rules() {
        let pod = labels(&[("app", "istiod"), ("istio.io/rev", "default")]);
        let null = Pdb {
            selector: None,
            ..pdb(None, None)
        };
        assert!(!null.selects(&pod), "a null selector selects nothing");
        assert!(pdb(None, None).selects(&pod), "an empty one selects all");
        let by = |labels: Labels, expressions: Vec<Requirement>| Selector {
            labels,
            expressions,
        };
        let req = |key: &str, operator: &str, values: &[&str]| Requirement {
            key: key.into(),
            operator: operator.into(),
            values: values.iter().map(|v| (*v).to_owned()).collect(),
        };
        assert!(by(labels(&[("app", "istiod")]), vec![]).matches(&pod));
        assert!(!by(labels(&[("app", "other")]), vec![]).matches(&pod));
        assert!(by(
            Labels::new(),
            vec![req("istio.io/rev", "In", &["default", "x"])]
        )
        .matches(&pod));
        assert!(!by(
            Labels::new(),
            vec![req("istio.io/rev", "NotIn", &["default"])]
        )
        .matches(&pod));
        assert!(by(Labels::new(), vec![req("missing", "NotIn", &["a"])]).matches(&pod));
        assert!(by(Labels::new(), vec![req("app", "Exists", &[])]).matches(&pod));
        assert!(!by(Labels::new(), vec![req("app", "DoesNotExist", &[])]).matches(&pod));
        assert!(!by(Labels::new(), vec![req("app", "Gt", &["1"])]).matches(&pod));
    }
}
