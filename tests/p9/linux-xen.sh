#!/bin/sh
# SPDX-License-Identifier: MIT
# linux-xen.sh: lab conformance check of xenpod-9pfsd with a client no one here wrote: this host's Linux
# kernel boots as a PVH guest and mounts two volumes (rw and read-only) with its own 9pnet_xen.
# Usage (host): LAB_BUILD=BUILD scripts/lab run tests/p9/linux-xen.sh /boot/vmlinuz-KVER GUEST.cpio.gz
# (GUEST.cpio.gz from tests/p9/mk-linux-guest.sh). Prints PASS:/FAIL:/INFO: lines.
K=$(ls /lab/vmlinuz-* 2>/dev/null | head -n 1)
R=/lab/$(basename "${2:-guest.cpio.gz}")
[ -f "$R" ] || R=$(ls /lab/*.cpio.gz | head -n 1)
D9=/usr/lib/xenpod/xenpod-9pfsd
T=/tmp/p9lab
failed=0
pass() { echo "PASS: p9-linux: $1"; }
fail() {
	echo "FAIL: p9-linux: $1 - $2"
	failed=1
}
info() { echo "INFO: p9-linux: $*"; }
until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.5
	done
}
rm -rf $T
mkdir -p $T/vol/many $T/ro $T/cons
echo "hello from dom0" >$T/vol/hello.txt
echo "read only" >$T/ro/hello.txt
echo "dom0 secret" >$T/secret
ln -s / $T/vol/abslink
i=0
while [ $i -lt 100 ]; do
	: >$T/vol/many/m$i
	i=$((i + 1))
done
# The rw volume belongs to an ordinary user: its backend drops to 1000:1000 once
# connected (squash), the read-only one (root's) stays root.
chown -R 1000:1000 $T/vol
# scripts/bench's devices part ships /lab/bench-devices: the guest then measures its volume
# figures too (xenpod.bench on its command line), printed as INFO and @@B lines.
BENCH=
[ -e /lab/bench-devices ] && BENCH=" xenpod.bench"
cpid=$(cat /var/run/xen/xenconsoled.pid 2>/dev/null)
[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
sleep 0.3
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=$T/cons
cat >$T/lx.cfg <<EOC
type = "pvh"
name = "p9lx"
kernel = "$K"
ramdisk = "$R"
extra = "console=hvc0 quiet loglevel=4$BENCH"
memory = 256
on_poweroff = "preserve"
on_crash = "preserve"
EOC
xl create -p $T/lx.cfg >$T/xl.log 2>&1 || {
	fail boot "xl create: $(tail -n 3 $T/xl.log)"
	exit 1
}
id=$(xl domid p9lx)
# The device nodes as a toolstack writes them: frontend owned by the guest, backend by dom0.
dev() { # DEVID TAG
	fe=/local/domain/$id/device/9pfs/$1
	be=/local/domain/0/backend/9pfs/$id/$1
	xenstore-write $fe/backend $be $fe/backend-id 0 $fe/state 1 $fe/tag $2
	xenstore-chmod -r $fe n$id r0
	xenstore-write $be/frontend $fe $be/frontend-id $id $be/online 1 $be/state 1 \
		$be/tag $2 $be/security_model none
	xenstore-chmod -r $be n0 r$id
}
dev 0 vol
dev 1 ro
$D9 --domid $id --devid 0 --root $T/vol --foreground >$T/d0.log 2>&1 &
p0=$!
$D9 --domid $id --devid 1 --root $T/ro --readonly --foreground >$T/d1.log 2>&1 &
p1=$!
until_ok 10 xenstore-exists /local/domain/0/backend/9pfs/$id/1/versions ||
	fail backend "no versions node: $(cat $T/d0.log $T/d1.log)"
pass "backends published versions=$(xenstore-read /local/domain/0/backend/9pfs/$id/0/versions) max-rings=$(xenstore-read /local/domain/0/backend/9pfs/$id/0/max-rings) max-ring-page-order=$(xenstore-read /local/domain/0/backend/9pfs/$id/0/max-ring-page-order)"
xl unpause p9lx
L=$T/cons/guest-p9lx.log
g() { sed -n "s/^G: $1 //p" $L | tr -d '\r' | head -n 1; }
if ! until_ok 400 grep -q "^G: done" $L; then
	fail guest "no 'done' from the guest"
	tr -d '\r' <$L | grep -v '^G:' | tail -n 80 | sed 's/^/INFO: p9-linux: console: /'
fi
info "guest log: $(grep '^G:' $L | tr -d '\r' | tr '\n' '|')"
info "backend log: $(tr '\n' '|' <$T/d0.log)"
grep -q "connected, " $T/d0.log && grep -q "connected, " $T/d1.log &&
	pass "both backends connected: $(sed -n 's/.*connected, //p' $T/d0.log)" ||
	fail connect "$(cat $T/d0.log $T/d1.log | tr '\n' '|')"
[ "$(g hello)" = "hello from dom0" ] && pass "guest reads a dom0 file" || fail read "$(g hello)"
[ "$(g write)" = ok ] || fail write "$(g write)"
[ "$(g truncate)" = "writt" ] && [ "$(cat $T/vol/fromguest.txt)" = "writt" ] &&
	pass "write then truncate reach dom0 byte for byte" || fail truncate "guest '$(g truncate)' dom0 '$(cat $T/vol/fromguest.txt 2>/dev/null)'"
[ -f $T/vol/gdir/c ] && [ ! -e $T/vol/gdir/a ] && [ ! -e $T/vol/gdir/b ] &&
	pass "mkdir, rename, unlink" || fail mkdir-mv "$(ls $T/vol/gdir 2>&1 | tr '\n' ' ')"
[ "$(readlink $T/vol/gdir/sym)" = "../hello.txt" ] && [ "$(g readlink)" = "../hello.txt hello from dom0" ] &&
	pass "symlink, readlink" || fail symlink "$(g readlink)"
[ "$(g hardlink)" = 2 ] && pass "hard link" || fail link "$(g hardlink)"
[ "$(g count-many)" = 100 ] && pass "readdir of 100 entries" || fail readdir "$(g count-many)"
[ "$(g stat-hello)" = "16 0 0" ] && pass "stat: size, squashed uid/gid 0" || fail stat "$(g stat-hello)"
mode=$(stat -c %a $T/vol/fromguest.txt 2>/dev/null)
[ "$mode" = 755 ] && pass "chmod 4755 lands as 755 (no set-user-ID in dom0)" || fail suid "mode $mode"
case "$(g abs-link)" in
*mods*) pass "an absolute symlink resolves in the guest, not dom0" ;;
*) fail abslink "$(g abs-link)" ;;
esac
locks=$(sed -n 's/^G: lock //p' $L | tr -d '\r' | tr '\n' ' ')
case "$locks" in
"flock-a ok flock-b Resource temporarily unavailable unlock-a ok flock-b-again ok setlk ok unlk ok ")
	pass "flock across two opens (Tlock), fcntl byte-range lock" ;;
*) fail locks "$locks" ;;
esac
sum=$(md5sum <$T/vol/big | cut -d' ' -f1)
[ -n "$sum" ] && [ "$(g big-md5)" = "$sum" ] && [ "$(stat -c %s $T/vol/big)" = 16777216 ] &&
	pass "16 MiB written by the guest, same md5 in dom0" || fail big "guest $(g big-md5) dom0 $sum"
[ "$(g ro-read)" = "read only" ] && pass "read-only volume readable" || fail ro-read "$(g ro-read)"
case "$(g ro-write)" in
*"Read-only file system"*) pass "EROFS reaches the program on write" ;;
*) fail ro-write "$(g ro-write)" ;;
esac
case "$(g ro-rm)" in
*"Read-only file system"*) pass "EROFS reaches the program on rm" ;;
*) fail ro-rm "$(g ro-rm)" ;;
esac
[ ! -e $T/ro/new ] && [ -f $T/ro/hello.txt ] || fail ro "the read-only volume changed"
[ "$(cat $T/secret)" = "dom0 secret" ] || fail secret "changed"
own=$(stat -c %u:%g $T/vol/fromguest.txt $T/vol/gdir $T/vol/gdir/sym 2>&1 | sort -u | tr '\n' ' ')
[ "$own" = "1000:1000 " ] && pass "what the guest made belongs to the squash ids 1000:1000" ||
	fail squash "owners $own"
grep -q "connected, .*as uid 1000$" $T/d0.log && grep -q "connected, .*as uid 0$" $T/d1.log &&
	pass "the rw backend runs as uid 1000 once connected, the read-only one (root's volume) as 0" || fail drop "$(grep connected $T/d0.log $T/d1.log | tr '\n' '|')"
[ "$(g umount)" = ok ] && pass "umount" || fail umount "$(g umount)"
if [ -n "$BENCH" ]; then
	set -- $(g "timing write16M")
	if [ $# = 5 ]; then
		w=$(awk "BEGIN{printf \"%.1f\", 16/($2-$1)}") r=$(awk "BEGIN{printf \"%.1f\", 16/($5-$4)}")
		info "guest write 16 MiB (fsync) $w MiB/s, read 16 MiB (cold) $r MiB/s"
		echo "@@B vol.linux.write_mib_s $w"
		echo "@@B vol.linux.read_mib_s $r"
	else
		echo "@@NA vol.linux no write/read timing from the Linux guest: $(g "timing write16M")"
	fi
	set -- $(g "timing create200")
	if [ $# = 2 ]; then
		c=$(awk "BEGIN{printf \"%.0f\", 200/($2-$1)}")
		info "guest creates $c/s"
		echo "@@B vol.linux.creates_s $c"
	else
		echo "@@NA vol.linux.creates_s no create timing from the Linux guest"
	fi
	t0=$(cut -d' ' -f1 /proc/uptime)
	dd if=/dev/zero of=$T/local bs=1M count=16 conv=fsync 2>/dev/null
	t1=$(cut -d' ' -f1 /proc/uptime)
	w=$(awk "BEGIN{printf \"%.1f\", 16/($t1-$t0)}")
	info "dom0 local write 16 MiB (fsync, tmpfs) $w MiB/s"
	echo "@@B vol.dom0.write_mib_s $w"
	rm -f $T/local
fi
xl destroy p9lx 2>/dev/null
sleep 1
kill $p0 $p1 2>/dev/null
wait $p0 $p1 2>/dev/null
info "backend exits: $(tail -n 1 $T/d0.log) / $(tail -n 1 $T/d1.log)"
exit $failed
