# SPDX-License-Identifier: MIT
# t_70_exec.sh: pod I/O over the vchan (issue 8): exec, stdin/stdout/stderr, tty, signals, logs by stream, restart.

IMG=/lab/images
T=/tmp/t70
mkdir -p $T

restart_daemon() {
	pid=$(pidof xenpodd)
	[ -n "$pid" ] && kill -9 $pid
	wait_for 5 sh -c '! pidof xenpodd'
	xenpodd -d >>/var/log/xenpodd.log 2>&1 &
	wait_for 10 xenpod version
}

# The channel is up once an exec works.
chan_up() { xenpod exec "$1" /bin/true; }

# fast_rc WANT SECONDS CMD...: exits WANT within SECONDS.
fast_rc() {
	want=$1
	secs=$2
	shift 2
	t0=$(date +%s)
	"$@" >/dev/null 2>&1
	rc=$?
	t1=$(date +%s)
	[ "$rc" = "$want" ] && [ $((t1 - t0)) -le "$secs" ]
}

check "exec: a pod to exec in" xenpod run -d --name x1 --memory 96 $IMG/rootfs /bin/sleep 600
check "exec: its channel comes up" wait_for 20 chan_up x1
check_out "exec: echo" "hello exec" xenpod exec x1 /bin/echo hello exec
check_rc "exec: a failing command's status" 7 xenpod exec x1 /bin/hello --exit 7
check "exec: a missing command is 127 at once" fast_rc 127 3 xenpod exec x1 /no/such
check "exec: ... and says so on stderr" sh -c \
	'xenpod exec x1 /no/such 2>&1 >/dev/null | grep -qi "no such\|not found"'
check_out "exec: -e and -w" "hello
V=1" xenpod exec -e V=1 -w /tmp x1 /bin/hello --env V
check_out "exec: -u runs it as a user of the image" \
	"uid=1000(app) gid=1000(app) groups=50(staff),1000(app)" xenpod exec -u app x1 /bin/busybox id
# An exec's own supplementary groups (of its -u user) and resource limits.
check "exec: --group-add adds a group to -u's user" sh -c \
	'xenpod exec -u app --group-add 4343 x1 /bin/busybox id | grep -q "^uid=1000(app) gid=1000(app) groups=.*4343"'
check "exec: ... which it has not without it" sh -c \
	'! xenpod exec -u app x1 /bin/busybox id | grep -q 4343'
check_out "exec: --ulimit sets the exec's limits" "100
200" xenpod exec --ulimit nofile=100:200 x1 /bin/sh -c 'ulimit -n; ulimit -Hn'
check_out "exec: ... the next exec has the pod's" "256" xenpod exec x1 /bin/sh -c 'ulimit -Hn'
check_out "exec: --ulimit nofile above the guest's 256 descriptors is lowered" "256
256" xenpod exec --ulimit nofile=1024:4096 x1 /bin/sh -c 'ulimit -n; ulimit -Hn'
check_out "exec: --ulimit fsize: a write beyond it fails" "short" xenpod exec --ulimit fsize=1024 x1 \
	/bin/sh -c 'busybox head -c 4096 /dev/zero >/tmp/f 2>/dev/null; [ "$(busybox wc -c </tmp/f)" -le 1024 ] && echo short'
check "exec: -u with an unknown user is 125 with docker's words" sh -c \
	'out=$(xenpod exec -u nosuch x1 /bin/true 2>&1); [ $? = 125 ] &&
	echo "$out" | grep -q "unable to find user nosuch: no matching entries in passwd file"'
check_out "exec: stdout apart from stderr (stdout)" "out" \
	sh -c 'xenpod exec x1 /bin/sh -c "echo out; echo err >&2" 2>/dev/null'
check_out "exec: stdout apart from stderr (stderr)" "err" \
	sh -c 'xenpod exec x1 /bin/sh -c "echo out; echo err >&2" 2>&1 >/dev/null'
