#!/usr/bin/env bash
# nfvpnctl as operators use it (issue #17), against the real dataplane and
# nfvpnd: stats shows the counters that are not 0 (-a all) and clear stats
# starts them from 0; a group without a subcommand lists (route, hook,
# queue, neigh, sa, sp, and "list"/"show"); route add refuses a prefix that
# has a route and route replace replaces it; --json is valid JSON on every
# command that prints (nfvpnd's too); exit codes 0 done, 1 failed (diff: the
# reload would fail), 2 usage, 3 cannot connect.
#
#   nfvpn-dataplane (net_ring, no traffic) <- nfvpnd <- nfvpnctl
. "$(dirname "$0")/lib.sh"

NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
[ -x "$NFVPND" ] || fail "no $NFVPND"

policy() {	# policy GATEWAY [MTU]: the policy, its one route via GATEWAY
	cat <<EOP
ports:
  - { name: p0, device: net_ring0, exception: false${2:+, mtu: $2} }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
routes:
  - { dst: 10.2.0.0/16, via: $1 }
hooks:
  - { name: c1, hook: FORWARD, action: count }
EOP
}
policy 10.0.0.2 > "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"
export NFVPND_SOCKET=$WORK/nfvpnd.sock
"$NFVPND" --config "$WORK/policy.yaml" --socket "$SOCK" --control "$NFVPND_SOCKET" \
	--no-steer > "$WORK/nfvpnd.log" 2>&1 &
NFVPND_PID=$!
trap 'kill $NFVPND_PID 2>/dev/null; smoke_cleanup' EXIT
for _ in $(seq 50); do ctl daemon 2>/dev/null | grep -q "(connected)" && break; sleep 0.1; done
ctl daemon | grep -q "(connected)" || fail "nfvpnd: $(ctl daemon 2>&1; cat "$WORK/nfvpnd.log")"

# expect_rc RC CMD...: CMD exits RC; its stdout in $WORK/o, stderr in $WORK/e
expect_rc() {
	local want=$1 rc; shift
	"$@" > "$WORK/o" 2> "$WORK/e"; rc=$?
	[ "$rc" = "$want" ] ||
		fail "'$*' exited $rc, expected $want: $(cat "$WORK/o" "$WORK/e")"
}
json_ok() {	# json_ok FILE: one valid JSON document
	$PY -m json.tool "$1" > /dev/null 2>&1 || fail "not JSON: $(head -c 600 "$1")"
}
json_lines_ok() {	# json_lines_ok FILE: one valid JSON document a line
	local l
	while IFS= read -r l; do
		printf '%s' "$l" | $PY -m json.tool > /dev/null 2>&1 || fail "not a JSON line: $l"
	done < "$1"
}
jget() {	# jget FILE EXPR: EXPR of the document as d, printed
	$PY -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# 1. stats: not 0 only; -a all; --json all; clear stats
expect_rc 0 ctl stats
awk 'NR > 1 && $NF == "0" { bad = 1 } END { exit bad }' "$WORK/o" ||
	fail "stats shows zeros: $(cat "$WORK/o")"
grep -q "^worker0.loops " "$WORK/o" || fail "stats misses worker0.loops: $(cat "$WORK/o")"
grep -q "^drop\." "$WORK/o" && fail "stats shows a drop counter without traffic: $(cat "$WORK/o")"
n_some=$(wc -l < "$WORK/o")
expect_rc 0 ctl stats -a
grep -q "^drop.no-route  *0$" "$WORK/o" || fail "stats -a misses drop.no-route 0: $(cat "$WORK/o")"
[ "$(wc -l < "$WORK/o")" -gt "$n_some" ] || fail "stats -a shows no more than stats"
expect_rc 0 ctl stats --all
expect_rc 0 ctl --json stats
json_ok "$WORK/o"
[ "$(jget "$WORK/o" "[c['value'] for c in d['counters'] if c['name'] == 'drop.no-route'][0]")" = 0 ] ||
	fail "stats --json misses the zero counters"
loops0=$(jget "$WORK/o" "[c['value'] for c in d['counters'] if c['name'] == 'worker0.loops'][0]")
expect_rc 0 ctl clear stats
[ ! -s "$WORK/o" ] || fail "clear stats printed: $(cat "$WORK/o")"
expect_rc 0 ctl --json stats
loops1=$(jget "$WORK/o" "[c['value'] for c in d['counters'] if c['name'] == 'worker0.loops'][0]")
[ "$loops1" -lt "$loops0" ] || fail "worker0.loops $loops0 before clear stats, $loops1 after"
[ "$(jget "$WORK/o" "[c['value'] for c in d['counters'] if c['name'] == 'mgmt.clients'][0]")" -ge 1 ] ||
	fail "a gauge went through the baseline"
expect_rc 2 ctl stats -x
expect_rc 2 ctl clear stats now
expect_rc 2 ctl clear

# 2. a group without a subcommand lists, as ip route does
ctl routes > "$WORK/routes"
for args in "route" "route list" "route show"; do
	# shellcheck disable=SC2086
	expect_rc 0 ctl $args
	cmp -s "$WORK/o" "$WORK/routes" || fail "'$args' is not routes: $(cat "$WORK/o")"
done
for args in "hook" "hook show" "queue" "neigh" "neigh list" "sa" "sa show" "sp" "sp list"; do
	# shellcheck disable=SC2086
	expect_rc 0 ctl $args
	# shellcheck disable=SC2086
	expect_rc 0 ctl --json $args
	json_ok "$WORK/o"
done
grep -q "^FORWARD" <(ctl hook) || fail "hook lists no entry: $(ctl hook)"
expect_rc 2 ctl route frob
grep -q 'expected add, replace or del' "$WORK/e" || fail "route frob: $(cat "$WORK/e")"
expect_rc 2 ctl reload show

# 3. route add refuses a prefix that has a route; route replace replaces
expect_rc 1 ctl route add 10.2.0.0/16 via 10.0.0.3
grep -q "a route to 10.2.0.0/16 exists; route replace changes it" "$WORK/e" ||
	fail "route add of an existing prefix: $(cat "$WORK/e")"
ctl routes | grep -q "^10.2.0.0/16 .* 10.0.0.2 " || fail "a refused add changed the route: $(ctl routes)"
expect_rc 0 ctl route replace 10.2.0.0/16 via 10.0.0.3
ctl routes | grep -q "^10.2.0.0/16 .* 10.0.0.3 " || fail "route replace: $(ctl routes)"
expect_rc 0 ctl route replace 10.3.0.0/16 blackhole
expect_rc 1 ctl route add 10.3.0.0/16 blackhole
expect_rc 0 ctl route del 10.3.0.0/16
expect_rc 0 ctl route add 10.3.0.0/16 blackhole
expect_rc 0 ctl route del 10.3.0.0/16
expect_rc 0 ctl route replace 10.2.0.0/16 via 10.0.0.2

# 4. --json everywhere that prints, nfvpnd's commands too
for args in status ports stats routes neigh hooks queues sa sp help "help route" daemon diff; do
	# shellcheck disable=SC2086
	expect_rc 0 ctl --json $args
	json_ok "$WORK/o"
done
[ "$(jget "$WORK/o" "d['ok'], d['changes'], d['notes']")" = "(True, [], ['no change'])" ] ||
	fail "diff --json: $(cat "$WORK/o")"
expect_rc 0 ctl --json daemon
[ "$(jget "$WORK/o" "type(d['generation']).__name__")" = int ] || fail "daemon --json: $(cat "$WORK/o")"
# the filter commands: JSON, or (without a filter section) exit 1 and nothing on stdout
for args in filter ruleset conntrack "conntrack count"; do
	# shellcheck disable=SC2086
	ctl --json $args > "$WORK/o" 2> "$WORK/e"; rc=$?
	case $rc in
	0) json_ok "$WORK/o" ;;
	1) [ ! -s "$WORK/o" ] || fail "--json $args printed on failure: $(cat "$WORK/o")" ;;
	*) fail "--json $args exited $rc: $(cat "$WORK/e")" ;;
	esac
