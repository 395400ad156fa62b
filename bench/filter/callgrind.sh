#!/usr/bin/env bash
# Instructions per packet of the worker thread, exact and repeatable on a
# shared machine where wall-clock rates move by ±20 %: nfvpn-dataplane on the
# bench/filter policies (mkpolicy.py) under callgrind, collecting only inside
# nfv_worker_main, stopped with SIGINT after SECONDS; instructions per packet
# = the collected total / the rx count of the exit summary.
#   NFV_BUILD=build-cg bench/filter/callgrind.sh [SECONDS] [SETUP...]
# SETUP: none, count, 0, 10, 1000, 10000, masq, or esp (bench/esp's encrypt
# policy and its 64-byte traffic: ESP AES-128-GCM tunnel out)
# (default: none 0 10000). The build must
# not use AVX-512, which valgrind cannot run: meson setup build-cg
# -Dmarch=x86-64-v3 -Dtests=false. Run it under flock /tmp/nfvpn-dpdk.lock.
# NFV_CG_KEEP=DIR keeps the callgrind.out.SETUP files for callgrind_annotate.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${NFV_BUILD:-$top/build}
secs=${1:-40}
shift || true
setups=${*:-none 0 10000}
work=$(mktemp -d /tmp/nfvpn-cg-filter.XXXXXX)
trap 'rm -rf "$work"' EXIT
keep=${NFV_CG_KEEP:-}

/usr/bin/python3 "$top/bench/filter/mkpolicy.py" "$work"
case " $setups " in
*" esp "*)
	mkdir "$work/esp"
	/usr/bin/python3 "$top/bench/esp/mkpcap.py" "$work/esp" >/dev/null
	sed "s|{pcap}|clear-64.pcap|" "$work/esp/policy-enc.yaml" > "$work/policy-esp.yaml"
	chmod 600 "$work/policy-esp.yaml"
	;;
esac

for s in $setups; do
	valgrind --tool=callgrind --toggle-collect=nfv_worker_main \
		--callgrind-out-file="$work/callgrind.out.$s" \
		"$build/dataplane/nfvpn-dataplane" -l 0,1 --no-pci --file-prefix bcg$$ \
		--no-huge -m 1024 --log-level lib.eal:warning -- \
		--config "$work/policy-$s.yaml" --socket "$work/sock" \
		> "$work/log.$s" 2>&1 &
	pid=$!
	sleep "$secs"
	kill -INT $pid
	wait $pid || true
	rx=$(sed -n 's/^  rx \([0-9]*\) .*/\1/p' "$work/log.$s" | head -n 1)
	ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p;s/^totals: \([0-9]*\).*/\1/p' \
		"$work/callgrind.out.$s" | head -n 1)
	if [ -z "$rx" ] || [ -z "$ir" ] || [ "$rx" = 0 ]; then
		echo "setup $s: no rx or no total; log:" >&2
		tail -n 20 "$work/log.$s" >&2
		exit 1
	fi
	printf '%-6s rx %10s  Ir %13s  %6.1f instructions/packet\n' "$s" "$rx" "$ir" \
		"$(awk -v i="$ir" -v r="$rx" 'BEGIN {print i / r}')"
	[ -z "$keep" ] || cp "$work/callgrind.out.$s" "$keep/"
done
