#!/usr/bin/env bash
# A start-up that fails stops cleanly: the real nfvpn-dataplane, made to fail
# at each step of its start-up in turn, exits by itself with a non-zero
# status (never a signal: status < 128), says why, and prints no summary of
# a run that never happened (no counters, no "mbufs in use at exit").
#
#   bad policy --------------------------------> refused before the EAL (2)
#   nft text nft refuses (nfvpn-nftc compiles it) -> refused before the EAL (2)
#   no nfvpn-nftc ------------------------------> refused before the EAL
#   nft text with an expression we do not run ---> the filter, after the EAL
#   bad EAL arguments --------------------------> rte_eal_init fails
#   one lcore (-l 0) ----------------------------> no worker lcore
#   --pool-size too big --------------------------> the packet pool
#   p0 net_null, p1 a driver that does not exist --> the second port
#   --socket PATH a directory ---------------------> the management socket,
#                                                  with ports and policy up
. "$(dirname "$0")/lib.sh"

DP=$NFV_BUILD/dataplane/nfvpn-dataplane
# shellcheck disable=SC2206
EAL=(--no-pci --file-prefix "nfv$$" $NFV_EAL_MEM --log-level lib.eal:warning)

cat > "$WORK/policy.yaml" <<EOP
ports:
  - { name: p0, device: net_null_sf0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
routes:
  - { dst: 10.2.0.0/16, via: 10.0.0.2 }
hooks:
  - { name: c1, hook: FORWARD, action: count }
EOP

# dp_fail NAME MESSAGE ARGS...: the dataplane run with ARGS must fail as
# this test's header says, and print MESSAGE (an extended regexp).
dp_fail() {
	local name=$1 msg=$2 rc
	shift 2
	timeout 60 "$DP" "$@" > "$WORK/$name.log" 2>&1
	rc=$?
	[ "$rc" -ne 0 ] || fail "$name: exit status 0"
	[ "$rc" -ne 124 ] || fail "$name: still running after 60 s"
	[ "$rc" -lt 128 ] ||
		fail "$name: killed by signal $((rc - 128)): $(tail -5 "$WORK/$name.log")"
	grep -qE -- "$msg" "$WORK/$name.log" ||
		fail "$name: no \"$msg\" in: $(tail -5 "$WORK/$name.log")"
	if grep -qE '^nfvpn-dataplane: (running|[0-9.]+ s,)|^mbufs in use at exit|drops by reason' \
		"$WORK/$name.log"; then
		fail "$name: a summary of a run that did not happen: $(tail -8 "$WORK/$name.log")"
	fi
	echo "ok: $name: exit $rc: $(grep -m1 -E -- "$msg" "$WORK/$name.log")"
}

# 1. the policy is refused before anything starts
printf 'ports:\n  - { name: p0, device: net_null0, mtu: 7 }\n' > "$WORK/bad.yaml"
dp_fail bad-policy "bad.yaml:2:[0-9]+: ports\[0\].mtu" \
	-l 0,1 "${EAL[@]}" -- --config "$WORK/bad.yaml" --socket "$SOCK"
# nft text: nft's message, where it is in the text and in the policy
cat "$WORK/policy.yaml" - > "$WORK/nft.yaml" <<'EOP'
filter:
  conntrack: false
  nft: |
    table ip t {
      chain c { type filter hook forward priority 0;
        tcp dport 22 acept
      }
    }
EOP
dp_fail bad-nft "nft.yaml:11:8: filter: filter.nft:3:23-23: Error: syntax error" \
	-l 0,1 "${EAL[@]}" -- --config "$WORK/nft.yaml" --socket "$SOCK"
[ "$(grep -c '^ *tcp dport 22 acept$' "$WORK/bad-nft.log")" = 1 ] ||
	fail "bad-nft: nft's message lacks the line: $(cat "$WORK/bad-nft.log")"
sed -i 's/acept/accept/' "$WORK/nft.yaml"
(
	NFVPN_NFTC=/nonexistent/nfvpn-nftc
	dp_fail no-nftc "nft.yaml:11:8: filter: cannot run /nonexistent/nfvpn-nftc: No such file or directory \(set NFVPN_NFTC" \
		-l 0,1 "${EAL[@]}" -- --config "$WORK/nft.yaml" --socket "$SOCK"
) || exit 1
# 2. the EAL refuses its arguments
dp_fail bad-eal "EAL initialisation failed" \
	-l 0,1 "${EAL[@]}" --no-such-eal-option -- --config "$WORK/policy.yaml" --socket "$SOCK"
dp_fail bad-lcore "EAL initialisation failed" \
	-l 0,127 "${EAL[@]}" -- --config "$WORK/policy.yaml" --socket "$SOCK"
# 3. the EAL started, then each step of start-up fails in turn
dp_fail no-worker "no worker lcore" \
	-l 0 "${EAL[@]}" -- --config "$WORK/policy.yaml" --socket "$SOCK"
dp_fail pool "cannot create a pool of [0-9]+ mbufs" \
	-l 0,1 "${EAL[@]}" -- --config "$WORK/policy.yaml" --socket "$SOCK" --pool-size 100000000
sed 's/^  - { name: p0, device: net_null_sf0, exception: false }$/&\n  - { name: p1, device: net_nosuch_sf1, exception: false }/' \
	"$WORK/policy.yaml" > "$WORK/badport.yaml"
grep -q net_nosuch_sf1 "$WORK/badport.yaml" || fail "sed"
dp_fail bad-port "port p1: cannot probe 'net_nosuch_sf1'" \
	-l 0,1 "${EAL[@]}" -- --config "$WORK/badport.yaml" --socket "$SOCK"
sed 's/tcp dport 22 accept/meta skuid 0 drop/' "$WORK/nft.yaml" > "$WORK/skuid.yaml"
dp_fail nft-skuid "skuid.yaml:11:8: filter: table ip t chain c handle [0-9]+: expression 'meta': meta key skuid is not supported" \
	-l 0,1 "${EAL[@]}" -- --config "$WORK/skuid.yaml" --socket "$SOCK"
mkdir "$WORK/sockdir"
dp_fail socket "management socket $WORK/sockdir: " \
	-l 0,1 "${EAL[@]}" -- --config "$WORK/policy.yaml" --socket "$WORK/sockdir"
[ -e "$WORK/sockdir.lock" ] && fail "socket: the lock file outlived the process"

# and the same policies, as a check that the failures above were the ones meant
dp_start "$WORK/policy.yaml"
ctl status > /dev/null || fail "status"
dp_stop
dp_start "$WORK/nft.yaml"
ctl ruleset | grep -q '^		tcp dport 22 accept$' || fail "the nft text's ruleset: $(ctl ruleset)"
dp_stop
echo "PASS: start_fail_test"
