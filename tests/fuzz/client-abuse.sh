#!/bin/sh
# SPDX-License-Identifier: MIT
# client-abuse.sh SOCKET [IMAGE]: hostile clients against a live xenpodd (R13-R15), via abuse_client.
# Prints PASS:/FAIL:/SKIP: per check; exits non-zero if any failed. IMAGE (a path the daemon can
# read) enables the checks that create pods. ABUSE_ARGS adds options (e.g. -q to skip the 30 s
# stalled-request check). Finds abuse_client beside this script, in ./tests/fuzz/, or on PATH.
set -u
[ $# -ge 1 ] || { echo "usage: $0 SOCKET [IMAGE]" >&2; exit 2; }
here=$(dirname "$0")
client=${ABUSE_CLIENT:-}
for c in "$here/abuse_client" ./tests/fuzz/abuse_client; do
	[ -z "$client" ] && [ -x "$c" ] && client=$c
done
[ -z "$client" ] && client=$(command -v abuse_client 2>/dev/null)
[ -n "$client" ] || { echo "FAIL: client abuse - abuse_client not found"; exit 1; }
# shellcheck disable=SC2086
exec "$client" ${ABUSE_ARGS:-} ${2:+-i "$2"} "$1"
