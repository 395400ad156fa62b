#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Ports whose peer goes away, while the dataplane forwards on the others
# (issue 18: a worker died in librte_net_memif when a memif peer quit).
#
#   netns A                        netns dp                           netns B
#   a0 10.0.0.2 --- dp0 == pa [nfvpn-dataplane] pb == dp1 --- b0 10.1.0.2   steady
#                              pm    pv    pt
#                              ||    ||    ||
#     memif_peer.py x N (10.2.0.2)   ||    tap tnfvPID in netns dp (10.4.0.2), deleted
#     SIGKILL or DISCONNECT          dv --- v0 10.3.0.2 in netns V, deleted
#
# 1. A sends UDP to B, to the memif peer, to V and to the tap, round robin,
#    all along (churn_traffic.py, 2000 datagrams/s);
# 2. N memif peers (default 100) in turn, on the worker's core beside a busy
#    loop, so that the worker is preempted anywhere in its bursts: each
#    connects, sends frames that the dataplane routes back to it
#    (100.64.0.0/16 via 10.2.0.2), and leaves: the odd ones, sending as fast
#    as they can, killed (SIGKILL) at a random moment, the even ones with a
#    DISCONNECT message after 0.1 s;
# 3. then V's veth and the tap are deleted (ip link del); traffic goes on;
# 4. checks: the dataplane ran throughout and stops cleanly, no mbuf
#    leaked; B received >= 99 % of what A sent it; every peer connected and
#    the ones that left cleanly got back >= 90 % of what they sent; what the
#    dataplane lost is counted: every frame it received is sent or counted
#    as a drop (rx = tx + dropped), the frames for the peer while it was
#    away and for the tap once deleted are in drop.tx-queue-full, those for
#    the deleted veth in pv's tx errors (the af_packet PMD takes them);
#    the memif port is down at the end.
#
# Before the fix (dataplane/unmap_guard.c) the dataplane died here with
# SIGSEGV in librte_net_memif in 3 runs of 4. The peers are Python
# (memif_peer.py: a connection costs milliseconds, not an EAL start-up);
# about 40 s. It busy-polls: take the shared lock as ci/test.sh does.
#
# usage: memif_churn_test.sh      (NFV_BUILD, NFV_EAL_MEM; CHURN_PEERS=N)
. "$(dirname "$0")/lib.sh"

PEERS=${CHURN_PEERS:-100}
TRAFFIC="$NFV_TOP/tests/smoke/churn_traffic.py"
MEMIF_PEER="$NFV_TOP/tests/smoke/memif_peer.py"
TAP=tnfv$$

