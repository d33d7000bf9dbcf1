#!/bin/sh
# SPDX-License-Identifier: MIT
# client-abuse-harness.sh: client-abuse.sh against the daemon core with fake seams (tests/cli/harness_xenpodd), for make check.
set -u
srcdir=${srcdir:-.}
HARNESS=${HARNESS:-./tests/cli/harness_xenpodd}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/xenpod-abuse.XXXXXX") || exit 99
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/img/bin" && printf '#!/bin/true\n' >"$tmp/img/bin/true"
"$HARNESS" "$tmp/run" "$tmp/ready" 2>"$tmp/daemon.log" &
pid=$!
i=0
while [ ! -e "$tmp/ready" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ -S "$tmp/run/xenpodd.sock" ] || { echo "FAIL: client abuse - harness_xenpodd did not start"; exit 1; }
# -q: the stalled-request check waits 30 s (the daemon's timeout); the lab run has it.
ABUSE_ARGS="-q ${ABUSE_ARGS:-}" ABUSE_CLIENT=./tests/fuzz/abuse_client \
	"$srcdir/tests/fuzz/client-abuse.sh" "$tmp/run/xenpodd.sock" "$tmp/img"
rc=$?
kill -0 "$pid" 2>/dev/null || { echo "FAIL: client abuse - the daemon died"; rc=1; }
exit $rc
