# SPDX-License-Identifier: MIT
# t_86_podman.sh: Debian's podman (with conmon) and containerd's ctr (with the runc shim) drive xenpod-oci (issue 17); needs LAB_DISK=oci.

PT=/tmp/podman
XO=/usr/bin/xenpod-oci
PIMG=localhost/xenpod-lab:1
PM() { podman --runtime $XO "$@"; }
# oci_reaper (t_85's stand-in for conmon) also runs a command on a pty: ctr -t needs one.
REAP=$PWD/oci_reaper
# The containers' dom0 leftovers: domains, processes (holders, guards, conmon, shims), state dirs.
pdomains() { xl list | awk 'NR > 1 && $1 ~ /^xenpod-/ { n++ } END { print n + 0 }'; }
# The number of pod domains once none is left, or after 30 s.
pdomains_zero() {
	wait_for 30 sh -c "xl list | awk 'NR > 1 && \$1 ~ /^xenpod-/ { exit 1 }'"
	pdomains
}
pprocs() { ps -o pid,args | grep -E '[x]enpod-oci|[c]onmon|[c]ontainerd-shim' || true; }
# ticks NAME: how many lines "tick" the container has logged.
ticks() { podman logs "$1" 2>/dev/null | grep -c '^tick' || true; }
# xl_paused DOMAIN: Xen has the domain paused ("p" in xl list's state column).
xl_paused() { xl list "$1" | awk 'NR == 2 { exit $5 !~ /p/ }'; }
pstate() { ls -A /run/xenpod-oci /run/containerd/runc/default 2>/dev/null | grep -v '^/\|^$' || true; }
# conf TAG FILE: a config.json the engine wrote, into the log between markers (the unit
# tests' corpus, tests/data/oci/real/, is taken from there).
conf() { echo "@@OCI-CONFIG-BEGIN $1"; cat "$2"; echo; echo "@@OCI-CONFIG-END"; }
now_cs() { read -r _u _rest </proc/uptime; echo "${_u%.*}${_u#*.}"; }

if ! command -v podman >/dev/null || ! command -v ctr >/dev/null; then
	echo "FAIL: podman: podman and ctr are not in dom0 (boot with LAB_DISK=oci)"
	LAB_FAILED=$((LAB_FAILED + 1))
else
rm -rf $PT
mkdir -p $PT

# The image: the lab's OCI layout (tests/lab/mkimages.sh) into podman's storage with skopeo.
check "podman: skopeo copies the lab's OCI layout into containers-storage" \
	skopeo copy oci:/lab/images/oci containers-storage:$PIMG
check "podman: the image is listed" sh -c "podman images --format '{{.Repository}}:{{.Tag}}' | grep -qx $PIMG"

check_out "podman: run --rm echo" "hi" PM run --rm $PIMG /bin/echo hi
check_out "podman: run --rm of the image's own command and env" "hello from-oci" PM run --rm $PIMG
check_rc "podman: the exit status (3) comes back" 3 PM run --rm $PIMG /bin/sh -c 'exit 3'
check_out "podman: stderr comes back" "to-stderr" sh -c "podman --runtime $XO run --rm $PIMG /bin/sh -c 'echo to-stderr >&2' 2>&1 >/dev/null"
check_out "podman: -i: stdin reaches the program" "via stdin" sh -c "echo via stdin | podman --runtime $XO run --rm -i $PIMG /bin/cat"
check_out "podman: -e and -w reach the program" "PV=from-podman
/tmp" PM run --rm -e PV=from-podman -w /tmp $PIMG /bin/sh -c 'echo PV=$PV; pwd'

# -t: conmon passes a console socket; the program's stdio is the guest's terminal.
PM run --rm -t $PIMG /bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-yes; busybox tty; busybox readlink /proc/self/fd/0' >$PT/tty.out 2>&1
echo "NOTE: podman: tty in a -t container says '$(tr -d '\r' <$PT/tty.out | sed -n 2p)'"
check "podman: -t: the program has a terminal" grep -q tty-yes $PT/tty.out
# ttyname(3) finds it: what /proc/self/fd/0 names is that terminal (/dev/pts/N).
check_out "podman: -t: tty names the terminal /proc/self/fd/0 links to" "$(tr -d '\r' <$PT/tty.out | sed -n 3p)" \
	sh -c "tr -d '\\r' <$PT/tty.out | sed -n 2p | grep '^/dev/pts/[0-9]*\$'"

