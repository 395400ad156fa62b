#!/usr/bin/env bash
# Differential test through the REAL dataplane: each ruleset of
# tests/interop/nft/dp/*.nft runs in the Linux kernel of a forwarding
# namespace and in nfvpn-dataplane (filter.file), the 400 packets of
# dp/packets.txt cross both, and the packets that come out must be the same.
#
#   kernel:    ka a0 ---- p0 [kr: ip_forward, nft -f RULESET] p1 ---- b0 kb
#   dataplane: da a0 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 db
#
# Both routers: 192.168.0.1/24 and fd00::1/64 on p0, 192.168.1.1/24 and
# fd00:1::1/64 on p1, default routes to the sink (.2) with a static
# neighbour, 10.0.0.0/16 and 2001:db8:0:1::/64 back through p0 (for fib;
# no packet goes there); the packets go from 10.0-5.x / 2001:db8:0:: to 10.1-5.x /
# 2001:db8:1::, witnessed by IPv4 id / IPv6 flow label.
# A ruleset NAME.nft with a NAME.pkts beside it gets those packets instead
# of packets.txt (made by "diff.py gen-extra"); a line "# diff: wait N" in
# the ruleset waits N more seconds between loading and sending (timeouts);
# "# diff: bytes" compares what comes out byte for byte (rewrites), "# diff:
# packet" the whole IP packet, headers included (header rewrites); "# diff:
# ruleset" also nfvpnctl ruleset with nft list ruleset after the packets
# (named objects' and counters' values); "# diff: inter S" sends the
# packets S seconds apart rather than 2 ms (state that the kernel ages in
# jiffies).
. "$(dirname "$0")/../../smoke/lib.sh"

HERE="$NFV_TOP/tests/interop/nft/dp"
DIFF="$PY $HERE/diff.py"
BMAC=02:00:00:00:0b:02

dp_netns
DA=$(netns_add da)
DB=$(netns_add db)
veth_dp dp0 "$DA" a0
veth_dp dp1 "$DB" b0
ip -n "$DB" link set b0 address $BMAC

KA=$(netns_add ka)
KR=$(netns_add kr)
KB=$(netns_add kb)
ip link add p0 netns "$KR" type veth peer name a0 netns "$KA" || fail "veth"
ip link add p1 netns "$KR" type veth peer name b0 netns "$KB" || fail "veth"
ip -n "$KB" link set b0 address $BMAC
for l in "$KR p0" "$KR p1" "$KA a0" "$KB b0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
in_ns "$KR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
	net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	net.ipv4.conf.p0.rp_filter=0 net.ipv4.conf.p1.rp_filter=0
ip -n "$KR" addr add 192.168.0.1/24 dev p0
ip -n "$KR" addr add 192.168.1.1/24 dev p1
ip -n "$KR" addr add fd00::1/64 dev p0 nodad
ip -n "$KR" addr add fd00:1::1/64 dev p1 nodad
ip -n "$KR" route add default via 192.168.1.2
ip -n "$KR" route add 10.0.0.0/16 via 192.168.0.2
ip -n "$KR" -6 route add 2001:db8:0:1::/64 via fd00::2
ip -n "$KR" -6 route add default via fd00:1::2
ip -n "$KR" neigh add 192.168.1.2 lladdr $BMAC dev p1 nud permanent
ip -n "$KR" -6 neigh add fd00:1::2 lladdr $BMAC dev p1 nud permanent
KMAC=$(ip -n "$KR" -br link show p0 | awk '{print $3}')

