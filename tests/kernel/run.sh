#!/bin/bash
# Kernel stub test: build nfvpn_stub.ko against Debian's linux-headers-amd64
# with W=1 (no warning allowed), then boot the matching Debian kernel under
# qemu (TCG, no KVM) with a busybox initramfs whose /init (guest.sh) loads
# the module and checks steering end to end. Never loads anything on the host.
#
# Installs nothing; needs the packages listed in ci/packages.txt
# (linux-headers-amd64 qemu-system-x86 busybox-static cpio xz-utils gcc make)
# and apt access to download (not install) the matching linux-image .deb,
# cached in tests/kernel/work/.
#
# Exit status non-zero on a build warning, a FAIL, a missing PASS, a
# timeout, or a kernel WARNING/BUG/oops in the guest log.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$HERE/work
TIMEOUT=${NFVPN_KTEST_TIMEOUT:-120}

die() { echo "tests/kernel: $*" >&2; exit 1; }

# --- prerequisites -----------------------------------------------------------
missing=()
for cmd in qemu-system-x86_64 cpio xz gcc make dpkg-deb apt-get timeout; do
	command -v "$cmd" >/dev/null || missing+=("$cmd")
done
[ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 || missing+=("busybox-static")
dpkg-query -W -f='${Status}' linux-headers-amd64 2>/dev/null | grep -q "ok installed" ||
	missing+=("linux-headers-amd64")
[ ${#missing[@]} -eq 0 ] ||
	die "missing prerequisites: ${missing[*]} (apt-get install the packages of ci/packages.txt)"

# The headers meta-package names the exact ABI; the image must be the same build.
. "$HERE/kimage.sh"
kimage_prepare || die "no kernel image"
echo "tests/kernel: kernel $KVER ($HVER)"

mkdir -p "$WORK"

# --- 1. module, W=1, no warnings --------------------------------------------
BUILD_LOG=$WORK/build.log
make -C "$ROOT/kernel" KDIR="$KDIR" clean >/dev/null 2>&1 || true
if ! make -C "$ROOT/kernel" KDIR="$KDIR" W=1 >"$BUILD_LOG" 2>&1; then
	cat "$BUILD_LOG"
	die "module build failed"
fi
if grep -qi "warning:" "$BUILD_LOG"; then
	grep -i -B2 -A4 "warning:" "$BUILD_LOG"
	echo "FAIL module-build-no-warnings"
	exit 1
fi
echo "PASS module-build-no-warnings"

# --- 2. static userspace: nfvpn-steer and ktool ------------------------------
CFLAGS="-std=gnu11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -static"
STEER=$ROOT/control/steer
# nfvpn-steer --version: the nfv_build.h that meson makes from meson.build
printf '#define NFV_VERSION "%s"\n' \
	"$(sed -n "s/^ *version: '\(.*\)',\$/\1/p" "$ROOT/meson.build" | head -1)" > "$WORK/nfv_build.h"
gcc $CFLAGS -I"$STEER" -I"$ROOT/kernel/uapi" -I"$WORK" -o "$WORK/nfvpn-steer" \
	"$STEER/nfv_steer.c" "$STEER/nfv_steer_read.c" "$STEER/nfv_steer_msg.c" "$STEER/nfv_steer_parse.c" \
	"$STEER/nfvpn_steer.c" 2>&1 | grep -v "getaddrinfo\|Using '" || true
[ -x "$WORK/nfvpn-steer" ] || die "nfvpn-steer build failed"
gcc $CFLAGS -o "$WORK/ktool" "$HERE/ktool.c" || die "ktool build failed"

# --- 3. the matching Debian kernel: kimage_prepare above -----------------------
IMG=$KIMG

# --- 4. initramfs ---------------------------------------------------------
RD=$WORK/initramfs
rm -rf "$RD" && mkdir -p "$RD"/{bin,lib,proc,sys,dev,tmp}
cp /bin/busybox "$RD/bin/"
cp "$WORK/nfvpn-steer" "$WORK/ktool" "$RD/bin/"
cp "$IMG/modules/drivers/net/tun.ko" "$IMG/modules/drivers/net/veth.ko" "$RD/lib/"
cp "$ROOT/kernel/nfvpn_stub.ko" "$RD/"
kimage_initramfs "$RD" "${NFVPN_KTEST_GUEST:-$HERE/guest.sh}" "$WORK/initramfs.cpio" ||
	die "initramfs"

# --- 5. boot ----------------------------------------------------------------
LOG=$WORK/guest.log
kimage_boot "$LOG" "$TIMEOUT" "$WORK/initramfs.cpio" "${NFVPN_KTEST_APPEND:-}"

# --- 6. verdict --------------------------------------------------------------
EXPECTED="load genl-family target replace list-order
out4-udp-steered out6-udp-steered out4-icmp-steered out6-icmp-steered
out4-pass-not-steered out4-nomatch-not-steered out4-nomatch-delivered out6-nomatch-delivered
pre4-steered-bytes-intact pre6-steered-bytes-intact pre4-nomatch-delivered pre6-nomatch-delivered
pre-nomatch-not-steered counter-v4-udp counter-v6-udp counter-pass counter-icmp counter-steered
extack-ports extack-dup-id extack-position add-at-head first-match-wins del del-gone
replace-same counters-kept-on-replace target-down-counted replace-under-traffic flood-steered
target-unregistered target-unregistered-no-hang no-target-counted tap-target tap-frame
veth-target veth-frame tap-target-again
unload-under-traffic unloaded reload reload-clean reload-steers unload target-released"
bad=0
# shellcheck disable=SC2086
kimage_verdict "$LOG" $EXPECTED || bad=1
if [ $bad -ne 0 ]; then
	echo "tests/kernel: FAILED, guest log: $LOG"
	exit 1
fi
echo "tests/kernel: all $(echo $EXPECTED | wc -w) guest checks passed"
