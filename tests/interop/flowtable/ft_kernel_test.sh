#!/usr/bin/env bash
# The flowtable against Linux's own: Debian's kernel, booted under qemu
# (TCG), routes between host A and host B with nf_flow_table and the
# ruleset that tests/smoke/flowtable_test.sh loads into the dataplane
#
#   table inet t {
#     flowtable ft { hook ingress priority 0; devices = { eth0, eth1 }; }
#     chain forward { type filter hook forward priority 0; counter; flow add @ft }
#   }
#
# and the same four phases of flowtable_traffic.py (TCP, UDP and IPv6 UDP
# flows both ways, ICMP, TTL 1, IP options, hop limit 1, an extension
# header; a neighbour's new MAC; a blackhole route to B; the route gone
# and TCP closing with FIN) go through the guest and through
# nfvpn-dataplane with the flowtable (flowtable_lib.sh's "run offload").
#
#   netns k: a0 (tap) == qemu [guest eth0 10.0.0.1 | Linux router | eth1 10.1.0.1] == b0 (tap)
#   netns t: a0 ---- dp0 == p0 [nfvpn-dataplane] p1 == dp1 ---- b0
#
# The guest has the dataplane's MACs (02:00:00:00:00:01, 02:00:00:00:01:01)
# and its static neighbours, so after every phase (ft_compare.py):
# - the frames out of either router are the same, in the same order on
#   each side, Ethernet header and IP packet byte for byte (TTL and hop
#   limit decremented, the ICMP errors for TTL 1 and hop limit 1, nothing
#   out under the blackhole route); not compared: the e1000's padding of
#   short frames, the guest's own IPv6 link-local chatter (ND, MLD), the
#   value of the IP ID (with the header checksum) of the routers' ICMPv4
#   errors and that of the flow label of their ICMPv6 ones (Linux hashes
#   both with a secret of the boot; both must have DF clear, a label);
# - conntrack -L in the guest and nfvpnctl conntrack list the same
#   connections with the same TCP state (where not offloaded: Linux
#   prints none for an offloaded one), [UNREPLIED] and [OFFLOAD]: the UDP
#   flow offloaded before its reply, [UNREPLIED] [OFFLOAD]; after the
#   blackhole route the flows torn down by their next packet, the IPv4
#   ones offloaded again, the IPv6 UDP one not (its route back is the
#   blackhole); the closed TCP connection in TIME_WAIT, not offloaded.
#   Timeouts are not compared.
# One difference is let through, exactly once (ft_compare.py's
# udp4-reoffload, docs/filter.md "Against Linux's flowtable"): under the
# blackhole route, Linux offloads the IPv4 UDP flow again with a route to
# B that ignores the blackhole, and forwards the flow's next packet from A
# to B; the dataplane drops it, as its slow path does.
#
# Needs what tests/interop/xfrm needs, and nftables and conntrack for the
# guest's nft and conntrack.
. "$(dirname "$0")/../../smoke/lib.sh"
. "$NFV_TOP/tests/smoke/flowtable_lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${NFVPN_FTKERN_TIMEOUT:-180}

for cmd in qemu-system-x86_64 cpio ip; do
	command -v "$cmd" > /dev/null || fail "missing $cmd (packages of ci/packages.txt)"
done
[ -x /bin/busybox ] || fail "missing busybox-static"
[ -x /usr/sbin/nft ] && [ -x /usr/sbin/conntrack ] || fail "missing nftables or conntrack"

. "$NFV_TOP/tests/kernel/kimage.sh"
kimage_prepare || fail "no kernel image"

# --- the guest: busybox, ip, nft, conntrack, the flowtable modules -------------
RD=$WORK/initramfs
mkdir -p "$RD"/{bin,lib/modules,lib64,proc,sys,dev,tmp}
cp /bin/busybox "$RD/bin/"
kimage_copy_bins "$RD" /usr/bin/ip /usr/sbin/nft /usr/sbin/conntrack || fail "guest programs"
# crc32c_generic first: libcrc32c (for nf_tables) asks the crypto API for
# crc32c at load, and the guest has no modprobe to find it
mods=$(kimage_modules crc32c_generic e1000 nf_tables nf_flow_table_inet nft_flow_offload nf_conntrack_netlink) ||
	fail "kernel modules"
