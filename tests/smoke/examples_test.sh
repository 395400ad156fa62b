#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The shipped examples run as shipped (issue 17): on a fresh clone of the
# committed tree (git clone), where
# git checks every file out 0644,
#   1. every config/examples/*.yaml passes `nfvpnd --check` without chmod:
#      none holds keys; those with SAs name an ipsec.key_file, not yet
#      written (a note says so);
#   2. `nfvpnd --make-keys` writes that file 0600 with a line per SA, and
#      --check then reads the keys; a key file that group may read is
#      refused (exit 2), and --make-keys never replaces one;
#   3. the dataplane starts on the examples meant to be tried (minimal:
#      net_ring; firewall and site-to-site: net_tap, in a namespace of
#      their own), answers `nfvpnctl status` and stops cleanly.
# (demo.yaml and demo-peer.yaml run in demo_test.sh.) About 15 s.
#
# usage: examples_test.sh      (NFV_BUILD, NFV_EAL_MEM)
. "$(dirname "$0")/lib.sh"

NFVPND=$NFV_BUILD/control/nfvpnd/nfvpnd
[ -x "$NFVPND" ] || fail "no $NFVPND"
git clone -q "$NFV_TOP" "$WORK/clone" || fail "git clone"
EX=$WORK/clone/config/examples
n=0
for f in "$EX"/*.yaml; do
	mode=$(stat -c %a "$f")
	[ "$mode" = 644 ] || fail "$(basename "$f") checked out $mode, not 644"
	"$NFVPND" --check "$f" > "$WORK/check.out" 2>&1 ||
		{ cat "$WORK/check.out" >&2; fail "nfvpnd --check $(basename "$f") on a fresh clone"; }
	n=$((n + 1))
done
[ "$n" -ge 6 ] || fail "only $n examples"
"$NFVPND" --check "$EX/site-to-site.yaml" 2>&1 | grep -q "note: ipsec.key_file site-to-site.keys does not exist yet" ||
	fail "no note about the key file"

# 2. key files
for ex in site-to-site remote-access; do
	"$NFVPND" --make-keys "$EX/$ex.yaml" > /dev/null || fail "--make-keys $ex"
	[ "$(stat -c %a "$EX/$ex.keys")" = 600 ] || fail "$ex.keys is not 0600"
	"$NFVPND" --check "$EX/$ex.yaml" > "$WORK/check.out" 2>&1 ||
		{ cat "$WORK/check.out" >&2; fail "--check $ex with its keys"; }
	grep -q note "$WORK/check.out" && fail "$ex: a note with the key file written"
done
[ "$(grep -c '^p[0-9]*-\(in\|out\) key=[0-9a-f]\{64\} salt=[0-9a-f]\{8\}$' "$EX/remote-access.keys")" = 2000 ] ||
	fail "remote-access.keys does not hold 2000 AES-GCM-256 keys"
git -C "$WORK/clone" status --porcelain | grep -q . && fail "the key files show in git status"
cp "$EX/site-to-site.keys" "$WORK/s2s.keys"
"$NFVPND" --make-keys "$EX/site-to-site.yaml" > /dev/null 2>&1 && fail "--make-keys replaced a key file"
cmp -s "$EX/site-to-site.keys" "$WORK/s2s.keys" || fail "--make-keys changed a key file"
chmod 640 "$EX/site-to-site.keys"
"$NFVPND" --check "$EX/site-to-site.yaml" > "$WORK/check.out" 2>&1
[ $? = 2 ] || fail "a key file of mode 0640 was accepted"
grep -q "site-to-site.keys holds keys but is accessible to group or others (mode 0640); run chmod 600 on it" \
	"$WORK/check.out" || fail "message: $(cat "$WORK/check.out")"
chmod 600 "$EX/site-to-site.keys"

# 3. the dataplane on the examples meant to be tried
dp_netns
for ex in minimal firewall site-to-site; do
	dp_start "$EX/$ex.yaml"
	ctl status > "$WORK/status.out" || fail "$ex: nfvpnctl status"
	dp_stop
	echo "$ex: started, answered, stopped"
done
echo "PASS $SMOKE_NAME"
