# SPDX-License-Identifier: MIT
# t_22_start.sh: a start answers only once the program runs (issue 11): 125/126/127, the memory floor, exec at once.

IMG=/lab/images
T=/tmp/t22
mkdir -p $T

# rc_err NAME CMD...: run CMD; its status in $T/NAME.rc, its stderr in $T/NAME.err.
rc_err() {
	_n=$1
	shift
	"$@" >$T/$_n.out 2>$T/$_n.err
	echo $? >$T/$_n.rc
}
rc_of() { cat $T/$1.rc; }
field() { xenpod --json inspect "$1" | sed -n "s/.*\"$2\": *\"\{0,1\}\([^\",}]*\).*/\1/p"; }

xenpod events >$T/events 2>&1 &
ev_pid=$!
sleep 0.5

# A program that does not exist: 127, with the guest's reason, at run -d.
rc_err nf xenpod run -d --name s-nf $IMG/rootfs /bin/no-such-prog
echo "INFO: run -d of a missing program: exit $(rc_of nf): $(cat $T/nf.err)"
check_out "start: run -d of a missing program exits 127" 127 rc_of nf
check "start: ... and says the guest's reason" grep -q "no-such-prog: not found" $T/nf.err
check "start: ... on one line, printing no pod name" sh -c "[ \$(wc -l <$T/nf.err) = 1 ] && [ ! -s $T/nf.out ]"
check_out "start: ... the pod is failed" failed field s-nf status
check_out "start: ... with exit code 127" 127 field s-nf exit_code
check_rc "start: ... wait says 127 too" 0 sh -c '[ "$(xenpod wait s-nf)" = 127 ]'

# A file that is not executable: 126.
rc_err nx xenpod run -d --name s-nx $IMG/rootfs /etc/motd
echo "INFO: run -d of a non-executable file: exit $(rc_of nx): $(cat $T/nx.err)"
check_out "start: run -d of a non-executable file exits 126" 126 rc_of nx
check "start: ... and says why" grep -qi "permission denied" $T/nx.err

# create, then start: the same statuses from start.
printf '{"name":"s-cs","image":"%s","command":["/bin/no-such-prog"]}\n' $IMG/rootfs >$T/cs.json
check "start: create of a pod whose program is missing succeeds" xenpod create -f $T/cs.json
rc_err cs xenpod start s-cs
check_out "start: ... its start exits 127" 127 rc_of cs
check "start: ... saying why" grep -q "no-such-prog: not found" $T/cs.err
check_out "start: ... and it is failed" failed field s-cs status

# A foreground run of a missing program: 127 too (was 125).
check_rc "start: run (foreground) of a missing program exits 127" 127 \
	xenpod run --name s-fg $IMG/rootfs /bin/no-such-prog

# The memory floor: 4 MiB is too small for busybox; refused at create with the figure.
rc_err mem xenpod run -d --name s-mem --memory 4 $IMG/rootfs /bin/busybox sleep 100000
echo "INFO: run -d --memory 4 of busybox: exit $(rc_of mem): $(cat $T/mem.err)"
check_out "start: run -d --memory 4 of busybox exits 125" 125 rc_of mem
check "start: ... naming what the image needs" grep -q "memory 4 MiB is below the [0-9]* MiB this image needs" $T/mem.err
check_rc "start: ... and no pod is left" 1 xenpod inspect s-mem
need=$(sed -n 's/.*below the \([0-9]*\) MiB.*/\1/p' $T/mem.err)
echo "INFO: busybox image needs ${need:-?} MiB"
check_out "start: at exactly that figure busybox runs" s-need \
	xenpod run -d --name s-need --memory ${need:-0} $IMG/rootfs /bin/busybox sleep 100000
check_out "start: ... and takes an exec" ok xenpod exec s-need /bin/busybox echo ok
xenpod exec s-need /bin/busybox head -2 /proc/meminfo | sed 's/^/INFO: at the floor: /'

# A start that works still prints the name and exits 0, and the pod runs.
check_out "start: run -d of a good program prints its name" s-ok \
	xenpod run -d --name s-ok $IMG/rootfs /bin/sleep 600
check_out "start: ... and it is running" running field s-ok status
xenpod exec s-ok /bin/busybox head -2 /proc/meminfo | sed 's/^/INFO: at 32 MiB: /'
# A program that exits at once still started.
check_out "start: run -d of a program that exits at once succeeds" s-quick \
	xenpod run -d --name s-quick $IMG/rootfs /bin/true

sleep 1
kill $ev_pid 2>/dev/null
wait $ev_pid 2>/dev/null
check "start: events: the failed start is a 'failed' event with the reason" \
	grep -q " s-nf failed (failed: /bin/no-such-prog: not found, exit code 127)$" $T/events
check "start: events: ... and no 'started' before it" sh -c "! grep -q ' s-nf started' $T/events"
check "start: events: a good start is 'started'" grep -q " s-ok started$" $T/events
grep " s-nf \| s-ok " $T/events | sed 's/^/info: event: /'

# Right after run -d returns, exec, attach and logs -f work at once.
check_out "start: logs -f right after run -d" "hello lf" sh -c \
	"xenpod run -d --name s-lf $IMG/rootfs /bin/hello lf >/dev/null && xenpod logs -f s-lf"
check_out "start: attach right after run -d" "late" sh -c \
	"xenpod run -d --name s-at $IMG/rootfs /bin/sh -c 'sleep 1; echo late' >/dev/null && xenpod attach s-at"
# Two streams of 25, each run -d then exec at once then rm: while one stream's pod boots on the
# pods' CPU, the other's create runs in dom0 (one stream took 143 s for the 50 in a lab of
# 2026-12-03). Each failure is a line in $T/x.bad.
t22_stream() { # FIRST LAST
	for i in $(seq $1 $2); do
		if ! xenpod run -d --name s-x$i $IMG/rootfs /bin/sleep 600 >/dev/null 2>$T/x$i.err; then
			echo "run -d #$i: $(cat $T/x$i.err)" >>$T/x.bad
		elif ! xenpod exec s-x$i /bin/true 2>$T/x$i.err; then
			echo "exec #$i: $(cat $T/x$i.err)" >>$T/x.bad
		fi
		xenpod rm -f s-x$i >/dev/null 2>&1
	done
}
n=50 t0=$(date +%s)
: >$T/x.bad
t22_stream 1 25 &
t22_a=$!
t22_stream 26 50
wait $t22_a
bad=$(wc -l <$T/x.bad)
sed 's/^/info: /' $T/x.bad
echo "INFO: run -d then exec at once, two streams: $bad failures out of $n ($(($(date +%s) - t0)) s)"
check_out "start: $n times run -d then exec at once: no failure" 0 echo $bad

for p in s-nf s-nx s-cs s-fg s-ok s-quick s-lf s-at s-need; do
	xenpod rm -f $p >/dev/null 2>&1
done
