#!/usr/bin/env bash
# Runs every test of nfvpn: unit (plain and under ASan/UBSan), smoke,
# interop and kernel. Installs what is missing first. Exits non-zero when
# anything fails; the last line is "N passed, N failed".
set -u
. "$(dirname "$0")/lib.sh"
cd "$NFV_TOP"

passed=0
failed=0
failures=()
run() {	# run NAME COMMAND...: one test, counted
	local name=$1; shift
	local t0=$SECONDS
	if "$@"; then
		passed=$((passed + 1)); nfv_log "PASS $name ($((SECONDS - t0)) s)"
	else
		failed=$((failed + 1)); failures+=("$name"); nfv_log "FAIL $name"
	fi
}

nfv_install_deps || { echo "cannot install the packages of ci/packages.txt" >&2; exit 1; }
nfv_hugepages
nfv_log "DPDK memory: $NFV_EAL_MEM"

# The strongSwan source for the charon plugin, then the Debian packages,
# in the background: strongswan_src.sh configures on one core (about 25 s,
# much of it waiting on forks) while the sanitized build, which has no
# charon plugin (control/charon/meson.build), compiles; the packages build
# at the lowest priority, on the CPU time the tests leave idle (about 200
# s of CPU), and are checked at the end. The plain build, whose meson
# finds the strongSwan source, waits for it.
mkdir -p "$NFV_TOP/build-deb"
rm -f "$NFV_TOP/build-deb/strongswan.rc"
nfv_log "ci/strongswan_src.sh, then ci/package.sh --build-only, in the background (logs: build-deb/strongswan.log, build-deb/package.log)"
(
	t0=$SECONDS rc=0
	timeout 300 bash ci/strongswan_src.sh > "$NFV_TOP/build-deb/strongswan.log" 2>&1 || rc=$?
	echo "$rc $((SECONDS - t0))" > "$NFV_TOP/build-deb/strongswan.rc"
	if [ "$rc" != 0 ]; then
		echo "FAIL: ci/strongswan_src.sh: no packages built" > "$NFV_TOP/build-deb/package.log"
		exit 1
	fi
	exec nice -n 19 bash ci/package.sh --build-only "$NFV_TOP/build-deb" \
		> "$NFV_TOP/build-deb/package.log" 2>&1
) &
package_pid=$!
strongswan_src() {	# its log, once done; its status
	local rc s
	while [ ! -s "$NFV_TOP/build-deb/strongswan.rc" ]; do
		kill -0 "$package_pid" 2>/dev/null || break
		sleep 0.2
	done
	cat "$NFV_TOP/build-deb/strongswan.log"
	read -r rc s < "$NFV_TOP/build-deb/strongswan.rc" || return 1
	nfv_log "ci/strongswan_src.sh: $s s in the background"
	return "$rc"
}

nfv_log "build with ASan and UBSan"
asan=0
nfv_build build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug && asan=1

run "ci/strongswan_src.sh" strongswan_src
nfv_log "build"
nfv_build build || exit 1
run "unit tests" meson test -C build --suite unit --print-errorlogs --num-processes 2
run "interop tests (meson)" meson test -C build --suite interop --print-errorlogs --num-processes 1

if [ "$asan" = 1 ]; then
	export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1
	export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
	# the unit tests free what they take: leaks count there (the smoke
	# tests' DPDK processes exit with their memory held)
	run "unit tests (asan,ubsan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		meson test -C build-asan --suite unit --print-errorlogs --num-processes 2
else
	failed=$((failed + 1)); failures+=("asan build")
fi

export NFV_BUILD="$NFV_TOP/build"
# the three libFuzzer tests, briefly: 10 s each (their default is 30;
# a longer run is `NFV_FUZZ_SECONDS=600 bash tests/interop/fuzz/...`)
export NFV_FUZZ_SECONDS=${NFV_FUZZ_SECONDS:-10}
# Tests that busy-poll with DPDK take turns: two pollers on one core fall
# to ~1 % of their speed and time out.
lock=${NFV_DPDK_LOCK:-/tmp/nfvpn-dpdk.lock}
for t in tests/smoke/*_test.sh tests/interop/*/*_test.sh; do
	[ -e "$t" ] || continue
	run "$t" flock -o "$lock" timeout 600 bash "$t"
