#!/usr/bin/env bash
# nfvpnd compiles the policy's nft text itself (control/nftc) and loads the
# netlink messages into the dataplane (NFV_MSG_FILTER_LOAD_*, source
# policy): the dataplane never sees nft text after its start.
#
#   nfvpn-dataplane (net_ring, no traffic) <- nfvpnd <- nfvpnctl reload
#
# 1. nfvpnd --check compiles the text: an nft syntax error is refused
#    (exit 2) with the policy's file:line:column, nft's own position and line.
# 2. reloads: a new text is loaded; a syntax error is refused before any
#    transaction; an expression the dataplane does not run (meta skuid) is refused
#    by nfvpnd's own run of the dataplane's compiler, with the policy's
#    file:line:column, before any transaction; the running ruleset stays; a batch that fails after
#    its filter load (a hook entry whose name is taken) is aborted and the
#    previous ruleset comes back from the load's undo group (txn 0).
. "$(dirname "$0")/lib.sh"


policy() {	# policy PORT RULE [HOOK]: a forward chain accepting udp PORT
	cat <<EOP
ports:
  - { name: p0, device: net_ring0, exception: false }
addresses:
  - { port: p0, address: 10.0.0.1/24 }
hooks:
  - { name: c1, hook: FORWARD, action: count }
${3:+  - { name: $3, hook: FORWARD, action: count \}}
filter:
  conntrack: false
  nft: |
    table inet f {
      chain forward {
        type filter hook forward priority 0; policy drop;
        $2
      }
    }
EOP
}
ruleset_has() { ctl ruleset | grep -q "^		udp dport $1 accept$"; }
gen() { ctl --json status | $PY -c 'import json,sys; print(json.load(sys.stdin)["generation"])'; }
loads() { ctl --json filter | $PY -c 'import json,sys; d = json.load(sys.stdin); print(d["loads"], d["source"])'; }

# 1. --check: the text is compiled
policy 5000 "udp dport 5000 accept" > "$WORK/policy.yaml"
"$NFVPND" --check "$WORK/policy.yaml" > /dev/null || fail "--check of a valid policy"
policy 5000 "udp dport 5000 acept" > "$WORK/bad.yaml"
"$NFVPND" --check "$WORK/bad.yaml" > "$WORK/o" 2>&1; rc=$?
[ "$rc" -eq 2 ] || fail "--check exit $rc, expected 2: $(cat "$WORK/o")"
grep -q "^$WORK/bad.yaml:10:8: filter: filter.nft:4:25-25: Error: syntax error" "$WORK/o" ||
	fail "--check output: $(cat "$WORK/o")"
grep -q "^    udp dport 5000 acept$" "$WORK/o" || fail "--check shows no line: $(cat "$WORK/o")"

dp_start "$WORK/policy.yaml"
nfvpnd_start
grep -q "+ filter load filter.nft" "$WORK/nfvpnd.log" || fail "nfvpnd's start: $(cat "$WORK/nfvpnd.log")"
ruleset_has 5000 || fail "ruleset: $(ctl ruleset)"
[ "$(loads)" = "2 policy" ] || fail "the dataplane's start and nfvpnd's: $(loads)"

# 2a. a new text: loaded
policy 5001 "udp dport 5001 accept" > "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 || fail "reload: $(cat "$WORK/o")"
grep -q "+ filter load filter.nft" "$WORK/o" || fail "reload: $(cat "$WORK/o")"
ruleset_has 5001 || fail "ruleset after the reload: $(ctl ruleset)"
[ "$(loads)" = "3 policy" ] || fail "loads: $(loads)"
gen0=$(gen)
# 2b. a syntax error: nothing sent
cp "$WORK/bad.yaml" "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 && fail "a syntax error was applied: $(cat "$WORK/o")"
grep -q "policy.yaml:10:8: filter: filter.nft:4:25-25: Error: syntax error" "$WORK/o" ||
	fail "reload: $(cat "$WORK/o")"
# 2c. meta skuid: valid nft, refused by the dataplane, named
policy 5002 "meta skuid 0 drop" > "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 && fail "meta skuid was applied: $(cat "$WORK/o")"
grep -q "policy.yaml:[0-9]*:[0-9]*: filter: table inet f chain forward handle [0-9]*: expression 'meta': meta key skuid is not supported" \
	"$WORK/o" || fail "reload: $(cat "$WORK/o")"
ruleset_has 5001 || fail "the running ruleset went: $(ctl ruleset)"
# 2d. the filter load succeeds, a later change fails: the undo loads 5001 back
policy 5003 "udp dport 5003 accept" nft-FORWARD-0 > "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 && fail "a taken hook name was applied: $(cat "$WORK/o")"
grep -q "aborted: 1 changes undone, 0 undo failures" "$WORK/o" || fail "reload: $(cat "$WORK/o")"
ruleset_has 5001 || fail "the undo did not load the previous ruleset: $(ctl ruleset)"
ruleset_has 5003 && fail "the aborted ruleset runs: $(ctl ruleset)"
[ "$(loads)" = "5 policy" ] || fail "loads (5003, then 5001 again): $(loads)"
[ "$(gen)" = "$gen0" ] || fail "generation $gen0 -> $(gen) after aborted reloads"
# 2e. and the next good text goes in
policy 5004 "udp dport 5004 accept" > "$WORK/policy.yaml"
ctl reload > "$WORK/o" 2>&1 || fail "reload: $(cat "$WORK/o")"
ruleset_has 5004 || fail "ruleset: $(ctl ruleset)"
[ "$(gen)" = "$((gen0 + 1))" ] || fail "generation $gen0 -> $(gen)"

kill -TERM "$NFVPND_PID"; wait "$NFVPND_PID" || true
dp_stop
echo "PASS: nfvpnd_filter_test"
