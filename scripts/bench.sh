#!/usr/bin/env bash
# Scale benchmark (docs/performance.md): meshsurface vs kubectl vs the download floor against
# a generated cluster served by fakekube on 127.0.0.1. Not a test: it prints a table.
# The floor (fakekube-floor, crates/fakekube/src/floor.rs): every page of every list the
# scan read (taken from the fake's --request-log), all lists at once over kept-alive
# connections, parsing only continue tokens; the fastest of 3 runs.
#
#   scripts/bench.sh            # 5k and 50k pods, then the 10-cluster fleet
#   scripts/bench.sh single     # only 5k and 50k
#   scripts/bench.sh fleet      # only the fleet
#   scripts/bench.sh pty        # the 50k-pod live scan on a pseudo-terminal (`script`):
#                               # finishes, progress line drawn and erased (PTY_PODS=N)
#   MESH=linkerd SIZES="5000 50000" scripts/bench.sh single
#   CONFIG_OBJECTS=20000 SIZES=50000 scripts/bench.sh single
#                               # plus ~20,000 mesh configuration objects (custom resources)
#   SKIP_KUBECTL=1 scripts/bench.sh single
#                               # without kubectl's pod listing (6 minutes and 7 GB at 50k)
#   scripts/bench.sh commands   # diff, graph, plan --sweep, report and a 100-cluster headcount
#                               # on saved 50,000-pod snapshots (CMD_PODS, CMD_RUNS,
#                               # FLEET_SNAPSHOTS, FLEET_MESHES; see that section)
#   REPEAT=3 scripts/bench.sh variants
#                               # per size, against one fake: the floor, then the scan with
#                               # each lever off and on, REPEAT times each (see below)
#
# MESH is a folder under fixtures/clusters (istio-sidecar, istio-ambient-waypoints,
# linkerd, cilium, none); nodes = pods/25 (at most 5,000, the node limit Kubernetes
# documents: 150,000 pods get 5,000 nodes, 30 pods each), namespaces = pods/100.
# The fake's own peak RSS (its build included) is printed on stderr as it starts.
# CONFIG_OBJECTS=T (single and pty; default 0) adds `config=N` to the generator's spec,
# N = T / namespaces rounded to the nearest (at least 1), so the cluster holds about T
# configuration objects on top of the fixture's own; the script prints how many the fake
# serves (counted over every CRD's objects) and the scan's totals.configObjects.
set -euo pipefail
cd "$(dirname "$0")/.."

