#!/usr/bin/env bash
# Differential test through the REAL dataplane: each ruleset of
# tests/interop/nft/dp/*.nft runs in the Linux kernel of a forwarding
# namespace and in nfvpn-dataplane (filter.file), the 400 packets of
# dp/packets.txt cross both, and the packets that come out must be the same.
#
# Each case starts afresh on both sides: a new dataplane, the kernel's
# ruleset flushed and its connections with it (conntrack -F).
# The routers: tests/interop/nft/lib.sh. The packets go from 10.0-5.x /
# 2001:db8:0:: to 10.1-5.x / 2001:db8:1::, witnessed by IPv4 id / IPv6 flow
# label.
# A ruleset NAME.nft with a NAME.pkts beside it gets those packets instead
# of packets.txt (made by "diff.py gen-extra"); a line "# diff: wait N" in
# the ruleset waits N more seconds between loading and sending (timeouts);
# "# diff: bytes" compares what comes out byte for byte (rewrites), "# diff:
# packet" the whole IP packet, headers included (header rewrites); "# diff:
# ruleset" also nfvpnctl ruleset with nft list ruleset after the packets
# (named objects' and counters' values); "# diff: inter S" sends the
# packets S seconds apart rather than 0.5 ms (state that the kernel ages in
# jiffies); "# diff: reset" then nfvpnctl reset counters|quotas with nft
# reset counters|quotas (the values before), and the listings after;
# "# diff: back" also what comes back to the sources (rejects) on a0,
# whole packets, compared as diff.py back() says (the kernel's ICMP rate
# limits off: the dataplane's reject has none, as nft reject in the kernel
# has none but icmp_send()'s).
. "$(dirname "$0")/../../smoke/lib.sh"
. "$(dirname "$0")/lib.sh"

HERE="$NFV_TOP/tests/interop/nft/dp"
DIFF="$PY $HERE/diff.py"
diff_routers

# scapy's senders and sniffers, one process each for the whole test (its
# import takes a second): "send"/"sniff" commands through a FIFO
serve_start() {	# serve_start NAME NS
	mkfifo "$WORK/$1.fifo" || fail "mkfifo"
	in_ns "$2" $DIFF serve "$WORK/$1.fifo" > "$WORK/$1.log" 2>&1 &
}
serve_cmd() {	# serve_cmd NAME COMMAND ARGS...: handed over, not waited for
	local name=$1 cmd=$2; shift 2
	rm -f "$WORK/$name.done" "$WORK/$name.done.fail"
	timeout 30 sh -c 'echo "$1" > "$2"' _ "$cmd $WORK/$name.done $*" "$WORK/$name.fifo" ||
		{ cat "$WORK/$name.log"; fail "diff.py $name takes no command"; }
}
serve_wait() {	# serve_wait NAME: until its command is done
	for _ in $(seq 1200); do
		[ -e "$WORK/$1.done" ] && return 0
		[ -e "$WORK/$1.done.fail" ] && { cat "$WORK/$1.log"; fail "diff.py $1 failed"; }
		sleep 0.05
	done
	cat "$WORK/$1.log"
	fail "diff.py $1: not done in 60 s"
}
serve_start ksniff "$KB"
serve_start dsniff "$DB"
serve_start ksend "$KA"
serve_start dsend "$DA"

