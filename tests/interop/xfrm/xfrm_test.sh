#!/usr/bin/env bash
# ESP against Linux's own XFRM: Debian's kernel, booted under qemu (TCG),
# is the VPN peer of the real nfvpn-dataplane. For every algorithm, both
# modes, the four IP combinations, ESN and NAT-T (xfrm_cases.py), the
# guest pings a host behind the dataplane through its SA pair: Linux
# encrypts, nfvpn decrypts, checks the inbound policy and forwards; the
# answer comes back encrypted by nfvpn and Linux decrypts it.
#
#   netns dp                                                netns B
#   qemu [guest: Linux XFRM] e1000 ══ kx0 (tap) == p0 [nfvpn] p1 == kx1 ──── b0 10.1.0.2
#   192.0.2.2  2001:db8:1::2                 192.0.2.1, 2001:db8:1::1         fd00:1::2
#
# Passes when every case gets 5 of 5 answers, Linux's XFRM error counters
# (/proc/net/xfrm_stat) stay 0, every SA of the dataplane counted its
# packets with no error, and the dataplane exits clean. Needs what
# tests/kernel needs (qemu-system-x86, busybox-static, linux-headers-amd64,
# the Debian mirror for the image) and iproute2 for the guest's `ip`.
. "$(dirname "$0")/../../smoke/lib.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
TIMEOUT=${NFVPN_XFRM_TIMEOUT:-240}

for cmd in qemu-system-x86_64 cpio gcc ip; do
	command -v "$cmd" > /dev/null || fail "missing $cmd (packages of ci/packages.txt)"
done
[ -x /bin/busybox ] || fail "missing busybox-static"

. "$NFV_TOP/tests/kernel/kimage.sh"
kimage_prepare || fail "no kernel image"
echo "xfrm_test: guest kernel $KVER"

# --- the guest: busybox, iproute2's ip, the ESP modules, the cases -------------
RD=$WORK/initramfs
mkdir -p "$RD"/{bin,usr/bin,lib/modules,lib64,proc,sys,dev,tmp}
cp /bin/busybox "$RD/bin/"
# iproute2's ip, which guest.sh calls as /usr/bin/ip
kimage_copy_bins "$RD" /usr/bin/ip || fail "ip for the guest"
gcc -static -O2 -Wall -Wextra -Werror -o "$RD/bin/natt_sock" "$HERE/natt_sock.c" ||
	fail "natt_sock build"
# generic C crypto only: the emulated CPU need not have AES-NI or AVX;
# drbg seeds the IV generators (seqiv, echainiv)
mods=$(kimage_modules e1000 xfrm_user esp4 esp6 gcm ghash_generic chacha20poly1305 \
	chacha_generic poly1305_generic authenc authencesn seqiv echainiv sha512_generic ctr \
	ccm drbg) ||
	fail "kernel modules"
for m in $mods; do
	cp "$m" "$RD/lib/modules/"
	basename "$m" >> "$RD/lib/modules/order"
done
$PY "$HERE/xfrm_cases.py" "$WORK" kx0 kx1 > "$RD/cases" || fail "xfrm_cases.py"
cp "$WORK/guest-setup.sh" "$RD/setup.sh"
kimage_initramfs "$RD" "$HERE/guest.sh" "$WORK/initramfs.cpio" || fail "initramfs"

# --- the host side: a tap for qemu, netns B behind the dataplane ---------------
dp_netns
B=$(netns_add b)
ip -n "$DP_NS" tuntap add dev kx0 mode tap || fail "tuntap"
ip -n "$DP_NS" link set kx0 up
dp_isolate kx0
veth_dp kx1 "$B" b0
ip -n "$B" addr add 10.1.0.2/24 dev b0
ip -n "$B" addr add fd00:1::2/64 dev b0 nodad
ip -n "$B" route add default via 10.1.0.1
ip -n "$B" -6 route add default via fd00:1::1
ip netns exec "$B" sysctl -qw net.ipv6.conf.b0.accept_ra=0

