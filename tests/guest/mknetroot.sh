#!/bin/sh
# SPDX-License-Identifier: MIT
# mknetroot.sh OUT.cpio: the pod rootfs of the network lab test (tests/guest/net-xen.sh): a static
# busybox (sh, httpd), tests/guest/progs/t_net.c built with musl-gcc, tests/guest/go/gohttp.go
# (a static Go net/http server), and a page for httpd.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin" "$tmp/www" "$tmp/tmp"
cp /bin/busybox "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
musl-gcc -static -O2 -o "$tmp/bin/t_net" "$here/progs/t_net.c"
mkdir -p "$tmp/.go"
(cd "$here/go" && HOME=$tmp/.go GOCACHE=$tmp/.go/cache GOPATH=$tmp/.go/path \
	GOFLAGS= GO111MODULE=off CGO_ENABLED=0 go build -o "$tmp/bin/gohttp" gohttp.go)
rm -rf "$tmp/.go"
echo "hello from a xenpod pod" >"$tmp/www/index.html"
(cd "$tmp" && find . | cpio -o -H newc --quiet) >"$out"
