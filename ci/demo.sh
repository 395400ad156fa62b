#!/usr/bin/env bash
# The main job: a site-to-site VPN on virtual ports. Two nfvpn-dataplanes,
# site A (config/examples/demo.yaml) and site B (demo-peer.yaml), joined by
# a memif link; a LAN host behind each (ci/demo_lan.py). Host A's traffic
# is encrypted by site A into SA a-to-b, carried to site B, decrypted,
# filtered by site B's nft ruleset with conntrack; host B's replies come
# back through SA b-to-a. Then what each stage did, per hook, with rates.
#   ci/demo.sh [SECONDS [FRAMES/S]]      (traffic for 3 s at 2000 frames/s)
# The keys: fresh ones from `nfvpnd --make-keys` in /tmp/nfvpn-demo/demo.keys.
# Leaves the numbers in /tmp/nfvpn-demo/summary.json (tests/smoke/demo_test.sh).
set -eu
. "$(dirname "$0")/lib.sh"
cd "$NFV_TOP"
secs=${1:-3}
rate=${2:-2000}
work=/tmp/nfvpn-demo

# NFV_BUILD: an existing build to run (tests/smoke/demo_test.sh); without
# it, the demo installs what it needs and builds build/
if [ -n "${NFV_BUILD:-}" ]; then
	bld=$NFV_BUILD
	[ -n "${NFV_EAL_MEM:-}" ] || nfv_hugepages
else
	bld=$NFV_TOP/build
	nfv_install_deps
	nfv_hugepages
	nfv_log "build"
	nfv_build build
fi
# no --huge-unlink: dpdk-dumpcap may attach to the sites (docs/dataplane.md)
NFV_EAL_MEM=${NFV_EAL_MEM//--huge-unlink/}
ctl=$bld/control/nfvpnctl
export NFVPN_NFTC=$bld/control/nftc/nfvpn-nftc

rm -rf "$work"
mkdir -p "$work"
chmod 700 "$work"
# the policies name their sockets and their key file in $work: fresh keys
# for both sites, mode 0600
"$bld/control/nfvpnd/nfvpnd" --make-keys config/examples/demo.yaml >/dev/null

pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap cleanup EXIT

# start_site NAME POLICY LCORES: the main lcore (mostly asleep) and the
# worker of each site on different cores: site A's worker polls core 1,
# site B's core 0, so that both poll at full speed on a 2-core machine
start_site() {
	# shellcheck disable=SC2086
	"$bld/dataplane/nfvpn-dataplane" --lcores "$3" --no-pci --file-prefix "nfvpn-demo-$1" \
		$NFV_EAL_MEM --log-level lib.eal:warning --log-level pmd.net.memif:error \
		-- --config "config/examples/$2.yaml" --socket "$work/$1.sock" > "$work/$1.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		grep -q 'nfvpn-dataplane: running' "$work/$1.log" && [ -S "$work/$1.sock" ] && return 0
		kill -0 "${pids[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	cat "$work/$1.log" >&2
	exit 1
}

# snapshot TAG: every counter the summary reads, of both sites
snapshot() {
	local s c
	for s in site-a site-b; do
		for c in stats hooks sa ports filter ruleset; do
			$ctl --socket "$work/$s.sock" --json "$c" > "$work/$1.$s.$c.json" 2>/dev/null ||
				echo '{}' > "$work/$1.$s.$c.json"
		done
	done
}

nfv_log "site A: nfvpn-dataplane with config/examples/demo.yaml (DPDK memory: $NFV_EAL_MEM)"
start_site site-a demo "0@0,1@1"
nfv_log "site B: nfvpn-dataplane with config/examples/demo-peer.yaml"
start_site site-b demo-peer "0@1,1@0"
# the memif link between the sites
link_up() {
	$ctl --socket "$work/$1.sock" --json ports | /usr/bin/python3 -c '
import json, sys
sys.exit(0 if any(p["name"] == "wan" and p["link_up"] for p in json.load(sys.stdin)["ports"]) else 1)'
}
for _ in $(seq 100); do
	link_up site-a && link_up site-b && break
	sleep 0.1
done
snapshot before
echo "    (to see the ESP on the link meanwhile, in another shell: $ctl -s $work/site-a.sock capture wan file /tmp/wan.pcapng)"
nfv_log "LAN traffic for $secs s at $rate frames/s: host A 10.1.0.2 -> host B 10.2.0.10 and back"
/usr/bin/python3 ci/demo_lan.py --lan-a "$work/lan-a.sock" --lan-b "$work/lan-b.sock" \
	--duration "$secs" --rate "$rate" > "$work/traffic.json"
snapshot after
status=0
/usr/bin/python3 ci/demo_summary.py "$work" || status=$?
for p in "${pids[@]}"; do kill -INT "$p"; done
for p in "${pids[@]}"; do wait "$p" || status=1; done
# a clean stop: every mbuf back in its pool
for s in site-a site-b; do
	grep -q '^mbufs in use at exit: 0$' "$work/$s.log" || { echo "$s: mbufs leaked" >&2; status=1; }
done
pids=()
trap - EXIT
exit $status
