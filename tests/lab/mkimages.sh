#!/bin/bash
# SPDX-License-Identifier: MIT
# mkimages.sh: build the lab's test images (directory, tar.gz, OCI layout) from static programs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: mkimages.sh OUTDIR}
rm -rf "$out"
mkdir -p "$out/rootfs/bin" "$out/rootfs/etc" "$out/rootfs/tmp"

musl-gcc -static -O2 -o "$out/rootfs/bin/hello" "$here/progs/hello.c"
musl-gcc -static -O2 -o "$out/rootfs/bin/sleeper" "$here/progs/sleeper.c"
musl-gcc -static -O2 -o "$out/rootfs/bin/getent" "$here/progs/getent.c"
musl-gcc -static -O2 -pthread -o "$out/rootfs/bin/smpstress" "$here/progs/smpstress.c"
cp /bin/busybox "$out/rootfs/bin/busybox"
for app in sh echo cat ls env true false sleep; do
	ln -s busybox "$out/rootfs/bin/$app"
done
echo "xenpod test image" >"$out/rootfs/etc/motd"
# Users for run --user (t_20): app is in staff as well; secret is root's.
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'app:x:1000:1000:app:/home/app:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$out/rootfs/etc/passwd"
printf '%s\n' 'root:x:0:' 'staff:x:50:app' 'app:x:1000:' 'nogroup:x:65534:' \
	>"$out/rootfs/etc/group"
echo "root only" >"$out/rootfs/etc/secret"
chmod 0600 "$out/rootfs/etc/secret"
chmod 1777 "$out/rootfs/tmp"

# A tarball and a newc cpio of the same tree.
tar -C "$out/rootfs" -czf "$out/rootfs.tar.gz" .
(cd "$out/rootfs" && find . | cpio -o -H newc --quiet) >"$out/rootfs.cpio"

# An OCI image layout: one layer plus a config with Cmd and Env, as skopeo writes it.
oci=$out/oci
mkdir -p "$oci/blobs/sha256"
blob() { # store stdin as a blob, print its digest and size
	local tmp=$oci/blob.tmp d
	cat >"$tmp"
	d=$(sha256sum "$tmp" | cut -d' ' -f1)
	mv "$tmp" "$oci/blobs/sha256/$d"
	echo "$d $(stat -c %s "$oci/blobs/sha256/$d")"
}
read -r layer layer_size < <(tar -C "$out/rootfs" -czf - . | blob)
read -r diffid _ < <(gunzip -c "$oci/blobs/sha256/$layer" | sha256sum)
read -r config config_size < <(printf '%s' '{"architecture":"amd64","os":"linux",'\
'"config":{"Cmd":["/bin/hello","from-oci"],"Env":["OCI_VAR=from-config"],"WorkingDir":"/"},'\
'"rootfs":{"type":"layers","diff_ids":["sha256:'"$diffid"'"]}}' | blob)
read -r manifest manifest_size < <(printf '%s' '{"schemaVersion":2,'\
'"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'"$config"'","size":'"$config_size"'},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:'"$layer"'","size":'"$layer_size"'}]}' | blob)
printf '%s' '{"imageLayoutVersion":"1.0.0"}' >"$oci/oci-layout"
printf '%s' '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"digest":"sha256:'"$manifest"'","size":'"$manifest_size"'}]}' >"$oci/index.json"
echo "images in $out: rootfs/ rootfs.tar.gz rootfs.cpio oci/"
