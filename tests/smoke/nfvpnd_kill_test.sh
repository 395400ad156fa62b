#!/usr/bin/env bash
# nfvpnd dies or is stopped in the middle of a big reload; the dataplane's
# routes stay exactly as they were before it, and both programs stop
# promptly when asked to in the middle of an apply.
#
#   nfvpn-dataplane (net_null0, one worker) <- nfvpnd <- SIGHUP / kill
#
# Policy A has ROUTES routes through 10.0.0.2/3 (2001:db8::2/3 for a tenth
# of them, bench/apply/mkpolicy.py), B the same prefixes with the gateways
# swapped: A -> B replaces every route in one transaction.
# 1. kill -9 of nfvpnd while A -> B runs (the dataplane log says how many
#    changes its rollback undid: more than 0, fewer than all): the route
#    listing and the generation are A's again.
# 2. SIGTERM to nfvpnd while A -> B runs: it exits within 2 s, the routes
#    are A's.
# 3. SIGINT to the dataplane while A -> B runs: it exits within 2 s (the
#    rollback of the open transaction included), cleanly.
# A kill that lands before the transaction began or after its commit is
# tried again later (after a commit, A is applied again first).
. "$(dirname "$0")/lib.sh"

ROUTES=${NFVPND_KILL_ROUTES:-20000}
MKPOLICY=$NFV_TOP/bench/apply/mkpolicy.py
for v in 1 2; do
	$PY "$MKPOLICY" "$WORK/p$v.yaml" "$ROUTES" "$v" || fail "mkpolicy"
	chmod 600 "$WORK/p$v.yaml"
done
cp "$WORK/p1.yaml" "$WORK/policy.yaml"

gen() { ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])'; }
routes() { ctl routes | sort; }
now_ms() { date +%s%3N; }
ms_s() { printf '%d.%03d' $(($1 / 1000)) $(($1 % 1000)); }	# 1500 -> 1.500


# nfvpnd running and A applied (a try may have landed after the commit)
ensure_a() {
	cp "$WORK/p1.yaml" "$WORK/policy.yaml"
	if [ -z "$NFVPND_PID" ]; then
		nfvpnd_start
	elif [ "$(gen)" != "$GEN_A" ]; then
		ctl reload > "$WORK/o" 2>&1 || fail "reload to A: $(tail -c 300 "$WORK/o")"
	fi
	routes | cmp -s "$WORK/routes.a" - || fail "A applied again differs from A"
	GEN_A=$(gen)
}

# undone N: the count of the dataplane's last rollback since line FROM
undone() { tail -n +"$1" "$WORK/dataplane.log" | sed -n 's/.*undoing \([0-9]*\) changes.*/\1/p' | tail -1; }

dp_start "$WORK/policy.yaml"
nfvpnd_start
routes > "$WORK/routes.a"
[ "$(grep -c . "$WORK/routes.a")" -ge "$ROUTES" ] || fail "only $(wc -l < "$WORK/routes.a") routes"
GEN_A=$(gen)

# 1. kill -9 mid-reload; the delay adapts: too early, later; too late, earlier
delay=60
hit=0
for try in $(seq 20); do
	ensure_a
	from=$(($(wc -l < "$WORK/dataplane.log") + 1))
	cp "$WORK/p2.yaml" "$WORK/policy.yaml"
	kill -HUP "$NFVPND_PID"
	sleep "$(ms_s "$delay")"
	kill -9 "$NFVPND_PID"
	wait "$NFVPND_PID" 2>/dev/null
	NFVPND_PID=
	# the dataplane sees the close at once: a second is plenty
	for _ in $(seq 20); do [ -n "$(undone "$from")" ] && break; sleep 0.05; done
	n=$(undone "$from")
	if [ -z "$n" ] || [ "$n" = 0 ]; then
		# no transaction yet, or committed: the routes are A's or B's whole
		[ "$(gen)" = "$GEN_A" ] && delay=$((delay + delay / 2 + 40)) || delay=$((delay / 2 + 1))
		continue
	fi
	[ "$n" -lt "$ROUTES" ] || { delay=$((delay / 2 + 1)); continue; }
	# the rollback ran in the dataplane's loop already: the state is A's
	routes > "$WORK/routes.after"
	cmp -s "$WORK/routes.a" "$WORK/routes.after" ||
		fail "kill -9 at $n of $ROUTES changes left other routes: $(diff "$WORK/routes.a" "$WORK/routes.after" | head -5)"
	[ "$(gen)" = "$GEN_A" ] || fail "generation $GEN_A -> $(gen) after the rollback"
	echo "kill -9 after ${delay} ms: $n changes undone, routes and generation as before"
	hit=1
	break
