#!/usr/bin/env bash
# nfvpnctl ruleset prints what nft list ruleset prints for the same text:
# the policy's ruleset through the real dataplane, against the kernel's
# nft with the same text in a namespace of its own. Byte for byte before
# traffic (and with -a, whose handles are the dataplane's: a table built
# with "add" commands numbers its objects in another order than a dump
# lists them); after pings, the counter statements show the dataplane's
# packets and bytes, and only rules with a counter statement show one;
# named objects (a counter through an object map, a quota) their values.
# nfvpnctl trace names the rule (its handle) or the policy that decided.
#
#   netns a                         netns dp                          netns b
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 10.1.0.2
. "$(dirname "$0")/lib.sh"

routed_pair

cat > "$WORK/rules.nft" <<'EON'
table inet f {
	set trusted {
		type ipv4_addr
		flags interval
		elements = { 10.0.0.0/24, 192.168.7.1 }
	}

	map ports {
		type inet_service : verdict
		elements = { 25 : drop, 8080 : accept }
	}

	chain forward {
		type filter hook forward priority filter; policy drop;
		ct state established,related counter accept
		ct state invalid drop
		iifname "p0" ip saddr @trusted meta l4proto icmp counter accept
		tcp dport vmap @ports
		tcp flags syn tcp option maxseg size set rt mtu
		iifname "p1" jump from_b
	}

	chain from_b {
		ip daddr 10.0.0.0/24 udp dport { 53, 123 } accept
		counter
	}
}
table ip objs {
	counter from_a { }
	quota q { over 1000000 bytes }
	limit l { rate 1000/second }
	map by_src { type ipv4_addr : counter; elements = { 10.0.0.2 : "from_a" } }
	chain c {
		type filter hook forward priority 10; policy accept;
		counter name ip saddr map @by_src
		quota name "q" drop
		limit name "l" accept
	}
}
add table ip late
add chain ip late c { type filter hook prerouting priority -5; policy accept; }
add rule ip late c ip protocol icmp counter
add set ip late s { type ipv4_addr; }
add chain ip late d
add rule ip late c ip saddr @s jump d
add rule ip late d counter
EON

{
	routed_pair_ports r
	echo "filter:"
	echo "  conntrack_max: 1024"
	echo "  file: rules.nft"
} > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"

# the kernel's own listing of the same text, in a fresh namespace
REF=$(netns_add ref)
in_ns "$REF" nft -f "$WORK/rules.nft" || fail "the kernel refused the ruleset"
in_ns "$REF" nft list ruleset > "$WORK/ref.txt"
in_ns "$REF" nft -a list ruleset > "$WORK/ref-a.txt"

ctl ruleset > "$WORK/dp.txt" || fail "nfvpnctl ruleset failed"
diff -u "$WORK/ref.txt" "$WORK/dp.txt" || fail "nfvpnctl ruleset differs from nft list ruleset"
ctl ruleset -a > "$WORK/dp-a.txt" || fail "nfvpnctl ruleset -a failed"
diff -u "$WORK/ref-a.txt" "$WORK/dp-a.txt" ||
	fail "nfvpnctl ruleset -a differs from nft -a list ruleset"

# the handles are those the dataplane's records (and trace) carry
ctl --json ruleset | $PY -c '
import json, re, sys
recs = [o for o in json.load(sys.stdin)["ruleset"] if o["kind"] == "rule"]
text = open(sys.argv[1]).read()
listed = [int(h) for h in re.findall(r"^\t\t(?!type ).*# handle (\d+)$", text, re.M)]
mine = [o["handle"] for o in recs]
assert sorted(listed) == sorted(mine), (listed, mine)
' "$WORK/dp-a.txt" || fail "rule handles of -a are not the dataplane's"

# traffic: 3 pings from a to b and back
in_ns "$A" $PY - > "$WORK/ping.out" 2>&1 <<'EOPY' || fail "ping through the dataplane: $(cat "$WORK/ping.out")"
from scapy.all import ICMP, IP, conf, sr1
conf.verb = 0
for seq in range(3):
    # 84 bytes at L3, as ping sends; an id each: a connection each
    r = sr1(IP(dst="10.1.0.2") / ICMP(id=100 + seq, seq=seq) / (b"x" * 56), timeout=3)
    assert r is not None and r[ICMP].type == 0, "no echo reply %d" % seq
