#!/usr/bin/env bash
# The policy loader under libFuzzer and ASan for a short while, seeded with
# every example and every bad policy. Builds its own clang tree
# (build-fuzz, meson option fuzz=true); any crash, leak or abort fails.
#
# usage: policy_fuzz_test.sh [SECONDS]     (default $NFV_FUZZ_SECONDS or 30)
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
secs=${1:-${NFV_FUZZ_SECONDS:-30}}
bdir=$top/build-fuzz
fail() { echo "FAIL: policy_fuzz_test: $*" >&2; exit 1; }
command -v clang >/dev/null || fail "clang is not installed"

if [ ! -f "$bdir/build.ninja" ]; then
	CC=clang meson setup "$bdir" "$top" -Dfuzz=true -Dtests=false \
		-Db_sanitize=address -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link > /dev/null || fail "meson setup"
fi
ninja -C "$bdir" tests/fuzz/policy/nfvpn-policy-fuzz > /dev/null || fail "build"

work=$(mktemp -d /tmp/nfvpn-policy-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$top"/config/examples/*.yaml "$top"/tests/unit/config/bad/*.yaml "$work/corpus/"
# the YAML dictionary: the keys of every section
printf '"%s"\n' ports addresses routes neighbours queues hooks steer selectors \
	target lladdr name device port address dst via type mac num size \
	priority action match proto dport sport src iif fwmark family hook \
	"{ " ": " "- " "/24" "::" > "$work/dict"
"$bdir/tests/fuzz/policy/nfvpn-policy-fuzz" -max_total_time="$secs" -max_len=4096 \
	-dict="$work/dict" -artifact_prefix="$work/" -print_final_stats=1 \
	"$work/corpus" > "$work/log" 2>&1 || {
	tail -40 "$work/log" >&2
	for a in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
		[ -e "$a" ] && { echo "input $a:" >&2; base64 "$a" >&2; }
	done
	fail "the fuzzer found a problem"
}
grep -E "stat::number_of_executed_units|cov:" "$work/log" | tail -2
echo "PASS: policy_fuzz_test"