WHAT=${1:-all}
MESH=${MESH:-istio-sidecar}
SIZES=${SIZES:-"5000 50000"}
FLEET=${FLEET:-10}
FLEET_PODS=${FLEET_PODS:-5000}
# LATENCY_MS=N: the fleet's fakes answer every request N ms late (remote clusters).
LATENCY_MS=${LATENCY_MS:-0}
CONFIG_OBJECTS=${CONFIG_OBJECTS:-0}
# FLOOR_RUNS=N: the floor is the fastest of N downloads (5); `variants` measures it before
# and after a size's scans and keeps the faster (the machine's noise only slows it down).
SKIP_KUBECTL=${SKIP_KUBECTL:-0}
REPEAT=${REPEAT:-3}
# variants: the levers of issue 20, switched off by environment variables of the scan:
#   new          everything on
#   serial       MESHSURFACE_SERIAL_PARSE=1: each page parsed before the next is asked for
#   all-labels   MESHSURFACE_KEEP_ALL_LABELS=1: every label of pods/workloads/namespaces kept
#   both-off     both of the above
#   two-threads  MESHSURFACE_PARSE_THREADS=2: the pod list parsed on two threads (the default on 2+ cores)
#   one-thread   MESHSURFACE_PARSE_THREADS=1: the pod list parsed and folded on one thread
#   baseline     the binary BASELINE=PATH (an older build), when given
VARIANTS=${VARIANTS:-"new serial all-labels both-off"}
BASELINE=${BASELINE:-}
WORK=$(mktemp -d /tmp/meshsurface-bench.XXXXXX)
FAKE_PID=""
cleanup() { [ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

if [ "$WHAT" = commands ] && ! command -v hyperfine >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq hyperfine >/dev/null 2>&1 || echo "bench: no hyperfine: timing with /usr/bin/time" >&2
fi
if [ ! -x /usr/bin/time ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get install -y -qq time >/dev/null
  else
    echo "bench: /usr/bin/time is missing: install the Debian package 'time' (as root)" >&2
    exit 1
  fi
fi
cargo build --release --quiet -p meshsurface -p fakekube
MS=target/release/kubectl-meshsurface
FK=target/release/fakekube
FLOOR=target/release/fakekube-floor
KUBECTL=$(command -v kubectl || true)
[ "$SKIP_KUBECTL" = 1 ] && KUBECTL=""

echo "# machine: $(nproc) cores; $(free -h | awk '/^Mem:/ {print $2" RAM, "$7" available"}'); $(uname -sr)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -n "$KUBECTL" ] && echo "# kubectl: $($KUBECTL version --client 2>/dev/null | head -1)" \
  || echo "# kubectl is not installed or SKIP_KUBECTL=1: its column is skipped"

# start_fake SPEC CLUSTERS: starts fakekube, waits for its URL(s), sets FAKE_PID.
start_fake() {
  : >"$WORK/urls"  # before the fake starts: a URL left by the previous one is not this one's
  "$FK" --fixtures "fixtures/clusters/$MESH" --generate "$1" --clusters "$2" ${3:+--latency "$3"} \
    --context bench --kubeconfig-out "$WORK/kubeconfig" --request-log "$WORK/requests" \
    >"$WORK/urls" 2>"$WORK/fake.err" &
  FAKE_PID=$!
  local t0=$SECONDS
  for _ in $(seq 1 3000); do
    if [ "$(grep -c http "$WORK/urls" 2>/dev/null || true)" -ge "$2" ]; then
      echo "#   fake ($1, $2 cluster(s)): serving after ~$((SECONDS - t0)) s; $(fake_rss)" >&2
      return 0
    fi
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$WORK/fake.err" >&2; exit 1; }
    sleep 0.2
  done
  echo "bench: fakekube did not start" >&2; exit 1
}
# fake_rss: the fake server's own peak and current resident set (its build-time peak
# included), from /proc.
fake_rss() {
  awk '/^VmHWM/ {p=$2} /^VmRSS/ {r=$2} END {printf "fake peak RSS %.1f MiB, now %.1f MiB", p/1024, r/1024}' \
    "/proc/$FAKE_PID/status"
}
# spec PODS: the generator's spec for the single-cluster runs (CONFIG_OBJECTS included).
spec() {
  local pods=$1 ns=$(($1 / 100)) per=0
  if [ "$CONFIG_OBJECTS" -gt 0 ] && [ "$ns" -gt 0 ]; then
    per=$(( (CONFIG_OBJECTS + ns / 2) / ns ))
    [ "$per" -lt 1 ] && per=1
  fi
  local nodes=$((pods / 25))
  [ "$nodes" -gt 5000 ] && nodes=5000  # Kubernetes' documented limit (150,000 pods: 5,000)
  echo "pods=$pods,nodes=$nodes,namespaces=$ns$([ "$per" -gt 0 ] && echo ",config=$per")"
}

# served_config URL: the objects of every CRD the fake serves (at the CRD's storage
# version, paged), i.e. the configuration objects a scan can count.
served_config() {
  python3 - "$1" <<'PY'
import json, sys, urllib.parse, urllib.request
base = sys.argv[1]
def get(path):
    req = urllib.request.Request(base + path, headers={"Authorization": "Bearer fakekube-token"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
total = 0
for crd in get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions")["items"]:
    spec = crd["spec"]
    vs = [v for v in spec.get("versions", []) if v.get("served", True)]
    v = next((v for v in vs if v.get("storage")), vs[0] if vs else None)
    if v is None:
        continue
    path, cont = "/apis/%s/%s/%s" % (spec["group"], v["name"], spec["names"]["plural"]), ""
    while True:
        q = "?limit=500" + ("&continue=" + urllib.parse.quote(cont, safe="") if cont else "")
        page = get(path + q)
        total += len(page.get("items") or [])
        cont = (page.get("metadata") or {}).get("continue") or ""
        if not cont:
            break
print(total)
PY
}

stop_fake() {
  [ -n "$FAKE_PID" ] && echo "#   fake at the end: $(fake_rss 2>/dev/null)" >&2
  kill "$FAKE_PID" 2>/dev/null || true; wait "$FAKE_PID" 2>/dev/null || true; FAKE_PID=""
}

# timed NAME CMD...: runs CMD under /usr/bin/time -v (stdout to a file); sets SECS, RSS_KB.
timed() {
  local name=$1; shift
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.time" || true
  SECS=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$WORK/$name.time")
  RSS_KB=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
}

# floor URL: the download floor of the lists the scan read (run the scan first); sets SECS.
floor() {
  local line
  line=$("$FLOOR" --url "$1" --request-log "$WORK/scan-requests" --runs "${FLOOR_RUNS:-5}")
  echo "#   $line" >&2
  SECS=$(echo "$line" | awk '{print $(NF-1)}')
}

# first_scan PODS: starts the fake for PODS, scans it once (SECS, RSS_KB) and keeps that
# scan's requests in scan-requests, so the floor replays the lists it read; sets url.
first_scan() {
  start_fake "$(spec "$1")" 1
  url=$(head -1 "$WORK/urls")
  timed ms "$MS" scan -o json -q --kubeconfig "$WORK/kubeconfig"
  sleep 0.3  # the fake writes its request log every 100 ms: keep the scan's requests only
  cp "$WORK/requests" "$WORK/scan-requests"
}

mib() { echo "scale=1; $1 / 1024" | bc -l; }
ratio() { echo "scale=3; $1 / $2" | bc -l; }

if [ "$WHAT" = all ] || [ "$WHAT" = single ]; then
  echo
  echo "| pods | meshsurface scan -o json | peak RSS | kubectl get pods -A -o json | peak RSS | download floor | time ms/kubectl | RSS ms/kubectl | time ms/floor |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for pods in $SIZES; do
    first_scan "$pods"; ms_s=$SECS; ms_kb=$RSS_KB
    ms_pods=$(grep -m1 '"pods":' "$WORK/ms.out" | tr -dc 0-9)
    echo "#   $pods pods: --generate $(spec "$pods"); the fake serves $(served_config "$url") custom resources;" \
      "scan: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("complete %s, totals.configObjects %s" % (d["complete"], d["totals"].get("configObjects")))' "$WORK/ms.out")" >&2
    if [ -n "$KUBECTL" ]; then
      timed kc "$KUBECTL" --kubeconfig "$WORK/kubeconfig" get pods -A -o json
      kc_s=$SECS; kc_kb=$RSS_KB
      kc_pods=$(grep -c '"kind": "Pod"' "$WORK/kc.out" || true)
    fi
    floor "$url"; fl_s=$SECS
    if [ -n "$KUBECTL" ]; then
      echo "| $pods | ${ms_s} s | $(mib "$ms_kb") MiB | ${kc_s} s | $(mib "$kc_kb") MiB | ${fl_s} s | $(ratio "$ms_s" "$kc_s") | $(ratio "$ms_kb" "$kc_kb") | $(ratio "$ms_s" "$fl_s") |"
      echo "#   (meshsurface counted $ms_pods pods; kubectl printed $kc_pods)" >&2
    else
      echo "| $pods | ${ms_s} s | $(mib "$ms_kb") MiB | (no kubectl) | | ${fl_s} s | | | $(ratio "$ms_s" "$fl_s") |"
    fi
    stop_fake
  done
fi

if [ "$WHAT" = variants ]; then
  echo
  echo "| pods | variant | run | scan wall | peak RSS | download floor | scan/floor |"
  echo "|---:|---|---:|---:|---:|---:|---:|"
  for pods in $SIZES; do
    first_scan "$pods"
    floor "$url"; fl_s=$SECS
    rows=()
    variants=$VARIANTS
    [ -n "$BASELINE" ] && variants="$variants baseline"
    for run in $(seq 1 "$REPEAT"); do
      for v in $variants; do
        bin=$MS; envs=()
        case $v in
          new) ;;
          serial) envs=(MESHSURFACE_SERIAL_PARSE=1) ;;
          all-labels) envs=(MESHSURFACE_KEEP_ALL_LABELS=1) ;;
          both-off) envs=(MESHSURFACE_SERIAL_PARSE=1 MESHSURFACE_KEEP_ALL_LABELS=1) ;;
          two-threads) envs=(MESHSURFACE_PARSE_THREADS=2) ;;
          one-thread) envs=(MESHSURFACE_PARSE_THREADS=1) ;;
          baseline) bin=$BASELINE ;;
          *) echo "bench: unknown variant $v" >&2; exit 2 ;;
        esac
        timed ms env "${envs[@]}" "$bin" scan -o json -q --kubeconfig "$WORK/kubeconfig"
        rows+=("$pods|$v|$run|$SECS|$RSS_KB")
      done
    done
    # The floor again after the scans: the machine's best of the two is the floor.
    floor "$url"
    if [ "$(echo "$SECS < $fl_s" | bc -l)" = 1 ]; then fl_s=$SECS; fi
    for row in "${rows[@]}"; do
      IFS='|' read -r p v r secs kb <<< "$row"
      echo "| $p | $v | $r | ${secs} s | $(mib "$kb") MiB | ${fl_s} s | $(ratio "$secs" "$fl_s") |"
    done
    stop_fake
  done
