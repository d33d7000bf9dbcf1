#!/bin/sh
# SPDX-License-Identifier: MIT
# mknetroot.sh OUT.cpio: the pod rootfs of the network lab test (tests/guest/net-xen.sh): a static
# busybox (sh, httpd), tests/guest/progs/t_net.c built with musl-gcc, and a page for httpd.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/www" "$tmp/tmp"
cp /bin/busybox "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
musl-gcc -static -O2 -o "$tmp/bin/t_net" "$here/progs/t_net.c"
echo "hello from a xenpod pod" >"$tmp/www/index.html"
(cd "$tmp" && find . | cpio -o -H newc --quiet) >"$out"
