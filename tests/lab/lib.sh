# SPDX-License-Identifier: MIT
# lib.sh: helpers for the lab's test scripts (busybox sh in dom0): checks that print PASS:/FAIL:.

LAB_FAILED=0

# lab_diag: after a FAIL, what the pods, the daemon, Xen and dom0 said last, as "diag:" lines
# (scripts/test prints them with the failure in its summary, which is what CI's log keeps).
lab_diag() {
	xenpod ls -a 2>&1 | head -8 | sed 's/^/diag: ls: /'
	for _p in $(xenpod ls -a -q 2>/dev/null | head -6); do
		_r=$(xenpod inspect "$_p" 2>/dev/null | grep -m1 '"reason"' | sed 's/^ *//')
		[ -n "$_r" ] && echo "diag: $_p: $_r"
	done
	grep -a "warn\|error" /var/log/xenpodd.log 2>/dev/null | tail -4 | sed 's/^/diag: xenpodd: /'
	xl dmesg 2>/dev/null | tail -4 | sed 's/(XEN)/xen:/; s/^/diag: /'
	dmesg 2>/dev/null | grep -a "segfault\|general protection\|Oops" | tail -2 | sed 's/^/diag: dom0: /'
}

# check NAME CMD [ARG...]: run CMD, PASS if it exits 0.
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		echo "PASS: $name"
	else
		echo "FAIL: $name - exit $?: $(echo "$out" | tail -3 | tr '\n' ' ')"
		LAB_FAILED=$((LAB_FAILED + 1))
		lab_diag
	fi
}

# check_out NAME EXPECTED CMD [ARG...]: PASS if CMD exits 0 and prints exactly EXPECTED.
check_out() {
	name=$1
	want=$2
	shift 2
	got=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ] && [ "$got" = "$want" ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name - exit $rc, want '$want', got '$(echo "$got" | tail -5 | tr '\n' '|')'"
		LAB_FAILED=$((LAB_FAILED + 1))
		lab_diag
	fi
}

# check_rc NAME STATUS CMD [ARG...]: PASS if CMD exits with STATUS.
check_rc() {
	name=$1
	want=$2
	shift 2
	got=$("$@" 2>&1)
	rc=$?
	if [ $rc = "$want" ]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name - exit $rc, want $want: $(echo "$got" | tail -3 | tr '\n' '|')"
		LAB_FAILED=$((LAB_FAILED + 1))
		lab_diag
	fi
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds; 1 on timeout.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# A domain is gone when a successful `xl list` does not name it (a failed lookup proves nothing:
# docs/NESTED-XEN.md).
domain_gone() {
	_list=$(xl list 2>/dev/null) || return 1
	! echo "$_list" | awk -v n="$1" 'NR > 1 && $1 == n { f = 1 } END { exit !f }'
}

# domid_of NAME: the domain's id. Under TCG `xl domid` fails now and then (docs/NESTED-XEN.md), so it
# is retried for up to 5 s, then `xl list` is parsed; each failure's message goes to stderr.
domid_of() {
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		if _id=$(xl domid "$1" 2>/tmp/domid.err); then
			echo "$_id"
			return 0
		fi
		echo "NOTE: xl domid $1 failed (try $_try): $(head -c 200 /tmp/domid.err)" >&2
		sleep 0.5
	done
	xl list | awk -v n="$1" 'NR > 1 && $1 == n { print $2; f = 1 } END { exit !f }'
}

xenpod_domains() {
	xl list | awk 'NR > 1 && $1 ~ /^xenpod-/ { n++ } END { print n + 0 }'
}
