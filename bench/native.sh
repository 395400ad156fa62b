#!/usr/bin/env bash
# The build that the benchmarks measure: tuned for this CPU (-Dmarch=native)
# where the default build is portable (-Dmarch=x86-64-v2). Prints its
# directory on stdout; what it builds goes to DIR/ninja.log.
#   bench/native.sh [DIR]
# DIR (else $NFV_BUILD) is used as it is, with a warning on stderr when it
# is not a native build; without either, build-native of the tree is
# configured (once, -Dmarch=native -Dtests=false) and built.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-${NFV_BUILD:-}}

if [ -n "$dir" ]; then
	march=$(meson introspect --buildoptions "$dir" 2>/dev/null |
		/usr/bin/python3 -c 'import json, sys
print(next((o["value"] for o in json.load(sys.stdin) if o["name"] == "march"), "?"))' ||
		echo "?")
	[ "$march" = native ] ||
		echo "bench: $dir is built with -march=$march, not native: its figures are a portable build's (meson configure $dir -Dmarch=native)" >&2
	echo "$dir"
	exit 0
fi

dir=$top/build-native
if [ ! -f "$dir/build.ninja" ]; then
	echo "bench: configuring $dir (-Dmarch=native)" >&2
	meson setup "$dir" "$top" -Dmarch=native -Dtests=false >/dev/null
fi
ninja -C "$dir" >"$dir/ninja.log" 2>&1 || { tail -30 "$dir/ninja.log" >&2; exit 1; }
echo "$dir"
