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
# IPv6 the same way (masquerade of TCP with a clash, UDP with and without
# a checksum, ICMPv6 echo, ICMPv6 errors from beyond, a port forward of TCP
# and of UDP through an address . port map, the server's port unreachable
# on its way out), from an ip6 nat table and an inet one.
#
# The routers: tests/interop/nft/lib.sh.
. "$(dirname "$0")/../../smoke/lib.sh"
. "$(dirname "$0")/lib.sh"

HERE="$NFV_TOP/tests/interop/nft/nat"
NATDIFF="$PY $HERE/natdiff.py"
command -v conntrack >/dev/null || fail "conntrack (the conntrack package) is missing"

diff_routers
diff_policy "$HERE/nat.nft" > "$WORK/policy.yaml"

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
