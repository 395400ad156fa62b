#!/usr/bin/env bash
# NAT-T port floating (RFC 3948, RFC 7296 2.23): the peer sits behind a
# NAT, an nftables masquerade in a namespace of its own, so IKE detects
# the NAT and both sides encapsulate ESP in UDP 4500. Pings from the peer's
# LAN pass; then the NAT's mapping changes mid-flow (another port range,
# conntrack flushed): the peer's next ESP packets arrive from a new port,
# the dataplane learns it from an authenticated packet, tells charon
# (NFV_EVENT_SA_MAPPING, as XFRM_MSG_MAPPING), charon updates both SAs
# (update_sa: NFV_MSG_IPSEC_SA_UPDATE) and its IKE_SA, and the pings go on.
#
#   netns lan                 netns dp                        netns nat                      netns peer
#   lan0 10.1.0.2 -- p1 [nfvpn-dataplane] p0 == dp0 -- natw0 192.0.2.2 [masquerade] natl0 -- peer0 172.16.0.2
#                       nfv-p0 192.0.2.1, charon + plugin                 172.16.0.1          charon + kernel-libipsec
#                                                                                             lan 10.2.0.1
. "$(dirname "$0")/lib.sh"

ike_check
dp_netns
LAN=$(netns_add lan)
NAT=$(netns_add nat)
PEER=$(netns_add peer)
veth_dp dp0 "$NAT" natw0
veth_dp dp1 "$LAN" lan0
ip link add natl0 netns "$NAT" type veth peer name peer0 netns "$PEER" || fail "ip link add natl0"
ip -n "$NAT" link set natl0 up
ip -n "$PEER" link set peer0 up
ip -n "$NAT" addr add 192.0.2.2/24 dev natw0
ip -n "$NAT" addr add 172.16.0.1/24 dev natl0
in_ns "$NAT" sysctl -qw net.ipv4.ip_forward=1
ip -n "$PEER" addr add 172.16.0.2/24 dev peer0
ip -n "$PEER" route add default via 172.16.0.1
ip -n "$PEER" link add lan type veth peer name lan-b
ip -n "$PEER" link set lan-b up
ip -n "$PEER" link set lan up
ip -n "$PEER" addr add 10.2.0.1/24 dev lan
ip -n "$LAN" addr add 10.1.0.2/24 dev lan0
ip -n "$LAN" route add default via 10.1.0.1

# nat_ports LOW: the masquerade maps the peer's UDP to ports LOW..LOW+99
nat_ports() {
	in_ns "$NAT" nft -f - <<EON || fail "nft (nat)"
table ip natt
delete table ip natt
table ip natt {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "natw0" ip protocol udp masquerade to :$1-$(($1 + 99))
		oifname "natw0" masquerade
	}
}
EON
}
nat_ports 20000

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: "net_af_packet_natt0,iface=dp0", mac: "02:00:00:00:00:01", promiscuous: true, exception_ifname: nfv-p0 }
  - { name: p1, device: "net_af_packet_natt1,iface=dp1", mac: "02:00:00:00:01:01", promiscuous: true, exception: false }
addresses:
  - { port: p0, address: 192.0.2.1/24 }
  - { port: p1, address: 10.1.0.1/24 }
routes:
  - { dst: 10.2.0.0/24, via: 192.0.2.2 }
EOP
dp_start "$WORK/policy.yaml"
CHARON_ROUTES=no charon_start nfvpn "$DP_NS" "nfvpn kernel-netlink" "$NFVPN_PLUGIN"
charon_start peer "$PEER" "kernel-libipsec kernel-netlink"
ike_swconf nfvpn aes128gcm16 psk
IKE_PEER_ADDR=172.16.0.2 ike_swconf peer aes128gcm16 psk
ike_up

grep -q 'remote host is behind NAT' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "nfvpn's charon did not detect the NAT"; }
# natt_dport: the destination UDP port of charon's outbound SA in the dataplane
natt_dport() {
	ctl --json sa | $PY -c '
import json, sys
d = json.load(sys.stdin); d = d.get("sas", d) if isinstance(d, dict) else d
print(" ".join(str(s.get("natt_dport", "none")) for s in d if s["name"].startswith("ike-o")))'
}
ctl sa
port=$(natt_dport)
echo "the peer's NAT mapping: 192.0.2.2:$port"
[ "$port" -ge 20000 ] && [ "$port" -le 20099 ] || fail "outbound SA to port $port, not the NAT's 20000-20099"
in_ns "$PEER" ping -c 3 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.2 > /dev/null || { ike_logs; fail "no ping through the NAT"; }
in_ns "$LAN" ping -c 3 -i 0.2 -W 2 10.2.0.1 > /dev/null || { ike_logs; fail "no ping from nfvpn's LAN"; }

# the mapping changes mid-flow: pings every 50 ms from the peer's LAN
in_ns "$PEER" ping -i 0.05 -c 200 -W 1 -I 10.2.0.1 10.1.0.2 > "$WORK/ping" 2>&1 &
pinger=$!
sleep 2
nat_ports 30000
in_ns "$NAT" conntrack -F > /dev/null 2>&1 || fail "conntrack -F"
echo "NAT mapping changed (ports 30000-30099, conntrack flushed)"
wait $pinger
cat "$WORK/ping"
received=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$WORK/ping")
ctl sa
port=$(natt_dport)
echo "after the float: 192.0.2.2:$port, $received of 200 pings"
[ "$port" -ge 30000 ] && [ "$port" -le 30099 ] ||
	{ ike_logs; fail "outbound SA still to port $port: no port floating"; }
grep -q 'NAT mappings of CHILD_SA .* changed' "$WORK/nfvpn.log" ||
	{ ike_logs; fail "charon heard of no mapping change"; }
grep -q "remote endpoint changed from 192.0.2.2\[2[0-9]*\] to 192.0.2.2\[$port\]" "$WORK/nfvpn.log" ||
	{ ike_logs; fail "the IKE_SA did not float"; }
# the float costs the pings between the flush and charon's update: the
# dataplane looks at its notes within 10 ms of a worker's, charon
# updates in a job (199 and 199 of 200 came back in two runs; 182 and
# 198 when the notes were polled once a second); 0.5 s of loss at most
[ "${received:-0}" -ge 190 ] || { ike_logs; fail "only $received of 200 pings: traffic did not continue"; }
# after the float, both ways, on the same SAs (no new CHILD_SA)
in_ns "$PEER" ping -c 5 -i 0.2 -W 2 -I 10.2.0.1 10.1.0.2 > "$WORK/ping2" ||
	{ cat "$WORK/ping2"; ike_logs; fail "no ping from the peer after the float"; }
in_ns "$LAN" ping -c 5 -i 0.2 -W 2 10.2.0.1 > "$WORK/ping3" ||
	{ cat "$WORK/ping3"; ike_logs; fail "no ping from nfvpn's LAN after the float"; }
n=$(grep -o 'CHILD_SA net{[0-9]*} established' "$WORK/nfvpn.log" | sort -u | wc -l)
[ "$n" = 1 ] || fail "$n CHILD_SAs: the float made a new one instead of updating"
sw nfvpn --list-sas | tee "$WORK/list-sas"
grep -q "remote 'peer.example' @ 192.0.2.2\[$port\]" "$WORK/list-sas" ||
	fail "swanctl --list-sas does not show the new mapping"

sw nfvpn --terminate --ike s2s --timeout 10 > /dev/null || fail "swanctl --terminate"
dp_wait_empty || { ctl sa; ctl sp; fail "SAs or policies left after --terminate"; }
ike_plugin_clean
dp_stop
echo "PASS $SMOKE_NAME"