done
[ "$hit" = 1 ] || fail "no kill -9 landed in the middle of a reload in 20 tries"

# 2. SIGTERM to nfvpnd mid-apply: out within 2 s, A's routes
delay=$((delay > 10 ? delay : 10))
hit=0
for try in $(seq 20); do
	ensure_a
	from=$(($(wc -l < "$WORK/dataplane.log") + 1))
	cp "$WORK/p2.yaml" "$WORK/policy.yaml"
	kill -HUP "$NFVPND_PID"
	sleep "$(ms_s "$delay")"
	t0=$(now_ms)
	kill -TERM "$NFVPND_PID"
	for _ in $(seq 100); do kill -0 "$NFVPND_PID" 2>/dev/null || break; sleep 0.02; done
	t1=$(now_ms)
	kill -0 "$NFVPND_PID" 2>/dev/null && fail "nfvpnd still runs $((t1 - t0)) ms after SIGTERM"
	wait "$NFVPND_PID" 2>/dev/null
	NFVPND_PID=
	[ $((t1 - t0)) -le 2000 ] || fail "nfvpnd took $((t1 - t0)) ms to exit after SIGTERM"
	for _ in $(seq 50); do [ -n "$(undone "$from")" ] && break; sleep 0.02; done
	n=$(undone "$from")
	if [ -z "$n" ] || [ "$n" = 0 ] || [ "$n" -ge "$ROUTES" ]; then
		[ "$(gen)" = "$GEN_A" ] && delay=$((delay + delay / 2 + 40)) || delay=$((delay / 2 + 1))
		continue
	fi
	routes | cmp -s "$WORK/routes.a" - || fail "SIGTERM at $n changes left other routes"
	echo "SIGTERM to nfvpnd at $n of $ROUTES changes: out in $((t1 - t0)) ms, routes as before"
	hit=1
	break
done
[ "$hit" = 1 ] || fail "no SIGTERM landed in the middle of a reload in 20 tries"

# 3. SIGINT to the dataplane mid-apply: out within 2 s
ensure_a
from=$(($(wc -l < "$WORK/dataplane.log") + 1))
cp "$WORK/p2.yaml" "$WORK/policy.yaml"
kill -HUP "$NFVPND_PID"
sleep "$(ms_s "$delay")"
t0=$(now_ms)
kill -INT "$DP_PID"
for _ in $(seq 250); do kill -0 "$DP_PID" 2>/dev/null || break; sleep 0.02; done
t1=$(now_ms)
kill -0 "$DP_PID" 2>/dev/null && fail "nfvpn-dataplane still runs $((t1 - t0)) ms after SIGINT"
wait "$DP_PID" || fail "nfvpn-dataplane exited with status $?"
DP_PID=
[ $((t1 - t0)) -le 2000 ] || fail "nfvpn-dataplane took $((t1 - t0)) ms to exit after SIGINT"
grep -q '^mbufs in use at exit: 0$' "$WORK/dataplane.log" || fail "mbufs leaked"
n=$(undone "$from")
echo "SIGINT to the dataplane with ${n:-no} changes of an open transaction: out in $((t1 - t0)) ms"
kill -TERM "$NFVPND_PID" 2>/dev/null
wait "$NFVPND_PID" 2>/dev/null
NFVPND_PID=
echo "PASS: $SMOKE_NAME"
