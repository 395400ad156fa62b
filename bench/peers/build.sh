#!/usr/bin/env bash
# Builds DPDK's own example applications l3fwd and ipsec-secgw, the peers
# that bench/forward/run.sh and bench/esp/run.sh measure beside nfvpn.
#   bench/peers/build.sh [DIR]        (default build/peers of the tree)
# Their source is Debian's dpdk-doc package (/usr/share/dpdk/examples, the
# same 22.11 release as libdpdk-dev), installed here when missing. It is
# copied to DIR/src, patched with bench/peers/*.patch (why: at the top of
# each patch) and built with the examples' own Makefiles (pkg-config
# libdpdk). Binaries: DIR/l3fwd, DIR/ipsec-secgw. Quick when DIR already
# holds them for the same dpdk-doc version, patches and build.sh.
# Exit status: 0 when both were built; 1 when one failed (the other is
# still built, and the failure is said on stderr).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-$top/build/peers}
apps="l3fwd ipsec-secgw"
examples=/usr/share/dpdk/examples

say() { echo "peers: $*" >&2; }

need=""
dpkg -s dpdk-doc > /dev/null 2>&1 || need="$need dpdk-doc"
for p in make gcc pkg-config patch libdpdk-dev; do
	dpkg -s $p > /dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
	say "installing$need"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		-o DPkg::Lock::Timeout=600 $need > /dev/null ||
		{ say "apt-get install$need failed"; exit 1; }
fi

ver=$(dpkg-query -W -f '${Version}' dpdk-doc)
libver=$(dpkg-query -W -f '${Version}' libdpdk-dev 2> /dev/null || echo none)
[ "$ver" = "$libver" ] || say "warning: dpdk-doc $ver but libdpdk-dev $libver"
stamp="dpdk-doc $ver $(cat "$0" "$top"/bench/peers/*.patch | sha256sum | cut -c1-16)"

mkdir -p "$dir"
if [ "$(cat "$dir/.stamp" 2> /dev/null)" = "$stamp" ]; then
	ok=1
	for a in $apps; do [ -x "$dir/$a" ] || ok=0; done
	[ $ok = 1 ] && exit 0
fi

rm -rf "$dir/src" "$dir/.stamp"
for a in $apps; do rm -f "$dir/$a"; done
mkdir -p "$dir/src"
cp -r "$examples/common" "$dir/src/"
rc=0
for a in $apps; do
	cp -r "$examples/$a" "$dir/src/"
	if ! patch -s -p1 -d "$dir/src" < "$top/bench/peers/$a.patch"; then
		say "$a: bench/peers/$a.patch does not apply to dpdk-doc $ver"
		rc=1
		continue
	fi
	say "building $a (dpdk-doc $ver)"
	if make -s -C "$dir/src/$a" -j"$(nproc)" > "$dir/$a.build.log" 2>&1 &&
		[ -x "$dir/src/$a/build/$a-shared" ]; then
		ln -sf "src/$a/build/$a-shared" "$dir/$a"
	else
		say "$a failed to build; its log: $dir/$a.build.log"
		tail -20 "$dir/$a.build.log" >&2
		rc=1
	fi
done
[ $rc = 0 ] && echo "$stamp" > "$dir/.stamp"
exit $rc
