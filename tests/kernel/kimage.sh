#!/bin/bash
# Sourced by the tests that boot Debian's kernel under qemu (tests/kernel,
# tests/interop/xfrm, tests/interop/flowtable): finds the kernel that
# linux-headers-amd64 names and caches its uncompressed vmlinux and its
# modules under tests/kernel/work/.
#
#   kimage_prepare   sets KVER, HVER, KDIR (headers), KIMG (the cache:
#                    KIMG/vmlinux, KIMG/modules/<path under kernel/>.ko)
#   kimage_copy_bins RD PROG... copies each PROG (a path) into the
#                    initramfs tree RD at the same path, with its shared
#                    libraries where the dynamic loader looks for them
#   kimage_modules ROOT... prints the .ko paths of ROOT modules (names as in
#                    modinfo, say esp4) and of what they depend on, each
#                    after its dependencies: the insmod order.
#   kimage_initramfs RD INIT OUT packs the initramfs tree RD into OUT
#                    with INIT as its /init and guest_lib.sh, which
#                    INIT sources, as /guest_lib.sh

KIMAGE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KIMAGE_WORK=$KIMAGE_DIR/work
# the module trees the tests use; the rest of the image is not kept
KIMAGE_TREES="net crypto lib drivers/net"

kimage_prepare() {
	local hdrpkg deb mod off
	hdrpkg=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 | sed -n 's/^\(linux-headers-[^ ,]*\).*/\1/p')
	KVER=${hdrpkg#linux-headers-}
	HVER=$(dpkg-query -W -f='${Version}' "$hdrpkg")
	KDIR=/usr/src/linux-headers-$KVER
	[ -d "$KDIR" ] || { echo "kimage: $KDIR missing: reinstall $hdrpkg" >&2; return 1; }
	KIMG=$KIMAGE_WORK/$KVER
	[ -s "$KIMG/vmlinux" ] && [ -f "$KIMG/modules/.complete" ] && return 0
	rm -rf "$KIMG" && mkdir -p "$KIMG/x"
	(cd "$KIMG" && apt-get download "linux-image-$KVER=$HVER" >/dev/null) ||
		{ echo "kimage: apt-get download linux-image-$KVER=$HVER failed" >&2; return 1; }
	deb=$(ls "$KIMG"/linux-image-*.deb)
	mod=./lib/modules/$KVER/kernel
	# shellcheck disable=SC2046
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$KIMG/x" "./boot/vmlinuz-$KVER" \
		$(for t in $KIMAGE_TREES; do echo "$mod/$t"; done) ||
		{ echo "kimage: cannot unpack $deb" >&2; return 1; }
	mv "$KIMG/x/$mod" "$KIMG/modules"
	# Our extract-vmlinux: the payload is the first xz stream of the bzImage;
	# the uncompressed ELF boots through its PVH note, much faster under TCG.
	off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$KIMG/x/boot/vmlinuz-$KVER" | head -n 1 | cut -d: -f1)
	[ -n "$off" ] || { echo "kimage: no xz payload in vmlinuz-$KVER" >&2; return 1; }
	tail -c +$((off + 1)) "$KIMG/x/boot/vmlinuz-$KVER" | xz -dc >"$KIMG/vmlinux.tmp" 2>/dev/null || true
	[ "$(head -c 4 "$KIMG/vmlinux.tmp" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
		{ echo "kimage: extracted vmlinux is not ELF" >&2; return 1; }
	mv "$KIMG/vmlinux.tmp" "$KIMG/vmlinux"
	rm -rf "$KIMG/x" "$deb"
	touch "$KIMG/modules/.complete"
}

kimage_copy_bins() {
	local rd=$1 prog lib
	shift
	for prog in "$@"; do
		mkdir -p "$rd$(dirname "$prog")"
		cp -L "$prog" "$rd$prog" || return 1
		for lib in $(ldd "$prog" | awk '/=> \// { print $3 } /^[ \t]*\/lib64/ { print $1 }'); do
			mkdir -p "$rd$(dirname "$lib")"
			cp -L "$lib" "$rd$lib" || return 1
		done
	done
}

kimage_modules() {
	/usr/bin/python3 - "$KIMG/modules" "$@" <<'EOP'
import os, re, sys
top, roots = sys.argv[1], sys.argv[2:]
path, deps = {}, {}
for d, _, files in os.walk(top):
    for f in files:
        if f.endswith(".ko"):
            name = f[:-3].replace("-", "_")
            path[name] = os.path.join(d, f)
def depends(name):
    if name not in deps:
        data = open(path[name], "rb").read()
        m = re.search(rb"depends=([^\0]*)\0", data)
        deps[name] = [x.replace("-", "_") for x in m.group(1).decode().split(",") if x] if m else []
    return deps[name]
order, seen = [], set()
def visit(name):
    if name in seen:
        return
    seen.add(name)
    if name not in path:
        sys.exit("kimage: no module %s in %s" % (name, top))
    for d in depends(name):
        visit(d)
    order.append(path[name])
for r in roots:
    visit(r.replace("-", "_"))
print("\n".join(order))
EOP
}

kimage_initramfs() {
	local rd=$1 init=$2 out=$3
	cp "$init" "$rd/init" && chmod +x "$rd/init" &&
		cp "$KIMAGE_DIR/guest_lib.sh" "$rd/guest_lib.sh" &&
		(cd "$rd" && find . | cpio -o -H newc --quiet) > "$out"
}

# kimage_boot LOG TIMEOUT INITRD APPEND [QEMU ARGS...]: boots KIMG/vmlinux
# under qemu (TCG, one CPU, the serial console into LOG without \r),
# prints the guest's PASS/FAIL lines; sets KIMAGE_RC (124: timeout).
# KIMAGE_NETNS: the network namespace qemu runs in (its tap is there).
kimage_boot() {
	local log=$1 timeout=$2 initrd=$3 append=$4
	shift 4
	KIMAGE_RC=0
	# shellcheck disable=SC2086
	${KIMAGE_NETNS:+ip netns exec "$KIMAGE_NETNS"} \
		timeout "$timeout" qemu-system-x86_64 -accel tcg -M pc -smp 1 -m 512 -nodefaults \
		-display none -serial stdio -no-reboot \
		-kernel "$KIMG/vmlinux" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 oops=panic loglevel=4 $append" "$@" \
		< /dev/null > "$log" 2>&1 || KIMAGE_RC=$?
	tr -d '\r' < "$log" > "$log.txt" && mv "$log.txt" "$log"
	grep -E '^(PASS|FAIL) ' "$log" || true
}

# kimage_verdict LOG NAME...: 0 when the guest of the last kimage_boot
# finished in time, printed "PASS NAME" for each NAME and no FAIL, and its
# kernel logged no warning or crash; else says what is wrong.
kimage_verdict() {
	local log=$1 bad=0 t
	shift
	[ "$KIMAGE_RC" -eq 124 ] && { echo "FAIL timeout"; bad=1; }
	grep -q '^GUEST DONE' "$log" || { echo "FAIL guest did not finish (rc $KIMAGE_RC)"; bad=1; }
	grep -q '^FAIL ' "$log" && bad=1
	for t in "$@"; do
		grep -q "^PASS $t\$" "$log" || { echo "FAIL missing: PASS $t"; bad=1; }
	done
	if grep -E 'WARNING:|BUG:|Oops|Call Trace|Kernel panic|unregister_netdevice: waiting|general protection' "$log"; then
		echo "FAIL kernel log shows a warning or a crash"
		bad=1
	fi
	return $bad
}
