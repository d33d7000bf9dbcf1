# SPDX-License-Identifier: MIT
# t_82_volumes.sh: volumes through the real CLI (issue 16): a CI-like tar job, EROFS, a named volume across rm and a daemon restart, two pods appending, rm refused while in use, tmpfs mounts and a read-only root, nothing left behind.

IMG=/lab/images
V=/tmp/t82
rm -rf $V
mkdir -p $V/src/sub/deeper $V/src/empty $V/out
echo "hello from dom0" >$V/src/a.txt
printf 'no newline' >$V/src/sub/b.txt
head -c 70000 /dev/urandom >$V/src/sub/deeper/blob.bin
ln -s ../a.txt $V/src/sub/link
# The job's image knows root by name, as dom0 does: tar writes the owner's name.
cp -a $IMG/rootfs $V/img
echo "root:x:0:0:root:/:/bin/sh" >$V/img/etc/passwd
echo "root:x:0:" >$V/img/etc/group
t82_t0=$(date +%s)

t82_restart() {
	t82_pid=$(pidof xenpodd)
	[ -n "$t82_pid" ] && kill -9 $t82_pid
	wait_for 5 sh -c '! pidof xenpodd'
	xenpodd -d >>/var/log/xenpodd.log 2>&1 &
	wait_for 10 xenpod version
}
# t82_be POD: the pids of its volumes' backends (xenpod inspect), one line.
t82_be() { xenpod inspect "$1" | sed -n 's/^ *"backend_pid": *\([0-9][0-9]*\).*/\1/p' | tr '\n' ' '; }
t82_alive() { for p in "$@"; do kill -0 "$p" 2>/dev/null || return 1; done; }
# t82_backends: the xenpod-9pfsd processes that run (a zombie left for init to reap does not).
t82_backends() {
	for p in $(pidof xenpod-9pfsd); do
		[ "$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null)" = Z ] || echo "$p"
	done
}
# t82_cmd EXPECTED_RC PATTERN CMD...: the command fails with that status, saying PATTERN.
t82_fails() {
	want=$1 pat=$2
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	[ $rc = "$want" ] && echo "$out" | grep -q -- "$pat" && return 0
	echo "exit $rc: $out"
	return 1
}

# Refused on the command line, one line naming the value (no pod made).
check "volumes: -v with a relative source is refused" t82_fails 2 "-v ./src:/src: the source is neither" \
	xenpod run -v ./src:/src $IMG/rootfs /bin/true
check "volumes: -v of a missing directory is refused" t82_fails 1 "-v /nonexistent:/x: /nonexistent: No such file" \
	xenpod run -v /nonexistent:/x $IMG/rootfs /bin/true
check "volumes: two -v on one mount point are refused" t82_fails 2 "-v $V/out:/src: /src is already taken by -v $V/src:/src" \
	xenpod run -v $V/src:/src -v $V/out:/src $IMG/rootfs /bin/true
check "volumes: a bad mode is refused" t82_fails 2 'unknown mode "rx"' \
	xenpod run -v $V/src:/src:rx $IMG/rootfs /bin/true

# A CI-like job: the source tree read-only in, a tarball out; dom0 checks it.
t82_c0=$(date +%s)
check "volumes: a pod tars /src (ro) into /out" xenpod run --name t82ci -v $V/src:/src:ro \
	-v $V/out:/out $V/img /bin/busybox tar cf /out/src.tar -C /src .
echo "INFO: volumes: the tar job took $(($(date +%s) - t82_c0)) s (create, boot, $(du -sk $V/src | cut -f1) KiB through 9P, poweroff)"
t82_list() { busybox tar tf "$1" | sed 's|/$||' | sort; }
busybox tar cf $V/dom0.tar -C $V/src .
check_out "volumes: the pod's archive lists what dom0's does" "$(t82_list $V/dom0.tar)" t82_list $V/out/src.tar
rm -rf $V/x && mkdir $V/x && busybox tar xf $V/out/src.tar -C $V/x
t82_same() {
	for f in a.txt sub/b.txt sub/deeper/blob.bin; do cmp $V/src/$f $V/x/$f || return 1; done
	[ "$(readlink $V/x/sub/link)" = ../a.txt ] && [ -d $V/x/empty ]
}
check "volumes: its content is dom0's byte for byte" t82_same
check "volumes: the pod's archive is dom0's tar of the same tree, byte for byte" cmp $V/dom0.tar $V/out/src.tar
check "volumes: inspect shows the mounts" sh -c "xenpod inspect t82ci | grep -q '\"destination\": *\"/src\"' &&
	xenpod inspect t82ci | grep -q '\"mode\": *\"ro\"' && xenpod inspect t82ci | grep -q '\"source\": *\"$V/out\"'"

