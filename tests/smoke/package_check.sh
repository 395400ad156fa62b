#!/usr/bin/env bash
# The Debian packages of ci/package.sh, as a fresh Debian 12 gets them:
#   tests/smoke/package_check.sh DEBDIR
# Every .deb is unpacked into one root (as dpkg would install them); then
# the checks of install_test.sh (install_lib.sh) with the packages' paths,
# --prefix /usr: programs and --version, units (systemd-analyze verify),
# manual pages, completion, a client built with pkg-config from
# libnfvpn-client-dev, both units started as systemd would in a network
# namespace with the example policy and README's first run on it (traffic,
# nfvpnctl capture and dpdk-dumpcap, nfvpnctl's counts: install_run.sh),
# and Debian's charon started there with
# the packaged configuration, taking nfvpn-strongswan-plugin as its
# kernel-ipsec on the running dataplane; and the module of nfvpn-stub-dkms built
# by dkms for every kernel whose headers are installed, in a DKMS tree of
# its own (nothing is installed on the host).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/install_lib.sh"

debs=$(realpath "${1:?usage: package_check.sh DEBDIR}")
ROOT=$WORK/root
mkdir -p "$ROOT"
for d in nfvpn libnfvpn-client-dev nfvpn-stub-dkms nfvpn-strongswan-plugin; do
	deb=$(ls "$debs"/${d}_*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || fail "no ${d}_*.deb in $debs"
	dpkg-deb -x "$deb" "$ROOT" || fail "dpkg-deb -x $deb"
done
VERSION=$(dpkg-deb -f "$(ls "$debs"/nfvpn_*.deb | head -1)" Version)
VERSION=${VERSION%%-*}
PREFIX=/usr BINDIR=/usr/bin ETC=/etc DATADIR=/usr/share MANDIR=/usr/share/man
LIBEXECDIR=/usr/libexec
LIBDIR=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH) INCLUDEDIR=/usr/include
UNITDIR=/lib/systemd/system COMPLDIR=/usr/share/bash-completion/completions

# their dependencies resolve on this Debian (what apt would install)
apt-get install -s -qq --no-install-recommends "$debs"/nfvpn_*.deb \
	"$debs"/libnfvpn-client-dev_*.deb "$debs"/nfvpn-stub-dkms_*.deb \
	"$debs"/nfvpn-strongswan-plugin_*.deb > "$WORK/apt.log" 2>&1 ||
	fail "apt-get install -s: $(tail -20 "$WORK/apt.log")"
# the maintainer scripts enable the units (dh_installsystemd)
dpkg-deb -e "$(ls "$debs"/nfvpn_*.deb | head -1)" "$WORK/control"
grep -q 'deb-systemd-helper.*nfvpn-dataplane.service' "$WORK/control/postinst" ||
	fail "the postinst does not enable nfvpn-dataplane.service"

inst_files
inst_units
inst_man
inst_completion
inst_client

# nfvpn-strongswan-plugin: the plugin with its one symbol, pinned to the
# strongSwan it was built against, which is the one installed here
so=$ROOT/usr/lib/ipsec/plugins/libstrongswan-nfvpn.so
[ -f "$so" ] || fail "no /usr/lib/ipsec/plugins/libstrongswan-nfvpn.so"
syms=$(nm -D --defined-only "$so" | awk '{ print $3 }' | tr '\n' ' ')
[ "$syms" = "nfvpn_plugin_create " ] || fail "the charon plugin exports: $syms"
dep=$(dpkg-deb -f "$(ls "$debs"/nfvpn-strongswan-plugin_*.deb | head -1)" Depends)
ss=$(dpkg-query -W -f='${Version}' strongswan-libcharon)
grep -q "strongswan-libcharon (= $ss)" <<<"$dep" ||
	fail "nfvpn-strongswan-plugin depends on '$dep', not strongswan-libcharon (= $ss)"
[ -f "$ROOT/etc/strongswan.d/nfvpn.conf" ] || fail "no /etc/strongswan.d/nfvpn.conf"
# the drop-ins order Debian's strongSwan units after the dataplane
for u in strongswan.service strongswan-starter.service; do
	grep -qx 'After=nfvpn-dataplane.service' "$ROOT$UNITDIR/$u.d/nfvpn.conf" ||
		fail "no $UNITDIR/$u.d/nfvpn.conf ordering it after nfvpn-dataplane.service"
done
mkdir -p "$WORK/units/strongswan-starter.service.d"
cp /lib/systemd/system/strongswan-starter.service "$WORK/units/"
cp "$ROOT$UNITDIR/strongswan-starter.service.d/nfvpn.conf" "$WORK/units/strongswan-starter.service.d/"
out=$(systemd-analyze verify "$WORK/units/strongswan-starter.service" 2>&1) ||
	fail "systemd-analyze verify strongswan-starter.service with the drop-in: $out"
[ -z "$out" ] || fail "systemd-analyze verify strongswan-starter.service with the drop-in: $out"

INST_CHARON=1 inst_run

# the DKMS package: its module builds against each installed kernel's headers
src=$(ls -d "$ROOT"/usr/src/nfvpn-stub-* 2>/dev/null | head -1)
[ -f "$src/dkms.conf" ] || fail "no dkms.conf in /usr/src/nfvpn-stub-*"
kvers=$(ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sed 's|.*/linux-headers-||')
[ -n "$kvers" ] || fail "no kernel headers (linux-headers-amd64) to build the module with"
mkdir -p "$WORK/dkms"
for k in $kvers; do
	{ [ -d "$WORK/dkms/nfvpn-stub/$VERSION" ] ||
		dkms add -m nfvpn-stub -v "$VERSION" --sourcetree "$ROOT/usr/src" --dkmstree "$WORK/dkms"
	  dkms build -m nfvpn-stub -v "$VERSION" -k "$k" --sourcetree "$ROOT/usr/src" \
		--dkmstree "$WORK/dkms"; } > "$WORK/dkms-$k.log" 2>&1 ||
		fail "dkms build for $k: $(tail -20 "$WORK/dkms-$k.log")"
	ko=$(find "$WORK/dkms" -name 'nfvpn_stub.ko*' -path "*/$k/*" | head -1)
	[ -n "$ko" ] || fail "dkms build for $k made no nfvpn_stub.ko"
	echo "dkms: $(modinfo -F vermagic "$ko" | cut -d' ' -f1): $(basename "$ko")"
done
echo "PASS: package_check ($PREFIX)"
