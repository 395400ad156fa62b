#!/bin/busybox sh
# Sourced first by the /init of the guests that kimage_initramfs packs
# (tests/kernel/guest.sh, tests/interop/flowtable/guest.sh,
# tests/interop/xfrm/guest.sh): busybox's applets on PATH, the kernel's
# file systems.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /tmp && mount -t tmpfs tmp /tmp
echo "GUEST START $(uname -r)"

# guest_modules: loads the modules of /lib/modules/order (kimage_modules'
# order, one file name a line)
guest_modules() {
	for m in $(cat /lib/modules/order); do
		insmod "/lib/modules/$m" || echo "FAIL insmod $m"
	done
}