fi

if [ "$WHAT" = all ] || [ "$WHAT" = fleet ]; then
  echo
  echo "# fleet: $FLEET fake clusters of $FLEET_PODS pods each, one fakekube process, ${LATENCY_MS} ms added per request"
  start_fake "pods=$FLEET_PODS,nodes=$((FLEET_PODS / 25)),namespaces=$((FLEET_PODS / 100))" "$FLEET" "$LATENCY_MS"
  echo "| run | wall | peak RSS |"
  echo "|---|---:|---:|"
  slowest=0
  for i in $(seq 1 "$FLEET"); do
    timed one "$MS" scan -o json -q --kubeconfig "$WORK/kubeconfig" --context "bench-$i"
    slowest=$(echo "if ($SECS > $slowest) $SECS else $slowest" | bc -l)
    sum=$(echo "${sum:-0} + $SECS" | bc -l)
  done
  echo "| each context alone, one after another: slowest | ${slowest} s | |"
  echo "| each context alone: sum | ${sum} s | |"
  timed all "$MS" scan --all-contexts -o json -q --kubeconfig "$WORK/kubeconfig" --save-dir "$WORK/fleet"
  echo "| \`scan --all-contexts\` ($(ls "$WORK/fleet" | wc -l) snapshots saved) | ${SECS} s | $(mib "$RSS_KB") MiB |"
  stop_fake