done
# events: one JSON object a line (a reload's new generation is one)
ctl --json events --count 1 > "$WORK/events" 2>&1 &
EV_PID=$!
sleep 0.3
policy 10.0.0.4 > "$WORK/policy.yaml"
expect_rc 0 ctl --json reload
json_ok "$WORK/o"
[ "$(jget "$WORK/o" "d['ok'] and d['changes'][0]['op']")" = "+" ] || fail "reload --json: $(cat "$WORK/o")"
for _ in $(seq 30); do kill -0 $EV_PID 2>/dev/null || break; sleep 0.1; done
kill $EV_PID 2>/dev/null && fail "no event reached events --json"
json_lines_ok "$WORK/events"
grep -q '"event":"generation"' "$WORK/events" || fail "events --json: $(cat "$WORK/events")"

# 5. diff: a plan that a reload could not apply exits 1, the plan printed
policy 10.0.0.5 9000 > "$WORK/p2.yaml"
expect_rc 1 ctl diff "$WORK/p2.yaml"
grep -q "^+ route replace 10.2.0.0/16 via 10.0.0.5" "$WORK/o" || fail "diff plan: $(cat "$WORK/o")"
grep -q "a reload of this policy would fail: port p0" "$WORK/e" || fail "diff: $(cat "$WORK/e")"
expect_rc 1 ctl --json diff "$WORK/p2.yaml"
json_ok "$WORK/o"
[ "$(jget "$WORK/o" "d['ok']")" = False ] || fail "diff --json ok: $(cat "$WORK/o")"
printf 'ports: [ {' > "$WORK/bad.yaml"
expect_rc 1 ctl diff "$WORK/bad.yaml"
expect_rc 0 ctl diff "$WORK/policy.yaml"

# 6. exit codes: 1 refused, 2 usage, 3 cannot connect
expect_rc 1 ctl hook del no-such-entry
expect_rc 2 ctl route add
grep -q "^usage: nfvpnctl route add" "$WORK/e" || fail "usage: $(cat "$WORK/e")"
expect_rc 2 ctl frobnicate
expect_rc 3 "$NFV_BUILD/control/nfvpnctl" --socket "$WORK/none.sock" status
expect_rc 3 "$NFV_BUILD/control/nfvpnctl" --socket "$WORK/none.sock" --json stats
[ ! -s "$WORK/o" ] || fail "--json printed without a connection"
expect_rc 3 env NFVPND_SOCKET="$WORK/none.sock" "$NFV_BUILD/control/nfvpnctl" daemon
grep -q "is nfvpnd running?" "$WORK/e" || fail "daemon: $(cat "$WORK/e")"
if ! grep -qs '^nfvpn_stub ' /proc/modules; then
	expect_rc 3 ctl --json steer
fi

dp_stop
kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
echo "PASS: $SMOKE_NAME"
