#!/usr/bin/env bash
# The live mirror: nfvpn-mirror follows the kernel table "inet nfvpn" of a
# private namespace; while UDP flows to ports 7000 (dropped at first), 7001
# (accepted at first) and 7002 (always accepted), `nft` changes the table
# and the dataplane follows within a second: 7001 stops, 7000 starts, no
# 7002 packet is lost and no packet is filtered by a mix of two versions.
# A rule the compiler refuses (meta skuid) is reported with table, chain, handle
# and expression, and the running ruleset stays.
#
#   netns a                         netns dp                          netns b
#   a0 10.0.0.2 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 10.1.0.2
#                                     ^ management socket
#   netns m: table inet nfvpn  -->  nfvpn-mirror
. "$(dirname "$0")/lib.sh"

routed_pair
M=$(netns_add m)

cat > "$WORK/policy.yaml" <<EOP
$(routed_pair_ports m)
filter:
  mirror: "inet nfvpn"
EOP
in_ns "$M" nft -f - <<'EON' || fail "nft"
table inet nfvpn {
	flags dormant;	# out of this kernel's path, mirrored all the same
	chain forward {
		type filter hook forward priority 0; policy accept;
		udp dport 7000 counter drop
	}
}
EON
dp_start "$WORK/policy.yaml"
ip netns exec "$M" "$NFV_BUILD/control/mirror/nfvpn-mirror" --socket "$SOCK" inet nfvpn \
	> "$WORK/mirror.log" 2>&1 &
MIRROR_PID=$!
trap 'kill $MIRROR_PID 2>/dev/null; smoke_cleanup' EXIT

finfo() { ctl --json filter | $PY -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
# wait_change KEY OLD: until filter info KEY differs from OLD, at most 1 s;
# prints the time it changed
wait_change() {
	local t0
	t0=$(date +%s.%N)
	while [ "$(finfo "$1")" = "$2" ]; do
		awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { exit !(a - b > 1.0) }' &&
			fail "the dataplane did not follow within 1 s ($1 still $2); mirror: $(tail -3 "$WORK/mirror.log")"
		sleep 0.02
	done
	date +%s.%N
}
for _ in $(seq 50); do [ "$(finfo source)" = mirror ] && break; sleep 0.1; done
[ "$(finfo source)" = mirror ] || fail "no ruleset from the mirror: $(cat "$WORK/mirror.log")"
# resolve the neighbours on both sides before the measured traffic
in_ns "$A" $PY -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"warm-up", ("10.1.0.2", 9)); time.sleep(0.2)
' || fail "warm-up"

in_ns "$B" $PY "$NFV_TOP/tests/smoke/filter_mirror_traffic.py" recv "$WORK/recv.txt" 9 &
recv=$!
sleep 0.3
in_ns "$A" $PY "$NFV_TOP/tests/smoke/filter_mirror_traffic.py" send 10.1.0.2 8 100 > "$WORK/sent.txt" &
send=$!
sleep 1.5

# 1. a new rule drops 7001
g=$(finfo generation); t0=$(date +%s.%N)
in_ns "$M" nft add rule inet nfvpn forward udp dport 7001 counter drop || fail "nft add"
echo "drop7001 $t0 $(wait_change generation "$g")" >> "$WORK/events.txt"
sleep 1.5
# 2. deleting the first rule lets 7000 through
h=$(in_ns "$M" nft -a list chain inet nfvpn forward | sed -n 's/.*dport 7000 .*# handle \([0-9]*\)/\1/p')
g=$(finfo generation); t0=$(date +%s.%N)
in_ns "$M" nft delete rule inet nfvpn forward handle "$h" || fail "nft delete"
echo "accept7000 $t0 $(wait_change generation "$g")" >> "$WORK/events.txt"
sleep 1.5
# 3. an expression the compiler does not support: refused, nothing changes
e=$(finfo load_errors); g=$(finfo generation)
in_ns "$M" nft add rule inet nfvpn forward meta skuid 0 counter drop || fail "nft add skuid"
wait_change load_errors "$e" > /dev/null
err=$(finfo last_error)
echo "refused: $err"
fh=$(in_ns "$M" nft -a list chain inet nfvpn forward | sed -n 's/.*meta skuid.*# handle \([0-9]*\)/\1/p')
case "$err" in
*"table inet nfvpn"*"chain forward"*"handle $fh"*"meta key skuid"*) ;;
*) fail "the error does not name table, chain, handle $fh and expression: $err" ;;
esac
[ "$(finfo generation)" = "$g" ] || fail "a refused ruleset changed the generation"
in_ns "$M" nft delete rule inet nfvpn forward handle "$fh" || fail "nft delete skuid"
wait_change generation "$g" > /dev/null
wait $send || fail "sender"
wait $recv || fail "receiver"

ctl ruleset
$PY "$NFV_TOP/tests/smoke/filter_mirror_traffic.py" check "$WORK/recv.txt" "$WORK/events.txt" ||
	fail "traffic did not follow the table"
drops=$(ctl --json ruleset | $PY -c '
import json, sys
r = [o for o in json.load(sys.stdin)["ruleset"] if o["kind"] == "rule" and "0x0000591b" in o["expr"]]
print(r[0]["packets"] if r else -1)')
[ "$drops" -ge 100 ] || fail "the 7001 drop rule counted $drops packets"
cat "$WORK/mirror.log"
kill "$MIRROR_PID"
dp_stop
echo "PASS $SMOKE_NAME"
