#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A memif port's ring indices (16 bits) wrap, and every frame is counted
# exactly across the wrap, twice over (issue 17: demo_test once saw site
# B's LAN port take about 65,536 stale frames, a ring index read as 0
# while the Python client wrote it a byte at a time):
#
#   memif_peer.py (10.2.0.2) == pm [nfvpn-dataplane]
#       70,000 numbered frames to 100.64.0.1, routed back to the peer
#       (100.64.0.0/16 via 10.2.0.2), at most one ring (256) in flight,
#       one head store per frame (the most index updates for the worker
#       to read mid-write)
#
# Then: the peer got back all 70,000, in order, none twice; the dataplane
# received and sent exactly 70,000 (the C2S ring's head and the S2C ring's
# tail went once round their 65,536 values and on); the dataplane dropped
# nothing; a second peer on the same port (the server zeroes the rings on
# CONNECT) gets back exactly its frames too. A few seconds. With the
# byte-wise index stores of before, the peer failed here in 3 runs of 3
# ("client-to-server ring: head 17647, tail 17678: 65505 slots in use").
# It busy-polls: take the shared lock as ci/test.sh does.
#
# usage: memif_wrap_test.sh      (NFV_BUILD, NFV_EAL_MEM; WRAP_FRAMES=N)
. "$(dirname "$0")/lib.sh"

FRAMES=${WRAP_FRAMES:-70000}
MEMIF_PEER="$NFV_TOP/tests/smoke/memif_peer.py"

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: pm, device: "net_memif_wrap,role=server,id=0,socket=$WORK/pm.sock", mac: "02:00:00:00:0f:01", exception: false }
addresses:
  - { port: pm, address: 10.2.0.1/24 }
neighbours:
  - { port: pm, address: 10.2.0.2, mac: "02:00:00:00:0f:02" }
routes:
  - { dst: 100.64.0.0/16, via: 10.2.0.2 }
EOP
dp_start "$WORK/policy.yaml"

port_field() {	# port_field FIELD: a field of port pm in 'nfvpnctl ports --json'
	ctl --json ports | $PY -c 'import json, sys
print(next(p[sys.argv[1]] for p in json.load(sys.stdin)["ports"] if p["name"] == "pm"))' "$1"
}

# peer N COUNT: one memif peer that sends COUNT numbered frames and waits
# for them; checks what it got back. The peer runs on core 0, beside the
# worker (core 1, -l 0,1) that polls the rings it writes: on one core the
# two take turns and the worker would never read an index mid-write.
peer() {
	local out=$WORK/peer$1
	taskset -c 0 $PY "$MEMIF_PEER" --socket "$WORK/pm.sock" --dst-mac 02:00:00:00:0f:01 \
		--rate 0 --count "$2" --duration 60 --json "$out.json" > "$out.out" 2>&1 ||
		fail "peer $1: $(cat "$out.out")"
	read -r sent got ooo < <($PY -c 'import json, sys
d = json.load(open(sys.argv[1])); print(d["sent"], d["received"], d["out_of_order"])' "$out.json")
	echo "peer $1: sent $sent, got back $got, out of order $ooo"
	[ "$sent" = "$2" ] && [ "$got" = "$2" ] && [ "$ooo" = 0 ] ||
		fail "peer $1 sent $sent of $2 and got back $got ($ooo out of order)"
}

# the dataplane's counters: memif's own port counters read 0 once the
# peer has left (memif_stats_get() counts the rings of the connection)
peer 1 "$FRAMES"
expect_counter rx "$FRAMES"
expect_counter tx "$FRAMES"
expect_counter dropped 0
# the next peer, once the port saw the first one leave
for _ in $(seq 50); do
	[ "$(port_field link_up)" = False ] && break
	sleep 0.1
done
peer 2 1000
expect_counter rx $((FRAMES + 1000))
expect_counter tx $((FRAMES + 1000))
expect_counter dropped 0
dp_stop
echo "PASS $SMOKE_NAME"