policy() {	# policy RULESET
	cat <<EOP
ports:
  - { name: p0, device: "net_af_packet_d0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception: false }
  - { name: p1, device: "net_af_packet_d1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 192.168.0.1/24 }
  - { port: p1, address: 192.168.1.1/24 }
  - { port: p0, address: "fd00::1/64" }
  - { port: p1, address: "fd00:1::1/64" }
routes:
  - { dst: default, via: 192.168.1.2 }
  - { dst: "::/0", via: "fd00:1::2" }
  - { dst: 10.0.0.0/16, via: 192.168.0.2 }
  - { dst: "2001:db8:0:1::/64", via: "fd00::2" }
neighbours:
  - { port: p1, address: 192.168.1.2, mac: "$BMAC" }
  - { port: p1, address: "fd00:1::2", mac: "$BMAC" }
filter:
  file: $1
EOP
}

total=0
# DP_DIFF_ONLY=GLOB: only the rulesets whose name matches (while working on one)
for rs in "$HERE"/${DP_DIFF_ONLY:-*}.nft; do
	name=$(basename "$rs" .nft)
	pkts=$HERE/packets.txt
	[ -f "$HERE/$name.pkts" ] && pkts=$HERE/$name.pkts
	npkts=$(grep -vc '^#' "$pkts")
	wait_s=$(sed -n 's/^# diff: wait \([0-9]*\)$/\1/p' "$rs")
	# "# diff: bytes": the packets that come out compared byte for byte
	# (their IP payload); "# diff: packet": the whole IP packet
	how=$(sed -n 's/^# diff: \(bytes\|packet\)$/\1/p' "$rs")
	listing=$(sed -n 's/^# diff: \(ruleset\)$/\1/p' "$rs")
	inter=$(sed -n 's/^# diff: inter \([0-9.]*\)$/\1/p' "$rs")
	policy "$rs" > "$WORK/policy.yaml"
	dp_start "$WORK/policy.yaml"
	in_ns "$KR" nft flush ruleset
	in_ns "$KR" nft -f "$rs" || fail "$name: the kernel refused the ruleset"
	rm -f "$WORK/sent" "$WORK/kernel.txt.ready" "$WORK/dp.txt.ready"
	in_ns "$KB" $DIFF sniff b0 "$WORK/sent" "$WORK/kernel.txt" $how &
	ks=$!
	in_ns "$DB" $DIFF sniff b0 "$WORK/sent" "$WORK/dp.txt" $how &
	ds=$!
	# both sniffers listening (scapy's start-up takes about a second)
	for _ in $(seq 200); do
		[ -e "$WORK/kernel.txt.ready" ] && [ -e "$WORK/dp.txt.ready" ] && break
		sleep 0.05
	done
	[ -e "$WORK/kernel.txt.ready" ] && [ -e "$WORK/dp.txt.ready" ] || fail "$name: no sniffer"
	sleep "${wait_s:-0}"
	in_ns "$KA" $DIFF send a0 "$KMAC" "$pkts" $inter &
	kt=$!
	in_ns "$DA" $DIFF send a0 02:00:00:00:00:01 "$pkts" $inter || fail "send"
	wait $kt || fail "send"
	touch "$WORK/sent"
	wait $ks && wait $ds || fail "sniff"
	# every packet the dataplane sent out of p1 was seen: the sniffer lost none
	tx=$(ctl --json ports | $PY -c 'import json, sys
print(next(p["tx_packets"] for p in json.load(sys.stdin)["ports"] if p["name"] == "p1"))')
	if [ -n "$listing" ]; then
		in_ns "$KR" nft list ruleset > "$WORK/kernel-ruleset.txt"
		ctl ruleset > "$WORK/dp-ruleset.txt" || fail "$name: nfvpnctl ruleset"
		diff -u "$WORK/kernel-ruleset.txt" "$WORK/dp-ruleset.txt" ||
			fail "$name: nfvpnctl ruleset differs from the kernel's nft list ruleset"
		grep -E '(packets|used) [0-9]+' "$WORK/dp-ruleset.txt" | sed "s/^[[:space:]]*/$name: /"
	fi
	dp_stop
	k=$(wc -l < "$WORK/kernel.txt"); d=$(wc -l < "$WORK/dp.txt")
	[ "$tx" = "$d" ] || fail "$name: p1 sent $tx packets, the sniffer saw $d"
	echo "$name: kernel passed $k of $npkts, nfvpn-dataplane $d"
	if ! cmp -s "$WORK/kernel.txt" "$WORK/dp.txt"; then
		diff "$WORK/kernel.txt" "$WORK/dp.txt" | sed -n 's/^\([<>]\) \([0-9]*\).*/\1 \2/p' |
		while read -r side w; do
			echo "  packet $w: only $([ "$side" = "<" ] && echo kernel || echo dataplane) passed it (or so):" \
				"$($PY -c 'import sys
from scapy.all import IP, IPv6
l = [x for x in open(sys.argv[1]) if not x.startswith("#")][int(sys.argv[2]) - 1]
b = bytes.fromhex(l.strip()); print((IPv6(b) if b[0] >> 4 == 6 else IP(b)).summary())' "$pkts" "$w")"
		done | head -20
		fail "$name: verdicts differ"
	fi
	[ "$k" -gt 0 ] && [ "$k" -lt "$npkts" ] ||
		fail "$name: the kernel passed $k of $npkts: the ruleset tests nothing"
	total=$((total + npkts))
done
echo "PASS $SMOKE_NAME: $total packets, identical verdicts"
