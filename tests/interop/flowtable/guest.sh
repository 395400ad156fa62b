#!/bin/busybox sh
# /init of the flowtable guest (see ft_kernel_test.sh): Debian's kernel is
# the router between host A (eth0) and host B (eth1), with the flowtable
# ruleset of /ruleset.nft. The host steers it over the second serial port
# (/dev/ttyS1), one command a line, each answered "ok COMMAND":
#   neigh | blackhole | unblackhole   the changes of flowtable_traffic.py's phases
#   ct NAME                           conntrack -L between "--- ct NAME" and "--- end"
#   quit                              the ruleset's counters, then power off
. /guest_lib.sh
guest_modules
# iproute2's ip, not busybox's applet (which busybox's sh prefers)
ip() { /usr/bin/ip "$@"; }
# the router of tests/smoke/flowtable_test.sh's policy, its static neighbours
setup() {
	ip link set lo up &&
	ip link set eth0 up && ip link set eth1 up &&
	ip addr add 10.0.0.1/24 dev eth0 &&
	ip addr add 10.1.0.1/24 dev eth1 &&
	ip addr add 2001:db8::1/64 dev eth0 nodad &&
	ip addr add 2001:db8:1::1/64 dev eth1 nodad &&
	ip neigh replace 10.0.0.2 lladdr 02:00:00:00:00:02 dev eth0 nud permanent &&
	ip neigh replace 10.1.0.2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent &&
	ip neigh replace 2001:db8::2 lladdr 02:00:00:00:00:02 dev eth0 nud permanent &&
	ip neigh replace 2001:db8:1::2 lladdr 02:00:00:00:01:02 dev eth1 nud permanent &&
	echo 1 > /proc/sys/net/ipv4/ip_forward &&
	echo 1 > /proc/sys/net/ipv6/conf/all/forwarding &&
	/usr/sbin/nft -f /ruleset.nft
}
if setup > /tmp/setup.log 2>&1; then
	echo "PASS setup"
else
	echo "FAIL setup: $(tail -3 /tmp/setup.log)"
fi
/usr/sbin/nft list ruleset
exec 3<> /dev/ttyS1
stty -F /dev/ttyS1 raw -echo
echo "ready" >&3
while read -r cmd arg <&3; do
	case $cmd in
	neigh)
		ip neigh replace 10.1.0.2 lladdr 02:00:00:00:01:03 dev eth1 nud permanent
		ip neigh replace 2001:db8:1::2 lladdr 02:00:00:00:01:03 dev eth1 nud permanent ;;
	blackhole)
		ip route add blackhole 10.1.0.2/32
		ip -6 route add blackhole 2001:db8:1::2/128
		# the flowtable's GC, once a second, tears down the flows whose
		# route went stale (the fast path itself does not look): let it
		sleep 2 ;;
	unblackhole)
		ip route del 10.1.0.2/32
		ip -6 route del 2001:db8:1::2/128
		sleep 2 ;;
	ct)
		echo "--- ct $arg"
		/usr/sbin/conntrack -L -f ipv4 2> /dev/null
		/usr/sbin/conntrack -L -f ipv6 2> /dev/null
		echo "--- end" ;;
	quit)
		break ;;
	*)
		echo "FAIL unknown command $cmd" ;;
	esac
	echo "ok $cmd" >&3
done
/usr/sbin/nft list ruleset
echo "GUEST DONE"
echo "ok quit" >&3
poweroff -f