fi

if [ "$WHAT" = commands ]; then
  # The commands that read saved snapshots (offline, no cluster): each timed with hyperfine
  # (CMD_RUNS runs after one warm-up; a loop of /usr/bin/time without hyperfine), then its
  # peak RSS from /usr/bin/time -v (REPEAT runs). The snapshots are scans of generated
  # clusters of CMD_PODS pods (default 50,000), made first:
  #   A      istio-sidecar, --generate $(spec CMD_PODS), as `single` scans it
  #   B      the same cluster a release later: 12 Deployments per namespace instead of
  #          10 (same pods) and 20,000 configuration objects added (config=N per namespace)
  #   fleet  FLEET_SNAPSHOTS files (default 100) in one folder, `headcount --from DIR`:
  #          copies, in turn, of A, B and a CMD_PODS-pod scan of each of FLEET_MESHES
  pods=${CMD_PODS:-50000}
  runs=${CMD_RUNS:-10}
  snaps=${FLEET_SNAPSHOTS:-100}
  meshes=${FLEET_MESHES:-"istio-ambient-waypoints linkerd cilium none"}
  mkdir -p "$WORK/snap" "$WORK/fleet-snaps"
  # snapshot NAME SPEC: scans a fake of SPEC (MESH's fixture) into $WORK/snap/NAME.json.
  snapshot() {
    start_fake "$2" 1
    "$MS" scan -o json -q --kubeconfig "$WORK/kubeconfig" >"$WORK/snap/$1.json" || true
    echo "#   snapshot $1: --generate $2 ($MESH): $(wc -c <"$WORK/snap/$1.json") bytes," \
      "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); t=d["totals"]; print("complete %s, %s pods, %s proxies, %s configuration objects" % (d["complete"], d["scale"].get("pods"), t.get("proxyInstances"), t.get("configObjects")))' "$WORK/snap/$1.json")" >&2
    stop_fake
  }
  CONFIG_OBJECTS=0
  a_spec=$(spec "$pods")
  ns=$((pods / 100)); [ "$ns" -lt 1 ] && ns=1
  b_spec="$a_spec,deployments=12,config=$(( (20000 + ns / 2) / ns ))"
  snapshot A "$a_spec"
  snapshot B "$b_spec"
  distinct=(A B)
  for m in $meshes; do
    MESH=$m snapshot "$m" "$a_spec"
    distinct+=("$m")
  done
  for i in $(seq 1 "$snaps"); do
    cp "$WORK/snap/${distinct[$(( (i - 1) % ${#distinct[@]} ))]}.json" \
      "$WORK/fleet-snaps/cluster-$(printf %03d "$i").json"
  done
  S=$WORK/snap
  names=("diff A B" "diff A B -o json" "graph (table)" "graph -o dot" "plan --sweep"
    "report" "report, everything" "headcount, $snaps clusters")
  cmds=("$MS diff $S/A.json $S/B.json"
    "$MS diff $S/A.json $S/B.json -o json"
    "$MS graph -q --from $S/A.json"
    "$MS graph -q --from $S/A.json -o dot"
    "$MS plan -q --from $S/A.json --enable mtls,l7-policy,l7-routing,ingress,egress,observability --sweep pods=10000,50000,150000,500000,1000000"
    "$MS report -q --from $S/A.json -o $WORK/r.html"
    "$MS report -q --from $S/A.json --before $S/B.json --enable mtls,l7-policy,ingress --compare -o $WORK/r-all.html"
    "$MS headcount -q --from $WORK/fleet-snaps")
  echo
  echo "# $pods-pod snapshots; $runs timed runs after 1 warm-up (hyperfine: $(command -v hyperfine || echo 'missing, /usr/bin/time loop'))"
  echo "| command | exit | wall median | wall min–max | peak RSS median | peak RSS min–max | load average |"
  echo "|---|---:|---:|---:|---:|---:|---|"
  for k in "${!cmds[@]}"; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    # shellcheck disable=SC2086  # the command line is split on purpose (no spaces in paths)
    rc=0; ${cmds[$k]} >/dev/null 2>&1 || rc=$?
    if command -v hyperfine >/dev/null; then
      hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$WORK/h.json" "${cmds[$k]}" >/dev/null 2>&1
      wall=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.3f s | %.3f–%.3f s" % (r["median"], r["min"], r["max"]))' "$WORK/h.json")
    else
      : >"$WORK/walls"
      for _ in $(seq 1 "$runs"); do
        # shellcheck disable=SC2086
        timed cmd ${cmds[$k]}; echo "$SECS" >>"$WORK/walls"
      done
      wall=$(sort -n "$WORK/walls" | awk '{a[NR]=$1} END {printf "%.3f s | %.3f–%.3f s", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR]}')
    fi
    : >"$WORK/rss"
    for _ in $(seq 1 "$REPEAT"); do
      # shellcheck disable=SC2086
      timed cmd ${cmds[$k]}; echo "$RSS_KB" >>"$WORK/rss"
    done
    rss=$(sort -n "$WORK/rss" | awk '{a[NR]=$1/1024} END {printf "%.1f MiB | %.1f–%.1f MiB", (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2), a[1], a[NR]}')
    echo "| ${names[$k]} | $rc | $wall | $rss | $load |"
  done
  echo "#   outputs: report $(wc -c <"$WORK/r.html") bytes, report with everything $(wc -c <"$WORK/r-all.html") bytes" >&2
