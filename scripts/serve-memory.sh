#!/usr/bin/env bash
# serve's memory over many scans: `serve --interval 1s` against a generated cluster served
# by fakekube on 127.0.0.1; prints the resident set size (VmRSS) after scan 1, 10, 25, 50,
# 75 and 100. Not a test: it prints a table (docs/performance.md quotes it).
#   scripts/serve-memory.sh [PODS] [SCANS]   (defaults: 2000 pods, 100 scans)
# PROFILE=release uses target/release (build it first); the default is the debug build.
set -euo pipefail
cd "$(dirname "$0")/.."
PODS=${1:-2000}
SCANS=${2:-100}
PROFILE=${PROFILE:-debug}
MS=target/$PROFILE/kubectl-meshsurface
FK=target/$PROFILE/fakekube
WORK=$(mktemp -d)
trap 'kill $FAKE_PID $SERVE_PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
FAKE_PID="" SERVE_PID=""
"$FK" --fixtures fixtures/clusters/istio-sidecar \
  --generate "pods=$PODS,nodes=$((PODS / 25)),namespaces=$((PODS / 100))" \
  --context bench --kubeconfig-out "$WORK/kubeconfig" >"$WORK/urls" 2>"$WORK/fake.err" &
FAKE_PID=$!
until grep -q http "$WORK/urls" 2>/dev/null; do sleep 0.2; done
"$MS" serve --kubeconfig "$WORK/kubeconfig" --listen 127.0.0.1:0 --interval 1s \
  2>"$WORK/serve.log" &
SERVE_PID=$!
rss() { awk '/^VmRSS/ {print $2}' "/proc/$SERVE_PID/status"; }
echo "# $PROFILE build, $PODS pods, $(nproc) cores; RSS in KiB after each scan count"
echo "scans  rss_kib"
for n in 1 10 25 50 75 100 150 200 300; do
  [ "$n" -gt "$SCANS" ] && break
  until [ "$(grep -c 'event=scan' "$WORK/serve.log")" -ge "$n" ]; do sleep 0.2; done
  printf '%5d  %s\n' "$n" "$(rss)"
done
grep -c 'event=scan-' "$WORK/serve.log" | sed 's/^/failed or incomplete scans: /' || true
