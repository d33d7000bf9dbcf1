#!/bin/sh
# SPDX-License-Identifier: MIT
# check-layers.sh: the daemon's layers (docs/DAEMON.md) hold: the pod layer never includes the RPC layer's headers.
#
# usage: check-layers.sh [--graph] [SRCDIR]   (make check passes $srcdir)
# Checked: no daemon/pod*.[ch] includes rpc.h, control.h, json.h or json_dec.h (the pod
# layer sees neither the wire nor a connection), and no file of the pod layer (pod*,
# state_json, store, volstore, volume, console, outlog, logfile) includes rpc.h or control.h. Prints each
# offending include as FILE: HEADER and exits 1 if there is one. With --graph, prints
# instead which daemon header each daemon file includes (one line per file).
graph=0
[ "${1:-}" = --graph ] && { graph=1; shift; }
top=${1:-${srcdir:-.}}
d=$top/daemon
[ -d "$d" ] || { echo "check-layers.sh: no $d" >&2; exit 2; }

# The daemon headers FILE includes (by base name, without .h).
includes() {
	sed -n 's/^#include "\([^"]*\)\.h".*/\1/p' "$1" | while read -r h; do
		[ -f "$d/$h.h" ] && printf '%s ' "$h"
	done
}

if [ $graph = 1 ]; then
	for f in "$d"/*.c "$d"/*.h; do
		echo "$(basename "$f"): $(includes "$f")"
	done
	exit 0
fi

bad=0
for f in "$d"/*.c "$d"/*.h; do
	n=$(basename "$f")
	case $n in
	pod*) forbidden=" rpc control json json_dec " ;;
	state_json.* | store.* | volstore.* | volume.* | console.* | outlog.* | logfile.*) forbidden=" rpc control " ;;
	*) continue ;;
	esac
	for h in $(includes "$f"); do
		case $forbidden in
		*" $h "*)
			echo "daemon/$n: includes $h.h (the pod layer must not see the RPC layer)"
			bad=1
			;;
		esac
	done
done
exit $bad
