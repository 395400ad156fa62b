#!/usr/bin/env bash
# The results table of bench/README.md: forward, esp-encrypt, esp-decrypt
# (and filter-1000-rules) at 64, 512, 1400 bytes and IMIX, each device
# against its baselines in the same run, every run under
# /tmp/nfvpn-dpdk.lock. Prints the date, the CPU, each command and the
# Markdown tables; the CSV, JSON and PNGs stay in OUTDIR.
#   bench/results.sh [OUTDIR] [nfvpn-bench options...]   (default bench-results)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-bench-results}
shift || true
lock=/tmp/nfvpn-dpdk.lock
runs=(
	"--scenario forward --compare testpmd"
	"--scenario esp-encrypt --compare testpmd --compare crypto"
	"--scenario esp-decrypt --compare testpmd --compare crypto"
	"--scenario filter-1000-rules --compare forward"
)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(nproc) cores"
for r in "${runs[@]}"; do
	# shellcheck disable=SC2086
	flock "$lock" "$top/bench/nfvpn-bench" --out "$out" --quiet $r "$@" > "$out.log" 2>&1 ||
		{ cat "$out.log" >&2; exit 1; }
	scen=$(echo "$r" | awk '{print $2}')
	echo
	echo "\`bench/nfvpn-bench $r $*\`"
	echo
	cat "$out/$scen.md"
done
rm -f "$out.log"
