#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# nfvpn-gen with separate transmit and receive ports (--rx-port): the two
# ends of a veth pair in a private network namespace, as net_af_packet ports.
#
#   netns nfvgen_veth_<pid>            (IPv6 off, so only our frames flow)
#  +-------------------------------------------------------------+
#  |  nfvpn-gen (cpu 1)                                          |
#  |   --port   net_af_packet0,iface=va --> va ==veth==> vb      |
#  |   --rx-port net_af_packet1,iface=vb <------------------'    |
#  +-------------------------------------------------------------+
#
# 10 kpps for 2 s, IMIX over 50 flows; the JSON must show no loss, no
# duplicate, no reordering. Not a speed test.
#
# usage: gen_veth_test.sh [BUILD_DIR]     (default: $NFV_BUILD or build; or $NFVPN_GEN)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
gen=${NFVPN_GEN:-${1:-${NFV_BUILD:-$top/build}}/bench/nfvpn-gen}
[[ "$gen" = /* ]] || gen=$top/$gen
py=/usr/bin/python3

fail() { echo "FAIL: $*" >&2; exit 1; }
[ -x "$gen" ] || fail "no nfvpn-gen at $gen (build it: ninja -C build bench/nfvpn-gen)"

ns=nfvgen_veth_$$
prefix=nfvgen_veth_$$
tmp=$(mktemp -d /tmp/gen_veth.XXXXXX)
cleanup() {
	local rc=$?

	[ $rc -ne 0 ] && cat "$tmp"/* >&2 2>/dev/null
	ip netns del "$ns" 2>/dev/null || true
	rm -rf "$tmp" "/var/run/dpdk/$prefix"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ip netns add "$ns"
nsx() { ip netns exec "$ns" "$@"; }
# these sysctls are the namespace's own
nsx sysctl -q -w net.ipv6.conf.all.disable_ipv6=1
nsx sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
nsx ip link add va type veth peer name vb
nsx ip link set va up
nsx ip link set vb up

nsx "$gen" -l 1 --no-huge -m 256 --no-pci --no-telemetry --log-level lib.eal:error \
	--file-prefix "$prefix" -- \
	--port net_af_packet0,iface=va --rx-port net_af_packet1,iface=vb \
	--flows 50 --src 10.0.0.0/28 --dst 10.1.0.0/24 --sport 1024-1087 \
	--dport 5000-5099 --size imix --rate 10k --duration 2 --drain-ms 2000 \
	--json "$tmp/veth.json" >"$tmp/gen.log" 2>&1 || fail "nfvpn-gen exited with $?"

"$py" - "$tmp/veth.json" <<'PYEOF' || fail "results"
import json, sys
r = json.load(open(sys.argv[1]))
tx, rx = r["tx"], r["rx"]
ok = (tx["packets"] >= 10000 and rx["unique"] == tx["packets"] and rx["lost"] == 0
      and rx["duplicates"] == 0 and rx["reordered"] == 0 and rx["other"] == 0
      and r["latency_ns"]["samples"] == rx["unique"])
print("veth: tx %d rx %d lost %d other %d -> %s" % (tx["packets"], rx["unique"],
      rx["lost"], rx["other"], "ok" if ok else "FAIL"))
sys.exit(0 if ok else 1)
PYEOF
echo "PASS: gen_veth_test"