# A detached sleeper: exec, logs, stop; its config.json for the corpus.
check "podman: run -d of a sleeper" PM run -d --name p-sleep $PIMG /bin/sh -c 'echo started; exec sleep 600'
check_out "podman: ps says it is up" "p-sleep" sh -c "podman ps --format '{{.Names}}' | grep -x p-sleep"
check_out "podman: exec runs in the pod" "hello from-exec" PM exec p-sleep /bin/hello from-exec
check_rc "podman: exec gives back the process's status" 5 PM exec p-sleep /bin/sh -c 'exit 5'
check "podman: logs of the sleeper" wait_for 30 sh -c "podman logs p-sleep | grep -qx started"
cid=$(podman inspect --format '{{.Id}}' p-sleep 2>/dev/null)
conf podman-run-d "/var/lib/containers/storage/vfs-containers/$cid/userdata/config.json"
t0=$(now_cs)
check "podman: stop of the sleeper" PM stop -t 10 p-sleep
t1=$(now_cs)
echo "NOTE: podman: stop took $(((t1 - t0) * 10)) ms"
check_out "podman: it exited by SIGTERM (143)" "exited 143" podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' p-sleep
check "podman: its domain is gone" wait_for 30 domain_gone "xenpod-$cid"
check "podman: rm" PM rm p-sleep

# pause and unpause: Xen pauses the domain; state "paused"; the program does not run meanwhile,
# then does. kill -s: USR1 reaches the program's trap, TERM and KILL end it (128+N).
check "podman: run -d of a ticker" PM run -d --name p-tick $PIMG /bin/sh -c \
	'trap "echo got-usr1" USR1; while :; do echo tick; sleep 1; done'
cid=$(podman inspect --format '{{.Id}}' p-tick 2>/dev/null)
check "podman: the ticker ticks" wait_for 60 sh -c "[ \$(podman logs p-tick | grep -c '^tick') -ge 2 ]"
check "podman: pause" PM pause p-tick
check_out "podman: ... inspect says paused" paused podman inspect --format '{{.State.Status}}' p-tick
check "podman: ... its domain is paused in Xen" xl_paused "xenpod-$cid"
# What the guest wrote before the pause has reached the log once two reads a second apart agree.
n0=$(ticks p-tick)
sleep 1
n1=$(ticks p-tick)
while [ "$n0" != "$n1" ]; do
	n0=$n1
	sleep 1
	n1=$(ticks p-tick)
done
sleep 3
check_out "podman: ... the program does not run while paused" "$n1" ticks p-tick
check "podman: unpause" PM unpause p-tick
check_out "podman: ... inspect says running" running podman inspect --format '{{.State.Status}}' p-tick
check "podman: ... the program runs again" wait_for 60 sh -c "[ \$(podman logs p-tick | grep -c '^tick') -gt $n1 ]"
check "podman: kill -s USR1" PM kill -s USR1 p-tick
check "podman: ... reaches the program's trap" wait_for 60 sh -c "podman logs p-tick | grep -qx got-usr1"
check_out "podman: ... which runs on" running podman inspect --format '{{.State.Status}}' p-tick
check "podman: kill -s TERM" PM kill -s TERM p-tick
check_out "podman: ... it exited by SIGTERM (143)" 143 PM wait p-tick
check_out "podman: ... inspect says exited 143" "exited 143" podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' p-tick
check "podman: ... its domain is gone" wait_for 30 domain_gone "xenpod-$cid"
check "podman: rm (ticker)" PM rm p-tick
check "podman: run -d of a sleeper (kill -s KILL)" PM run -d --name p-k9 $PIMG /bin/sleep 600
check "podman: kill -s KILL" PM kill -s KILL p-k9
check_out "podman: ... it exited by SIGKILL (137)" 137 PM wait p-k9
check "podman: rm (killed)" PM rm p-k9
check_rc "podman: run --rm of a program that dies of SIGKILL exits 137" 137 PM run --rm $PIMG /bin/sh -c 'kill -KILL $$'

