#!/bin/sh
# SPDX-License-Identifier: MIT
# pod-xen.sh: lab test of the guest kernel's volumes: a xenpod pod domain mounts three 9pfs devices served by xenpod-9pfsd over dom0 directories, runs a script from one of them, and dom0 checks what it wrote, the EROFS errors and a backend killed under it.
# Usage (host): LAB_BUILD=BUILD scripts/lab run tests/p9/pod-xen.sh BUILD/guest/xenpod-kernel ROOT.cpio LOCKPROBE
# (ROOT.cpio: a static /bin/busybox and /bin/sh, e.g. tests/guest/mknetroot.sh's; LOCKPROBE: tests/p9/lockprobe.c
# built with musl-gcc -static, busybox-static has no flock). Prints PASS:/FAIL:/INFO:/FIGURE: lines.
# The pod boots with xenpod.p9trace: its console counts the 9P exchanges, and at exit the replies
# found only after a wait timed out (their event lost or late), which must be none.
K=/lab/xenpod-kernel
R=/lab/$(basename "${2:-rootfs.cpio}")
[ -f "$R" ] || R=$(ls /lab/*.cpio 2>/dev/null | head -n 1)
LP=/lab/$(basename "${3:-lockprobe}")
D9=/usr/lib/xenpod/xenpod-9pfsd
T=/tmp/p9pod
failed=0
pass() { echo "PASS: p9-pod: $1"; }
fail() {
	echo "FAIL: p9-pod: $1 - $2"
	failed=1
}
info() { echo "INFO: p9-pod: $*"; }
until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.2
	done
}
rm -rf $T
mkdir -p $T/vol/in/sub/deeper $T/vol/in/many $T/vol/out $T/ro $T/ro2 $T/cons
echo "hello from dom0" >$T/vol/in/hello.txt
echo "nested" >$T/vol/in/sub/deeper/n.txt
head -c 1000000 /dev/urandom >$T/vol/in/big.bin
i=0
while [ $i -lt 40 ]; do
	echo $i >$T/vol/in/many/m$i
	i=$((i + 1))
done
cp $LP $T/vol/lockprobe && chmod 755 $T/vol/lockprobe
echo "read only" >$T/ro/hello.txt
# scripts/bench's devices part ships /lab/bench-devices: the pod then runs the figure workload too.
BENCH=
[ -e /lab/bench-devices ] && BENCH=1 && : >$T/vol/bench
echo "read only too" >$T/ro2/hello.txt
# The pod's program lives on the volume: exec and reads go through the client.
cat >$T/vol/t.sh <<'EOS'
B=/bin/busybox
say() { echo "G: $*"; }
say hello "$($B cat /vol/in/hello.txt)"
say nested "$($B cat /vol/in/sub/deeper/n.txt)"
say many "$($B ls /vol/in/many | $B wc -l)"
say sum "$(cd /vol/in && $B find . -type f | $B sort | $B xargs $B md5sum | $B md5sum | $B cut -c1-32)"
$B time -f %e $B cp /vol/in/big.bin /vol/out/big.copy 2>/tmp/cp.time && say copy ok "$($B cat /tmp/cp.time)"
$B seq 1 20000 >/vol/out/seq.txt && say seq ok
echo 0123456789 >/vol/out/tr.txt && $B truncate -s 4 /vol/out/tr.txt && say truncate "$($B cat /vol/out/tr.txt)"
$B mkdir /vol/out/d && echo a >/vol/out/d/a && $B mv /vol/out/d/a /vol/out/d/b &&
	echo c >/vol/out/d/c && $B rm /vol/out/d/c && $B mkdir /vol/out/d/e && $B rmdir /vol/out/d/e && say mkdir ok
$B ln -s ../seq.txt /vol/out/d/sym && say readlink "$($B readlink /vol/out/d/sym) $($B head -n 1 /vol/out/d/sym)"
$B ln /vol/out/seq.txt /vol/out/hard && say links "$($B stat -c %h /vol/out/seq.txt)"
$B chmod 600 /vol/out/tr.txt && say chmod "$($B stat -c %a /vol/out/tr.txt)"
say stat "$($B stat -c '%s %u %g' /vol/in/hello.txt)"
(cd /vol/in/sub && say cwd "$(pwd) $($B cat deeper/n.txt)")
$B tar cf /vol/out/in.tar -C /vol/in . && say tar ok
# Only for scripts/bench's devices part (dom0 made /vol/bench): the Linux guest's figure
# workload (tests/p9/linux-guest-init), 16 MiB written with fsync and read back (this client
# caches nothing: every read is the server's), then 200 creates.
if [ -e /vol/bench ]; then
	up() { $B cut -d' ' -f1 /proc/uptime; }
	t0=$(up)
	$B dd if=/dev/zero of=/vol/out/big bs=1M count=16 conv=fsync 2>/dev/null
	t1=$(up)
	t2=$(up)
	$B cat /vol/out/big >/dev/null
	t3=$(up)
	say timing write16M $t0 $t1 read16M $t2 $t3
	$B mkdir /vol/out/gdir
	t4=$(up)
	i=0
	while [ $i -lt 200 ]; do
		: >/vol/out/gdir/f$i
		i=$((i + 1))
	done
	t5=$(up)
	say timing create200 $t4 $t5
	$B rm -r /vol/out/big /vol/out/gdir
fi
echo x 2>/vol/out/ro.err >/ro/new; say ro-create "$($B cat /vol/out/ro.err)"
$B rm /ro/hello.txt 2>/vol/out/ro.err; say ro-rm "$($B cat /vol/out/ro.err)"
echo x 2>/vol/out/ro2.err >>/ro2/hello.txt; say ro2-write "$($B cat /vol/out/ro2.err)"
$B mkdir /ro2/d 2>/vol/out/ro2.err; say ro2-mkdir "$($B cat /vol/out/ro2.err)"
say ro-read "$($B cat /ro/hello.txt)"
# flock through Tlock: dom0 sees the lock while it is held, a second open is refused until the unlock.
/vol/lockprobe /vol/out/lk.txt /vol/out/lk-held /vol/out/lk-seen | while read -r k v; do say "lock-$k" "$v"; done
# dom0 kills the read-only volume's backend now; reading it must fail, not hang.
echo ready >/vol/out/kill-ro
while [ ! -e /vol/out/killed ]; do $B sleep 0.2; done
$B cat /ro/hello.txt >/vol/out/dead.out 2>/vol/out/dead.err; say dead "$? $($B cat /vol/out/dead.err)"
$B stat -c %s /ro/hello.txt >/vol/out/dead.out 2>/vol/out/dead.err; say dead-stat "$? $($B cat /vol/out/dead.err)"
say done
EOS
cpid=$(cat /var/run/xen/xenconsoled.pid 2>/dev/null)
[ -n "$cpid" ] && kill "$cpid" 2>/dev/null
sleep 0.3
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=$T/cons
cat >$T/pod.cfg <<EOC
type = "pvh"
name = "p9pod"
kernel = "$K"
ramdisk = "$R"
memory = 128
extra = "xenpod.p9trace"
on_poweroff = "preserve"
on_crash = "preserve"
EOC
# Off dom0's CPU, as xenpodd places pods in the lab (--pod-cpus, docs/LAB-DOM0-FAULTS.md).
ncpu=$(xl info | sed -n 's/^nr_cpus *: *//p')
[ "${ncpu:-1}" -ge 2 ] && echo "cpus = \"1-$((ncpu - 1))\"" >>$T/pod.cfg
xl create -p $T/pod.cfg >$T/xl.log 2>&1 || {
	fail boot "xl create: $(tail -n 3 $T/xl.log)"
	exit 1
}
id=$(xl domid p9pod)
xenstore-write -- /local/domain/$id/xenpod/spec "-- /bin/sh /vol/t.sh"
xenstore-chmod /local/domain/$id/xenpod n0 r$id
xenstore-chmod /local/domain/$id/xenpod/spec n0 r$id
# The device nodes as xenpodd will write them (docs/VOLUMES.md, xenstore-schema/).
dev() { # DEVID TAG MOUNT-POINT READ-ONLY
	fe=/local/domain/$id/device/9pfs/$1
	be=/local/domain/0/backend/9pfs/$id/$1
	xenstore-write $fe/backend $be $fe/backend-id 0 $fe/state 1 $fe/tag $2 \
		$fe/mount-point $3 $fe/read-only $4
	xenstore-chmod -r $fe n$id r0
	xenstore-write $be/frontend $fe $be/frontend-id $id $be/online 1 $be/state 1 \
		$be/tag $2 $be/security_model none
	xenstore-chmod -r $be n0 r$id
}
dev 0 vol /vol 0
dev 1 ro /ro 1
dev 2 ro2 /ro2 0 # read-only in dom0 only: the guest learns it from the server
$D9 --domid $id --devid 0 --root $T/vol --foreground >$T/d0.log 2>&1 &
$D9 --domid $id --devid 1 --root $T/ro --readonly --foreground >$T/d1.log 2>&1 &
p1=$!
$D9 --domid $id --devid 2 --root $T/ro2 --readonly --foreground >$T/d2.log 2>&1 &
until_ok 10 xenstore-exists /local/domain/0/backend/9pfs/$id/2/versions ||
	fail backend "no versions node: $(cat $T/d*.log)"
xl unpause p9pod
t0=$(date +%s)
L=$T/cons/guest-p9pod.log
g() { sed -n "s/^G: $1 //p" $L | tr -d '\r' | head -n 1; }
if until_ok 420 test -e $T/vol/out/lk-held; then
	grep -c OFDLCK /proc/locks >$T/locks.txt
	touch $T/vol/out/lk-seen
else
	fail flock "the pod never took its lock"
	touch $T/vol/out/lk-seen
fi
if until_ok 200 test -e $T/vol/out/kill-ro; then
	info "vcpus: $(xl vcpu-list | tr -s ' ' | tr '\n' '|')"
	kill -9 $p1
	touch $T/vol/out/killed
else
	fail kill "the pod never got to the dead-backend step"
fi
if ! until_ok 120 grep -q "^G: done" $L; then
	fail guest "no 'done' from the pod"
	tr -d '\r' <$L | tail -n 40 | sed 's/^/INFO: p9-pod: console: /'
fi
until_ok 30 grep -q "^9pfs2: at exit" $L || fail report "no exchange counts at the pod's exit"
info "the pod ran $(($(date +%s) - t0)) s"
grep '^9pfs[0-9]: at exit' $L | tr -d '\r' | sed 's/^/INFO: p9-pod: /'
late=$(sed -n 's/^9pfs[0-9]: at exit: .* sleeps, \([0-9]*\) replies found on timeout.*/\1/p' $L | awk '{ n += $1 } END { print n + 0 }')
[ "$(grep -c '^9pfs[0-9]: at exit' $L)" = 3 ] && [ "$late" = 0 ] &&
	pass "every reply was found by its event, none only after a wait timed out" ||
	fail events "$late replies found only after a timeout: an event lost or late"
cs=$(g copy | cut -d' ' -f2)
case "$cs" in
[0-9]*.[0-9]*) echo "FIGURE: p9-pod: 1 MB copy volume to volume in $cs s: $(awk -v s="$cs" 'BEGIN { printf "%.0f", (s > 0 ? 1000000 / 1024 / s : 0) }') KiB/s" ;;
esac
info "pod log: $(grep '^G:' $L | tr -d '\r' | tr '\n' '|')"
info "backend log: $(tr '\n' '|' <$T/d0.log)"
if [ -n "$BENCH" ]; then
	set -- $(g "timing write16M")
	if [ $# = 5 ]; then
		w=$(awk "BEGIN{printf \"%.1f\", 16/($2-$1)}") r=$(awk "BEGIN{printf \"%.1f\", 16/($5-$4)}")
		info "pod write 16 MiB (fsync) $w MiB/s, read 16 MiB $r MiB/s"
		echo "@@B vol.pod.write_mib_s $w"
		echo "@@B vol.pod.read_mib_s $r"
	else
		echo "@@NA vol.pod no write/read timing: $(g "timing write16M")"
	fi
	set -- $(g "timing create200")
	if [ $# = 2 ]; then
		c=$(awk "BEGIN{printf \"%.0f\", 200/($2-$1)}")
		info "pod creates $c/s"
		echo "@@B vol.pod.creates_s $c"
	else
		echo "@@NA vol.pod.creates_s no create timing: $(g "timing create200")"
	fi
fi
grep -q "connected, " $T/d0.log && grep -q "connected, " $T/d2.log &&
	pass "the pod's frontend connected: $(sed -n 's/.*connected, //p' $T/d0.log)" ||
	fail connect "$(cat $T/d*.log | tr '\n' '|')"
grep -q "init: volume vol mounted at /vol" $L && pass "mounted before the program started" ||
	fail mount "$(tr -d '\r' <$L | grep -i volume | head -n 3)"
[ "$(g hello)" = "hello from dom0" ] && [ "$(g nested)" = nested ] &&
	pass "the pod reads dom0 files, a script on the volume runs" || fail read "'$(g hello)' '$(g nested)'"
[ "$(g many)" = 40 ] && pass "readdir of 40 entries" || fail readdir "$(g many)"
want=$(cd $T/vol/in && find . -type f | sort | xargs md5sum | md5sum | cut -c1-32)
[ "$(g sum)" = "$want" ] && pass "the tree's md5 sums agree with dom0's" || fail tree "pod $(g sum) dom0 $want"
cmp -s $T/vol/in/big.bin $T/vol/out/big.copy && pass "1 MB copied back byte for byte" ||
	fail copy "$(g copy); $(ls -l $T/vol/out/big.copy 2>&1)"
seq 1 20000 | cmp -s - $T/vol/out/seq.txt && pass "written text byte for byte" || fail seq "$(g seq)"
[ "$(g truncate)" = 0123 ] && [ "$(cat $T/vol/out/tr.txt)" = 0123 ] && pass "truncate" ||
	fail truncate "pod '$(g truncate)' dom0 '$(cat $T/vol/out/tr.txt)'"
[ "$(g mkdir)" = ok ] && [ -f $T/vol/out/d/b ] && [ ! -e $T/vol/out/d/a ] && [ ! -e $T/vol/out/d/c ] &&
	[ ! -e $T/vol/out/d/e ] && pass "mkdir, rename, unlink, rmdir" || fail mkdir "$(g mkdir); $(ls $T/vol/out/d | tr '\n' ' ')"
[ "$(readlink $T/vol/out/d/sym)" = ../seq.txt ] && [ "$(g readlink)" = "../seq.txt 1" ] &&
	pass "symlink, readlink, a relative link followed" || fail symlink "$(g readlink)"
[ "$(g links)" = 2 ] && [ "$(stat -c %h $T/vol/out/seq.txt)" = 2 ] && pass "hard link" || fail link "$(g links)"
[ "$(g chmod)" = 600 ] && [ "$(stat -c %a $T/vol/out/tr.txt)" = 600 ] && pass "chmod" || fail chmod "$(g chmod)"
[ "$(g stat)" = "16 0 0" ] && pass "stat: size, squashed uid/gid" || fail stat "$(g stat)"
[ "$(g cwd)" = "/vol/in/sub nested" ] && pass "cd into a volume, getcwd, relative paths" || fail cwd "$(g cwd)"
mkdir -p $T/untar && tar xf $T/vol/out/in.tar -C $T/untar 2>/dev/null &&
	diff -r $T/vol/in $T/untar >/dev/null && pass "tar of the tree in the pod unpacks to the same tree in dom0" ||
	fail tar "$(g tar)"
case "$(g ro-create)|$(g ro-rm)" in
*Read-only*"|"*Read-only*) pass "read-only mount: EROFS on create and rm" ;;
*) fail ro "$(g ro-create) | $(g ro-rm)" ;;
esac
case "$(g ro2-write)|$(g ro2-mkdir)" in
*Read-only*"|"*Read-only*) pass "read-only in dom0 only: the server's EROFS reaches the program" ;;
*) fail ro2 "$(g ro2-write) | $(g ro2-mkdir)" ;;
esac
[ "$(g ro-read)" = "read only" ] && [ "$(cat $T/ro/hello.txt)" = "read only" ] && [ ! -e $T/ro/new ] &&
	[ ! -e $T/ro2/d ] && pass "read-only volumes unchanged" || fail ro-state "$(ls $T/ro $T/ro2 | tr '\n' ' ')"