fi

if [ "$WHAT" = pty ]; then
  # As a person runs it: stdout and stderr on a terminal (util-linux `script` gives the
  # pty), so the progress line is drawn. Checks that the scan ends, that the progress line
  # was drawn and erased before the table, and prints the figures.
  pods=${PTY_PODS:-50000}
  start_fake "$(spec "$pods")" 1
  start=$(date +%s.%N)
  rc=0
  KUBECONFIG="$WORK/kubeconfig" timeout 300 script -qec "$MS scan" "$WORK/typescript" \
    >/dev/null </dev/null || rc=$?
  end=$(date +%s.%N)
  stop_fake
  draws=$(grep -ao $'\r\e\[Kmeshsurface: listed' "$WORK/typescript" | wc -l)
  python3 - "$WORK/typescript" <<'PY'
import sys
t = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
last = t.rfind("\r\x1b[Kmeshsurface: ")
table = t.find("Meshes")
assert last >= 0, "no progress line was drawn"
assert table > last, "the table came before the last progress line"
assert "\r\x1b[K" in t[last + 5:table], "the progress line was not erased before the table"
print("# progress: last drawn as %r, then erased before the table" % t[last + 4:t.find("\r", last + 4)])
PY
  echo "# pty scan of $pods pods: exit $rc in $(echo "$end - $start" | bc -l) s, progress drawn $draws times"
  grep -a -m1 "^Cluster:" "$WORK/typescript" || true
  [ "$rc" = 0 ]
fi