# The per-pod memory cost (Kubernetes' RuntimeClass overhead): what Xen gives a pod of a 64 MiB
# limit beyond the 64 MiB, and the dom0 processes that stand for it (holder, guard, conmon).
free0=$(xl info | awk '$1 == "free_memory" { print $3 }')
check "podman: run -d -m 64m" PM run -d --name p-mem -m 64m $PIMG /bin/sleep 600
free1=$(xl info | awk '$1 == "free_memory" { print $3 }')
cid=$(podman inspect --format '{{.Id}}' p-mem 2>/dev/null)
check "podman: -m 64m became the pod's 64 MiB" sh -c "xenpod inspect $cid | grep -q '\"memory_mib\": *64'"
rss=0
for p in $(ps -o pid,args | awk '/[x]enpod-oci|[c]onmon/ { print $1 }'); do
	r=$(awk '$1 == "VmRSS:" { print $2 }' /proc/$p/status 2>/dev/null)
	rss=$((rss + ${r:-0}))
done
echo "FIGURE: podman: per-pod memory: Xen's free memory fell by $((free0 - free1)) MiB for a 64 MiB pod; dom0's holder, guard and conmon: $rss KiB RSS"
conf podman-run-m64 "/var/lib/containers/storage/vfs-containers/$cid/userdata/config.json"
check "podman: rm -f of a running container" PM rm -f p-mem
check "podman: ... its domain is gone" wait_for 30 domain_gone "xenpod-$cid"

# logs of a container that ran and exited; its -t config.json as well.
check "podman: run (named, kept)" PM run --name p-log $PIMG /bin/hello logged
check_out "podman: logs after the exit" "hello logged" podman logs p-log
check "podman: rm (logs)" PM rm p-log
# podman writes config.json at init (the runtime's create); rm -f of a created container.
cid=$(PM create -t --name p-tty $PIMG /bin/true 2>/dev/null)
check "podman: init of a -t container (the runtime's create)" PM init p-tty
conf podman-init-t "/var/lib/containers/storage/vfs-containers/$cid/userdata/config.json"
check "podman: rm -f of a created container" PM rm -f p-tty

# Cycles: nothing may be left after 20 run --rm.
t0=$(now_cs)
i=0
ok=0
while [ $i -lt 20 ]; do
	if PM run --rm $PIMG /bin/true >$PT/cyc.out 2>&1; then
		ok=$((ok + 1))
	else
		echo "NOTE: podman: cycle $i failed: $(tail -3 $PT/cyc.out | tr '\n' '|')"
	fi
	i=$((i + 1))
done
t1=$(now_cs)
check_out "podman: 20 run --rm cycles" 20 echo $ok
echo "FIGURE: podman: podman run --rm IMG true with xenpod-oci: $(((t1 - t0) * 10 / 20)) ms per run (20 runs)"
check_out "podman: no domain left" 0 pdomains_zero
check_out "podman: no holder, guard or conmon left" "" pprocs
check_out "podman: no container state left" "" pstate
check_out "podman: no container left in podman" "" podman ps -a -q

# The baselines, same image, same boot: xenpod run, and podman with Debian's crun in dom0.
t0=$(now_cs)
i=0
ok=0
while [ $i -lt 5 ]; do
	xenpod run --name p-run$i /lab/images/rootfs /bin/true >/dev/null 2>&1 &&
		xenpod rm p-run$i >/dev/null 2>&1 && ok=$((ok + 1))
	i=$((i + 1))
done
t1=$(now_cs)
check_out "podman: the xenpod run + rm baseline" 5 echo $ok
echo "FIGURE: podman: xenpod run + rm of IMG true: $(((t1 - t0) * 10 / 5)) ms per run (5 runs)"
check_out "podman: with crun (a plain container in dom0)" "hi" podman --runtime /usr/bin/crun run --rm $PIMG /bin/echo hi
t0=$(now_cs)
i=0
ok=0
while [ $i -lt 5 ]; do
	podman --runtime /usr/bin/crun run --rm $PIMG /bin/true >/dev/null 2>&1 && ok=$((ok + 1))
	i=$((i + 1))
done
t1=$(now_cs)
check_out "podman: the crun baseline" 5 echo $ok
echo "FIGURE: podman: podman run --rm IMG true with crun: $(((t1 - t0) * 10 / 5)) ms per run (5 runs)"

