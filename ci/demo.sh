#!/usr/bin/env bash
# The main job: nfvpn-dataplane with config/examples/demo.yaml on virtual
# ports, replayed traffic for a few seconds, then what it did.
#   ci/demo.sh [SECONDS]
set -eu
. "$(dirname "$0")/lib.sh"
cd "$NFV_TOP"
secs=${1:-5}
work=/tmp/nfvpn-demo

nfv_install_deps
nfv_hugepages
nfv_log "build"
nfv_build build

mkdir -p "$work"
/usr/bin/python3 ci/demo_traffic.py "$work/traffic.pcap" "$work/empty.pcap"
nfv_log "nfvpn-dataplane with config/examples/demo.yaml for $secs s (DPDK memory: $NFV_EAL_MEM)"
# core 0: the management lcore (mostly asleep); core 1: the worker
# shellcheck disable=SC2086
build/dataplane/nfvpn-dataplane -l 0,1 --no-pci --file-prefix nfvpn-demo $NFV_EAL_MEM \
	--log-level lib.eal:warning --log-level pmd.net.tap:error \
	-- --config config/examples/demo.yaml --socket "$work/dataplane.sock" \
	> "$work/dataplane.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
	grep -q 'nfvpn-dataplane: running' "$work/dataplane.log" && break
	kill -0 $pid 2>/dev/null || break
	sleep 0.2
done
if ! grep -q 'nfvpn-dataplane: running' "$work/dataplane.log"; then
	cat "$work/dataplane.log"; exit 1
fi
sleep "$secs"
if [ -x build/control/nfvpnctl ]; then
	nfv_log "nfvpnctl hooks"
	build/control/nfvpnctl --socket "$work/dataplane.sock" hooks || true
fi
kill -INT $pid
trap - EXIT
wait $pid
status=$?
nfv_log "summary"
sed -n '/^nfvpn-dataplane: [0-9.]* s/,$p' "$work/dataplane.log"
exit $status
