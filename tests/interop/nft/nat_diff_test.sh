#!/usr/bin/env bash
# NAT against the kernel's nf_nat, through the REAL dataplane: the ruleset
# nat/nat.nft runs in the Linux kernel of a forwarding namespace and in
# nfvpn-dataplane (filter.file), and nat/natdiff.py plays the same
# exchanges through both: masquerade of TCP, UDP (with and without a
# checksum) and ICMP echo out and the replies back, a port clash of two
# inside hosts (and the moved one's next connection, to another server,
# on the same mapping), ICMP errors from beyond the NAT (port unreachable, time
# exceeded) translated inside, a DNAT port forward (TCP, UDP; the inside
# server's port unreachable translated on its way out), a hairpin.
# What comes out must be the same bytes, checksums right, except the port
# the clash moves to (the kernel picks it at random: both must move it);
# then the connections, conntrack -L against nfvpnctl conntrack, both
# tuples, the same way.
#
#   kernel:    ka a0 ---- p0 [kr: ip_forward, nft -f nat.nft] p1 ---- b0 kb
#   dataplane: da a0 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 db
#
# Both routers: 192.168.0.1/24 on p0 (inside: 10.0.0.0/16 via 192.168.0.2),
# 192.168.1.1/24 on p1 (outside: default via 192.168.1.2), static
# neighbours for both next hops.
. "$(dirname "$0")/../../smoke/lib.sh"

HERE="$NFV_TOP/tests/interop/nft/nat"
NATDIFF="$PY $HERE/natdiff.py"
AMAC=02:00:00:00:0a:02
BMAC=02:00:00:00:0b:02
command -v conntrack >/dev/null || fail "conntrack (the conntrack package) is missing"

dp_netns
DA=$(netns_add da)
DB=$(netns_add db)
veth_dp dp0 "$DA" a0
veth_dp dp1 "$DB" b0
ip -n "$DA" link set a0 address $AMAC
ip -n "$DB" link set b0 address $BMAC

KA=$(netns_add ka)
KR=$(netns_add kr)
KB=$(netns_add kb)
ip link add p0 netns "$KR" type veth peer name a0 netns "$KA" || fail "veth"
ip link add p1 netns "$KR" type veth peer name b0 netns "$KB" || fail "veth"
ip -n "$KA" link set a0 address $AMAC
ip -n "$KB" link set b0 address $BMAC
for l in "$KR p0" "$KR p1" "$KA a0" "$KB b0"; do
	set -- $l
	ip -n "$1" link set "$2" up
done
in_ns "$KR" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.default.rp_filter=0 net.ipv4.conf.p0.rp_filter=0 \
	net.ipv4.conf.p1.rp_filter=0 net.ipv4.conf.all.send_redirects=0 \
	net.ipv4.conf.p0.send_redirects=0
ip -n "$KR" addr add 192.168.0.1/24 dev p0
ip -n "$KR" addr add 192.168.1.1/24 dev p1
ip -n "$KR" route add default via 192.168.1.2
ip -n "$KR" route add 10.0.0.0/16 via 192.168.0.2
ip -n "$KR" neigh add 192.168.1.2 lladdr $BMAC dev p1 nud permanent
ip -n "$KR" neigh add 192.168.0.2 lladdr $AMAC dev p0 nud permanent
KMAC0=$(ip -n "$KR" -br link show p0 | awk '{print $3}')
KMAC1=$(ip -n "$KR" -br link show p1 | awk '{print $3}')

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_af_packet_d0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception: false }
  - { name: p1, device: "net_af_packet_d1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 192.168.0.1/24 }
  - { port: p1, address: 192.168.1.1/24 }
routes:
  - { dst: default, via: 192.168.1.2 }
  - { dst: 10.0.0.0/16, via: 192.168.0.2 }
neighbours:
  - { port: p1, address: 192.168.1.2, mac: "$BMAC" }
  - { port: p0, address: 192.168.0.2, mac: "$AMAC" }
filter:
  file: $HERE/nat.nft
EOP

in_ns "$KR" nft -f "$HERE/nat.nft" || fail "the kernel refused nat.nft"
dp_start "$WORK/policy.yaml"
$NATDIFF run "$KA" a0 "$KMAC0" "$KB" b0 "$KMAC1" "$WORK/kernel.txt" || fail "natdiff (kernel)"
$NATDIFF run "$DA" a0 02:00:00:00:00:01 "$DB" b0 02:00:00:00:01:01 "$WORK/dp.txt" ||
	fail "natdiff (dataplane)"
in_ns "$KR" conntrack -L > "$WORK/ct-kernel.raw" 2>/dev/null
ctl --json conntrack > "$WORK/ct-dp.json" || fail "nfvpnctl conntrack"
ctl stats > "$WORK/stats.txt" || true
dp_stop

grep -q ' none$' "$WORK/kernel.txt" && {
	cat "$WORK/kernel.txt"; fail "the kernel passed not every packet: the test is broken"; }
grep -q 'csum=BAD' "$WORK/kernel.txt" && fail "a kernel checksum is wrong: the check is broken"
if ! cmp -s "$WORK/kernel.txt" "$WORK/dp.txt"; then
	diff "$WORK/kernel.txt" "$WORK/dp.txt" | sed 's/^/  /' | cut -c1-240
	grep -E '^drop\.' "$WORK/stats.txt" | grep -v ' 0$' | head -20
	fail "the dataplane's packets differ from the kernel's"
fi
echo "packets: $(wc -l < "$WORK/kernel.txt") identical (clash port allowed to differ)"
$NATDIFF conntrack kernel "$WORK/ct-kernel.raw" > "$WORK/ct-kernel.txt" || fail "parse conntrack -L"
$NATDIFF conntrack dp "$WORK/ct-dp.json" > "$WORK/ct-dp.txt" || fail "parse nfvpnctl conntrack"
[ "$(wc -l < "$WORK/ct-kernel.txt")" -ge 8 ] || {
	cat "$WORK/ct-kernel.raw"; fail "conntrack -L listed too few connections"; }
if ! cmp -s "$WORK/ct-kernel.txt" "$WORK/ct-dp.txt"; then
	diff "$WORK/ct-kernel.txt" "$WORK/ct-dp.txt" | sed 's/^/  /'
	fail "the connections' tuples differ"
fi
echo "connections: $(wc -l < "$WORK/ct-kernel.txt") with the same tuples"
# NAT_DIFF_KEEP=DIR: what both did, kept for a look
[ -n "${NAT_DIFF_KEEP:-}" ] && cp "$WORK"/*.txt "$WORK"/ct-*.raw "$WORK"/ct-*.json "$NAT_DIFF_KEEP"/
echo "PASS $SMOKE_NAME"
