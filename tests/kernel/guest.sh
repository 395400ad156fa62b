#!/bin/busybox sh
# /init of the kernel stub test guest (see run.sh). Prints one
# "PASS name" / "FAIL name" line per check, the kernel log, then powers off.
#
#   local programs ──► LOCAL_OUT ─┐                ┌─► nfvtun (TUN)  ─► ktool tunread ─► /tmp/tun.log
#   PEER ══veth══ vx0 ─► PRE_ROUTING ─┴─ nfvpn_stub ──┤
#   (ktool inject)                                  └─► NF_ACCEPT: normal path (ktool udprecv)
. /guest_lib.sh
cd /tmp

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
# check NAME CMD...: PASS when CMD succeeds
check() { n=$1; shift; if "$@" >/tmp/check.out 2>&1; then pass "$n"; else fail "$n" "$(head -c 300 /tmp/check.out)"; fi; }
# checkw NAME CMD...: the same, for asynchronous delivery: retries for 3 s
checkw() {
	n=$1; shift; i=0
	while ! "$@" >/tmp/check.out 2>&1 && [ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); done
	check "$n" "$@"
}
# tun_count DST PROTO DPORT PAYLOAD: packets logged by the TUN reader
tun_count() { ktool check /tmp/tun.log "$@"; }
sel_packets() { nfvpn-steer list | sed -n "s/^id $1 .* packets \([0-9]*\) .*/\1/p"; }
stat_of() { nfvpn-steer stats | sed -n "s/.* $1 \([0-9]*\).*/\1/p"; }
wait_dev() { i=0; while [ ! -e /sys/class/net/$1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; }
# proc_gone PID: exited (zombie or reaped), not stuck in the kernel
proc_gone() { st=$(cut -d' ' -f3 /proc/$1/stat 2>/dev/null); [ -z "$st" ] || [ "$st" = Z ]; }
wait_gone() { i=0; while ! proc_gone $1 && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; }
eq() { [ "$1" = "$2" ] || { echo "got '$1' want '$2'"; return 1; }; }
ge() { [ -n "$1" ] && [ "$1" -ge "$2" ] || { echo "got '$1' want >= $2"; return 1; }; }

insmod /lib/tun.ko
insmod /lib/veth.ko
check load insmod /nfvpn_stub.ko
check genl-family nfvpn-steer stats

# --- topology -----------------------------------------------------------
echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad
echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad
ip link set lo up
ip link add vx0 type veth
PEER=$(ls /sys/class/net | grep -v -e '^lo$' -e '^vx0$' | head -n 1)
ip link set vx0 up
ip link set "$PEER" up
ip addr add 10.0.0.1/24 dev vx0
ip -6 addr add fd00::1/64 dev vx0
ip route add 10.99.0.0/24 dev vx0
ip -6 route add fd99::/64 dev vx0
VXMAC=$(cat /sys/class/net/vx0/address)

ktool tunread tun nfvtun /tmp/tun.log &
TUNPID=$!
wait_dev nfvtun
check target nfvpn-steer target nfvtun

cat > /tmp/t1 <<'T'
# v4 and v6, UDP port range and ICMP; a PASS selector first in its range
id 14 dst 10.99.0.0/24 proto udp dport 6000 action pass
id 10 dst 10.99.0.0/24 proto udp dport 5000-5010
id 11 dst 10.99.0.0/24 proto icmp hook out
id 12 dst fd99::/64 proto udp dport 5000-5010
id 13 dst fd99::/64 proto ipv6-icmp hook out
T
check replace nfvpn-steer replace /tmp/t1
check list-order sh -c 'nfvpn-steer list | head -n 1 | grep -q "^id 14 "'

# --- LOCAL_OUT ------------------------------------------------------------
ktool udprecv 127.0.0.1 7000 4 > /tmp/r-lo4 &
ktool udprecv ::1 7000 4 > /tmp/r-lo6 &
sleep 0.3
ktool udp 10.99.0.5 5001 hello-v4-out
ktool udp fd99::5 5001 hello-v6-out
ktool udp 10.99.0.5 6000 pass-v4-out
ktool udp 10.99.0.5 5999 other-v4-out
ktool udp 127.0.0.1 7000 plain-v4-out
ktool udp ::1 7000 plain-v6-out
ping -c 1 -W 1 10.99.0.5 >/dev/null 2>&1
ping6 -c 1 -W 1 fd99::5 >/dev/null 2>&1
sleep 0.3
checkw out4-udp-steered eq "$(tun_count 10.99.0.5 17 5001 hello-v4-out)" 1
checkw out6-udp-steered eq "$(tun_count fd99::5 17 5001 hello-v6-out)" 1
checkw out4-icmp-steered ge "$(tun_count 10.99.0.5 1 0 -)" 1
checkw out6-icmp-steered ge "$(tun_count fd99::5 58 0 -)" 1
check out4-pass-not-steered eq "$(tun_count 10.99.0.5 17 6000 -)" 0
check out4-nomatch-not-steered eq "$(tun_count 10.99.0.5 17 5999 -)" 0
checkw out4-nomatch-delivered grep -q "GOT plain-v4-out" /tmp/r-lo4
checkw out6-nomatch-delivered grep -q "GOT plain-v6-out" /tmp/r-lo6

# --- PRE_ROUTING from the veth peer ------------------------------------------
ktool udprecv 10.0.0.1 7001 4 > /tmp/r-pre4 &
ktool udprecv fd00::1 7001 4 > /tmp/r-pre6 &
sleep 0.3
HEX4=$(ktool inject "$PEER" "$VXMAC" 10.0.0.2 10.99.0.9 1234 5002 hello-v4-pre)
HEX6=$(ktool inject "$PEER" "$VXMAC" fd00::2 fd99::9 1234 5002 hello-v6-pre)
ktool inject "$PEER" "$VXMAC" 10.0.0.2 10.0.0.1 1234 7001 plain-v4-pre >/dev/null
ktool inject "$PEER" "$VXMAC" fd00::2 fd00::1 1234 7001 plain-v6-pre >/dev/null
sleep 0.3
checkw pre4-steered-bytes-intact grep -qx "$HEX4" /tmp/tun.log
checkw pre6-steered-bytes-intact grep -qx "$HEX6" /tmp/tun.log
checkw pre4-nomatch-delivered grep -q "GOT plain-v4-pre" /tmp/r-pre4
checkw pre6-nomatch-delivered grep -q "GOT plain-v6-pre" /tmp/r-pre6
check pre-nomatch-not-steered eq "$(tun_count 10.0.0.1 17 7001 -)$(tun_count fd00::1 17 7001 -)" 00

# --- counters -----------------------------------------------------------
check counter-v4-udp eq "$(sel_packets 10)" 2
check counter-v6-udp eq "$(sel_packets 12)" 2
check counter-pass eq "$(sel_packets 14)" 1
check counter-icmp ge "$(sel_packets 11)" 1
check counter-steered ge "$(stat_of steered)" 6

# --- control plane: extack, order, delete, counters kept -----------------
nfvpn-steer add id 99 dst 10.99.1.0/24 proto icmp dport 5 > /tmp/e1 2>&1
check extack-ports grep -q "port range needs a protocol with ports" /tmp/e1
nfvpn-steer add id 10 dst 10.99.1.0/24 > /tmp/e2 2>&1
check extack-dup-id grep -q "already in use" /tmp/e2
nfvpn-steer add pos 9 id 98 dst 10.99.1.0/24 > /tmp/e3 2>&1
check extack-position grep -q "position past the end" /tmp/e3
check add-at-head nfvpn-steer add pos 0 id 20 dst 10.99.0.77/32 proto udp action pass
ktool udp 10.99.0.77 5001 order-test
check first-match-wins eq "$(tun_count 10.99.0.77 17 5001 -)$(sel_packets 20)" 01
check del nfvpn-steer del 20
check del-gone sh -c '! nfvpn-steer list | grep -q "^id 20 "'
check replace-same nfvpn-steer replace /tmp/t1
check counters-kept-on-replace eq "$(sel_packets 10)" 2

# --- failures are counted, never leaked ------------------------------------
ip link set nfvtun down
ktool udp 10.99.0.5 5001 down-test >/dev/null
check target-down-counted ge "$(stat_of target_down)" 1
ip link set nfvtun up

# --- replace the table under traffic ---------------------------------------
cat > /tmp/t2 <<'T'
id 30 dst 10.99.0.0/25 proto udp dport 5000-5004
id 31 dst 10.99.0.128/25 proto udp dport 5000-5010
id 32 dst fd99::/64
T
GEN0=$(stat_of generation)
ktool flood 10.99.0.5 5003 3 > /tmp/flood1 &
FLOODPID=$!
i=0; bad=0
while [ $i -lt 30 ]; do
	nfvpn-steer replace /tmp/t2 || bad=1
	nfvpn-steer replace /tmp/t1 || bad=1
	i=$((i+1))
done
wait $FLOODPID
check replace-under-traffic eq "$bad $(($(stat_of generation) - GEN0))" "0 60"
check flood-steered ge "$(tun_count 10.99.0.5 17 5003 -)" 10

# --- netns: state is per namespace ------------------------------------------
if unshare -n true 2>/dev/null; then
	check netns-isolated sh -c 'unshare -n nfvpn-steer stats | grep -q "target none .* count 0 "'
else
	pass netns-isolated-skipped-no-unshare
fi

# --- target unregistered: reference dropped, fail closed -------------------
# closing the TUN fd blocks until every device reference is gone
kill $TUNPID
wait_gone $TUNPID
check target-unregistered sh -c "[ ! -e /sys/class/net/nfvtun ] && nfvpn-steer stats | grep -q '^target none '"
check target-unregistered-no-hang proc_gone $TUNPID
ktool udp 10.99.0.5 5001 no-target >/dev/null
check no-target-counted ge "$(stat_of no_target)" 1

# --- Ethernet target (TAP): link header pushed ----------------------------
ktool tunread tap nfvtap /tmp/tap.log &
TAPPID=$!
wait_dev nfvtap
check tap-target nfvpn-steer target nfvtap lladdr 02:00:00:00:00:aa
ktool udp 10.99.0.5 5001 hello-tap >/dev/null
sleep 0.3
PHEX=$(echo -n hello-tap | hexdump -v -e '/1 "%02x"')
checkw tap-frame grep -q "^0200000000aa............0800.*$PHEX\$" /tmp/tap.log

# --- veth target, its peer read as DPDK net_af_packet would ------------------
ip link add vt0 type veth
VTPEER=$(ls /sys/class/net | grep -v -e '^lo$' -e '^vx0$' -e '^vt0$' -e "^$PEER\$" -e '^nfv' | head -n 1)
ip link set vt0 up
ip link set "$VTPEER" up
VTPMAC=$(cat /sys/class/net/$VTPEER/address | tr -d :)
ktool pktread "$VTPEER" /tmp/veth.log &
PKTPID=$!
sleep 0.3
check veth-target nfvpn-steer target vt0 lladdr "$(cat /sys/class/net/$VTPEER/address)"
ktool udp fd99::5 5001 hello-veth >/dev/null
PHEX=$(echo -n hello-veth | hexdump -v -e '/1 "%02x"')
checkw veth-frame grep -q "^$VTPMAC............86dd.*$PHEX\$" /tmp/veth.log
kill $PKTPID
check tap-target-again nfvpn-steer target nfvtap

# --- unload under traffic, load again -------------------------------------
ktool flood 10.99.0.5 5001 2 > /tmp/flood2 &
FLOODPID=$!
sleep 0.5
check unload-under-traffic rmmod nfvpn_stub
wait $FLOODPID
check unloaded sh -c '! grep -q "^nfvpn_stub " /proc/modules && ! nfvpn-steer stats'
check reload insmod /nfvpn_stub.ko
check reload-clean sh -c 'nfvpn-steer stats | grep -q "target none .*generation 0 count 0 "'
nfvpn-steer target nfvtap
nfvpn-steer add id 1 dst 10.99.0.0/24 proto udp
ktool udp 10.99.0.5 5001 after-reload >/dev/null
sleep 0.3
PHEX=$(echo -n after-reload | hexdump -v -e '/1 "%02x"')
checkw reload-steers grep -q "$PHEX\$" /tmp/tap.log
check unload rmmod nfvpn_stub
# the stub held nfvtap; once unloaded the device must go away at once
kill $TAPPID
wait_gone $TAPPID
check target-released proc_gone $TAPPID

echo "=== dmesg ==="
dmesg
echo "=== end dmesg ==="
echo "GUEST DONE"
poweroff -f
