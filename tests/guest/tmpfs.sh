#!/bin/sh
# SPDX-License-Identifier: MIT
# tmpfs.sh: tmpfs mounts and a read-only root under plain QEMU (spec tokens "tmpfs=SIZE,MODE,RO,PATH"
# and "readonly=1" on the command line): t_tmpfs against the same binary on Linux tmpfs mounts
# (size=1m,mode=1777 and ro,mode=750, in a mount namespace; needs root), then busybox on the
# guest alone: df and /proc/mounts, the default size, and EROFS everywhere on a read-only root
# but in a tmpfs, /dev and /proc.
# Usage: tests/guest/tmpfs.sh PATH/TO/xenpod-kernel
# Prints PASS:/FAIL: lines; exits non-zero if any check failed.

KERNEL=${1:?usage: $0 PATH/TO/xenpod-kernel}
QEMU=${QEMU:-qemu-system-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
WORK=$(mktemp -d) || exit 1
trap 'umount "$WORK/mnt/rw" "$WORK/mnt/ro" 2>/dev/null; rm -rf "$WORK"' EXIT
ROOT=$WORK/root
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

# guest NAME SPEC: boots the kernel (128 MiB); the console minus kernel lines in $WORK/NAME.guest.
guest() {
	timeout 120 "$QEMU" -machine q35 -m 128 -accel tcg -kernel "$KERNEL" \
		-initrd "$WORK/root.cpio" -append "$2" -serial stdio \
		-display none -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=2 \
		</dev/null >"$WORK/$1.raw" 2>"$WORK/$1.err"
	rc=$?
	tr -d '\r' <"$WORK/$1.raw" | sed '/^xenpod-kernel: /d; /^init: tmpfs mounted/d' >"$WORK/$1.guest"
	if [ $rc -eq 124 ]; then GUEST_RC=timeout
	elif [ $((rc % 2)) -eq 1 ]; then GUEST_RC=$(((rc - 1) / 2))
	else GUEST_RC="qemu-status-$rc"; fi
}

[ -f "$KERNEL" ] || { fail setup "no kernel at $KERNEL"; exit 1; }
for tool in gcc cpio unshare "$QEMU"; do
	command -v "$tool" >/dev/null || { fail setup "$tool not found"; exit 1; }
done
[ "$(id -u)" = 0 ] || { fail setup "the Linux oracle mounts tmpfs: run as root"; exit 1; }
mkdir -p "$ROOT/bin" "$ROOT/etc" "$ROOT/data" "$WORK/mnt/rw" "$WORK/mnt/ro" "$WORK/out"
for p in t_tmpfs t_rofs t_inotify; do
	gcc -static -O2 -Wall -Wno-unused-result -o "$ROOT/bin/$p" "$SRC/tmpfs/$p.c" ||
		{ fail build "$p"; exit 1; }
done
cp "$BUSYBOX" "$ROOT/bin/busybox"
for a in sh df cat grep echo mkdir rm touch mv ln chmod stat awk ls wc; do
	ln -s busybox "$ROOT/bin/$a"
done
echo image >"$ROOT/data/file"
mkdir "$ROOT/data/dir" "$ROOT/data/ino"
mkdir -p "$ROOT/run" && echo hidden >"$ROOT/run/old"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$ROOT/etc/passwd"
(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$WORK/root.cpio"

# 1. The same program on Linux tmpfs mounts and on ours.
guest prog "tmpfs=1048576,1777,0,/mnt/rw tmpfs=0,750,1,/mnt/ro -- /bin/t_tmpfs /mnt/rw /mnt/ro /data"
unshare -m sh -c "mount -t tmpfs -o size=1m,mode=1777 tmpfs '$WORK/mnt/rw' &&
	mount -t tmpfs -o ro,mode=750 tmpfs '$WORK/mnt/ro' &&
	'$ROOT/bin/t_tmpfs' '$WORK/mnt/rw' '$WORK/mnt/ro' '$WORK/out'" >"$WORK/prog.host" 2>&1
HOST_RC=$?
if [ "$GUEST_RC" != "$HOST_RC" ]; then
	fail "t_tmpfs" "exit code $GUEST_RC in the guest, $HOST_RC on the host"
elif ! cmp -s "$WORK/prog.guest" "$WORK/prog.host"; then
	fail "t_tmpfs" "output differs from Linux's"
	diff -u "$WORK/prog.host" "$WORK/prog.guest" | head -n 40 | sed 's/^/    /'
	grep '^xenpod-kernel: ' "$WORK/prog.raw" | tail -n 5 | sed 's/^/    /'
else
	pass "t_tmpfs: size limit, statfs, fallocate, EXDEV/EBUSY, read-only mount as Linux ($(wc -l <"$WORK/prog.host") lines)"
fi

# inotify (issue 13): the same program on a Linux tmpfs and in the guest's root.
guest ino "-- /bin/t_inotify /data/ino"
unshare -m sh -c "mount -t tmpfs tmpfs '$WORK/mnt/rw' && mkdir '$WORK/mnt/rw/ino' &&
	'$ROOT/bin/t_inotify' '$WORK/mnt/rw/ino'" >"$WORK/ino.host" 2>&1
if [ "$GUEST_RC" = 0 ] && cmp -s "$WORK/ino.guest" "$WORK/ino.host"; then
	pass "t_inotify: events, merging, oneshot, overflow, poll/epoll and errors as Linux ($(grep -c '^wd=' "$WORK/ino.host") events)"
else
	fail "t_inotify" "rc $GUEST_RC"
	diff -u "$WORK/ino.host" "$WORK/ino.guest" | head -n 60 | sed 's/^/    /'
fi

# 2. busybox: df, /proc/mounts, the default size (half of the pod's memory), a covered directory.
cat >"$ROOT/bb.sh" <<'SH'
df -k /run | awk 'NR==2 { print "df", $2, $3, $4 }'
grep '^tmpfs' /proc/mounts
ls /run | wc -l
awk '/MemTotal/ { print "memtotal", $2 }' /proc/meminfo
df -k /big | awk 'NR==2 { print "big", $2 }'
SH
(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$WORK/root.cpio"
guest bb "tmpfs=65536,1777,0,/run tmpfs=0,1777,0,/big -- /bin/sh /bb.sh"
df_line=$(grep '^df ' "$WORK/bb.guest")
if [ "$df_line" = "df 64 0 64" ]; then
	pass "df -k of a 64 KiB tmpfs: $df_line"
else
	fail "df of a tmpfs" "$(cat "$WORK/bb.raw" | tail -n 8)"
fi
if grep -qx 'tmpfs /run tmpfs rw,size=64k,mode=1777 0 0' "$WORK/bb.guest" &&
	grep -q '^tmpfs /big tmpfs rw,size=[0-9]*k,mode=1777 0 0$' "$WORK/bb.guest"; then
	pass "/proc/mounts lists both tmpfs mounts"
else
	fail "/proc/mounts" "$(grep tmpfs "$WORK/bb.guest")"
fi
if [ "$(grep -x '[0-9]*' "$WORK/bb.guest" | head -n 1)" = 0 ]; then
	pass "the image's /run is covered by the tmpfs (empty)"
else
	fail "covered directory" "$(cat "$WORK/bb.guest")"
fi
total=$(awk '/^memtotal/ { print $2 }' "$WORK/bb.guest")
big=$(awk '/^big/ { print $2 }' "$WORK/bb.guest")
# Half of the pages the kernel manages, within a page of MemTotal / 2.
if [ -n "$total" ] && [ -n "$big" ] && [ $((total / 2 - big)) -le 4 ] &&
	[ $((big - total / 2)) -le 4 ]; then
	pass "default size: $big KiB, half of MemTotal $total KiB"
else
	fail "default size" "big $big, MemTotal $total"
fi

# 3. A read-only root: every change EROFS but in a tmpfs, /dev and /proc; t_rofs as on a
# read-only Linux tmpfs (remounted ro over the same file and directory).
guest rofs "readonly=1 -- /bin/t_rofs /data"
unshare -m sh -c "mount -t tmpfs tmpfs '$WORK/mnt/rw' && echo image >'$WORK/mnt/rw/file' &&
	mkdir '$WORK/mnt/rw/dir' && mount -o remount,ro '$WORK/mnt/rw' &&
	'$ROOT/bin/t_rofs' '$WORK/mnt/rw'" >"$WORK/rofs.host" 2>&1
if [ "$GUEST_RC" = 0 ] && cmp -s "$WORK/rofs.guest" "$WORK/rofs.host"; then
	pass "t_rofs: every change to a read-only root fails as on Linux ($(wc -l <"$WORK/rofs.host") calls)"
else
	fail "t_rofs" "rc $GUEST_RC"
	diff -u "$WORK/rofs.host" "$WORK/rofs.guest" | head -n 40 | sed 's/^/    /'
fi
cat >"$ROOT/ro.sh" <<'SH'
try() { if "$@" 2>/run/e; then echo "$*: ok"; else echo "$*: $(cat /run/e)"; fi; }
try touch /newfile
try mkdir /newdir
try rm -f /data/file
try mv /data/file /data/moved
try chmod 600 /data/file
try ln -s x /data/link
try sh -c 'echo x >>/data/file'
try sh -c 'echo x >/run/file'
try sh -c 'echo x >/dev/null'
try cat /data/file
try mkdir /dev/shm
SH
(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$WORK/root.cpio"
guest ro "readonly=1 tmpfs=0,1777,0,/run -- /bin/sh /ro.sh"
cat >"$WORK/ro.want" <<'EOF2'
touch /newfile: touch: /newfile: Read-only file system
mkdir /newdir: mkdir: can't create directory '/newdir': Read-only file system
rm -f /data/file: rm: can't remove '/data/file': Read-only file system
mv /data/file /data/moved: mv: can't rename '/data/file': Read-only file system
chmod 600 /data/file: chmod: /data/file: Read-only file system
ln -s x /data/link: ln: /data/link: Read-only file system
sh -c echo x >>/data/file: sh: can't create /data/file: Read-only file system
sh -c echo x >/run/file: ok
sh -c echo x >/dev/null: ok
image
cat /data/file: ok
mkdir /dev/shm: ok
EOF2
if [ "$GUEST_RC" = 0 ] && cmp -s "$WORK/ro.guest" "$WORK/ro.want"; then
	pass "read-only root: EROFS for every change, /run (tmpfs) and /dev writable"
else
	fail "read-only root" "rc $GUEST_RC"
	diff -u "$WORK/ro.want" "$WORK/ro.guest" | head -n 30 | sed 's/^/    /'
fi
exit $failed