print("ok")
EOPY
ctl ruleset > "$WORK/dp2.txt" || fail "nfvpnctl ruleset failed after traffic"
cat "$WORK/dp2.txt"
# 3 echo requests (new connections) by the icmp rule, their replies (established)
# by the first rule; late's prerouting counter saw all 6
grep -q 'iifname "p0" ip saddr @trusted meta l4proto icmp counter packets 3 bytes 252 accept' \
	"$WORK/dp2.txt" || fail "the icmp rule's counter is not 3 packets, 252 bytes"
grep -q 'ct state established,related counter packets 3 bytes 252 accept' "$WORK/dp2.txt" ||
	fail "the established rule's counter is not 3 packets"
grep -q 'ip protocol icmp counter packets 6 bytes 504$' "$WORK/dp2.txt" ||
	fail "late's prerouting counter is not 6 packets"
# the named objects: the counter of 10.0.0.2 (the map's) saw the 3 requests,
# the quota all 6 packets forwarded
grep -A1 -F 'counter from_a {' "$WORK/dp2.txt" | grep -q 'packets 3 bytes 252$' ||
	fail "the named counter from_a is not 3 packets, 252 bytes"
grep -q 'over 1000000 bytes used 504 bytes$' "$WORK/dp2.txt" ||
	fail "the named quota q has not used 504 bytes"
# the rest is as before, and no rule without a counter statement shows one
norm() {
	sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/; s/^(\t\t)packets [0-9]+ bytes [0-9]+$/\1packets/; s/ used [0-9]+ bytes$//' "$1"
}
diff -u <(norm "$WORK/ref.txt") <(norm "$WORK/dp2.txt") || fail "the listing changed with traffic"

# nfvpnctl trace names the rule (by the handle -a shows) or the policy that
# decided, as nft monitor trace does
hnd() { grep -F "$1" "$WORK/dp-a.txt" | sed -n 's/.*# handle \([0-9]*\)$/\1/p'; }
h_icmp=$(hnd 'meta l4proto icmp counter')
h_vmap=$(hnd 'tcp dport vmap @ports')
[ -n "$h_icmp" ] && [ -n "$h_vmap" ] || fail "no handles in: $(cat "$WORK/dp-a.txt")"
ctl trace 3 src 10.0.0.2/32 > "$WORK/trace.out" 2>&1 &
tp=$!
sleep 0.5
in_ns "$A" $PY - <<'EOPY' || fail "sending the traced packets"
import time
from scapy.all import ICMP, IP, TCP, UDP, conf, send
conf.verb = 0
for p in (ICMP(id=999, seq=1), TCP(sport=4000, dport=25, flags="S"), UDP(sport=4000, dport=9)):
    send(IP(dst="10.1.0.2") / p)
    time.sleep(0.2)
EOPY
wait "$tp" || fail "nfvpnctl trace: $(cat "$WORK/trace.out")"
cat "$WORK/trace.out"
grep -q "nft-FORWARD-0 .*FORWARD prio 0 ACCEPT \[inet f forward handle $h_icmp\]: 10.0.0.2 > 10.1.0.2 proto 1 " \
	"$WORK/trace.out" || fail "trace: the icmp rule (handle $h_icmp) not named"
grep -q "nft-FORWARD-0 .*DROP (filter-rule-drop) \[inet f forward handle $h_vmap\]: 10.0.0.2:4000 > 10.1.0.2:25 proto 6 " \
	"$WORK/trace.out" || fail "trace: the vmap rule (handle $h_vmap) not named"
grep -q "nft-FORWARD-0 .*DROP (filter-chain-policy) \[inet f forward policy drop\]: 10.0.0.2:4000 > 10.1.0.2:9 proto 17 " \
	"$WORK/trace.out" || fail "trace: the forward policy not named"
grep -q "nft-PRE_ROUTING--5 .*ACCEPT \[ip late c policy accept\]: 10.0.0.2 > 10.1.0.2 proto 1 " \
	"$WORK/trace.out" || fail "trace: late's policy not named"

# usage errors say what is wrong and exit 2
ctl ruleset --bogus 2> "$WORK/usage.err"
rc=$?
[ "$rc" -eq 2 ] || fail "ruleset --bogus exited $rc, not 2"
grep -q 'unexpected argument "--bogus"' "$WORK/usage.err" || fail "usage: $(cat "$WORK/usage.err")"
ctl ruleset --netlink | grep -q '\[ cmp eq' || fail "ruleset --netlink lost the expression form"

dp_stop
echo "PASS: $SMOKE_NAME"
