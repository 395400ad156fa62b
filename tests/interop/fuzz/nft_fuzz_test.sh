#!/usr/bin/env bash
# The nft netlink parser and compiler (the dataplane's, as nfvpnd --check
# runs it) under libFuzzer and ASan for a short while (issue 16). Seeds:
# every ruleset of the filter tests (tests/interop/nft corpus and dp
# cases), compiled to netlink messages by nfvpn-nftc, and a dictionary of
# nf_tables attribute names, so that mutations stay valid-looking objects.
# Shares build-fuzz with policy_fuzz_test.sh; any crash, leak, abort or an
# input over $NFV_FUZZ_INPUT_TIMEOUT s (default 2) fails.
#
# usage: nft_fuzz_test.sh [SECONDS]     (default $NFV_FUZZ_SECONDS or 30)
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
secs=${1:-${NFV_FUZZ_SECONDS:-30}}
nftc=${NFVPN_NFTC:-${NFV_BUILD:-$top/build}/control/nftc/nfvpn-nftc}
fail() { echo "FAIL: nft_fuzz_test: $*" >&2; exit 1; }
[ -x "$nftc" ] || fail "no nfvpn-nftc at $nftc (build the plain tree first)"
. "$top/tests/interop/fuzz/fuzz_lib.sh"
fuzz_build tests/fuzz/nft/nfvpn-nft-fuzz

work=$(mktemp -d /tmp/nfvpn-nft-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
n=0
for rs in "$top"/tests/interop/nft/corpus/*.nft "$top"/tests/interop/nft/dp/*.nft; do
	"$nftc" "$rs" > "$work/corpus/$(basename "$rs" .nft).bin" 2> "$work/nftc.err" ||
		fail "nfvpn-nftc refused $rs: $(cat "$work/nftc.err")"
	n=$((n + 1))
done
# the names of expressions, keys and sets that the parser looks up
printf '"%s"\n' payload cmp lookup meta ct immediate counter limit bitwise byteorder \
	range dynset exthdr fib rt quota notrack numgen hash log reject queue \
	nat masq redir flow_offload objref > "$work/dict"
# libnftnl leaks a copy of a string attribute that a malformed message
# repeats (its parsers strdup() each one): its leaks, not ours
echo "leak:libnftnl.so" > "$work/lsan.supp"
LSAN_OPTIONS=suppressions="$work/lsan.supp" \
"$bdir/tests/fuzz/nft/nfvpn-nft-fuzz" -max_total_time="$secs" -max_len=65536 \
	-timeout="${NFV_FUZZ_INPUT_TIMEOUT:-2}" -dict="$work/dict" \
	-artifact_prefix="$work/" -print_final_stats=1 "$work/corpus" > "$work/log" 2>&1 || {
	tail -40 "$work/log" >&2
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$a" ] && { echo "input $a:" >&2; base64 "$a" >&2; }
	done
	fail "the fuzzer found a problem"
}
grep -E "stat::number_of_executed_units|cov:" "$work/log" | tail -2
echo "PASS: nft_fuzz_test ($n seed rulesets)"
