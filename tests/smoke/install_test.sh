#!/usr/bin/env bash
# meson install into a DESTDIR, then what an operator gets from it
# (install_lib.sh): the programs with --version, the units (systemd-analyze
# verify), the manual pages (man -l), the bash completion, a client built
# with pkg-config against the installed header and library, and both units
# started as systemd would start them, with the example policy, and
# README's first run on it:
#
#   netns dp, its own mounts: DESTDIR's usr over /usr, a tmpfs /run
#     unit_run.py nfvpn-dataplane.service (firewall.yaml: TAP ports
#     fw-inside, fw-outside) --READY=1--> unit_run.py nfvpnd.service;
#     nfvpnctl status, daemon; the client; fw-inside and fw-outside into
#     namespaces of their own, pings through the firewall captured by
#     nfvpnctl capture and dpdk-dumpcap (tshark counts them), nfvpnctl
#     stats, hooks, ports, conntrack, ruleset counting them; reload; stop
# Without hugepages (NFV_EAL_MEM --no-huge) nothing can attach to the
# dataplane: the captures are left out, and it says so.
#
# The build is NFV_BUILD's (its prefix, /usr/local by default); ci/package.sh
# runs the same checks on the Debian packages (prefix /usr).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/install_lib.sh"

ROOT=$WORK/root
DESTDIR=$ROOT meson install -C "$NFV_BUILD" --no-rebuild --quiet > "$WORK/install.log" 2>&1 ||
	fail "meson install: $(tail -20 "$WORK/install.log")"

# the build's paths, from meson
eval "$(meson introspect --buildoptions "$NFV_BUILD" | /usr/bin/python3 -c '
import json, os, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
p = o["prefix"]
def path(name): return os.path.join(p, o[name])
print("PREFIX=%s BINDIR=%s ETC=%s DATADIR=%s MANDIR=%s LIBDIR=%s INCLUDEDIR=%s LIBEXECDIR=%s MARCH=%s" % (
    p, path("bindir"), path("sysconfdir"), path("datadir"), path("mandir"),
    path("libdir"), path("includedir"), path("libexecdir"), o["march"]))
')"
VERSION=$(meson introspect --projectinfo "$NFV_BUILD" | /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["version"])')
UNITDIR=$(cd "$ROOT" && find . -name nfvpn-dataplane.service -printf '/%h\n' | sed 's|^/\./|/|')
COMPLDIR=$DATADIR/bash-completion/completions
[ -n "$UNITDIR" ] || fail "no nfvpn-dataplane.service installed"
[ "$PREFIX" != /usr/local ] || [ "$UNITDIR" = /usr/local/lib/systemd/system ] ||
	fail "units in $UNITDIR, expected /usr/local/lib/systemd/system"

inst_files
inst_units
inst_man
inst_completion
inst_client
inst_run
# the charon plugin, when this build has it (docs/ike.md): in charon's
# plugin folder whatever the prefix, its one symbol exported
if [ -f "$NFV_BUILD/control/charon/libstrongswan-nfvpn.so" ]; then
	so=$ROOT/usr/lib/ipsec/plugins/libstrongswan-nfvpn.so
	[ -f "$so" ] || fail "no /usr/lib/ipsec/plugins/libstrongswan-nfvpn.so"
	syms=$(nm -D --defined-only "$so" | awk '{ print $3 }' | tr '\n' ' ')
	[ "$syms" = "nfvpn_plugin_create " ] || fail "the charon plugin exports: $syms"
	# its strongswan.conf snippet and the drop-ins ordering charon after the dataplane
	for f in "$ETC/strongswan.d/nfvpn.conf" "$UNITDIR/strongswan.service.d/nfvpn.conf" \
		"$UNITDIR/strongswan-starter.service.d/nfvpn.conf"; do
		[ -f "$ROOT$f" ] || fail "no $f"
	done
fi
echo "PASS: install_test ($PREFIX)"