check_out "exec: stdin round trip" "data" sh -c 'echo data | xenpod exec -i x1 /bin/cat'
check_out "exec: without -i stdin is empty" "" sh -c 'echo data | xenpod exec x1 /bin/cat'

# 8 MiB each way, byte for byte: random bytes made in the guest (it tells
# their checksum on stderr), random bytes sent in, and both at once.
sum_of() { sha256sum | cut -d' ' -f1; }
# Each bounded: a hang is a failure here, not the lab's timeout.
timeout 180 xenpod exec x1 /bin/busybox sh -c 'busybox head -c 8388608 /dev/urandom >/tmp/r &&
	busybox sha256sum </tmp/r | busybox cut -d" " -f1 >&2 && cat /tmp/r' \
	>$T/gout 2>$T/gsum
check_out "exec: 8 MiB of stdout arrive identical" "$(cat $T/gsum)" sum_of <$T/gout
check_out "exec: ... all of it" 8388608 sh -c "wc -c <$T/gout"
[ "$(wc -c <$T/gout)" = 8388608 ] ||
	grep -v "^$" /var/log/xenpodd.log | tail -5 | sed 's/^/info: xenpodd: /'

head -c 8388608 /dev/urandom >$T/rand
want=$(sum_of <$T/rand)
check_out "exec: 8 MiB of stdin arrive identical" "$want" \
	sh -c "timeout 180 xenpod exec -i x1 /bin/busybox sha256sum <$T/rand | cut -d' ' -f1"
t0=$(date +%s)
timeout 180 xenpod exec -i x1 /bin/cat <$T/rand >$T/rout
echo "info: 8 MiB round trip took $(($(date +%s) - t0)) s"
grep -a "missed" /var/log/xenpodd.log | tail -3 | sed 's/^/info: xenpodd: /'
check_out "exec: 8 MiB through stdin and back are identical" "$want" sum_of <$T/rout
if [ "$(sum_of <$T/rout)" != "$want" ]; then
	echo "info: round trip: $(wc -c <$T/rout) bytes; $(cmp $T/rand $T/rout 2>&1 | head -1)"
	grep -v "^$" /var/log/xenpodd.log | tail -8 | sed 's/^/info: xenpodd: /'
fi

# Terminals.
check_out "exec: -t: tty names the terminal, as /proc/self/fd/0 and stat of that name agree" "/dev/pts/ok" \
	sh -c 'xenpod exec -t x1 /bin/sh -c "t=\$(busybox tty); [ \"\$t\" = \"\$(busybox readlink /proc/self/fd/0)\" ] && [ -c \"\$t\" ] && echo \${t%/*}/ok" | tr -d "\r"'
check "exec: -t gives a terminal" sh -c \
	'xenpod exec -t x1 /bin/sh -c "test -t 0 && test -t 1 && echo TTY" | grep -q TTY'
check_rc "exec: no terminal without -t" 1 xenpod exec x1 /bin/sh -c 'test -t 0'
check "exec: ^C in the terminal interrupts the process" fast_rc 130 10 \
	sh -c '(sleep 2; printf "\003") | xenpod exec -i -t x1 /bin/sleep 60'
# ^S stops the terminal's output (the writer blocks: its next step has not run 4 s later), ^Q
# restarts it.
t70_ixon() {
	rm -f $T/early
	{
		printf '\023'
		sleep 4
		xenpod exec x1 /bin/sh -c 'test -e /tmp/ixon && echo EARLY' >$T/early 2>&1
		printf '\021'
		sleep 3
	} | xenpod exec -i -t x1 /bin/sh -c 'sleep 1; echo a; touch /tmp/ixon; echo b' |
		tr -d '\r' | tr '\n' ' ' | sed 's/ $//'
	cat $T/early
}
check_out "exec: ^S stops the terminal's output, ^Q restarts it" "a b" t70_ixon