total=0
# DP_DIFF_ONLY=GLOB: only the rulesets whose name matches (while working on one)
for rs in "$HERE"/${DP_DIFF_ONLY:-*}.nft; do
	name=$(basename "$rs" .nft)
	pkts=$HERE/packets.txt
	[ -f "$HERE/$name.pkts" ] && pkts=$HERE/$name.pkts
	npkts=$(grep -vc '^#' "$pkts")
	wait_s=$(sed -n 's/^# diff: wait \([0-9]*\)$/\1/p' "$rs")
	# "# diff: bytes": the packets that come out compared byte for byte
	# (their IP payload); "# diff: packet": the whole IP packet
	how=$(sed -n 's/^# diff: \(bytes\|packet\)$/\1/p' "$rs")
	listing=$(sed -n 's/^# diff: \(ruleset\)$/\1/p' "$rs")
	reset=$(sed -n 's/^# diff: \(reset\)$/\1/p' "$rs")
	inter=$(sed -n 's/^# diff: inter \([0-9.]*\)$/\1/p' "$rs")
	back=$(sed -n 's/^# diff: \(back\)$/\1/p' "$rs")
	if [ -n "$back" ] && [ ! -e "$WORK/kback.fifo" ]; then
		serve_start kback "$KA"
		serve_start dback "$DA"
		in_ns "$KR" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_ratemask=0 \
			net.ipv6.icmp.ratelimit=0 net.ipv4.icmp_msgs_per_sec=1000000 \
			net.ipv4.icmp_msgs_burst=1000000 || fail "$name: sysctl icmp"
		# the kernel's TCP resets out with their checksum done, not left
		# to an offload that veth never does
		in_ns "$KR" ethtool -K p0 tx off > /dev/null || fail "$name: ethtool -K p0 tx off"
	fi
	diff_policy "$rs" > "$WORK/policy.yaml"
	dp_start "$WORK/policy.yaml"
	in_ns "$KR" nft flush ruleset
	# the kernel's connections of the cases before go too: the dataplane
	# starts each case with none (an entry left behind 3 s earlier has
	# another ct expiration than one left 6 s earlier)
	in_ns "$KR" conntrack -F > /dev/null 2>&1 || fail "$name: conntrack -F"
	in_ns "$KR" nft -f "$rs" || fail "$name: the kernel refused the ruleset"
	rm -f "$WORK/sent" "$WORK/kernel.txt.ready" "$WORK/dp.txt.ready"
	serve_cmd ksniff sniff b0 "$WORK/sent" "$WORK/kernel.txt" $how
	serve_cmd dsniff sniff b0 "$WORK/sent" "$WORK/dp.txt" $how
	ready="$WORK/kernel.txt.ready $WORK/dp.txt.ready"
	if [ -n "$back" ]; then
		rm -f "$WORK/kernel-back.txt.ready" "$WORK/dp-back.txt.ready"
		serve_cmd kback sniff a0 "$WORK/sent" "$WORK/kernel-back.txt" back
		serve_cmd dback sniff a0 "$WORK/sent" "$WORK/dp-back.txt" back
		ready="$ready $WORK/kernel-back.txt.ready $WORK/dp-back.txt.ready"
	fi
	# all sniffers listening
	for _ in $(seq 200); do
		ls $ready > /dev/null 2>&1 && break
		sleep 0.05
	done
	ls $ready > /dev/null 2>&1 || fail "$name: no sniffer"
	sleep "${wait_s:-0}"
	serve_cmd ksend send a0 "$KMAC0" "$pkts" $inter
	serve_cmd dsend send a0 02:00:00:00:00:01 "$pkts" $inter
	serve_wait ksend
	serve_wait dsend
	touch "$WORK/sent"
	serve_wait ksniff
	serve_wait dsniff
	if [ -n "$back" ]; then
		serve_wait kback
		serve_wait dback
	fi
	# every packet the dataplane sent out of p1 was seen: the sniffer lost none
	tx=$(ctl --json ports | $PY -c 'import json, sys
print(next(p["tx_packets"] for p in json.load(sys.stdin)["ports"] if p["name"] == "p1"))')
	if [ -n "$listing" ]; then
		in_ns "$KR" nft list ruleset > "$WORK/kernel-ruleset.txt"
		ctl ruleset > "$WORK/dp-ruleset.txt" || fail "$name: nfvpnctl ruleset"
		diff -u "$WORK/kernel-ruleset.txt" "$WORK/dp-ruleset.txt" ||
			fail "$name: nfvpnctl ruleset differs from the kernel's nft list ruleset"
		grep -E '(packets|used) [0-9]+' "$WORK/dp-ruleset.txt" | sed "s/^[[:space:]]*/$name: /"
	fi
	if [ -n "$reset" ]; then
		for what in counters quotas; do
			in_ns "$KR" nft reset "$what" > "$WORK/kernel-reset.txt"
			ctl reset "$what" > "$WORK/dp-reset.txt" || fail "$name: nfvpnctl reset $what"
			diff -u "$WORK/kernel-reset.txt" "$WORK/dp-reset.txt" ||
				fail "$name: nfvpnctl reset $what differs from nft reset $what"
			grep -cE '(packets|used) [1-9]' "$WORK/dp-reset.txt" |
				sed "s/^/$name: reset $what: non-zero values before: /"
		done
		in_ns "$KR" nft list ruleset > "$WORK/kernel-ruleset.txt"
		ctl ruleset > "$WORK/dp-ruleset.txt" || fail "$name: nfvpnctl ruleset"
		diff -u "$WORK/kernel-ruleset.txt" "$WORK/dp-ruleset.txt" ||
			fail "$name: after the reset, nfvpnctl ruleset differs from nft list ruleset"
	fi
	dp_stop
	k=$(wc -l < "$WORK/kernel.txt"); d=$(wc -l < "$WORK/dp.txt")
	[ "$tx" = "$d" ] || fail "$name: p1 sent $tx packets, the sniffer saw $d"
	echo "$name: kernel passed $k of $npkts, nfvpn-dataplane $d"
	if ! cmp -s "$WORK/kernel.txt" "$WORK/dp.txt"; then
		diff "$WORK/kernel.txt" "$WORK/dp.txt" | sed -n 's/^\([<>]\) \([0-9]*\).*/\1 \2/p' |
		while read -r side w; do
			echo "  packet $w: only $([ "$side" = "<" ] && echo kernel || echo dataplane) passed it (or so):" \
				"$($PY -c 'import sys
from scapy.all import IP, IPv6
l = [x for x in open(sys.argv[1]) if not x.startswith("#")][int(sys.argv[2]) - 1]
b = bytes.fromhex(l.strip()); print((IPv6(b) if b[0] >> 4 == 6 else IP(b)).summary())' "$pkts" "$w")"
		done | head -20
		fail "$name: verdicts differ"
	fi
	if [ -n "$back" ]; then
		kb=$(wc -l < "$WORK/kernel-back.txt")
		echo "$name: came back: kernel $kb, nfvpn-dataplane $(wc -l < "$WORK/dp-back.txt")"
		# DP_DIFF_KEEP=DIR: both lists kept there (to look at them)
		[ -z "${DP_DIFF_KEEP:-}" ] || cp "$WORK/kernel-back.txt" "$WORK/dp-back.txt" "$DP_DIFF_KEEP"
		if ! cmp -s "$WORK/kernel-back.txt" "$WORK/dp-back.txt"; then
			{ diff "$WORK/kernel-back.txt" "$WORK/dp-back.txt" | grep '^<' | head -8
			  diff "$WORK/kernel-back.txt" "$WORK/dp-back.txt" | grep '^>' | head -8; } |
			while read -r side w hex; do
				echo "  $([ "$side" = "<" ] && echo kernel || echo dataplane) (answers $w):" \
					"$($PY -c 'import sys
from scapy.all import IP, IPv6
b = bytes.fromhex(sys.argv[1]); p = IPv6(b) if b[0] >> 4 == 6 else IP(b)
print(p.summary(), "|", " ".join("%s=%s" % (f.name, p.getfieldval(f.name)) for f in p.fields_desc))' "$hex")"
			done
			fail "$name: what came back differs"
		fi
		[ "$kb" -gt 0 ] || fail "$name: nothing came back: the ruleset tests no reject"
		# the IDs compared as 0 must not be one number (ID 0 without DF)
		kid=$(cat "$WORK/kernel-back.txt.ids") did=$(cat "$WORK/dp-back.txt.ids")
		echo "$name: IPv4 IDs of the ICMP errors: kernel $kid, nfvpn-dataplane $did"
		[ "$kid" -le 1 ] || [ "$did" -gt $((kid / 2)) ] ||
			fail "$name: the dataplane's ICMP errors have $did IDs, the kernel's $kid"
	fi
	[ "$k" -gt 0 ] && [ "$k" -lt "$npkts" ] ||
		fail "$name: the kernel passed $k of $npkts: the ruleset tests nothing"
	total=$((total + npkts))
done
echo "PASS $SMOKE_NAME: $total packets, identical verdicts"
