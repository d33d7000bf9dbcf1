# SPDX-License-Identifier: MIT
# t_85_oci.sh: xenpod-oci (issue 17) with the real daemon: runc's create/start/state/kill/delete/exec on a bundle from a lab image.

IMG=/lab/images
OT=/tmp/oci
OROOT=/run/xenpod-oci-lab
OLOG=$OT/oci.log
O() { xenpod-oci --root $OROOT --log $OLOG --log-format json "$@"; }
REAP=$PWD/oci_reaper
B=$OT/bundle

# ocfg ARGS-JSON [TERMINAL] [ROOT-EXTRA]: the bundle's config.json (a podman-like one).
ocfg() {
	cat >$B/config.json <<CFG
{"ociVersion":"1.0.2-dev","process":{"terminal":${2:-false},"user":{"uid":0,"gid":0,"additionalGids":[0,10]},
"args":$1,"env":["PATH=/bin","OCI_VAR=from-bundle","TERM=xterm"],"cwd":"/",
"capabilities":{"bounding":["CAP_CHOWN"]},"rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}],"noNewPrivileges":true},
"root":{"path":"rootfs"${3:-}},"hostname":"ocihost",
"mounts":[{"destination":"/proc","type":"proc","source":"proc"},{"destination":"/dev","type":"tmpfs","source":"tmpfs"},
{"destination":"/dev/pts","type":"devpts","source":"devpts"},{"destination":"/sys","type":"sysfs","source":"sysfs"},
{"destination":"/etc/oci-file","type":"bind","source":"$OT/hostfile","options":["rbind","ro"]}],
"annotations":{"org.example.lab":"t85"},
"linux":{"namespaces":[{"type":"pid"},{"type":"mount"},{"type":"network"}],"cgroupsPath":"/lab/oci",
"resources":{"memory":{"limit":67108864}},"maskedPaths":["/proc/kcore"],"seccomp":{"defaultAction":"SCMP_ACT_ALLOW"}}}
CFG
}

# ocreate ID [CREATE-ARGS...]: create under the stand-in for conmon; waits for the pid file.
ocreate() {
	_id=$1
	shift
	rm -f $OT/$_id.pid $OT/$_id.status
	"$REAP" $OT/$_id.pid $OT/$_id.status xenpod-oci --root $OROOT --log $OLOG --log-format json \
		create --bundle ${OBUNDLE:-$B} --pid-file $OT/$_id.pid "$@" $_id >$OT/$_id.out 2>$OT/$_id.err <"${OSTDIN:-/dev/null}" &
	wait_for 120 sh -c "test -s $OT/$_id.pid || test -s $OT/$_id.status"
	test -s $OT/$_id.pid
}
ostatus() { O state "$1" | sed -n 's/.*"status": "\([a-z]*\)".*/\1/p'; }
opid() { O state "$1" | sed -n 's/.*"pid": \([0-9]*\).*/\1/p'; }
# The holder's status as its reaper saw it.
oreaped() { wait_for 120 test -s $OT/$1.status && cat $OT/$1.status; }
oholders() { ps | grep -c '[x]enpod-oci' || true; }
oexec() { O exec "$@" </dev/null; }
# Centiseconds since boot, for the figures (printed, never asserted).
now_cs() { read -r _u _rest </proc/uptime; echo "${_u%.*}${_u#*.}"; }
odomains() { xl list | awk 'NR > 1 && $1 ~ /^xenpod-o-/ { n++ } END { print n + 0 }'; }

if [ ! -x "$REAP" ]; then
	echo "FAIL: oci: oci_reaper was not built"
	LAB_FAILED=$((LAB_FAILED + 1))
else
rm -rf $OT $OROOT
mkdir -p $OT $B
cp -a $IMG/rootfs $B/rootfs
mkdir -p $B/rootfs/etc
echo "from the host" >$OT/hostfile

# The lifecycle: create (the pod exists, paused), start, the reaped status, stdout, delete.
ocfg '["/bin/hello","oci","--env","OCI_VAR"]'
check "oci: create writes the pid file" ocreate o-echo
check_out "oci: state after create is created" created ostatus o-echo
check "oci: state's pid is the pid file's" sh -c "[ \"\$(cat $OT/o-echo.pid)\" = \"$(opid o-echo)\" ]"
check "oci: the pid holder is a live dom0 process" kill -0 "$(cat $OT/o-echo.pid)"
check "oci: the pod was created, not started" sh -c 'xenpod inspect o-echo | grep -q "\"status\": *\"created\""'
check "oci: state shows the annotations" sh -c "xenpod-oci --root $OROOT state o-echo | grep -q '\"org.example.lab\": *\"t85\"'"
check "oci: memory limit became the pod's memory" sh -c 'xenpod inspect o-echo | grep -q "\"memory_mib\": *64"'
check "oci: ignored fields are logged" grep -q '"level":"warning".*linux.cgroupsPath' $OLOG
check "oci: config.json's hostname is the pod's" sh -c 'xenpod inspect o-echo | grep -q "\"hostname\": *\"ocihost\""'
check "oci: ... and is not logged as ignored" sh -c "! grep -q '\"level\":\"warning\".*hostname' $OLOG"
check "oci: start" O start o-echo
check_out "oci: the holder exits with the container's status (0)" "exit 0" oreaped o-echo
check_out "oci: stdout reaches the holder's stdout" "hello oci
OCI_VAR=from-bundle" cat $OT/o-echo.out
check_out "oci: state after the exit is stopped" stopped ostatus o-echo
check_out "oci: a stopped container's pid is 0" 0 opid o-echo
check "oci: the pod ended by itself (poweroff), not killed by its holder" \
	sh -c 'xenpod inspect o-echo | grep -q "\"reason\": *\"poweroff\""'

check_rc "oci: kill of a stopped container fails" 1 O kill o-echo TERM
check "oci: ... saying it is not running" grep -q 'container not running' $OLOG
check "oci: delete" O delete o-echo
check_rc "oci: state of a deleted container fails" 1 O state o-echo
check "oci: ... saying it does not exist" grep -q '"level":"error","msg":"container o-echo does not exist"' $OLOG
check_rc "oci: its pod is gone" 1 xenpod inspect o-echo

# Exit status and a file bind mount copied into the root.
ocfg '["/bin/sh","-c","cat /etc/oci-file; echo to-stderr >&2; exit 3"]'
check "oci: create (exit 3)" ocreate o-exit3
check "oci: start (exit 3)" O start o-exit3
check_out "oci: the holder exits with 3" "exit 3" oreaped o-exit3
check_out "oci: a bind-mounted file is in the pod" "from the host" cat $OT/o-exit3.out
check_out "oci: stderr reaches the holder's stderr" "to-stderr" cat $OT/o-exit3.err
check "oci: the pod keeps the exit code 3" sh -c 'xenpod inspect o-exit3 | grep -q "\"exit_code\": *3"'
check "oci: delete (exit 3)" O delete o-exit3

# Directory bind mounts are the pod's host-directory volumes: read and written from the
# container, "ro" in the options enforced by dom0's backend.
B3=$OT/bundle3
mkdir -p $B3 $OT/vol-rw $OT/vol-ro
echo "host data" >$OT/vol-rw/in
echo "read me" >$OT/vol-ro/r
cat >$B3/config.json <<CFG
{"ociVersion":"1.0.2","process":{"args":["/bin/sh","-c","cat /data/in /ro/r; echo from-pod >/data/out; if echo x >/ro/f; then echo ro-writable; else echo ro-refused; fi"],"env":["PATH=/bin"],"cwd":"/"},
"root":{"path":"$B/rootfs"},"mounts":[{"destination":"/proc","type":"proc","source":"proc"},
{"destination":"/data","type":"bind","source":"$OT/vol-rw","options":["rbind","rw"]},
{"destination":"/ro","type":"none","source":"$OT/vol-ro","options":["rbind","ro"]}]}
CFG
OBUNDLE=$B3
check "oci: create with directory bind mounts" ocreate o-vol
OBUNDLE=
check "oci: ... they are the pod's volumes" sh -c 'xenpod inspect o-vol | grep -q "\"destination\": *\"/ro\""'
check "oci: start (volumes)" O start o-vol
check_out "oci: the volumes' pod exits 0" "exit 0" oreaped o-vol
check_out "oci: the container read both directories, the ro one refused a write" "host data
read me
ro-refused" cat $OT/o-vol.out
check "oci: ... with EROFS" grep -q 'Read-only file system' $OT/o-vol.err
check_out "oci: the container's write reached the host directory" "from-pod" cat $OT/vol-rw/out
check "oci: ... and nothing was written to the ro one" test ! -e $OT/vol-ro/f
check "oci: delete (volumes)" O delete o-vol
printf '{"ociVersion":"1.0.2","process":{"args":["/bin/hello"]},"root":{"path":"%s/rootfs"},"mounts":[{"destination":"/data","type":"bind","source":"%s"},{"destination":"/data/x","type":"bind","source":"%s"}]}\n' \
	$B $OT/vol-rw $OT/hostfile >$B3/config.json
check_rc "oci: a file bind inside a directory bind is refused" 1 O create --bundle $B3 o-vol2
check "oci: ... naming both mounts" grep -q '"level":"error","msg":".*mounts\[1\]: the file bind on /data/x is inside the directory bind mount mounts\[0\]' $OLOG
check_rc "oci: ... and nothing is left" 1 O state o-vol2

# Hooks run in dom0 with the state on stdin: prestart and createRuntime at create (a
# failure undoes the create), poststart after start, poststop after delete;
# createContainer and startContainer are skipped with a log line.
HK=$OT/hk
mkdir -p $HK
cat >$OT/hook.sh <<'HOOK'
#!/bin/sh
# hook.sh MARKER-DIR NAME [STATUS]: the state (stdin) into MARKER-DIR/NAME, with the env.
{ cat; echo; echo "env=$HOOK_ENV"; } >"$1/$2"
exit ${3:-0}
HOOK
chmod +x $OT/hook.sh
hcfg() {
	cat >$B3/config.json <<CFG
{"ociVersion":"1.0.2","process":{"args":["/bin/hello","hooked"],"env":["PATH=/bin"],"cwd":"/"},
"root":{"path":"$B/rootfs"},"hooks":{
"prestart":[{"path":"$OT/hook.sh","args":["hook.sh","$HK","prestart","$1"],"env":["HOOK_ENV=pre"]}],
"createRuntime":[{"path":"$OT/hook.sh","args":["hook.sh","$HK","createRuntime"],"timeout":10}],
"createContainer":[{"path":"$OT/hook.sh","args":["hook.sh","$HK","createContainer"]}],
"startContainer":[{"path":"$OT/hook.sh","args":["hook.sh","$HK","startContainer"]}],
"poststart":[{"path":"$OT/hook.sh","args":["hook.sh","$HK","poststart","$2"]}],
"poststop":[{"path":"$OT/hook.sh","args":["hook.sh","$HK","poststop","$2"]}]}}
CFG
}
hcfg 0 0
OBUNDLE=$B3
check "oci: create with hooks" ocreate o-hook
OBUNDLE=
check "oci: prestart ran at create, its env and the state (creating, the holder's pid) on stdin" \
	sh -c "grep -q '\"id\":\"o-hook\",\"status\":\"creating\",\"pid\":$(cat $OT/o-hook.pid),' $HK/prestart && grep -q '^env=pre$' $HK/prestart"
check "oci: createRuntime ran at create, with no env of ours" \
	sh -c "grep -q '\"status\":\"creating\"' $HK/createRuntime && grep -q '^env=$' $HK/createRuntime"
check "oci: poststart has not run yet" test ! -e $HK/poststart
check "oci: createContainer and startContainer are skipped" \
	sh -c "[ ! -e $HK/createContainer ] && [ ! -e $HK/startContainer ]"
check "oci: ... with a log line" grep -q '"level":"warning","msg":"container o-hook: hooks.createContainer: skipped' $OLOG
check "oci: start (hooks)" O start o-hook
check "oci: poststart ran when start returned (running)" grep -q '"status":"running"' $HK/poststart
check_out "oci: the hooked container ran" "exit 0" oreaped o-hook
check "oci: poststop has not run before delete" test ! -e $HK/poststop
check "oci: delete (hooks)" O delete o-hook
check "oci: poststop ran at delete (stopped, pid 0)" grep -q '"status":"stopped","pid":0,' $HK/poststop
rm -f $HK/*
# Failing poststart and poststop are logged only.
hcfg 0 4
OBUNDLE=$B3
check "oci: create (failing post hooks)" ocreate o-hook2
OBUNDLE=
check "oci: start succeeds though poststart fails" O start o-hook2
check "oci: ... which is logged" grep -q '"level":"warning","msg":"hooks.poststart\[0\]: .*hook.sh: exited 4' $OLOG
check_out "oci: the container ran anyway" "exit 0" oreaped o-hook2
check "oci: delete succeeds though poststop fails" O delete o-hook2
check "oci: ... which is logged" grep -q '"level":"warning","msg":"hooks.poststop\[0\]: .*hook.sh: exited 4' $OLOG
check_rc "oci: ... and the container is gone" 1 O state o-hook2
rm -f $HK/*
# A failing prestart fails create and leaves nothing behind.
hcfg 5 0
rm -f $OT/o-hook3.pid
check_rc "oci: a failing prestart fails create" 1 O create --bundle $B3 --pid-file $OT/o-hook3.pid o-hook3
check "oci: ... naming the hook and its status" grep -q '"level":"error","msg":"container o-hook3: hooks.prestart\[0\]: .*hook.sh: exited 5' $OLOG
check "oci: ... createRuntime did not run" test ! -e $HK/createRuntime
check "oci: ... no pid file" test ! -e $OT/o-hook3.pid
check_rc "oci: ... no container state" 1 O state o-hook3
check_rc "oci: ... no pod" 1 xenpod inspect o-hook3
check "oci: ... no domain" wait_for 30 domain_gone xenpod-o-hook3
rm -f $HK/*

# Resource limits: OCI's process.rlimits and xenpod run --ulimit are those of the pod's
# processes, its execs' too; the guest enforces them (tests/guest t_rlimit).
cat >$B3/config.json <<CFG
{"ociVersion":"1.0.2","process":{"args":["/bin/sh","-c","ulimit -n; ulimit -Hn; ulimit -s; (exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null) && echo seven; (exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null 8</dev/null) 2>/dev/null || echo emfile"],
"env":["PATH=/bin"],"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","soft":8,"hard":128},{"type":"RLIMIT_STACK","soft":2097152,"hard":4194304}]},
"root":{"path":"$B/rootfs"}}
CFG
OBUNDLE=$B3
check "oci: create with process.rlimits" ocreate o-rl
OBUNDLE=
check "oci: ... the pod's spec has them" sh -c 'xenpod inspect o-rl | grep -q "\"type\": *\"RLIMIT_NOFILE\""'
check "oci: start (rlimits)" O start o-rl
check_out "oci: the rlimits' container exits 0" "exit 0" oreaped o-rl
check_out "oci: ulimit -n, -Hn and -s in the container say config.json's; 8 descriptors, not 9" "8
128
2048
seven
emfile" cat $OT/o-rl.out
check "oci: delete (rlimits)" O delete o-rl
check_out "oci: xenpod run --ulimit: ulimit says the spec's" "100
200
1024" xenpod run --name o-ul1 --ulimit nofile=100:200 --ulimit stack=1048576 $IMG/rootfs /bin/sh -c 'ulimit -n; ulimit -Hn; ulimit -s'
xenpod rm o-ul1 >/dev/null 2>&1
check "oci: a detached pod with --ulimit" xenpod run -d --name o-ulim --ulimit nofile=50 $IMG/rootfs /bin/sleep 600
check_out "oci: ... its exec has the limit too" "50
50" xenpod exec o-ulim /bin/sh -c 'ulimit -n; ulimit -Hn'
check "oci: ... inspect shows it" sh -c 'xenpod inspect o-ulim | grep -q "\"soft\": *50"'
xenpod rm -f o-ulim >/dev/null 2>&1
check_rc "oci: --ulimit with the soft limit above the hard one is a usage error" 2 \
	xenpod run --ulimit nofile=5:1 $IMG/rootfs /bin/true
check "oci: ... saying so" sh -c "xenpod run --ulimit nofile=5:1 $IMG/rootfs /bin/true 2>&1 | grep -q 'the soft limit is above the hard one'"

# The holder's stdin is the container's (-i); its end closes the program's stdin.
ocfg '["/bin/cat"]'
echo "via stdin" >$OT/in
OSTDIN=$OT/in
check "oci: create with stdin from a file" ocreate o-cat
OSTDIN=
check "oci: start (stdin)" O start o-cat
check_out "oci: the stdin program ends at its end of file" "exit 0" oreaped o-cat
check_out "oci: stdin reached the program" "via stdin" cat $OT/o-cat.out
check "oci: delete (stdin)" O delete o-cat

# A running container: state, exec, kill with a signal name, delete refusals.
ocfg '["/bin/sleep","600"]'
check "oci: create (sleeper)" ocreate o-sleep
check "oci: start (sleeper)" O start o-sleep
check_out "oci: state of a started container is running" running ostatus o-sleep
check_rc "oci: start twice fails" 1 O start o-sleep
check_out "oci: exec runs in the pod" "hello from-exec" oexec o-sleep /bin/hello from-exec
check_rc "oci: exec gives the process's status" 5 oexec o-sleep /bin/sh -c 'exit 5'
cat >$OT/proc.json <<PROC
{"terminal":false,"user":{"uid":0,"gid":0},"args":["/bin/hello","proc","--env","PV"],"env":["PATH=/bin","PV=from-process"],"cwd":"/"}
PROC
rm -f $OT/e1.pid $OT/e1.status
"$REAP" $OT/e1.pid $OT/e1.status xenpod-oci --root $OROOT exec --detach --pid-file $OT/e1.pid \
	--process $OT/proc.json o-sleep >$OT/e1.out 2>$OT/e1.err </dev/null &
check_out "oci: exec --detach: its holder exits with the status" "exit 0" oreaped e1
check_out "oci: exec --process: args, env" "hello proc
PV=from-process" cat $OT/e1.out
# An exec's own user, additionalGids and rlimits (process.json), as runc gives them.
cat >$OT/proc2.json <<PROC
{"terminal":false,"user":{"uid":4242,"gid":4242,"additionalGids":[4343,4444]},"args":["/bin/sh","-c","busybox id; ulimit -n; ulimit -Hn"],
"env":["PATH=/bin"],"cwd":"/","rlimits":[{"type":"RLIMIT_NOFILE","hard":200,"soft":100}]}
PROC
O exec --process $OT/proc2.json o-sleep >$OT/p2.out 2>&1 </dev/null
check "oci: exec --process: the user and its additionalGids" grep -q '^uid=4242 gid=4242 groups=.*4343.*4444' $OT/p2.out
check_out "oci: exec --process: its rlimits" "100
200" sed 1d $OT/p2.out
rm -f $OT/con2.sock $OT/con2.out $OT/con2.out.ready
"$REAP" --console $OT/con2.sock $OT/con2.out &
wait_for 10 test -e $OT/con2.out.ready
rm -f $OT/e2.pid $OT/e2.status
"$REAP" $OT/e2.pid $OT/e2.status xenpod-oci --root $OROOT exec --detach --tty --console-socket $OT/con2.sock \
	--pid-file $OT/e2.pid o-sleep /bin/sh -c 'echo exec-tty; [ -t 1 ] && echo exec-is-a-tty' </dev/null &
check_out "oci: exec -t --detach: its holder exits 0" "exit 0" oreaped e2
check "oci: exec -t: output came through the passed pty" wait_for 10 grep -q exec-tty $OT/con2.out
check "oci: exec -t: the process saw a terminal" grep -q exec-is-a-tty $OT/con2.out
# An exec killed by a signal: its holder dies of that signal (the shim reports 128+N itself).
rm -f $OT/e3.pid $OT/e3.status
"$REAP" $OT/e3.pid $OT/e3.status xenpod-oci --root $OROOT exec --detach --pid-file $OT/e3.pid \
	o-sleep /bin/sh -c 'kill -USR1 $$' >$OT/e3.out 2>$OT/e3.err </dev/null &
check_out "oci: exec --detach killed by SIGUSR1: its holder dies of SIGUSR1" "signal 10" oreaped e3
check_rc "oci: exec in the foreground (runc exec) exits 128+9 for SIGKILL" 137 oexec o-sleep /bin/sh -c 'kill -KILL $$'
check "oci: ps --format json lists the holder" sh -c "O() { xenpod-oci --root $OROOT \"\$@\"; }; [ \"\$(O ps --format json o-sleep)\" = \"[$(cat $OT/o-sleep.pid)]\" ]"
check "oci: pause" O pause o-sleep
check_out "oci: ... state says paused" paused ostatus o-sleep
check_rc "oci: a second pause fails" 1 O pause o-sleep
check "oci: ... with runc's words" grep -q 'container not running' $OLOG
check "oci: resume" O resume o-sleep
check_out "oci: ... state says running" running ostatus o-sleep
check_rc "oci: resume of a running container fails" 1 O resume o-sleep
check "oci: ... with runc's words" grep -q 'container not paused' $OLOG
check_rc "oci: delete of a running container fails" 1 O delete o-sleep
check "oci: ... saying it is not stopped" grep -q 'that is not stopped: running' $OLOG
check "oci: kill ID SIGTERM" O kill o-sleep SIGTERM
check_out "oci: the holder dies of the process's SIGTERM, as runc's init" "signal 15" oreaped o-sleep
check_out "oci: state after kill is stopped" stopped ostatus o-sleep
check "oci: delete (sleeper)" O delete o-sleep
check "oci: the sleeper's domain is gone" wait_for 30 domain_gone xenpod-o-sleep

# delete --force of a running one; a number as the signal.
check "oci: create (force)" ocreate o-force
check "oci: start (force)" O start o-force
check "oci: kill --all ID 28 (a number) reaches the pod" O kill --all o-force 28
check "oci: delete --force" O delete --force o-force
check_out "oci: the forced holder was killed" "signal 9" oreaped o-force
check_rc "oci: the forced pod is gone" 1 xenpod inspect o-force

# The holder SIGKILLed by a caller: its guard destroys the pod.
check "oci: create (holder killed)" ocreate o-hk
check "oci: start (holder killed)" O start o-hk
check "oci: SIGKILL the holder" kill -9 "$(cat $OT/o-hk.pid)"
check "oci: the pod of a killed holder stops" wait_for 60 sh -c 'xenpod inspect o-hk | grep -q "\"status\": *\"stopped\""'
check "oci: ... and its domain is gone" wait_for 30 domain_gone xenpod-o-hk
check "oci: delete (holder killed)" O delete o-hk

# Killed while created: the holder stands for the init, dies of the signal, the pod with it.
check "oci: create (kill while created)" ocreate o-kc
check "oci: kill -s CONT of a created container" O kill o-kc CONT
check_out "oci: ... does not end it (its default is to be ignored)" created ostatus o-kc
check "oci: kill a created container" O kill o-kc KILL
check_out "oci: its holder died of SIGKILL" "signal 9" oreaped o-kc
check "oci: its pod stopped" wait_for 60 sh -c 'xenpod inspect o-kc | grep -q "\"status\": *\"stopped\""'
check "oci: delete (kill while created)" O delete o-kc

# -t: the pty master comes back over --console-socket.
ocfg '["/bin/sh","-c","echo hello-tty; [ -t 0 ] && echo stdin-is-a-tty"]' true
rm -f $OT/con.sock $OT/con.out $OT/con.out.ready
"$REAP" --console $OT/con.sock $OT/con.out &
wait_for 10 test -e $OT/con.out.ready
check "oci: create -t with a console socket" ocreate o-tty --console-socket $OT/con.sock
check "oci: start (tty)" O start o-tty
check_out "oci: the tty holder exits 0" "exit 0" oreaped o-tty
check "oci: output came through the passed pty" wait_for 10 grep -q hello-tty $OT/con.out
check "oci: the program saw a terminal" grep -q stdin-is-a-tty $OT/con.out
check "oci: delete (tty)" O delete o-tty
check_rc "oci: -t without --console-socket is refused" 1 O create --bundle $B o-tty2

# A program that does not exist: start fails with the pod's reason.
ocfg '["/bin/no-such-program"]'
check "oci: create (not found)" ocreate o-nf
check_rc "oci: start of a missing program fails" 1 O start o-nf
check "oci: ... with the pod's reason" grep -q 'container o-nf: cannot start: failed: .*not found' $OLOG
check_out "oci: its holder exits 127, as a shell for a missing program" "exit 127" oreaped o-nf
check "oci: delete (not found)" O delete o-nf

# Bad input: one line each, in the JSON log the callers read.
printf '{"ociVersion":"1.0.2","process":{"args":["/bin/hello"]},"root":{"path":"%s/rootfs"},"mounts":[{"destination":"/run","type":"tmpfs","options":["size=50%%"]}]}\n' \
	$B >$B3/config.json
check_rc "oci: a tmpfs sized in percent is refused" 1 O create --bundle $B3 o-ro
check "oci: ... with a JSON error line naming the field" grep -q '"level":"error","msg":".*mounts\[0\]: tmpfs size=50%: expected bytes' $OLOG
check_rc "oci: ... and nothing is left" 1 O state o-ro
# File binds resolve inside the root: a symlink in the image cannot lead out; missing
# directories (podman's /run/.containerenv) are made.
B2=$OT/bundle2
mkdir -p $B2/rootfs/bin $OT/outside
cp $IMG/rootfs/bin/hello $B2/rootfs/bin/hello
ln -s $OT/outside $B2/rootfs/etc
ln -s ../../../.. $B2/rootfs/up
bind2() {
	printf '{"ociVersion":"1.0.0","process":{"args":["/bin/hello"]},"root":{"path":"rootfs"},"mounts":[{"destination":"%s","type":"bind","source":"%s"}]}\n' \
		"$1" $OT/hostfile >$B2/config.json
}
bind2 /etc/evil
check_rc "oci: a bind through a symlink out of the root is refused" 1 O create --bundle $B2 o-b2
check "oci: ... and nothing was written outside" sh -c "[ ! -e $OT/outside/evil ]"
OBUNDLE=$B2
bind2 /up/evil
check "oci: a bind through .. symlinks stays in the root" ocreate o-b3
check "oci: ... landing at its top" test -f $B2/rootfs/evil
check "oci: delete (bind)" O delete o-b3
bind2 /run/.containerenv
check "oci: a bind under a missing directory" ocreate o-b4
check "oci: ... makes it" test -f $B2/rootfs/run/.containerenv
check "oci: delete (bind 2)" O delete o-b4
OBUNDLE=

ocfg '["/bin/hello"]'
check "oci: create (dup)" ocreate o-dup
check_rc "oci: a second create of the same id fails" 1 O create --bundle $B o-dup
check "oci: ... saying it exists" grep -q 'container with id exists: o-dup' $OLOG
check "oci: delete of a created container" O delete o-dup
check_rc "oci: a bad id is a usage error" 2 O state ../x
check_out "oci: --version" "xenpod-oci version 0.1.0
spec: 1.1.0" xenpod-oci --version
check "oci: features is JSON naming the spec" sh -c 'xenpod-oci features | grep -q "\"ociVersionMax\": \"1.1.0\""'

# Cycles: create/start/exit/delete of hello, timed (a figure), then nothing may be left.
ocfg '["/bin/hello","cycle"]'
t0=$(now_cs)
i=0
cyc_ok=0
while [ $i -lt 20 ]; do
	c=o-cyc$i
	step=create
	if ocreate $c && step=start && O start $c 2>$OT/$c.start && step=reaped &&
		[ "$(oreaped $c)" = "exit 0" ] && step=output &&
		[ "$(cat $OT/$c.out)" = "hello cycle" ] && step=delete && O delete $c; then
		cyc_ok=$((cyc_ok + 1))
	else
		echo "NOTE: oci: cycle $i failed at $step; status '$(cat $OT/$c.status 2>&1)'," \
			"out '$(cat $OT/$c.out)', err '$(cat $OT/$c.err)', start '$(cat $OT/$c.start 2>&1)'," \
			"pod $(xenpod inspect $c 2>&1 | grep -E '"(status|reason|exit_code)"' | tr -d ' \n')"
		O delete --force $c >/dev/null 2>&1
	fi
	i=$((i + 1))
done
t1=$(now_cs)
check_out "oci: 20 create/start/delete cycles of hello" 20 echo $cyc_ok
echo "FIGURE: oci: xenpod-oci create+start+exit+delete of hello: $(((t1 - t0) * 10 / 20)) ms per cycle (20 cycles)"
t0=$(now_cs)
i=0
while [ $i -lt 5 ]; do
	xenpod run --name o-run$i $IMG/rootfs /bin/hello cycle >/dev/null 2>&1
	xenpod rm o-run$i >/dev/null 2>&1
	i=$((i + 1))
done
t1=$(now_cs)
echo "FIGURE: oci: xenpod run+rm of hello, for comparison: $(((t1 - t0) * 10 / 5)) ms per cycle (5 cycles)"

check_out "oci: no container state left" "" ls $OROOT
check_out "oci: no xenpod-oci process left" 0 oholders
check_out "oci: no domain of these containers left" 0 odomains
xenpod rm -f $(xenpod ls -a -q) >/dev/null 2>&1
fi
