#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/cli/run.sh: the xenpod CLI against fake_xenpodd serving tests/cli/*.golden conversations.
set -u

srcdir=${srcdir:-.}
dir=$srcdir/tests/cli
XENPOD=${XENPOD:-./cli/xenpod}
FAKE=${FAKE:-./tests/cli/fake_xenpodd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xenpod-cli.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
failed=0
fake_pid=

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

# Start the fake daemon on $tmp/NAME.sock serving GOLDEN; wait until it listens.
start_fake() {
	rm -f "$tmp/$1.ready"
	"$FAKE" "$tmp/$1.sock" "$dir/$2.golden" "$tmp/$1.ready" 2>"$tmp/$1.fake" &
	fake_pid=$!
	i=0
	while [ ! -e "$tmp/$1.ready" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Check exit status, stdout against NAME.out (if present), stderr against a
# fixed string (if ERR is set) and that the fake daemon saw its script through.
verdict() {
	name=$1 want=$2 rc=$3 frc=0
	if [ -n "$fake_pid" ]; then
		wait "$fake_pid"
		frc=$?
		fake_pid=
	fi
	if [ "$rc" != "$want" ]; then
		fail "$name" "exit status $rc, expected $want ($(head -c 300 "$tmp/$name.err"))"
	elif [ -f "$dir/$name.out" ] && ! cmp -s "$dir/$name.out" "$tmp/$name.stdout"; then
		fail "$name" "stdout differs: $(diff "$dir/$name.out" "$tmp/$name.stdout" | head -5 | tr '\n' ' ')"
	elif [ -n "${ERR:-}" ] && ! grep -qF -- "$ERR" "$tmp/$name.err"; then
		fail "$name" "stderr lacks '$ERR': $(head -c 300 "$tmp/$name.err")"
	elif [ "$(wc -l <"$tmp/$name.err")" -gt "${ERR_LINES:-1}" ]; then
		fail "$name" "more than ${ERR_LINES:-1} line(s) on stderr: $(head -c 300 "$tmp/$name.err")"
	elif [ $frc != 0 ]; then
		fail "$name" "fake daemon: $(tr '\n' ' ' <"$tmp/$name.fake")"
	else
		pass "$name"
	fi
}

# t NAME GOLDEN|- STATUS ARGS...: run xenpod ARGS (against GOLDEN's fake).
t() {
	name=$1 golden=$2 want=$3
	shift 3
	fake_pid=
	[ "$golden" = - ] || start_fake "$name" "$golden"
	"$XENPOD" --socket "$tmp/$name.sock" "$@" >"$tmp/$name.stdout" 2>"$tmp/$name.err" </dev/null
	verdict "$name" "$want" $?
}

# --- command line: usage errors exit 2, help exits 0 ---------------------
ERR="no command given" ERR_LINES=2 t usage-none - 2
ERR="unknown command 'frobnicate'" ERR_LINES=2 t usage-unknown - 2 frobnicate
ERR="invalid option -- 'x'" ERR_LINES=2 t usage-badopt - 2 ls -x
ERR="unrecognized option '--bogus'" ERR_LINES=2 t usage-badlong - 2 rm --bogus p1
ERR="-t abc: expected 0 to 86400 seconds" ERR_LINES=2 t usage-stop-t - 2 stop -t abc p1
ERR="-t 5s: expected" ERR_LINES=2 t usage-stop-t-suffix - 2 stop -t 5s p1
ERR="-t -1: expected" ERR_LINES=2 t usage-stop-t-neg - 2 stop -t -1 p1
ERR="missing IMAGE" ERR_LINES=2 t usage-run-noimage - 2 run -d
ERR="--memory 3: expected 4 to 65536" ERR_LINES=2 t usage-run-mem-small - 2 run --memory 3 /
ERR="--memory 12abc" ERR_LINES=2 t usage-run-mem-junk - 2 run --memory 12abc /
ERR="--memory 99999999999999999999999" ERR_LINES=2 t usage-run-mem-huge - 2 run --memory 99999999999999999999999 /
ERR="--vcpus 0: expected 1 to 64" ERR_LINES=2 t usage-run-vcpus - 2 run --vcpus 0 /
ERR="-e FOO: expected KEY=VALUE" ERR_LINES=2 t usage-run-env - 2 run -e FOO /
ERR="-e =x: expected KEY=VALUE" ERR_LINES=2 t usage-run-env-nokey - 2 run -e =x /
ERR="-w rel: expected an absolute path" ERR_LINES=2 t usage-run-workdir - 2 run -w rel /
ERR="-u a:b:c: expected USER[:GROUP] (names or numbers)" ERR_LINES=2 t usage-run-user - 2 run -u a:b:c /
ERR="-u a b: expected USER[:GROUP] (names or numbers)" ERR_LINES=2 t usage-exec-user - 2 exec -u "a b" p /bin/id
ERR="--ulimit nofile=x: expected NAME=SOFT[:HARD]" ERR_LINES=2 t usage-exec-ulimit - 2 exec --ulimit nofile=x p /bin/id
ERR="--group-add needs -u" ERR_LINES=2 t usage-exec-group-nouser - 2 exec --group-add 10 p /bin/id
ERR="--group-add a,b: expected a group name or number" ERR_LINES=2 t usage-exec-group - 2 exec -u 1 --group-add a,b p /bin/id
ERR="--tail x: expected a number" ERR_LINES=2 t usage-logs-tail - 2 logs --tail x p1
ERR="missing POD" ERR_LINES=2 t usage-rm-none - 2 rm
ERR="too many arguments" ERR_LINES=2 t usage-inspect-two - 2 inspect a b
ERR="missing -f SPEC.json" ERR_LINES=2 t usage-create-nof - 2 create
ERR="unknown command 'nope'" ERR_LINES=2 t usage-help-unknown - 2 help nope
t help-main - 0 --help
t help-cmd - 0 help ls
t help-opt - 0 stop --help
grep -q '^usage: xenpod stop \[-t SECONDS\] POD' "$tmp/help-opt.stdout" &&
	pass help-opt-text || fail help-opt-text "no usage line in stop --help"
grep -q '^  -a, --all' "$tmp/help-cmd.stdout" &&
	pass help-cmd-text || fail help-cmd-text "help ls does not describe -a"
for c in run create start stop kill rm ls inspect logs wait events check version help exec attach; do
	grep -q "^  $c " "$tmp/help-main.stdout" || fail help-main-text "command $c not listed"
done

# --- names are checked before anything is sent: usage errors ----------------
export ERR_LINES=2
ERR="invalid pod name 'bad/name'" t name-slash - 2 inspect bad/name
ERR="invalid pod name '..'" t name-dotdot - 2 kill ..
ERR="invalid pod name '../etc'" t name-dotdot-path - 2 inspect ../etc
ERR="invalid pod name '_x'" t name-underscore-first - 2 start _x
long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
ERR="invalid pod name '$long'" t name-too-long - 2 wait "$long"
ERR="invalid pod name 'a b'" t name-run - 2 run --name 'a b' /
ERR="invalid pod name 'ok;'" t name-rm-any - 2 rm good 'ok;'
unset ERR_LINES

# --- connecting ----------------------------------------------------------
ERR="xenpod: cannot connect to xenpodd at $tmp/noconn.sock: No such file or directory (is xenpodd running?)" \
	t noconn - 1 ls
"$FAKE" --stale "$tmp/refused.sock"
ERR="xenpod: cannot connect to xenpodd at $tmp/refused.sock: Connection refused (is xenpodd running?)" \
	t refused - 1 inspect web1
ERR="image /nonexistent/image: No such file or directory" t run-noimage - 1 run /nonexistent/image

# --- conversations -----------------------------------------------------------
t ls ls 0 ls -a
t ls-q ls-q 0 ls -q
t ls-json ls-json 0 --json ls
t inspect-json inspect-json 0 inspect --json web1
ERR="xenpod: pod nope: not found" t inspect-notfound inspect-notfound 1 inspect nope
t logs logs 0 logs --tail 2 web1
ERR="xenpod: pod b: not found" t rm rm 1 rm -f a b c
t stop stop 0 stop -t 5 web1
t kill kill 0 kill web1
t wait wait 0 wait web1
t version version 0 version
ERR="xenpodd closed the connection" t events events 1 events
ERR="xenpodd closed the connection" t events-failed events-failed 1 events
ERR="xenpod: pod web1: failed: /etc/motd: Permission denied" t start-noexec start-noexec 126 start web1
ERR="xenpodd closed the connection before answering" t closed closed 1 kill web1
ERR="exceeds" t big big 1 ls
ERR="bad reply from xenpodd" t garbage garbage 1 inspect web1
ERR="bad reply from xenpodd: reply with an unexpected id" t badid badid 1 inspect web1
mkdir -p "$tmp/spec" && ln -s / "$tmp/spec/img"
printf '{"name":"fromspec","image":"img","command":["/bin/true"],"memory_mib":16}\n' >"$tmp/spec/spec.json"
t create create 0 create -f "$tmp/spec/spec.json"
printf '{"name":"x","image":' >"$tmp/spec/bad.json"
ERR="$tmp/spec/bad.json: " t create-badjson - 1 create -f "$tmp/spec/bad.json"

# --- run -------------------------------------------------------------------
t run run 7 run --name p1 -m 64 -e A=1 -e 'B=x y' / /bin/echo hello
t run-detach run-detach 0 run -d --vcpus 2 -w /srv /
t run-killed run-killed 137 run /
ERR="xenpod: pod pod-0 failed: crash" t run-crash run-crash 125 run /
ERR="xenpod: pod web1: already exists" t run-create-fails run-create-fails 125 run --name web1 /
ERR="xenpod: pod pod-1a2b3c4d: failed: /nope: not found" t run-detach-notfound run-detach-notfound 127 run -d / /nope

# ^C twice during a foreground run: stop, then kill, output keeps flowing.
name=run-interrupt
start_fake $name run-interrupt
"$XENPOD" --socket "$tmp/$name.sock" run --name p1 / >"$tmp/$name.stdout" 2>"$tmp/$name.err" &
pid=$!
wait_for() { i=0; while ! grep -q "$1" "$2" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done; }
wait_for ready "$tmp/$name.stdout"
kill -INT $pid
wait_for "stopping pod p1" "$tmp/$name.err"
kill -INT $pid
wait $pid
rc=$?
ERR="xenpod: killing pod p1" ERR_LINES=2 verdict $name 137 $rc

# ^C while the pod is being created: it is not started.
name=run-interrupt-create
start_fake $name run-interrupt-create
"$XENPOD" --socket "$tmp/$name.sock" run --name p1 / >"$tmp/$name.stdout" 2>"$tmp/$name.err" &
pid=$!
i=0
while [ ! -e "$tmp/$name.sock.mark" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
kill -INT $pid
wait $pid
rc=$?
ERR="xenpod: pod p1 was created, not started" ERR_LINES=2 verdict $name 130 $rc

# version without a daemon: the client's version, then the error.
ERR="cannot connect to xenpodd" t version-noconn - 1 version
grep -qx 'client: xenpod 0.1.0 (protocol 1)' "$tmp/version-noconn.stdout" &&
	pass version-noconn-text || fail version-noconn-text "no client version line"
# check: this machine may or may not be a Xen host, but the daemon check
# must pass against the fake, and every check prints one ok/FAIL line.
name=check
start_fake $name version
"$XENPOD" --socket "$tmp/$name.sock" check >"$tmp/$name.stdout" 2>"$tmp/$name.err"
rc=$?
if [ $rc != 0 ] && [ $rc != 1 ]; then
	fail check "exit status $rc"
elif ! grep -q '^ok    xenpodd    xenpodd 0.1.0 at .* speaks protocol 1$' "$tmp/$name.stdout"; then
	fail check "no ok line for xenpodd: $(cat "$tmp/$name.stdout")"
elif [ "$(grep -cE '^(ok  |FAIL)  ' "$tmp/$name.stdout")" != 5 ]; then
	fail check "expected 5 check lines: $(cat "$tmp/$name.stdout")"
elif [ $rc = 0 ] && grep -q '^FAIL' "$tmp/$name.stdout"; then
	fail check "exit 0 with a failed check"
else
	ERR_LINES=0 verdict $name $rc $rc
fi
ERR_LINES=0 t check-nodaemon - 1 check
grep -q '^FAIL  xenpodd    cannot connect to xenpodd' "$tmp/check-nodaemon.stdout" &&
	pass check-nodaemon-text || fail check-nodaemon-text "$(cat "$tmp/check-nodaemon.stdout")"

exit $failed