# Read-only: the program gets EROFS.
check "volumes: a write to a :ro mount fails with EROFS" t82_fails 1 "Read-only file system" \
	xenpod run --name t82ro -v $V/src:/src:ro $IMG/rootfs /bin/busybox touch /src/new
check "volumes: and dom0's directory is unchanged" test ! -e $V/src/new

# A named volume: its data outlives the pod, a daemon restart, and is read by a second pod.
check_out "volumes: volume create prints the name" t82data xenpod volume create t82data
t82_vdir=$(xenpod volume inspect t82data | sed -n 's/^ *"mountpoint": *"\(.*\)",*$/\1/p')
check "volumes: the volume lives under the state directory ($t82_vdir)" \
	sh -c "case '$t82_vdir' in /var/lib/xenpod/volumes/t82data/*) test -d '$t82_vdir' ;; *) false ;; esac"
check "volumes: a pod writes the named volume" xenpod run --name t82w -v t82data:/data \
	$IMG/rootfs /bin/sh -c 'echo persisted >/data/f'
check "volumes: rm of the writer" xenpod rm t82w
# A pod running across the restart: its backend is re-adopted and still serves it.
check "volumes: a pod waits on the volume" xenpod run -d --name t82live -v t82data:/data \
	$IMG/rootfs /bin/sh -c 'while [ ! -e /data/go ]; do sleep 0.2; done; cat /data/f >/data/seen'
t82_pids=$(t82_be t82live)
check "volumes: its backend runs ($t82_pids)" t82_alive $t82_pids
# t82_running: those pids in order, on one line; t82_sorted PIDS...: the same of its arguments.
t82_running() { echo $(t82_backends | sort -n); }
t82_sorted() { echo $(printf '%s\n' "$@" | sort -n); }
check_out "volumes: as its own process, the only one running" "$(t82_sorted $t82_pids)" t82_running
check "volumes: xenpodd restarts after kill -9" t82_restart
check_out "volumes: the backend was re-adopted (same pid)" "$t82_pids" t82_be t82live
touch "$t82_vdir/go"
check_out "volumes: the re-adopted backend still serves the pod" 0 xenpod wait t82live
check_out "volumes: the pod read what the first one wrote" persisted cat "$t82_vdir/seen"
check_out "volumes: a second pod reads the volume after the restart" persisted \
	xenpod run --name t82r -v t82data:/data:ro $IMG/rootfs /bin/cat /data/f
check "volumes: volume ls lists it" sh -c 'xenpod volume ls -q | grep -qx t82data'

# Two pods appending to one file of a shared volume: every line intact.
t82_app='i=0; while [ $i -lt 40 ]; do echo "pod $P line $i 0123456789abcdef" >>/v/log; i=$((i + 1)); done'
check "volumes: two pods append to one file" sh -c "xenpod run -d --name t82a -e P=a -v t82shared:/v \
	$IMG/rootfs /bin/sh -c '$t82_app' >/dev/null && xenpod run -d --name t82b -e P=b -v t82shared:/v \
	$IMG/rootfs /bin/sh -c '$t82_app' >/dev/null && xenpod wait t82a && xenpod wait t82b"
t82_log=$(xenpod volume inspect t82shared | sed -n 's/^ *"mountpoint": *"\(.*\)",*$/\1/p')/log
t82_lines() {
	[ "$(wc -l <"$t82_log")" = 80 ] || return 1
	[ "$(grep -c '^pod a line [0-9]* 0123456789abcdef$' "$t82_log")" = 40 ] || return 1
	[ "$(grep -c '^pod b line [0-9]* 0123456789abcdef$' "$t82_log")" = 40 ]
}
check "volumes: 80 lines, 40 of each pod, each intact" t82_lines
check "volumes: rm of a volume in use is refused" t82_fails 1 "in use by pod t82" \
	xenpod volume rm t82shared
# kill of a running pod with two volumes: both backends and all its nodes go at once.
check "volumes: a pod with two volumes runs" xenpod run -d --name t82k -v t82shared:/v -v $V/src:/s:ro \
	$IMG/rootfs /bin/sleep 600
t82_kdom=$(domid_of xenpod-t82k)
t82_kpids=$(t82_be t82k)
check_out "volumes: with two backends running" "$(t82_sorted $t82_kpids)" t82_running
check "volumes: and its device nodes" xenstore-exists /local/domain/0/backend/9pfs/$t82_kdom/1
check "volumes: kill of that pod" xenpod kill t82k
check_out "volumes: leaves no backend running" "" t82_backends
check "volumes: and no 9pfs node of its domain" sh -c "! xenstore-exists /local/domain/0/backend/9pfs/$t82_kdom"
check "volumes: rm of the pods" sh -c 'xenpod rm -f $(xenpod ls -a -q | grep "^t82")'
check "volumes: then rm of the volumes" xenpod volume rm t82shared t82data
check "volumes: they are gone" sh -c '! xenpod volume ls -q | grep -q "^t82"'
check "volumes: and so is their data" test ! -e "$t82_vdir"

