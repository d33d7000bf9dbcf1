# SPDX-License-Identifier: MIT
# lib_rel.sh: helpers of the reliability tests t_6*.sh (docs/RELIABILITY.md); defines functions only. tests/lab/run always ships it.

R_IMG=/lab/images
R_STATE=/var/lib/xenpod/pods
R_QUAR=/var/lib/xenpod/quarantine
R_DLOG=/var/log/xenpodd.log

# xenpodd's pid; a zombie (a crashed daemon its parent has not reaped yet) does not count.
# dom0's programs segfault now and then in the nested lab (exit 139, docs/NESTED-XEN.md); a
# read-only xenpod command is retried once then, and so is a `run --name N` that left no
# pod N behind, so that flake does not fail a check.
xenpod() {
	command xenpod "$@"
	r_rc=$?
	[ $r_rc = 139 ] || return $r_rc
	case $1 in
	inspect | ls | logs | wait | version) ;;
	run)
		r_n=$(echo " $* " | sed -n 's/.* --name \([^ ]*\) .*/\1/p')
		[ -n "$r_n" ] && ! command xenpod inspect "$r_n" >/dev/null 2>&1 || return $r_rc
		;;
	*) return $r_rc ;;
	esac
	echo "NOTE: xenpod $1 segfaulted (lab flake); retrying" >&2
	command xenpod "$@"
}
# Each t_6*.sh calls r_end last: the wrapper above is not left to the other tests.
r_end() { unset -f xenpod; }

r_pid() {
	for p in $(pidof xenpodd); do
		grep -q '^[0-9]* ([^)]*) Z' /proc/$p/stat 2>/dev/null || echo $p
	done
}
r_no_daemon() { [ -z "$(r_pid)" ]; }

