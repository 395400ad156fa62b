# shellcheck shell=bash
# The two routers of the differential tests against the kernel (sourced
# by dp_diff_test.sh and nat_diff_test.sh, after tests/smoke/lib.sh):
#
#   kernel:    ka a0 ---- p0 [kr: ip_forward, nft -f RULESET] p1 ---- b0 kb
#   dataplane: da a0 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0 db
#
# Both routers: 192.168.0.1/24 and fd00::1/64 on p0 (inside: 10.0.0.0/16
# via 192.168.0.2, 2001:db8:0:1::/64 via fd00::2), 192.168.1.1/24 and
# fd00:1::1/64 on p1 (default routes via 192.168.1.2 and fd00:1::2), static
# neighbours for the next hops (fd00::2 and fd00:1::2 too); the hosts' MACs
# are AMAC (a0) and BMAC (b0).

AMAC=02:00:00:00:0a:02
BMAC=02:00:00:00:0b:02

# diff_routers [ipv4]: the namespaces DA DB (dataplane's hosts), KA KR KB
# (the kernel's hosts and router), KMAC0/KMAC1 the kernel router's p0/p1
# MACs; "ipv4": no IPv6 address or route
diff_routers() {
	local l v6=1
	[ "${1:-}" = ipv4 ] && v6=

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
	in_ns "$KR" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
		net.ipv4.conf.p0.rp_filter=0 net.ipv4.conf.p1.rp_filter=0 \
		net.ipv4.conf.all.send_redirects=0 net.ipv4.conf.p0.send_redirects=0
	ip -n "$KR" addr add 192.168.0.1/24 dev p0
	ip -n "$KR" addr add 192.168.1.1/24 dev p1
	ip -n "$KR" route add default via 192.168.1.2
	ip -n "$KR" route add 10.0.0.0/16 via 192.168.0.2
	ip -n "$KR" neigh add 192.168.1.2 lladdr $BMAC dev p1 nud permanent
	ip -n "$KR" neigh add 192.168.0.2 lladdr $AMAC dev p0 nud permanent
	if [ -n "$v6" ]; then
		ip -n "$KR" addr add fd00::1/64 dev p0 nodad
		ip -n "$KR" addr add fd00:1::1/64 dev p1 nodad
		ip -n "$KR" -6 route add 2001:db8:0:1::/64 via fd00::2
		ip -n "$KR" -6 route add default via fd00:1::2
		ip -n "$KR" -6 neigh add fd00:1::2 lladdr $BMAC dev p1 nud permanent
		ip -n "$KR" -6 neigh add fd00::2 lladdr $AMAC dev p0 nud permanent
	fi
	KMAC0=$(ip -n "$KR" -br link show p0 | awk '{print $3}')
	KMAC1=$(ip -n "$KR" -br link show p1 | awk '{print $3}')
}

# diff_policy RULESET [ipv4]: the dataplane's policy of the same router,
# its filter the nft file RULESET
diff_policy() {
	local a6='' r6='' n6=''
	if [ "${2:-}" != ipv4 ]; then
		a6='  - { port: p0, address: "fd00::1/64" }
  - { port: p1, address: "fd00:1::1/64" }
'
		r6='  - { dst: "::/0", via: "fd00:1::2" }
  - { dst: "2001:db8:0:1::/64", via: "fd00::2" }
'
		n6="  - { port: p1, address: \"fd00:1::2\", mac: \"$BMAC\" }
  - { port: p0, address: \"fd00::2\", mac: \"$AMAC\" }
"
	fi
	cat <<EOP
ports:
  - { name: p0, device: "net_af_packet_d0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception: false }
  - { name: p1, device: "net_af_packet_d1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 192.168.0.1/24 }
  - { port: p1, address: 192.168.1.1/24 }
${a6}routes:
  - { dst: default, via: 192.168.1.2 }
  - { dst: 10.0.0.0/16, via: 192.168.0.2 }
${r6}neighbours:
  - { port: p1, address: 192.168.1.2, mac: "$BMAC" }
  - { port: p0, address: 192.168.0.2, mac: "$AMAC" }
${n6}filter:
  file: $1
EOP
}