# containerd: ctr imports an archive of the same image and runs it through the runc shim.
containerd >/var/log/containerd.log 2>&1 &
ctrd=$!
check "ctr: containerd answers" wait_for 60 ctr version
export CONTAINERD_SNAPSHOTTER=native
check "ctr: skopeo writes a docker-archive of the image" \
	skopeo copy containers-storage:$PIMG docker-archive:$PT/img.tar:$PIMG
check "ctr: image import of the archive" ctr image import $PT/img.tar
check_out "ctr: run --rm echo" "hi" ctr run --rm --runc-binary $XO $PIMG c-echo /bin/echo hi
check_rc "ctr: the exit status (3) comes back" 3 ctr run --rm --runc-binary $XO $PIMG c-exit3 /bin/sh -c 'exit 3'
check "ctr: run -d of a sleeper" ctr run -d --runc-binary $XO $PIMG c-sleep /bin/sleep 600
conf ctr-run-d /run/containerd/io.containerd.runtime.v2.task/default/c-sleep/config.json
check_out "ctr: task exec runs in the pod" "hello from-exec" ctr task exec --exec-id e1 c-sleep /bin/hello from-exec
# (ctr's first resize runs in a goroutine of its own and may come after a quick process has
# exited, when ctr logs the shim's "cannot resize a stopped container", as with runc: the
# terminal is ctr's stdout and stderr both, so the check looks for the program's line.)
check "ctr: task exec -t: the process has a terminal" sh -c \
	"$REAP --pty ctr task exec -t --exec-id e2 c-sleep /bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo exec-tty-yes' | tr -d '\\r' | grep -qx exec-tty-yes"
check_rc "ctr: task exec of a process that dies of SIGKILL exits 137" 137 \
	ctr task exec --exec-id e3 c-sleep /bin/sh -c 'kill -KILL $$'
check "ctr: task pause" ctr task pause c-sleep
check "ctr: ... task ls says PAUSED" sh -c "ctr task ls | grep -q 'c-sleep.*PAUSED'"
check "ctr: ... its domain is paused in Xen" xl_paused xenpod-c-sleep
check "ctr: task resume" ctr task resume c-sleep
check "ctr: ... task ls says RUNNING" sh -c "ctr task ls | grep -q 'c-sleep.*RUNNING'"
check "ctr: ... it runs (exec)" ctr task exec --exec-id e4 c-sleep /bin/true
check "ctr: task kill (SIGTERM)" ctr task kill c-sleep
check "ctr: the task stops" wait_for 60 sh -c "ctr task ls | grep -q 'c-sleep.*STOPPED'"
check "ctr: task delete (it says exit code 143)" sh -c "ctr task delete c-sleep 2>&1 | grep -q 'exit code 143'"
check "ctr: run -d of a sleeper (kill -s 9)" ctr run -d --runc-binary $XO $PIMG c-k9 /bin/sleep 600
check "ctr: task kill -s 9" ctr task kill -s 9 c-k9
check "ctr: ... the task stops" wait_for 60 sh -c "ctr task ls | grep -q 'c-k9.*STOPPED'"
check "ctr: task delete (it says exit code 137)" sh -c "ctr task delete c-k9 2>&1 | grep -q 'exit code 137'"
check "ctr: container delete (killed)" ctr container delete c-k9
check_rc "ctr: run --rm of a program that dies of SIGKILL exits 137" 137 \
	ctr run --rm --runc-binary $XO $PIMG c-kill /bin/sh -c 'kill -KILL $$'
check "ctr: run -t: the program has a terminal" sh -c \
	"$REAP --pty ctr run --rm -t --runc-binary $XO $PIMG c-tty /bin/sh -c '[ -t 0 ] && [ -t 1 ] && echo tty-yes' | tr -d '\\r' | grep -qx tty-yes"
check "ctr: container delete" ctr container delete c-sleep
check_out "ctr: no domain left" 0 pdomains_zero
check_out "ctr: no holder, guard or shim left" "" pprocs
check_out "ctr: no container state left" "" pstate
unset CONTAINERD_SNAPSHOTTER
kill $ctrd
fi
