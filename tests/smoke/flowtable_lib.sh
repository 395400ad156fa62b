#!/usr/bin/env bash
# Sourced after lib.sh by the tests that run the flowtable traffic
# (flowtable_traffic.py) through the dataplane: tests/smoke/flowtable_test.sh
# and tests/interop/flowtable/ft_kernel_test.sh. Needs T, the namespace of
# a0 and b0 (lib.sh's ft_topology makes it).
LOAD=$NFV_BUILD/bench/nfvpn-flow-load
TRAFFIC=$NFV_TOP/tests/smoke/flowtable_traffic.py
[ -x "$LOAD" ] || fail "$LOAD is not built"

policy() {	# policy QUEUES: the ports with QUEUES queue pairs each
	cat <<EOP
$(routed_pair_ports f | sed "s/iface=dp\([01]\)\"/iface=dp\1,qpairs=$1\"/")
  - { port: p0, address: "2001:db8::1/64" }
  - { port: p1, address: "2001:db8:1::1/64" }
neighbours:
  - { port: p0, address: 10.0.0.2, mac: "02:00:00:00:00:02" }
  - { port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }
  - { port: p0, address: "2001:db8::2", mac: "02:00:00:00:00:02" }
  - { port: p1, address: "2001:db8:1::2", mac: "02:00:00:00:01:02" }
filter:
  conntrack_max: 1024
  nft: |
    table inet t {
      chain forward { type filter hook forward priority 0; }
    }
EOP
}


# run plain|offload [WORKERS]: all phases, the frames out in
# $WORK/<tag>.<phase>.json, 'nfvpnctl conntrack' after each in $WORK/<tag>.ct.<phase>
run() {
	local mode=$1 nw=${2:-1} tag=$1${2:-}
	policy "$nw" > "$WORK/policy.yaml"
	if [ "$nw" = 1 ]; then
		dp_start "$WORK/policy.yaml"
	else
		DP_LCORES="--lcores 0@0,(1-$nw)@1" dp_start "$WORK/policy.yaml"
	fi
	"$LOAD" "$SOCK" "$mode" || fail "loading the $mode ruleset"
	in_ns "$T" $PY "$TRAFFIC" send a "$WORK/$tag.a.json" || fail "traffic a"
	ctl conntrack | tee "$WORK/$tag.ct.a"
	# B's MAC changes: what leaves for B carries the new one
	ctl neigh add p1 10.1.0.2 02:00:00:00:01:03 || fail "neigh add"
	ctl neigh add p1 2001:db8:1::2 02:00:00:00:01:03 || fail "neigh add"
	in_ns "$T" $PY "$TRAFFIC" send b "$WORK/$tag.b.json" || fail "traffic b"
	ctl conntrack > "$WORK/$tag.ct.b"
	ctl route add 10.1.0.2 blackhole || fail "route add"
	ctl route add 2001:db8:1::2 blackhole || fail "route add"
	in_ns "$T" $PY "$TRAFFIC" send c "$WORK/$tag.c.json" || fail "traffic c"
	ctl conntrack > "$WORK/$tag.ct.c"
	ctl route del 10.1.0.2/32 || fail "route del"
	ctl route del 2001:db8:1::2/128 || fail "route del"
	in_ns "$T" $PY "$TRAFFIC" send d "$WORK/$tag.d.json" || fail "traffic d"
	ctl conntrack | tee "$WORK/$tag.ct.d"
	ctl stats > "$WORK/$tag.stats"
	OFFLOADED=$(counter flow.offloaded)
	CONNS=$(counter flow.connections)
	TEARDOWN=$(counter flow.teardown_fin_rst)
	ROUTE_TEARDOWN=$(counter flow.teardown_route)
	dp_stop
}
