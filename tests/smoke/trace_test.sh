#!/usr/bin/env bash
# nfvpnctl trace on the real dataplane (af_packet veths): a traced packet
# that the pipeline drops outside any entry ends with a "dataplane" line
# and the reason; a forwarded one shows only its entries; an untraced
# packet leaves nothing.
#
#   netns A  a0 10.0.0.2 ---- p0 [nfvpn-dataplane, one PRE_ROUTING entry] p1 ---- b0 10.1.0.2  netns B
. "$(dirname "$0")/lib.sh"

routed_pair
cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports tr)
hooks:
  - { name: pre-count, hook: PRE_ROUTING, priority: 0, action: count }
EOP
dp_start "$WORK/policy.yaml"

# trace_one OUT DST: traces one packet to DST/16 while A pings DST
trace_one() {
	ctl trace 1 dst "$2/16" > "$1" 2>&1 &
	local tp=$!
	sleep 0.5
	in_ns "$A" busybox ping -c 1 -W 1 "$2" > /dev/null 2>&1
	wait "$tp" || fail "nfvpnctl trace: $(cat "$1")"
	cat "$1"
}

# no route to 10.77.0.1: the entry, then the pipeline's drop with its reason
trace_one "$WORK/noroute.out" 10.77.0.1
[ "$(wc -l < "$WORK/noroute.out")" = 2 ] || fail "two trace lines expected"
grep -q '^trace 01000001 w0 pre-count .*PRE_ROUTING prio 0 ACCEPT: 10.0.0.2 > 10.77.0.1 proto 1 ' \
	"$WORK/noroute.out" || fail "no PRE_ROUTING line"
grep -q '^trace 01000001 w0 dataplane .*DROP (no-route): 10.0.0.2 > 10.77.0.1 proto 1 iport 0 oport -1$' \
	"$WORK/noroute.out" || fail "no drop line with its reason"

# forwarded to B: the entry only, no drop line
in_ns "$A" busybox ping -c 1 -W 2 10.1.0.2 > /dev/null 2>&1	# neighbours
trace_one "$WORK/fwd.out" 10.1.0.2
[ "$(wc -l < "$WORK/fwd.out")" = 1 ] || fail "one trace line expected for a forwarded packet"
grep -q 'pre-count .*ACCEPT: 10.0.0.2 > 10.1.0.2' "$WORK/fwd.out" || fail "no PRE_ROUTING line"

expect_counter drop.no-route 1
dp_stop
echo "PASS trace_test"