[ "$(g lock-flock-a)" = ok ] && [ -n "$(g lock-flock-b)" ] && [ "$(g lock-flock-b)" != ok ] &&
	[ "$(g lock-flock-b-again)" = ok ] && [ "$(cat $T/locks.txt)" -ge 1 ] &&
	pass "flock through Tlock: an OFD lock in dom0, a second open refused ($(g lock-flock-b)), then granted" ||
	fail flock "a '$(g lock-flock-a)' b '$(g lock-flock-b)' b-again '$(g lock-flock-b-again)' dom0 OFD locks '$(cat $T/locks.txt)'"
[ "$(g lock-setlk)" = ok ] && [ "$(g lock-unlk)" = ok ] && pass "fcntl range lock and unlock" ||
	fail fcntl "setlk '$(g lock-setlk)' unlk '$(g lock-unlk)'"
case "$(g dead)|$(g dead-stat)" in
[1-9]*"Input/output error|"[1-9]*"Input/output error") pass "a killed backend gives EIO, not a hang or ENOENT: $(g dead)" ;;
*) fail dead "open '$(g dead)' stat '$(g dead-stat)'" ;;
esac
st=$(xenstore-read /local/domain/$id/data/xenpod/state 2>/dev/null)
[ "$st" = exited ] && pass "the pod exited" || fail exit "state '$st'"
xl destroy p9pod 2>/dev/null
sleep 0.5
left=$(grep -l "^$D9" /proc/[0-9]*/cmdline 2>/dev/null | wc -l)
[ "$left" = 0 ] && pass "the backends ended with the domain" || fail cleanup "$left backends outlived their domain"
info "backend of vol at its end: $(sed -n 's/.*stopped: //p' $T/d0.log)"
exit $failed