done
# The packet paths again on the ASan+UBSan build: unit tests cannot see
# what real frames bring (a TCP header 2 bytes off alignment behind
# Ethernet was found so). The fuzz tests build their own sanitized
# targets; the NDR search of bench_run only measures; install_test checks
# what meson installs, which the sanitizers do not change; gcore of an
# ASan process writes out the allocator's whole reserved space (79 GB of
# disk seen for coredump_keys_test). bench_pktgen_test runs no program of
# the build (Lua and Python only). To keep CI under 20 minutes, the tests
# of the generator (gen_*), of the demo and the examples, and of the
# daemons' sockets and privileges (socket_lock, nfvpnd_clients,
# nfvpnd_nonroot) run once, on the plain build: they carry no packet path
# the others do not, and their logic runs under ASan in the unit tests.
if [ "$asan" = 1 ]; then
	for t in tests/smoke/*_test.sh tests/interop/*/*_test.sh; do
		case $t in
		*fuzz*|*bench_run*|*bench_pktgen_test*|*install*|*coredump*) continue ;;
		# Debian's charon cannot load a plugin built with ASan; the
		# dataplane's ESP paths there run under ASan in the ipsec tests
		*/ike/*) continue ;;
		*/gen_*|*demo*|*examples*|*socket_lock*|*nfvpnd_clients*|*nfvpnd_nonroot*) continue ;;
		# Third parties' code and control logic, each of them also
		# under ASan in the unit tests: memif's reconnects, XFRM's
		# kernel in qemu (the ESP paths run under ASan in esp_dp,
		# esp_frag and the ipsec tests), the bench driver's DUT, the
		# daemons' reloads and rekeys, the management socket's clients,
		# the workers' counting (workers_ct keeps the packet path);
		# the kernel's flowtable in qemu (flowtable_test runs the same
		# traffic under ASan: qemu under ASan adds nothing)
		*memif_churn*|*/xfrm/*|*/flowtable/*|*bench_pktgen_dut*|*nfvpnd_reload*|*nfvpnd_rekey_in*) continue ;;
		*mgmt_slow_client*|*/workers_test*) continue ;;
		# the compiler's start-up path only (--check against the
		# dataplane's load): its parser and compiler run sanitized in
		# the unit tests and the nft fuzz target
		*filter_check*) continue ;;
		esac
		# the differential cases of the newest packet paths (payload
		# writes, meta time, dynamic sets, catch-all, exthdr; ct zone
		# with 31, which '[23][0-4]' also takes with 30): the whole
		# corpus takes three minutes there, and runs on the plain build
		dp_only='*'
		case $t in */dp_diff_test.sh) dp_only='[23][0-4]-*' ;; esac
		run "$t (asan,ubsan)" env NFV_BUILD="$NFV_TOP/build-asan" \
			DP_DIFF_ONLY="$dp_only" NFV_ASAN_PASS=1 \
			flock -o "$lock" timeout 600 bash "$t"
	done
fi
# The Debian packages, built above and checked as a fresh Debian 12 gets
# them (units started in a namespace, the DKMS module built).
package_built() {
	local rc=0
	wait "$package_pid" || rc=$?
	cat "$NFV_TOP/build-deb/package.log"
	return "$rc"
}
run "ci/package.sh --build-only" package_built
run "ci/package.sh --check-only" env NFV_DPDK_LOCK="$lock" timeout 600 \
	bash ci/package.sh --check-only "$NFV_TOP/build-deb"
if [ -x tests/kernel/run.sh ]; then
	run "tests/kernel/run.sh" timeout 900 bash tests/kernel/run.sh
fi

if [ ${#failures[@]} -gt 0 ]; then
	printf 'failed: %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
