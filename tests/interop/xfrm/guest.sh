#!/bin/busybox sh
# /init of the XFRM interop guest (see xfrm_test.sh): Debian's kernel is
# the VPN peer. Loads the ESP modules, applies /setup.sh (ip xfrm states
# and policies from xfrm_cases.py), pings through every SA pair of /cases,
# prints "PASS name" / "FAIL name: why" for each and Linux's own XFRM error
# counters, then powers off.
. /guest_lib.sh
guest_modules
ip link set lo up
ip link set eth0 up
if sh -e /setup.sh > /tmp/setup.log 2>&1; then
	echo "PASS setup"
else
	echo "FAIL setup: $(tail -3 /tmp/setup.log)"
fi
natt_sock &
# the carrier of the tap, and IPv6 ready on eth0
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 50 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 1

# Five echo requests a case, after one that lets both sides resolve their
# neighbours (the dataplane holds the packet meanwhile; so does Linux).
# pings N NAME PING-ARGS...: PASS when all N echo requests are answered
pings() {
	n=$1; name=$2; shift 2
	out=$("$@" -c "$n" -i 0.2 -W 3 2>&1)
	if echo "$out" | grep -q " $n packets received"; then
		echo "PASS $name"
	else
		echo "FAIL $name: $(echo "$out" | tail -2 | tr '\n' ' ')"
	fi
}
while read -r name spi_in spi_out src dst more; do
	case $dst in *:*) p=ping6 ;; *) p=ping ;; esac
	$p -c 1 -W 5 -I "$src" "$dst" > /dev/null 2>&1
	pings 5 "$name" $p -I "$src" "$dst"
	# 1600 bytes of IP, more than the path takes: Linux splits the ESP
	# packet after encryption; the answer is split by nfvpn before
	# encryption (IPv4 without DF), or by B at the source once nfvpn's
	# "packet too big" told it the tunnel's MTU (IPv6: the first big
	# request of the warm-up is lost so, as through a Linux gateway)
	if [ "$more" = big ]; then
		$p -c 1 -W 3 -s 1572 -I "$src" "$dst" > /dev/null 2>&1
		pings 3 "$name-big" $p -s 1572 -I "$src" "$dst"
	fi
	# a source the SA carries but nfvpn's inbound policy refuses: no answer
	case $more in stray:*)
		out=$($p -c 3 -i 0.2 -W 2 -I "${more#stray:}" "$dst" 2>&1)
		if echo "$out" | grep -q ' 0 packets received'; then
			echo "PASS $name-stray"
		else
			echo "FAIL $name-stray: answered: $(echo "$out" | tail -2 | tr '\n' ' ')"
		fi
	esac
done < /cases

echo "--- ip -s xfrm state"
/usr/bin/ip -s xfrm state | grep -v -E '^\s+(aead|enc|auth-trunc) '
echo "--- /proc/net/xfrm_stat"
cat /proc/net/xfrm_stat
# every error counter of Linux's XFRM must be 0: no bad ICV, no replay,
# no policy mismatch, no unknown SPI on either side
if awk '$2 != 0 { bad = 1; print "nonzero: " $0 } END { exit bad }' /proc/net/xfrm_stat; then
	echo "PASS linux-xfrm-no-errors"
else
	echo "FAIL linux-xfrm-no-errors"
fi
echo "GUEST DONE"
poweroff -f