routed_pair
V=$(netns_add v)
veth_dp dv "$V" v0
for ns in "$A" "$B" "$V"; do
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	in_ns "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
done
ip -n "$A" link set a0 address 02:00:00:00:0a:02
ip -n "$B" link set b0 address 02:00:00:00:0b:02
ip -n "$V" link set v0 address 02:00:00:00:0c:02
ip -n "$V" addr add 10.3.0.2/24 dev v0
ip -n "$V" route add default via 10.3.0.1
# no ARP anywhere: every frame the dataplane sees is A's, the peers' or the
# tap's, and is forwarded or dropped (the accounting below)
ip -n "$A" neigh replace 10.0.0.1 lladdr 02:00:00:00:00:01 dev a0 nud permanent
in_ns "$DP_NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: pa, device: "net_af_packet_ca,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception: false }
  - { name: pb, device: "net_af_packet_cb,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
  - { name: pm, device: "net_memif_cm,role=server,id=0,socket=$WORK/pm.sock", mac: "02:00:00:00:0f:01", exception: false }
  - { name: pv, device: "net_af_packet_cv,iface=dv", mac: "02:00:00:00:03:01", promiscuous: true, exception: false }
  - { name: pt, device: "net_tap_ct,iface=$TAP", mac: "02:00:00:00:04:01", exception: false }
addresses:
  - { port: pa, address: 10.0.0.1/24 }
  - { port: pb, address: 10.1.0.1/24 }
  - { port: pm, address: 10.2.0.1/24 }
  - { port: pv, address: 10.3.0.1/24 }
  - { port: pt, address: 10.4.0.1/24 }
neighbours:
  - { port: pa, address: 10.0.0.2, mac: "02:00:00:00:0a:02" }
  - { port: pb, address: 10.1.0.2, mac: "02:00:00:00:0b:02" }
  - { port: pm, address: 10.2.0.2, mac: "02:00:00:00:0f:02" }
  - { port: pv, address: 10.3.0.2, mac: "02:00:00:00:0c:02" }
  - { port: pt, address: 10.4.0.2, mac: "02:00:00:00:0e:02" }
routes:
  - { dst: 100.64.0.0/16, via: 10.2.0.2 }
EOP
dp_start "$WORK/policy.yaml"
in_ns "$DP_NS" ip link show "$TAP" > /dev/null || fail "no tap $TAP"
dp_isolate "$TAP"

stats() { ctl --json stats > "$WORK/stats.json" || fail "nfvpnctl stats"; }
jcount() {	# jcount FILE NAME: a counter of a saved 'stats --json'
	$PY -c 'import json, sys
print(next(c["value"] for c in json.load(open(sys.argv[1]))["counters"] if c["name"] == sys.argv[2]))' "$1" "$2"
}
port_field() {	# port_field PORT FIELD: a field of 'nfvpnctl ports --json'
	ctl --json ports | $PY -c 'import json, sys
print(next(p[sys.argv[2]] for p in json.load(sys.stdin)["ports"] if p["name"] == sys.argv[1]))' "$1" "$2"
}
alive() {	# alive WHEN: fails with the dataplane's exit status if it died
	local st
	kill -0 "$DP_PID" 2>/dev/null && return 0
	wait "$DP_PID"; st=$?
	DP_PID=
	fail "nfvpn-dataplane died $1 (status $st$( [ $st -gt 128 ] && echo ", signal $((st - 128))")): $(tail -5 "$WORK/dataplane.log")"
}

# 1. the steady traffic and its receivers ("ip netns exec" itself in the
# background, not in_ns: $! must be the program, for the signals below)
ip netns exec "$B" "$PY" "$TRAFFIC" recv "$WORK/recv_b.json" > "$WORK/recv_b.out" 2>&1 &
RB=$!
ip netns exec "$V" "$PY" "$TRAFFIC" recv "$WORK/recv_v.json" > "$WORK/recv_v.out" 2>&1 &
RV=$!
for _ in $(seq 50); do
	grep -q listening "$WORK/recv_b.out" && grep -q listening "$WORK/recv_v.out" && break
	sleep 0.1
done
ip netns exec "$A" "$PY" "$TRAFFIC" send "$WORK/sent.json" 2000 10.1.0.2 10.2.0.2 10.3.0.2 10.4.0.2 \
	> "$WORK/send.out" 2>&1 &
SENDER=$!
sleep 1
[ "$(port_field pb tx_packets)" -gt 0 ] || fail "nothing forwarded to B"

# 2. memif peers come and go. The worker is on core 1 (-l 0,1); a busy
# loop there takes it off the core now and then, anywhere in its loop, for
# a scheduler slice: long enough for the interrupt thread (core 0) to tear
# a connection down under a burst, as a generator sharing the worker's core
# did in the issue (Pktgen on 2 CPUs)
taskset -c 1 sh -c 'while :; do :; done' &
HOG=$!
t0=$SECONDS
clean_sent=0
clean_back=0
for i in $(seq "$PEERS"); do
	out=$WORK/peer$i.out
	# the ones to kill send as fast as they can: the worker is then in
	# eth_memif_rx/tx most of its time when the connection goes
	if [ $((i % 2)) = 1 ]; then dur=10 rate=0; else dur=0.1 rate=5000; fi
	ip netns exec "$DP_NS" taskset -c 1 "$PY" "$MEMIF_PEER" --socket "$WORK/pm.sock" \
		--dst-mac 02:00:00:00:0f:01 --rate "$rate" --duration "$dur" \
		--json "$WORK/peer$i.json" > "$out" 2>&1 &
	p=$!
	for _ in $(seq 200); do
		grep -q connected "$out" && break
		kill -0 "$p" 2>/dev/null || break
		sleep 0.01
	done
	if ! grep -q connected "$out"; then
		kill -9 "$p" 2>/dev/null
		alive "before memif peer $i"
		fail "peer $i did not connect: $(cat "$out")"
	fi
	if [ $((i % 2)) = 1 ]; then
		sleep "0.0$((RANDOM % 10))"
		kill -9 "$p"
		wait "$p" 2>/dev/null || true
	else
		wait "$p" || fail "peer $i: $(cat "$out")"
		read -r s r < <($PY -c 'import json, sys; d = json.load(open(sys.argv[1])); print(d["sent"], d["received"])' "$WORK/peer$i.json")
		clean_sent=$((clean_sent + s))
		clean_back=$((clean_back + r))
	fi
	alive "after memif peer $i"
done
kill "$HOG"; wait "$HOG" 2>/dev/null || true
echo "$PEERS memif peers in $((SECONDS - t0)) s; the clean ones sent $clean_sent, got back $clean_back"
[ "$clean_sent" -gt 0 ] && [ $((clean_back * 10)) -ge $((clean_sent * 9)) ] ||
	fail "the peers got back $clean_back of $clean_sent"
[ "$(port_field pm link_up)" = False ] || fail "pm is still up without a peer"

# 3. the veth of pv and the tap go away
stats
drops_before=$(jcount "$WORK/stats.json" drop.tx-queue-full)
in_ns "$DP_NS" ip link del dv || fail "ip link del dv"
in_ns "$DP_NS" ip link del "$TAP" || fail "ip link del $TAP"
sleep 2
alive "after the interfaces went away"
b_mid=$(port_field pb tx_packets)
sleep 1
[ "$(port_field pb tx_packets)" -gt "$b_mid" ] || fail "forwarding to B stopped"

# 4. stop the traffic, let the last frames through, count
kill -TERM "$SENDER"; wait "$SENDER"
sleep 0.5
kill -TERM "$RB" "$RV"; wait "$RB"; wait "$RV" || true
stats
read -r sent_b sent_v sent_t < <($PY -c 'import json, sys
d = json.load(open(sys.argv[1])); print(d["10.1.0.2"], d["10.3.0.2"], d["10.4.0.2"])' "$WORK/sent.json")
got_b=$($PY -c 'import json, sys; print(json.load(open(sys.argv[1]))["received"])' "$WORK/recv_b.json")
rx=$(jcount "$WORK/stats.json" rx)
tx=$(jcount "$WORK/stats.json" tx)
dropped=$(jcount "$WORK/stats.json" dropped)
full=$(jcount "$WORK/stats.json" drop.tx-queue-full)
pv_err=$(port_field pv tx_errors)
echo "A sent B $sent_b, B got $got_b; dataplane rx $rx tx $tx dropped $dropped" \
	"(tx-queue-full $full, $((full - drops_before)) after the deletions); pv tx errors $pv_err"
[ $((got_b * 100)) -ge $((sent_b * 99)) ] || fail "B got $got_b of $sent_b"
[ "$rx" = $((tx + dropped)) ] || fail "rx $rx != tx $tx + dropped $dropped: frames not accounted for"
# after the deletions, every datagram for the tap is a tx-queue-full drop
# (its PMD refuses the write) and every one for V a tx error of pv
[ $((full - drops_before)) -gt 0 ] || fail "no drop counted for the deleted tap"
[ "$pv_err" -gt 0 ] || fail "no tx error counted for the deleted veth"
[ "$sent_v" -gt 0 ] && [ "$sent_t" -gt 0 ] || fail "A sent V $sent_v, the tap $sent_t"
dp_stop
grep -q "unmaps on the interrupt thread that waited for the workers: [1-9]" "$WORK/dataplane.log" ||
	fail "no unmap waited for the workers: $(grep unmaps "$WORK/dataplane.log")"
echo "PASS $SMOKE_NAME"
