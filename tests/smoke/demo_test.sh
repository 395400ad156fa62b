#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# ci/demo.sh, the README's main job, and the consistency of its summary:
#
#   host A --memif-- lan [site A] wan ==memif, ESP== wan [site B] lan --memif-- host B
#
# Everything host A sent is accounted for: what it sent to the tunnelled
# prefix is encrypted into SA a-to-b by site A and decrypted from it by
# site B, the rest (10.2.99.0/24) discarded by site A's security policy;
# site B's ruleset drops the telnet SYNs and lets the UDP flows in (8 new
# connections), host B receives exactly those and answers each; the
# answers are encrypted into b-to-a, decrypted by site A and all reach
# host A. Both dataplanes stop cleanly with no mbuf leaked. About 5 s.
# It busy-polls: take the shared lock as ci/test.sh does.
#
# usage: demo_test.sh      (NFV_BUILD, NFV_EAL_MEM)
. "$(dirname "$0")/lib.sh"

NFV_BUILD=$NFV_BUILD NFV_EAL_MEM=$NFV_EAL_MEM bash "$NFV_TOP/ci/demo.sh" 2 2000 \
	> "$WORK/demo.out" 2>&1 || { cat "$WORK/demo.out" >&2; fail "ci/demo.sh failed"; }
cat "$WORK/demo.out"
$PY - /tmp/nfvpn-demo/summary.json <<'EOP' || fail "the summary does not add up"
import json, sys
s = json.load(open(sys.argv[1]))
a, b = s["sites"]["site-a"], s["sites"]["site-b"]
sent = s["lan_a"]["sent"]
bad = []
def eq(what, x, y):
    if x != y:
        bad.append("%s: %s != %s" % (what, x, y))
tunnelled = sent["allowed"] + sent["telnet"]
eq("frames host A sent", s["lan_a"]["sent_total"], sum(sent.values()))
if sent["allowed"] < 1000 or sent["telnet"] < 100:
    bad.append("too little traffic: %s" % sent)
eq("encrypted by A", a["encrypted"]["a-to-b"], tunnelled)
eq("decrypted by B", b["decrypted"]["a-to-b"], a["encrypted"]["a-to-b"])
eq("A's drops", a["dropped"], {"spd-discard": sent["no_tunnel"]})
eq("B's drops", b["dropped"], {"filter-rule-drop": sent["telnet"]})
f = b["filter"]
eq("B ruleset drops", sum(v for k, v in f.items() if k == "forward/10"), sent["telnet"])
eq("B ruleset new UDP flows", f.get("forward/9"), 8)
eq("B ruleset established", f.get("forward/6"), sent["allowed"] - 8 + s["lan_b"]["replied"])
eq("host B received", s["lan_b"]["received"], {"allowed": sent["allowed"], "telnet": 0, "other": 0})
eq("host B answered", s["lan_b"]["replied"], sent["allowed"])
eq("encrypted by B", b["encrypted"]["b-to-a"], s["lan_b"]["replied"])
eq("decrypted by A", a["decrypted"]["b-to-a"], b["encrypted"]["b-to-a"])
eq("host A received", s["lan_a"]["received"], {"replies": sent["allowed"], "other": 0})
eq("A esp-output stolen", a["hooks"]["POST_ROUTING/last/esp-output"]["stolen"], tunnelled)
eq("A esp-output dropped", a["hooks"]["POST_ROUTING/last/esp-output"]["dropped"], sent["no_tunnel"])
eq("B esp-input stolen", b["hooks"]["LOCAL_IN/-1/esp-input"]["stolen"], tunnelled)
eq("B forward filter dropped", b["hooks"]["FORWARD/filter/nft-FORWARD-0"]["dropped"], sent["telnet"])
for x in bad:
    print("demo_test:", x, file=sys.stderr)
sys.exit(1 if bad else 0)
EOP
for w in "encrypted" "decrypted" "filtered" "dropped" "per hook" "/s"; do
	grep -q -- "$w" "$WORK/demo.out" || fail "the summary does not say '$w'"
done
echo "PASS $SMOKE_NAME"
