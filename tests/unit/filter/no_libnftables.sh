#!/usr/bin/env bash
# The dataplane links libnftnl's parser only: nft text is compiled by
# nfvpn-nftc (control/nftc) outside the DPDK process. Fails when
# nfvpn-dataplane is linked with libnftables, or when the filter module's
# library calls any function of it.
#   no_libnftables.sh NFVPN_DATAPLANE LIBNFVPN_FILTER.a NFVPN_NFTC
set -u
dp=$1 lib=$2 nftc=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

# the compiler does link it: the names it exports
so=$(ldd "$nftc" | awk '/libnftables/ { print $3 }')
[ -r "$so" ] || fail "$nftc does not link libnftables: nothing to compare with"
exported=$(nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' | sort -u)
# uses ARCHIVE: the names of libnftables that ARCHIVE calls
uses() { comm -12 <(echo "$exported") <(nm -u "$1" 2>/dev/null | awk '{ print $2 }' | sort -u); }

# the check sees a call where there is one: the compiler's library
[ -n "$(uses "$(dirname "$nftc")/libnfvpn_nftc.a")" ] ||
	fail "no call of libnftables seen in the compiler's library: the check is blind"
if ldd "$dp" | grep -q nftables; then
	fail "$dp links libnftables: $(ldd "$dp" | grep nftables)"
fi
used=$(uses "$lib")
[ -z "$used" ] || fail "$lib calls libnftables: $(echo $used)"
echo "ok: $(basename "$dp") and $(basename "$lib") do not use $(basename "$so")"