# Centiseconds since boot (busybox has no date +%N); shell builtins only, no process to crash.
r_now() {
	read -r r_up r_idle </proc/uptime
	r_cs=${r_up%.*}${r_up#*.}
	r_cs=${r_cs#"${r_cs%%[!0]*}"} # no leading 0: not octal
	echo $((${r_cs:-0}))
}
# r_ms_since T0: milliseconds since r_now printed T0.
r_ms_since() { echo $((($(r_now) - $1) * 10)); }

# r_daemon_kill9: kill -9 xenpodd and wait until it is gone.
r_daemon_kill9() {
	pid=$(r_pid)
	[ -n "$pid" ] && kill -9 $pid
	wait_for 10 r_no_daemon
}

# r_daemon_start [VAR=VALUE...]: start xenpodd (with that environment), wait until it answers.
# Started from a subshell, so init (not this shell) reaps it when it dies.
r_daemon_start() {
	(env "$@" xenpodd -d >>$R_DLOG 2>&1 &)
	wait_for 20 xenpod version
}

r_daemon_restart() {
	r_daemon_kill9 && r_daemon_start "$@"
}

# Make sure a normal daemon runs (a test that failed half-way may have left none).
r_daemon_ensure() {
	xenpod version >/dev/null 2>&1 && [ -z "$(tr '\0' '\n' </proc/$(r_pid)/environ |
		grep XENPOD_CRASH_AT)" ] && return 0
	r_daemon_restart
}

r_xs_paths() { timeout 20 xenstore-ls -f / 2>/dev/null | sed 's/ = .*//' | sort; }
r_xs_nodes() { r_xs_paths | wc -l; }
# r_xs_new FILE: xenstore paths that are not in FILE (a saved r_xs_paths), space-separated.
# /libxl and /vm themselves appear with the first domain ever built and stay; not a leak.
r_xs_new() {
	r_xs_paths | awk 'NR == FNR { old[$0] = 1; next } !old[$0] && $0 != "/libxl" && $0 != "/vm"' \
		"$1" - | tr '\n' ' '
}
r_fds() { ls /proc/$(r_pid)/fd | wc -l; }
r_rss_kb() { awk '/^VmRSS:/ { print $2 }' /proc/$(r_pid)/status; }
r_state_files() { ls $R_STATE | wc -l; }
r_quarantined() { ls $R_QUAR | wc -l; }

# r_field POD KEY: one field of `xenpod inspect` (strings unquoted, null as null); asked
# twice when the answer is empty (a process of the pipe may have hit the lab's segfault flake).
r_field() { r_field1 "$@" || r_field1 "$@" || true; }
r_field1() {
	r_v=$(xenpod inspect "$1" 2>/dev/null | sed -n -e 's/^ *"'"$2"'": *"\(.*\)",\{0,1\}$/\1/p' \
		-e 's/^ *"'"$2"'": *\([^",]*\),\{0,1\}$/\1/p' | head -1)
	[ -n "$r_v" ] && echo "$r_v"
}

# Names of xenpod domains (xenpod-NAME -> NAME), sorted; dying ones included.
r_dom_names() { timeout 20 xl list 2>/dev/null | awk 'NR > 1 && $1 ~ /^xenpod-/ { sub(/^xenpod-/, "", $1); print $1 }' | sort; }

# Names of pods whose state file says they are alive (creating/created/running), sorted.
r_state_alive() {
	for f in $R_STATE/*.json; do
		[ -f "$f" ] || continue
		grep -q '"status": *"\(creating\|created\|running\)"' "$f" && basename "$f" .json
	done | sort
}

r_orphans() { for d in $(r_dom_names); do r_state_alive | grep -qx "$d" || echo "$d"; done; }
r_live_pods() { xenpod ls -q | sort | tr '\n' ' '; }

r_same_sets() { [ "$(r_dom_names | tr '\n' ' ')" = "$(r_state_alive | tr '\n' ' ')" ]; }

# Every alive pod's state-file uuid is its domain's uuid.
r_uuids_match() {
	for n in $(r_state_alive); do
		u=$(sed -n 's/.*"uuid": *"\([^"]*\)".*/\1/p' $R_STATE/$n.json)
		xl list -v "xenpod-$n" 2>/dev/null | awk -v u="$u" 'NR > 1 && $7 == u { f = 1 } END { exit !f }' ||
			return 1
	done
}

# Domains under /local/domain, /libxl and /vm in xenstore that no longer exist.
r_stray_xs() {
	for d in $(xenstore-list /local/domain 2>/dev/null) $(xenstore-list /libxl 2>/dev/null); do
		case $d in *[!0-9]*) continue ;; esac
		xl list "$d" >/dev/null 2>&1 || echo "domid $d"
	done
	nvm=$(xenstore-list /vm 2>/dev/null | wc -l)
	ndom=$(xl list | awk 'NR > 2' | wc -l) # domains other than dom0 (dom0 has no /vm entry)
	[ "$nvm" -le "$ndom" ] || echo "/vm has $nvm entries for $ndom domains"
}

# r_invariants TAG: docs/RELIABILITY.md's after-restart invariants (R8) as checks named "TAG: ...".
r_invariants() {
	check "$1: pods alive in the state dir == xenpod domains (R8)" wait_for 15 r_same_sets
	check "$1: each alive pod's domain has its uuid (R8)" r_uuids_match
	check_out "$1: no orphan xenpod domain (R8)" "" r_orphans
	check_out "$1: the daemon lists exactly the alive pods (R8)" "$(r_state_alive | tr '\n' ' ')" \
		r_live_pods
	check_out "$1: no stray xenstore nodes of dead domains (R8)" "" wait_for_out 10 r_stray_xs
}

# wait_for_out SECONDS CMD...: like wait_for for a CMD that must print nothing; prints its last output.
wait_for_out() {
	n=$(($1 * 5))
	shift
	while :; do
		o=$("$@" 2>&1)
		[ -z "$o" ] && return 0
		n=$((n - 1))
		[ $n -le 0 ] && break
		sleep 0.2
	done
	echo "$o"
}

# wait_for_out_eq SECONDS WANT CMD...: poll until CMD prints WANT; prints CMD's last output.
wait_for_out_eq() {
	n=$(($1 * 5))
	want=$2
	shift 2
	while :; do
		o=$("$@" 2>&1)
		[ "$o" = "$want" ] && break
		n=$((n - 1))
		[ $n -le 0 ] && break
		sleep 0.2
	done
	echo "$o"
}

# r_fails CMD...: CMD exits non-zero.
r_fails() { ! "$@"; }

# r_fields POD KEY...: those fields of a pod, space-separated.
r_fields() {
	r_p=$1
	shift
	r_o=
	for r_k in "$@"; do r_o="$r_o${r_o:+ }$(r_field $r_p $r_k)"; done
	echo "$r_o"
}
# r_ids POD: "DOMID UUID STATUS" of a pod.
r_ids() { r_fields "$1" domid uuid status; }

# r_cleanup: remove every pod (force), wait for their domains to go.
r_cleanup() {
	n=$(xenpod ls -a -q 2>/dev/null)
	[ -z "$n" ] || xenpod rm -f $n >/dev/null 2>&1
	wait_for 15 sh -c '[ "$(xenpod_domains)" = 0 ]'
}

# r_log_since MARK: the daemon log after the line count MARK (from r_log_mark).
r_log_mark() { wc -l <$R_DLOG; }
r_log_since() { tail -n +$(($1 + 1)) $R_DLOG; }

# r_diag_if_failed: after new failures, print what the lab looks like (xl, pods, daemon log).
R_FAILS_SEEN=$LAB_FAILED
r_diag_if_failed() {
	[ "$LAB_FAILED" -gt "$R_FAILS_SEEN" ] || return 0
	R_FAILS_SEEN=$LAB_FAILED
	{
		echo "xl list:"
		timeout 20 xl list
		echo "xenpod ls -a:"
		timeout 20 xenpod ls -a
		echo "state dir: $(ls $R_STATE | tr '\n' ' ')"
		echo "xenpodd.log:"
		tail -25 $R_DLOG
	} 2>&1 | sed 's/^/DIAG: /'
}