# 20 at once.
i=1
while [ $i -le 20 ]; do
	xenpod exec x1 /bin/echo "n$i" >$T/c.$i 2>&1 &
	i=$((i + 1))
done
wait
ok=0
i=1
while [ $i -le 20 ]; do
	[ "$(cat $T/c.$i)" = "n$i" ] && ok=$((ok + 1))
	i=$((i + 1))
done
check_out "exec: 20 concurrent execs" 20 echo $ok

# kill -9 of the daemon during a long exec; new execs work after the restart.
xenpod exec x1 /bin/sleep 30 >/dev/null 2>&1 &
sleep 1
check "exec: xenpodd restarts after kill -9 during an exec" restart_daemon
check "exec: the channel comes back after the restart" wait_for 30 chan_up x1
check_out "exec: output resumes for new execs" "after restart" \
	xenpod exec x1 /bin/echo after restart
wait

# The main process: stdout and stderr logged apart, signals, attach.
check_out "main: run shows stdout on stdout" "out1" \
	sh -c "xenpod run --name x3 $IMG/rootfs /bin/sh -c 'echo out1; echo err1 >&2' 2>/dev/null"
check_out "main: logs --stream stdout" "out1" xenpod logs --stream stdout x3
check_out "main: logs --stream stderr" "err1" sh -c 'xenpod logs --stream stderr x3 2>&1'
check_out "main: logs has both" "err1
out1" sh -c 'xenpod logs x3 2>&1 | sort'
check "main: logs --stream kernel (the console) works" xenpod logs --stream kernel x3
echo "info: x3 console log: $(xenpod logs --stream kernel x3 | wc -c) bytes"
check "main: a pod for signals" xenpod run -d --name x2 $IMG/rootfs /bin/sleep 600
check "main: its channel comes up" wait_for 20 chan_up x2
check "main: kill -s TERM signals the main process" xenpod kill -s TERM x2
check "main: ... which ends the pod" wait_for 15 sh -c \
	'xenpod inspect x2 | grep -q "\"status\": *\"stopped\""'
check "main: a pod to attach to (-i keeps its stdin open)" xenpod run -d -i --name x4 $IMG/rootfs /bin/cat
check "main: its channel comes up" wait_for 20 chan_up x4
check "main: attach: input reaches the main process, its output comes back" sh -c \
	"(echo attached; sleep 3) | timeout 10 xenpod attach x4 | grep -q attached"

# run -i / -t: the pod's main process on our stdin and a terminal.
check "run: without -i the main process's stdin is at end of file" fast_rc 0 30 \
	xenpod run --name x5 $IMG/rootfs /bin/cat
check_out "run -i: stdin reaches the main process, its end ends it" "piped in" \
	sh -c "echo piped in | timeout 30 xenpod run -i --name x6 $IMG/rootfs /bin/cat"
check_rc "run -i: the exit status propagates" 3 \
	sh -c "timeout 30 xenpod run -i --name x7 $IMG/rootfs /bin/sh -c 'read l; exit \$l' <<EOF
3
EOF"
check "run -t: the main process has a terminal, and its first output is not missed" sh -c \
	"timeout 30 xenpod run -t --name x8 $IMG/rootfs /bin/sh -c 'test -t 0 && test -t 1 && echo TTY' | grep -q TTY"
check_out "run -t: inspect shows tty and stdin" "true false" \
	sh -c "xenpod inspect --json x8 | grep -o '\"\(tty\|stdin\)\": *[a-z]*' | sed 's/.*: *//' | tr '\n' ' ' | sed 's/ \$//'"
check "run -i -t: ^C in the terminal interrupts the main process (130)" fast_rc 130 30 \
	sh -c "(sleep 3; printf '\003') | xenpod run -i -t --name x9 $IMG/rootfs /bin/sleep 60"
check "exec: rm -f everything" sh -c 'xenpod rm -f $(xenpod ls -a -q)'
check_out "exec: no xenpod domains left" 0 xenpod_domains
rm -rf $T
