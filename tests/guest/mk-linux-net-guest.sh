#!/bin/sh
# SPDX-License-Identifier: MIT
# mk-linux-net-guest.sh OUT.cpio.gz: the initramfs of the Linux network baseline guest: this host's
# busybox and xen-netfront module, tests/guest/progs/t_net.c and the pod's web page (tests/guest/net-xen.sh).
set -eu
out=${1:?usage: mk-linux-net-guest.sh OUT.cpio.gz}
kver=${KVER:-$(ls /lib/modules | sort -V | tail -1)}
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/mods" "$root/tmp" "$root/www"
cp /bin/busybox "$root/bin/busybox"
for app in $(/bin/busybox --list); do
	[ -e "$root/bin/$app" ] || ln -s busybox "$root/bin/$app"
done
cp "/lib/modules/$kver/kernel/drivers/net/xen-netfront.ko" "$root/mods/"
${MUSL_GCC:-musl-gcc} -static -O2 -o "$root/bin/t_net" "$here/progs/t_net.c"
echo "hello from a xenpod pod" >"$root/www/index.html"
cp "$here/linux-net-init" "$root/init"
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
