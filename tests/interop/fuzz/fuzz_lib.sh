#!/usr/bin/env bash
# What the libFuzzer tests of this folder share: the clang, ASan and
# coverage tree build-fuzz (meson option fuzz), set up once, and a target
# built in it. Sourced after `top` and a `fail` function are set.

# fuzz_build TARGET: builds TARGET (a path of the tree, e.g.
# tests/fuzz/nft/nfvpn-nft-fuzz) in $top/build-fuzz; sets bdir.
fuzz_build() {
	bdir=$top/build-fuzz
	command -v clang >/dev/null || fail "clang is not installed"
	if [ ! -f "$bdir/build.ninja" ]; then
		CC=clang meson setup "$bdir" "$top" -Dfuzz=true -Dtests=false -Dwerror=true \
			-Db_sanitize=address -Db_lundef=false \
			-Dc_args=-fsanitize=fuzzer-no-link > /dev/null || fail "meson setup"
	fi
	ninja -C "$bdir" "$1" > /dev/null || fail "build"
}
