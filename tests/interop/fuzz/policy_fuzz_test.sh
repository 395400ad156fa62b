#!/usr/bin/env bash
# The policy loader under libFuzzer and ASan for a short while, seeded with
# every example and every bad policy, and with inputs that used to hang the
# loader (aliases of aliases, 100,000 nested sequences, deep block
# nesting, thousands of routes; issue 13 item 4). Builds its own clang
# tree (build-fuzz, meson option fuzz=true); any crash, leak, abort, or an
# input that takes more than $NFV_FUZZ_INPUT_TIMEOUT s (default 2) fails.
#
# usage: policy_fuzz_test.sh [SECONDS]     (default $NFV_FUZZ_SECONDS or 30)
set -euo pipefail
top=$(cd "$(dirname "$0")/../../.." && pwd)
secs=${1:-${NFV_FUZZ_SECONDS:-30}}
fail() { echo "FAIL: policy_fuzz_test: $*" >&2; exit 1; }
. "$top/tests/interop/fuzz/fuzz_lib.sh"
fuzz_build tests/fuzz/policy/nfvpn-policy-fuzz

work=$(mktemp -d /tmp/nfvpn-policy-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus"
cp "$top"/config/examples/*.yaml "$top"/tests/unit/config/bad/*.yaml "$work/corpus/"
cp "$top"/tests/fuzz/policy/corpus/*.yaml "$work/corpus/"
# the big ones are generated: past -max_len they are cut, which is fine
gen=$top/tests/unit/config/gen/policy_gen.py
/usr/bin/python3 "$gen" nest 100000 > "$work/corpus/gen-nest.yaml"
/usr/bin/python3 "$gen" nest-block 100 > "$work/corpus/gen-nest-block.yaml"
/usr/bin/python3 "$gen" aliases 40000 > "$work/corpus/gen-aliases.yaml"
/usr/bin/python3 "$gen" laughs 10 > "$work/corpus/gen-laughs.yaml"
/usr/bin/python3 "$gen" routes 2000 > "$work/corpus/gen-routes.yaml"
# the YAML dictionary: the keys of every section
printf '"%s"\n' ports addresses routes neighbours queues hooks steer selectors \
	target lladdr name device port address dst via type mac num size \
	priority action match proto dport sport src iif fwmark family hook \
	"{ " ": " "- " "/24" "::" "&a " "*a" "[" "]" "{" "}" "<<" > "$work/dict"
# every generated input once in full (-runs=0 with no -max_len runs the
# corpus as it is), under the per-input time limit
"$bdir/tests/fuzz/policy/nfvpn-policy-fuzz" -runs=0 -timeout="${NFV_FUZZ_INPUT_TIMEOUT:-2}" \
	-artifact_prefix="$work/" "$work"/corpus/gen-*.yaml > "$work/log0" 2>&1 || {
	tail -20 "$work/log0" >&2
	fail "a generated input crashed or took more than ${NFV_FUZZ_INPUT_TIMEOUT:-2} s"
}
"$bdir/tests/fuzz/policy/nfvpn-policy-fuzz" -max_total_time="$secs" -max_len=4096 \
	-timeout="${NFV_FUZZ_INPUT_TIMEOUT:-2}" \
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