chmod 600 "$WORK/policy.yaml"
dp_start "$WORK/policy.yaml"

# --- boot: the guest runs its cases and powers off ------------------------------
# NFVPN_XFRM_PCAP=FILE: what crosses both ports (pcapng), for tshark
if [ -n "${NFVPN_XFRM_PCAP:-}" ]; then
	ip netns exec "$DP_NS" dumpcap -q -i kx0 -i kx1 -w "$NFVPN_XFRM_PCAP" 2> /dev/null &
	sleep 1
fi
LOG=$WORK/guest.log
KIMAGE_NETNS=$DP_NS kimage_boot "$LOG" "$TIMEOUT" "$WORK/initramfs.cpio" "" \
	-netdev tap,id=n0,ifname=kx0,script=no,downscript=no,vnet_hdr=off \
	-device e1000,netdev=n0,mac=52:54:00:00:00:02

bad=0
# shellcheck disable=SC2046
kimage_verdict "$LOG" setup linux-xfrm-no-errors $(awk '{ print $1; if ($6 == "big") print $1 "-big"
	if ($6 ~ /^stray:/) print $1 "-stray" }' "$RD/cases") || bad=1
if [ $bad -ne 0 ]; then
	sed -n '/^--- ip -s xfrm state/,$p' "$LOG" >&2
	fail "Linux and nfvpn disagree (guest log above)"
fi

# --- the dataplane's side of the same traffic -----------------------------------
ctl sa
ctl --json sa > "$WORK/sa.json" || fail "nfvpnctl sa"
$PY - "$WORK/sa.json" "$RD/cases" <<'EOP' || fail "SA counters"
import json, sys
sas = json.load(open(sys.argv[1]))
sas = sas if isinstance(sas, list) else sas.get("sas", sas)
by_name = {s["name"]: s for s in sas}
bad = False
for line in open(sys.argv[2]):
    case, more = line.split()[0], line.split()[5]
    for d in ("in", "out"):
        sa = by_name["%s-%s" % (case, d)]
        c = sa["counters"]
        errors = {k: v for k, v in c.items() if k not in ("packets", "bytes") and v}
        # the 3 stray requests: decrypted, then refused by the policy
        if more.startswith("stray:") and d == "in":
            if errors.pop("policy_mismatch", 0) != 3:
                print("FAIL: SA %s: policy_mismatch %d, expected 3"
                      % (sa["name"], c["policy_mismatch"]))
                bad = True
        # 1 warm-up and 5 counted requests (in), as many answers (out)
        if c["packets"] < 6 or errors:
            print("FAIL: SA %s: %d packets, errors %s" % (sa["name"], c["packets"], errors))
            bad = True
sys.exit(1 if bad else 0)
EOP
# No ESP packet dropped, but for the one "packet too big" of the IPv6 big
# case's warm-up and the 3 stray requests; the 4 decrypted IPv4 big
# requests were fragmented for B.
ctl --json stats | $PY -c '
import json, sys
d = json.load(sys.stdin)
items = d if isinstance(d, list) else d.get("counters", d)
c = {i["name"]: i["value"] for i in items}
bad = {k: v for k, v in c.items() if k.startswith("drop.esp-") and v
       and k not in ("drop.esp-too-big", "drop.esp-policy-mismatch")}
if c["drop.esp-policy-mismatch"] != 3:
    bad["drop.esp-policy-mismatch"] = c["drop.esp-policy-mismatch"]
if bad or c["drop.esp-too-big"] > 1 or c["icmp_errors"] != c["drop.esp-too-big"]:
    sys.exit("FAIL: ESP drops %s, too big %d, ICMP errors %d"
             % (bad, c["drop.esp-too-big"], c["icmp_errors"]))
if c["fragmented"] != 4:
    sys.exit("FAIL: %d packets fragmented for B, expected 4" % c["fragmented"])
' || fail "ESP drops"
dp_stop
echo "PASS xfrm_test: $(wc -l < "$RD/cases") SA pairs against Linux $KVER"