# Read-ahead: busybox's read takes a byte at a time, so the first line fills the open's
# window; a write through another open of this pod drops it, and the next line is the new one.
printf 'aaaaaaaaaa\nbbbbbbbbbb\n' >$V/out/ra.txt
t82_ra='exec 3</v/ra.txt; read l1 <&3; printf "cccccccccc\ndddddddddd\n" 1<>/v/ra.txt; read l2 <&3; echo $l1 $l2'
check_out "volumes: a read-ahead window is dropped by this pod's write" "aaaaaaaaaa dddddddddd" \
	xenpod run -v $V/out:/v $IMG/rootfs /bin/sh -c "$t82_ra"
t82_ra2='exec 3</v/ra.txt; read l1 <&3; : >/v/ra.txt; read l2 <&3; echo "$l1 [$l2]"'
check_out "volumes: and by its truncation" "cccccccccc []" \
	xenpod run -v $V/out:/v $IMG/rootfs /bin/sh -c "$t82_ra2"

# tmpfs mounts and a read-only root (--tmpfs, --read-only): made by the guest, no backend.
check "tmpfs: size=0 is refused on the command line" t82_fails 2 "--tmpfs /run:size=0: size=0: must be at least 1 byte" \
	xenpod run --tmpfs /run:size=0 $IMG/rootfs /bin/true
check "tmpfs: a tmpfs over a volume is refused" t82_fails 2 "--tmpfs /src/t: /src/t overlaps -v $V/src:/src" \
	xenpod run -v $V/src:/src --tmpfs /src/t $IMG/rootfs /bin/true
check_out "tmpfs: df -k of a 64 KiB tmpfs (size, used, free)" "64 0 64" \
	xenpod run --tmpfs /run:size=64k $IMG/rootfs /bin/sh -c \
	'busybox df -k /run | busybox awk "NR==2 { print \$2, \$3, \$4 }"'
check "tmpfs: writing past its size fails with ENOSPC" t82_fails 1 "No space left on device" \
	xenpod run --tmpfs /run:size=64k $IMG/rootfs /bin/busybox dd if=/dev/zero of=/run/f bs=1k count=100
check_out "tmpfs: its mode, and its default size is half the pod's memory" "1777 ok" \
	xenpod run --memory 64 --tmpfs /big $IMG/rootfs /bin/sh -c \
	'm=$(busybox awk "/MemTotal/ { print \$2 }" /proc/meminfo); b=$(busybox df -k /big | busybox awk "NR==2 { print \$2 }");
	echo $(busybox stat -c %a /big) $([ $((m / 2 - b)) -le 4 ] && [ $((b - m / 2)) -le 4 ] && echo ok || echo "$m $b")'
t82_ro='for f in /new /etc/passwd; do echo x >>$f || echo "fail $f"; done 2>&1; echo x >/run/f && echo "run ok"; echo x >/dev/null && echo "dev ok"'
check_out "tmpfs: --read-only: the root refuses writes, the tmpfs and /dev take them" \
	"/bin/sh: can't create /new: Read-only file system
fail /new
/bin/sh: can't create /etc/passwd: Read-only file system
fail /etc/passwd
run ok
dev ok" xenpod run --name t82rofs --read-only --tmpfs /run:size=1m,mode=700,noexec $IMG/rootfs /bin/sh -c "$t82_ro"
check "tmpfs: inspect shows the tmpfs and the read-only root" sh -c "xenpod inspect t82rofs | grep -q '\"type\": *\"tmpfs\"' &&
	xenpod inspect t82rofs | grep -q '\"tmpfs_mode\": *\"0700\"' && xenpod inspect t82rofs | grep -q '\"size\": *1048576' &&
	xenpod inspect t82rofs | grep -q '\"read_only\": *true'"
check "tmpfs: rm of the pod" xenpod rm t82rofs

# Nothing left behind: no backend process, no 9pfs node.
check_out "volumes: no xenpod-9pfsd left" "" t82_backends
check_out "volumes: no 9pfs backend node left" "" sh -c 'xenstore-list /local/domain/0/backend/9pfs 2>/dev/null; true'
echo "INFO: volumes: t_82 took $(($(date +%s) - t82_t0)) s"
