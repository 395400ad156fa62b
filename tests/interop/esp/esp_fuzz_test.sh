#!/usr/bin/env bash
# libFuzzer on the ESP input path (tests/fuzz/esp/fuzz_esp_input.c): builds
# it with clang, ASan and coverage in build-fuzz (shared with the other
# fuzz tests: tests/interop/fuzz/fuzz_lib.sh), runs it for
# NFV_FUZZ_SECONDS (30) from the seed corpus of tests/fuzz/esp/corpus, and
# fails on any crash, sanitizer report or leaked mbuf (the target aborts).
set -u
top=$(cd "$(dirname "$0")/../../.." && pwd)
secs=${NFV_FUZZ_SECONDS:-30}
work=$(mktemp -d /tmp/nfvpn-esp-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: esp_fuzz_test: $*" >&2; exit 1; }
. "$top/tests/interop/fuzz/fuzz_lib.sh"
fuzz_build hooks/ipsec/fuzz_esp_input

# LSan cannot see into DPDK's memory, where the module keeps its state
mkdir "$work/corpus"
cp "$top/tests/fuzz/esp/corpus/"* "$work/corpus/"
cd "$work" || exit 1
ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 "$bdir/hooks/ipsec/fuzz_esp_input" \
	-max_total_time="$secs" -max_len=1800 -print_final_stats=1 "$work/corpus" \
	> "$work/fuzz.log" 2>&1
rc=$?
grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units)" "$work/fuzz.log"
if [ $rc -ne 0 ] || ls "$work"/crash-* > /dev/null 2>&1; then
	tail -40 "$work/fuzz.log" >&2
	echo "FAIL: esp_fuzz_test: the fuzzer found a crash (rc $rc)" >&2
	exit 1
fi
echo "PASS esp_fuzz_test"
