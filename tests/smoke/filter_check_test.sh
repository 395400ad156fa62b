#!/usr/bin/env bash
# One compiler (issue 16): nfvpnd --check refuses exactly the rulesets the
# dataplane refuses at start-up, with the same message. Every ruleset of
# the differential tests (tests/interop/nft/dp/*.nft), which both must
# take, and rulesets the dataplane does not run, which both must refuse:
# each is given to nfvpnd --check and to nfvpn-dataplane, and their
# verdicts and "policy.yaml:L:C: filter: ..." lines are compared.
. "$(dirname "$0")/lib.sh"

NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
[ -x "$NFVPND" ] || fail "no $NFVPND"
DP_RULESETS=$NFV_TOP/tests/interop/nft/dp

policy() {	# policy RULESET_FILE
	cat <<EOP
ports:
  - { name: p0, device: "net_null_fc0,no-rx=1", mac: "02:00:00:00:00:01", exception: false }
  - { name: p1, device: "net_null_fc1,no-rx=1", mac: "02:00:00:00:01:01", exception: false }
addresses:
  - { port: p0, address: 192.168.0.1/24 }
  - { port: p1, address: 192.168.1.1/24 }
  - { port: p0, address: "fd00::1/64" }
  - { port: p1, address: "fd00:1::1/64" }
routes:
  - { dst: default, via: 192.168.1.2 }
filter:
  file: $1
EOP
}

# refused: expressions nft takes and the dataplane does not run
refused() {	# refused NAME RULE
	cat > "$WORK/$1.nft" <<EOR
table inet r {
	chain c {
		type filter hook forward priority 0; policy accept;
		$2
	}
}
EOR
}
refused meta-skuid 'meta skuid 0 drop'
refused meta-skgid 'meta skgid 0 drop'
refused ct-helper 'ct helper "ftp" drop'
refused meta-cgroup 'meta cgroup 5 drop'
# NAT: both take IPv6 NAT (tests/interop/nft/nat/*.nft and those below)
# and refuse the prefix (netmap) flag
NAT_RULESETS=$NFV_TOP/tests/interop/nft/nat
mkdir -p "$WORK/taken"
nat_ruleset() {	# nat_ruleset FILE FAMILY RULE
	cat > "$1" <<EOR
table $2 r {
	chain c {
		type nat hook postrouting priority srcnat; policy accept;
		$3
	}
}
EOR
}
nat_ruleset "$WORK/taken/nat-ip6-masquerade.nft" ip6 'masquerade'
nat_ruleset "$WORK/taken/nat-snat-ip6.nft" inet 'meta l4proto tcp snat ip6 to [2001:db8::1]:1000-2000'
nat_ruleset "$WORK/taken/nat-snat-ip6-range.nft" ip6 'snat to 2001:db8::1-2001:db8::1:0:9 persistent'
nat_ruleset "$WORK/nat-netmap.nft" ip \
	'snat ip prefix to ip saddr map { 10.0.0.0/24 : 192.168.2.0/24 }'
# ct zone set: both take it at any hook and priority, as the kernel does
# (after conntrack it leaves a tracked packet alone); before conntrack it
# is in dp/31-ct-zone.nft
cat > "$WORK/taken/ct-zone-set.nft" <<EOR
table inet r {
	chain c {
		type filter hook forward priority 0; policy accept;
		ct zone set 1
	}
	chain o {
		type filter hook output priority raw; policy accept;
		ct original zone set meta mark map { 1 : 2 } ct reply zone set 3
	}
}
EOR

# the dataplane's verdict: "ok", or its "filter:" error line
dp_verdict() {	# dp_verdict POLICY
	local log=$WORK/dp.log pid
	# emptied here, not by the redirection below: that one happens in the
	# child, after the loop may have read the last dataplane's "running"
	# and sent its SIGINT to a child that ignores it (a background job)
	: > "$log"
	"$NFV_BUILD/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix "nfv$$" \
		$NFV_EAL_MEM --log-level lib.eal:warning -- --config "$1" \
		--socket "$WORK/fc.sock" > "$log" 2>&1 &
	pid=$!
	for _ in $(seq 500); do
		grep -q 'nfvpn-dataplane: running' "$log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.02
	done
	if grep -q 'nfvpn-dataplane: running' "$log"; then
		kill -INT "$pid"
		for _ in $(seq 500); do child_exited "$pid" && break; sleep 0.02; done
		child_exited "$pid" || { kill -KILL "$pid"; fail "nfvpn-dataplane did not stop in 10 s"; }
		wait "$pid" || fail "nfvpn-dataplane exited with status $? after $1"
		echo ok
		return
	fi
	if kill -0 "$pid" 2>/dev/null && ! child_exited "$pid"; then
		kill -KILL "$pid"
		fail "nfvpn-dataplane neither ran nor exited in 10 s: $(tail -5 "$log")"
	fi
	wait "$pid" && fail "nfvpn-dataplane exited 0 without running: $(tail -5 "$log")"
	grep -o "$WORK/policy.yaml:[0-9]*:[0-9]*: filter: .*" "$log" | head -1 | tr -d '\r' |
		grep . || fail "nfvpn-dataplane refused with no filter line: $(tail -5 "$log")"
}

check_verdict() {	# check_verdict POLICY
	local out
	if out=$("$NFVPND" --check "$1" 2>&1); then
		echo ok
		return
	fi
	grep -o "$WORK/policy.yaml:[0-9]*:[0-9]*: filter: .*" <<<"$out" | head -1 | grep . ||
		fail "nfvpnd --check refused with no filter line: $out"
}

n=0 nr=0
for f in "$DP_RULESETS"/*.nft "$NAT_RULESETS"/*.nft "$WORK"/taken/*.nft "$WORK"/*.nft; do
	name=$(basename "$f" .nft)
	policy "$f" > "$WORK/policy.yaml"
	chmod 600 "$WORK/policy.yaml"
	c=$(check_verdict "$WORK/policy.yaml")
	d=$(dp_verdict "$WORK/policy.yaml")
	[ "$c" = "$d" ] || fail "$name: nfvpnd --check says '$c', the dataplane '$d'"
	case $f in
	"$DP_RULESETS"/* | "$NAT_RULESETS"/* | "$WORK"/taken/*)
	   [ "$c" = ok ] || fail "$name: refused by both: $c" ;;
	*) [ "$c" != ok ] || fail "$name: taken by both, expected a refusal"
	   nr=$((nr + 1)) ;;
	esac
	echo "$name: $c"
	n=$((n + 1))
done
echo "PASS: filter_check_test ($n rulesets, $nr refused by both with the same line)"
