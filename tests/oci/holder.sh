#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/oci/holder.sh: xenpod-oci exec against fake_xenpodd: the holder dies of the process's signal, and process.json's user, groups and limits reach pod_exec.
set -u

XO=${XO:-./oci/xenpod-oci}
FAKE=${FAKE:-./tests/cli/fake_xenpodd}
REAP=${REAP:-./tests/lab/oci_reaper}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xenpod-oci-holder.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

# A running container c1 as create leaves its state (the pod is the fake's).
mkdir -p "$tmp/root/c1"
cat >"$tmp/root/c1/state.json" <<JSON
{"id":"c1","bundle":"$tmp","rootfs":"$tmp/rootfs","pid":1,"pid_start":1,"created":"2026-12-03T00:00:00Z","annotations":{}}
JSON
INSPECT='> {"jsonrpc":"2.0","id":1,"method":"pod_inspect","params":{"name":"c1"}}
< {"jsonrpc":"2.0","id":1,"result":{"name":"c1","status":"running","paused":false}}'
EXEC_X='{"name":"c1","command":["/bin/x"],"env":[],"cwd":"/","tty":false,"stdin":true}'

# conv NAME PARAMS RESULT: the script of one exec: the state's inspect, then
# (on the holder's own connection) pod_exec with PARAMS, the end of its
# stdin (/dev/null), answered RESULT.
conv() {
	printf '%s\nconn 1\n> {"jsonrpc":"2.0","id":1,"method":"pod_exec","params":%s}\n> %s\n< {"jsonrpc":"2.0","id":1,"result":%s}\n' \
		"$INSPECT" "$2" '{"jsonrpc":"2.0","method":"exec_input","params":{"eof":true}}' "$3" >"$tmp/$1.golden"
	rm -f "$tmp/$1.ready"
	"$FAKE" "$tmp/$1.sock" "$tmp/$1.golden" "$tmp/$1.ready" 2>"$tmp/$1.fake" &
	fake_pid=$!
	i=0
	while [ ! -e "$tmp/$1.ready" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# detached NAME PARAMS RESULT WANT [EXEC-ARGS...]: exec --detach under the
# reaper (conmon's stand-in); its holder must end as WANT ("signal 9").
detached() {
	name=$1 params=$2 result=$3 want=$4
	shift 4
	conv "$name" "$params" "$result"
	XENPOD_SOCKET=$tmp/$name.sock "$REAP" "$tmp/$name.pid" "$tmp/$name.status" \
		"$XO" --root "$tmp/root" exec --detach --pid-file "$tmp/$name.pid" "$@" \
		>"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null
	wait "$fake_pid"
	frc=$?
	got=$(cat "$tmp/$name.status" 2>/dev/null)
	if [ "$got" != "$want" ]; then
		fail "$name" "the holder ended '$got', expected '$want' ($(head -c 300 "$tmp/$name.err"))"
	elif [ $frc != 0 ]; then
		fail "$name" "fake daemon: $(tr '\n' ' ' <"$tmp/$name.fake")"
	else
		pass "$name"
	fi
}

detached exec-detach-sigkill "$EXEC_X" '{"exit_code":137,"signal":9}' "signal 9" c1 /bin/x
detached exec-detach-sigusr1 "$EXEC_X" '{"exit_code":138,"signal":10}' "signal 10" c1 /bin/x
detached exec-detach-exit "$EXEC_X" '{"exit_code":3,"signal":0}' "exit 3" c1 /bin/x
# 143 that the process exited with is not SIGTERM
detached exec-detach-exit143 "$EXEC_X" '{"exit_code":143,"signal":0}' "exit 143" c1 /bin/x

# process.json's user, additionalGids and rlimits become the exec's own.
cat >"$tmp/proc.json" <<JSON
{"terminal":false,"user":{"uid":4242,"gid":4242,"additionalGids":[4343,10]},"args":["/bin/id"],"env":["PATH=/bin"],"cwd":"/tmp",
"rlimits":[{"type":"RLIMIT_NOFILE","soft":100,"hard":200},{"type":"RLIMIT_CORE","soft":18446744073709551615,"hard":18446744073709551615}]}
JSON
detached exec-process-creds \
	'{"name":"c1","command":["/bin/id"],"env":["PATH=/bin"],"cwd":"/tmp","user":"4242:4242","groups":["4343","10"],"rlimits":[{"type":"RLIMIT_NOFILE","soft":100,"hard":200},{"type":"RLIMIT_CORE","soft":-1,"hard":-1}],"tty":false,"stdin":true}' \
	'{"exit_code":0,"signal":0}' "exit 0" --process "$tmp/proc.json" c1

# In the foreground xenpod-oci is runc exec itself: it exits 128+N.
conv exec-fg-sigkill "$EXEC_X" '{"exit_code":137,"signal":9}'
XENPOD_SOCKET=$tmp/exec-fg-sigkill.sock "$XO" --root "$tmp/root" exec c1 /bin/x \
	>"$tmp/fg.out" 2>"$tmp/fg.err" </dev/null
rc=$?
wait "$fake_pid"
frc=$?
if [ $rc = 137 ] && [ $frc = 0 ]; then
	pass exec-fg-sigkill
else
	fail exec-fg-sigkill "exit $rc (want 137), fake $frc: $(tr '\n' ' ' <"$tmp/exec-fg-sigkill.fake")"
fi

exit $failed