for m in $mods; do
	cp "$m" "$RD/lib/modules/"
	basename "$m" >> "$RD/lib/modules/order"
done
cat > "$RD/ruleset.nft" <<'EON'
table inet t {
	flowtable ft { hook ingress priority 0; devices = { eth0, eth1 }; }
	chain forward { type filter hook forward priority 0; counter; flow add @ft; }
}
EON
kimage_initramfs "$RD" "$HERE/guest.sh" "$WORK/initramfs.cpio" || fail "initramfs"

# --- boot it (in the background) in netns k, its NICs on taps a0 and b0 ---------
# the second serial port, a pipe pair, carries the host's commands (guest.sh)
K=$(netns_add k)
for i in a0 b0; do
	ip -n "$K" tuntap add dev "$i" mode tap || fail "tuntap"
	in_ns "$K" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1"
	ip -n "$K" link set "$i" up
done
mkfifo "$WORK/ctl.in" "$WORK/ctl.out"
LOG=$WORK/guest.log
(
	KIMAGE_NETNS=$K kimage_boot "$LOG" "$TIMEOUT" "$WORK/initramfs.cpio" "" \
		-serial "pipe:$WORK/ctl" \
		-netdev tap,id=n0,ifname=a0,script=no,downscript=no,vnet_hdr=off \
		-device e1000,netdev=n0,mac=02:00:00:00:00:01 \
		-netdev tap,id=n1,ifname=b0,script=no,downscript=no,vnet_hdr=off \
		-device e1000,netdev=n1,mac=02:00:00:00:01:01 > "$WORK/boot.out"
	echo "$KIMAGE_RC" > "$WORK/boot.rc"
) &
BOOT=$!

# --- meanwhile, the dataplane: its frames and conntrack after each phase -------
ft_topology
run offload
echo "dataplane: $OFFLOADED packets offloaded, $CONNS connections, $TEARDOWN FIN/RST teardowns (${SECONDS}s)"

# --- then the same phases through the guest -------------------------------------
exec 5<> "$WORK/ctl.out" 6<> "$WORK/ctl.in"
guest() {	# guest COMMAND SECONDS [ARG]: one command, its "ok" within SECONDS
	local line
	[ "$1" = ready ] || echo "$1 ${3:-}" >&6
	while read -r -t "$2" line <&5; do
		case $line in "ok $1"*|ready*) return 0 ;; esac
	done
	cat "$LOG" >&2
	fail "the guest did not answer $1"
}
guest ready "$TIMEOUT"
echo "ft_kernel: guest kernel $KVER up (${SECONDS}s)"
phase() {	# phase P: P's traffic through the guest, then its conntrack table
	in_ns "$K" $PY "$TRAFFIC" send "$1" "$WORK/kernel.$1.json" || fail "traffic $1 (guest)"
	guest ct 30 "$1"
}
phase a
guest neigh 30
phase b
guest blackhole 30
phase c
guest unblackhole 30
phase d
guest quit 30
wait "$BOOT"
KIMAGE_RC=$(cat "$WORK/boot.rc")
cat "$WORK/boot.out"
echo "ft_kernel: guest done (${SECONDS}s)"
kimage_verdict "$LOG" setup || { cat "$LOG" >&2; fail "the guest"; }

bad=0
for p in a b c d; do
	echo "phase $p: frames"
	# phase c: the one frame Linux sends past the blackhole (ft_compare.py)
	$PY "$HERE/ft_compare.py" frames "$WORK/kernel.$p.json" "$WORK/offload.$p.json" \
		$([ $p = c ] && echo udp4-reoffload) || bad=1
	echo "phase $p: conntrack"
	$PY "$HERE/ft_compare.py" ct "$LOG" "$p" "$WORK/offload.ct.$p" || bad=1
done
if [ $bad -ne 0 ]; then
	sed -n '/^--- ct /,$p' "$LOG" >&2
	fail "Linux's flowtable and the dataplane's disagree"
fi
echo "PASS ft_kernel: the flowtable against Linux $KVER (${SECONDS}s)"
