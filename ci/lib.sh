#!/usr/bin/env bash
# Shared by ci/test.sh and ci/demo.sh: packages, hugepages, build.
# Everything here is idempotent and quick when there is nothing to do.

NFV_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export NFV_TOP

nfv_log() { printf '==> %s\n' "$*"; }

# Installs the packages of ci/packages.txt that are missing.
nfv_install_deps() {
	local missing=() pkg
	while read -r pkg; do
		case "$pkg" in ''|'#'*) continue ;; esac
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' ||
			missing+=("$pkg")
	done < "$NFV_TOP/ci/packages.txt"
	[ ${#missing[@]} -eq 0 ] && return 0
	nfv_log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null || return 1
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || return 1
}

# Reserves 2 MiB hugepages when the machine lets us; NFV_EAL_MEM says how
# DPDK processes get their memory either way.
nfv_hugepages() {
	local hp=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	if [ -w "$hp" ] && [ "$(cat "$hp")" -lt 1024 ]; then
		echo 1024 > "$hp" 2>/dev/null || true
	fi
	if [ -r "$hp" ] && [ "$(cat "$hp")" -ge 512 ]; then
		mkdir -p /dev/hugepages
		mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages 2>/dev/null || true
	fi
	# --huge-unlink: a test killed with SIGKILL leaves no hugepage file;
	# but no secondary process (dpdk-dumpcap) can attach to such a
	# dataplane: ci/demo.sh and tests/smoke/capture_test.sh drop it
	# (docs/dataplane.md, "Packet capture")
	if mountpoint -q /dev/hugepages && [ "$(cat "$hp" 2>/dev/null || echo 0)" -ge 512 ]; then
		NFV_EAL_MEM="--huge-unlink --socket-limit 1024"
	else
		NFV_EAL_MEM="--no-huge -m 1024"
	fi
	export NFV_EAL_MEM
}

# Configures (once) and builds a build directory: nfv_build DIR [meson options...]
# CI builds treat warnings as errors; a user's build (werror=false, the
# default) does not break on a newer compiler's new warning. The tests
# run on the machine that builds them, tuned for it (-Dmarch=native, as
# the benchmarks): with the portable x86-64-v2 default, nfvpnd_reload_test
# lost 0.6-9 % of its 4,000 packets/s before the dataplane's rx on this
# 2-core machine, where the native build lost none.
nfv_build() {
	local dir=$1; shift
	if [ ! -f "$NFV_TOP/$dir/build.ninja" ]; then
		meson setup "$NFV_TOP/$dir" "$NFV_TOP" -Dwerror=true -Dmarch=native "$@" \
			>/dev/null || return 1
	fi
	ninja -C "$NFV_TOP/$dir" >"$NFV_TOP/$dir/ninja.log" 2>&1 || {
		tail -50 "$NFV_TOP/$dir/ninja.log"; return 1; }
}
