#!/usr/bin/env bash
# Builds the Debian packages of the tree (dpkg-buildpackage -us -uc -b, from
# a copy of the tree's files, so that nothing is written beside it) and
# checks them as an operator would get them (tests/smoke/package_check.sh):
# unpacked, the files, units, manual pages, completion, client library, both
# units started on the example policy; the DKMS package's module built for
# the kernel headers that are installed.
#   ci/package.sh [--build-only|--check-only] [OUTDIR]
#       (OUTDIR default build-deb; the .debs stay there)
# ci/test.sh runs it (about a minute here once the packages are in): the
# build in the background at the lowest priority, the check in turn.
# nfvpn-strongswan-plugin (the charon plugin) too: against the strongSwan
# source of ci/strongswan_src.sh (which ci/test.sh prepares first; run here
# when missing), with the build profile pkg.nfvpn.charon (debian/rules).
set -u
. "$(dirname "$0")/lib.sh"
cd "$NFV_TOP" || exit 1
step=all
case ${1:-} in
--build-only) step=build; shift ;;
--check-only) step=check; shift ;;
esac
out=$(realpath -m "${1:-build-deb}")

nfv_install_deps || { echo "cannot install the packages of ci/packages.txt" >&2; exit 1; }
# what dpkg-buildpackage needs beyond ci/packages.txt, and dkms for the check
missing=()
for p in debhelper dh-dkms fakeroot dkms lintian; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	nfv_log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null || exit 1
fi
nfv_hugepages

if [ "$step" != check ]; then
	version=$(dpkg-parsechangelog -l debian/changelog -S Version)
	src=$out/src/nfvpn-$version
	rm -rf "$out/src" "$out"/*.deb
	mkdir -p "$src"
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 cp --parents -t "$src" || exit 1

	ss_src=$NFV_TOP/build-strongswan/strongswan
	bash ci/strongswan_src.sh "$ss_src" ||
		{ echo "FAIL: no strongSwan source for nfvpn-strongswan-plugin" >&2; exit 1; }

	nfv_log "dpkg-buildpackage -us -uc -b -Ppkg.nfvpn.charon ($version)"
	t0=$SECONDS
	(cd "$src" && DEB_BUILD_OPTIONS="parallel=$(nproc)" NFVPN_STRONGSWAN_SRC=$ss_src \
		dpkg-buildpackage -us -uc -b -Ppkg.nfvpn.charon) \
		> "$out/build.log" 2>&1 || { tail -40 "$out/build.log"; echo "FAIL: dpkg-buildpackage" >&2; exit 1; }
	nfv_log "built in $((SECONDS - t0)) s:"
	(cd "$out/src" && ls -1 ./*.deb) | sed 's|^\./|  |'
	mv "$out/src/"*.deb "$out/"

	# lintian: errors fail, the rest is shown
	lintian --tag-display-limit 0 "$out"/*.deb > "$out/lintian.log" 2>&1
	sed 's/^/  lintian: /' "$out/lintian.log"
	! grep -q '^E: ' "$out/lintian.log" || { echo "FAIL: lintian errors" >&2; exit 1; }
fi
[ "$step" = build ] && exit 0

t0=$SECONDS
flock "${NFV_DPDK_LOCK:-/tmp/nfvpn-dpdk.lock}" \
	bash tests/smoke/package_check.sh "$out" || exit 1
nfv_log "checked in $((SECONDS - t0)) s"
