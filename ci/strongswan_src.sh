#!/usr/bin/env bash
# Prepares the strongSwan source that the charon plugin (control/charon,
# libstrongswan-nfvpn.so) is built against: Debian's source package of the
# charon installed here, its patches applied, configured for its headers
# and config.h only (no strongSwan build), in DIR (default
# build-strongswan/strongswan, where meson looks). Quick when done: about
# 20 s of configure the first time.
#
# The ABI: the plugin gets charon's structs (daemon_t, the kernel_ipsec_*
# arguments) by pointer, so their layout must be charon's. In the headers
# the plugin includes, it depends on one of Debian's options,
# --enable-mediation (#ifdef ME in daemon.h), and on the HAVE_* checks of
# this same system; every other option of debian/rules only adds plugins.
# tests/interop/ike checks the result in Debian's charon.
set -eu
. "$(dirname "$0")/lib.sh"
dir=${1:-$NFV_TOP/build-strongswan/strongswan}
[ -f "$dir/config.h" ] && exit 0

installed=$(dpkg-query -W -f='${source:Version}' libstrongswan 2>/dev/null) ||
	{ echo "libstrongswan is not installed (ci/packages.txt)" >&2; exit 1; }
upstream=${installed%%-*}

# apt-get source needs a deb-src entry: Debian's own mirror, as the
# binary packages' entry names it
src_list=/etc/apt/sources.list.d/nfvpn-deb-src.sources
if ! apt-get source --print-uris -qq strongswan >/dev/null 2>&1; then
	nfv_log "adding deb-src entries for Debian's mirror ($src_list)"
	cat > "$src_list" <<EOS
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	apt-get update -qq >/dev/null
fi

work=$(dirname "$dir")/src
rm -rf "$work"
mkdir -p "$work"
cd "$work"
# the installed version first; a mirror that misses it (the security
# archive's pool lags behind) gives the newest source of the same upstream
# release: Debian's updates of a release are patches that keep its ABI
if ! apt-get source -qq "strongswan=$installed" >/dev/null 2>&1; then
	nfv_log "strongswan $installed: no source in the mirror, taking the newest $upstream"
	apt-get source -qq strongswan >/dev/null 2>&1 ||
		apt-get source -qq strongswan/bookworm >/dev/null 2>&1 ||
		{ echo "apt-get source strongswan failed" >&2; exit 1; }
fi
src=$(find "$work" -maxdepth 1 -type d -name "strongswan-$upstream" | head -1)
[ -n "$src" ] || { echo "no strongswan-$upstream in $work (charon is $installed)" >&2; exit 1; }
nfv_log "configuring $(basename "$src") ($(dpkg-parsechangelog -l "$src/debian/changelog" -S Version))"
cd "$src"
./configure --prefix=/usr --sysconfdir=/etc --libdir=/usr/lib --libexecdir=/usr/lib \
	--disable-defaults --enable-charon --enable-mediation --disable-gmp \
	> "$work/configure.log" 2>&1 || { tail -20 "$work/configure.log" >&2; exit 1; }
grep -q "^#define VERSION \"$upstream\"" config.h ||
	{ echo "config.h is not strongSwan $upstream" >&2; exit 1; }
ln -sfn "$src" "$dir"
