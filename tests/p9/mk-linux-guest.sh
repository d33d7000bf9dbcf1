#!/bin/sh
# SPDX-License-Identifier: MIT
# mk-linux-guest.sh OUT.cpio.gz: the initramfs of the Linux conformance guest: this host's busybox and
# 9p modules, a lock probe, and an init that mounts the lab's 9pfs devices with Linux's own 9pnet_xen and exercises them.
set -eu
out=${1:?usage: mk-linux-guest.sh OUT.cpio.gz}
kver=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
top=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/mnt" "$root/ro" "$root/mods" "$root/tmp"
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
for m in fs/netfs/netfs fs/fscache/fscache net/9p/9pnet net/9p/9pnet_xen fs/9p/9p; do
	cp "/lib/modules/$kver/kernel/$m.ko" "$root/mods/"
done
# The lock probe: static, with musl (the guest has no C library).
${MUSL_GCC:-musl-gcc} -static -O2 -o "$root/bin/lockprobe" "$top/lockprobe.c"
cp "$top/linux-guest-init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
