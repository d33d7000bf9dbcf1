# SPDX-License-Identifier: MIT
# t_63_leak.sh: create/destroy cycles and creates failing at each stage leak nothing (R12).
. ./lib_rel.sh
t63_start=$(r_now)
r_daemon_ensure
r_cleanup
CYCLES=${LAB_LEAK_CYCLES:-6}
t63_asan=$(grep -aq __asan_init "$(command -v xenpodd)" && echo 1)
FAILS=${LAB_LEAK_FAILS:-2}

printf 'this is not a gzip file\n' >/tmp/bad.tar.gz
printf '{"name":"l-unknown","image":"%s","command":["/bin/true"],"bogus":1}\n' "$R_IMG/rootfs" \
	>/tmp/l-unknown.json
printf '{"name":"%s","image":"%s","command":["/bin/true"]}\n' \
	"$(printf '%070d' 0 | tr 0 x)" "$R_IMG/rootfs" >/tmp/l-longname.json
printf '{"name":"l-types","image":"%s","command":"/bin/true"}\n' "$R_IMG/rootfs" >/tmp/l-types.json

# t63_t CMD...: run CMD quietly; with T63_VERBOSE set, say how long it took.
t63_t() {
	t=$(r_now)
	"$@" >/dev/null 2>&1
	[ -z "$T63_VERBOSE" ] || echo "INFO: leak: $(r_ms_since $t) ms for: $*" | cut -c1-120
}
# t63_settled POD: its create is over (created, or already further), or it was rolled back.
t63_settled() {
	case $(r_field $1 status) in
	created | running | stopped | failed) return 0 ;;
	creating) return 1 ;;
	esac
	! xenpod inspect $1 >/dev/null 2>&1
}
# t63_fail_round: one pass over every way a create can fail; t63_ok_round: each lifecycle once.
t63_fail_round() {
	t63_t xenpod run --name l-noimg --memory 16 /no/such/image /bin/true
	t63_t xenpod run --name l-badtar --memory 16 /tmp/bad.tar.gz /bin/true
	t63_t xenpod create -f /tmp/l-longname.json
	t63_t xenpod create -f /tmp/l-unknown.json
	t63_t xenpod create -f /tmp/l-types.json
	t63_t xenpod run --name l-bigmem --memory 65536 $R_IMG/rootfs /bin/true
	t63_t xenpod run --name l-nocmd --memory 16 $R_IMG/rootfs /bin/no-such-program
	t63_t xenpod rm l-nocmd
	t63_t xenpod run --name l-badkargs --memory 16 --kernel-args "$(printf 'a\tb')" $R_IMG/rootfs /bin/true
	# A client that goes away in the middle of its create: the create finishes or rolls back.
	xenpod run --name l-gone --memory 16 $R_IMG/rootfs /bin/sleep 3600 &
	sleep 0.3
	kill $! 2>/dev/null
	wait $! 2>/dev/null
	wait_for 10 t63_settled l-gone
	xenpod rm -f l-gone
}
t63_ok_round() {
	xenpod run --name l-run --memory 16 $R_IMG/rootfs /bin/hello
	xenpod rm l-run
	xenpod run -d --name l-kill --memory 16 $R_IMG/rootfs /bin/sleep 3600
	xenpod kill l-kill
	xenpod rm l-kill
	xenpod run -d --name l-rmf --memory 16 $R_IMG/rootfs /bin/sleep 3600
	xenpod rm -f l-rmf
}
t63_snapshot() { echo "domains=$(xenpod_domains) xs_nodes=$(r_xs_nodes) fds=$(r_fds) state_files=$(r_state_files) logs=$(ls /var/log/xenpod | wc -l)"; }

t63_snap_nofd() { t63_snapshot | sed 's/ fds=[0-9]*//'; }

# Warm up (the allocator and the image cache reach their steady size), then the baseline.
T63_VERBOSE=1 t63_fail_round
t63_ok_round >/dev/null 2>&1
r_cleanup
base=$(t63_snapshot)
rss0=$(r_rss_kb)
echo "INFO: leak baseline: $base rss_kb=$rss0"

i=0
while [ $i -lt "$FAILS" ]; do
	t63_fail_round >/dev/null 2>&1
	i=$((i + 1))
done
check "leak: $FAILS x 10 failing creates: xenpodd still answers (R12)" xenpod version
check_out "leak: after the failing creates: nothing left (R12)" "$base" wait_for_out_eq 10 "$base" t63_snapshot
rss1=$(r_rss_kb)
echo "INFO: leak after $FAILS failure rounds: $(t63_snapshot) rss_kb=$rss1"

i=0
ok=0
while [ $i -lt "$CYCLES" ]; do
	t63_ok_round >/dev/null 2>&1 && ok=$((ok + 1))
	i=$((i + 1))
done
check_out "leak: $CYCLES x 3 create/destroy cycles succeed (R12)" "$CYCLES" echo $ok
check_out "leak: after the cycles: nothing left (R12)" "$base" wait_for_out_eq 10 "$base" t63_snapshot
rss2=$(r_rss_kb)
echo "INFO: leak after $CYCLES ok rounds: $(t63_snapshot) rss_kb=$rss2"
# "RSS flat": the second half of the run may not grow it by more than 256 KiB over the warm-up.
if [ -z "$t63_asan" ]; then
	check "leak: daemon RSS flat ($rss0 -> $rss1 -> $rss2 KiB) (R12)" [ $((rss2 - rss0)) -le 256 ]
else
	echo "INFO: leak: RSS $rss0 -> $rss1 -> $rss2 KiB under ASan (its quarantine keeps freed memory; LSan judges leaks below)"
fi

# Crash points in a create, repeated: domains and xenstore nodes come back to baseline.
for pt in after_domain_created after_spec_written after_domain_created; do
	r_daemon_restart XENPOD_CRASH_AT=$pt
	xenpod run -d --name l-crash --memory 16 $R_IMG/rootfs /bin/sleep 3600 >/dev/null 2>&1
	wait_for 10 r_no_daemon
	r_daemon_start
done
r_cleanup
base_nofd=$(echo "$base" | sed 's/ fds=[0-9]*//')
check_out "leak: after 3 create crashes and restarts: nothing left (R12)" "$base_nofd" \
	wait_for_out_eq 10 "$base_nofd" t63_snap_nofd

# Under ASan (a lab built with --enable-sanitizers), the daemon's exit runs LeakSanitizer
# over two more rounds of everything above. Full unwinding (libxl has no frame pointers) lets
# the suppressions name the two allocations libxl 4.17 itself never frees, once per process
# (probed in the lab with growing numbers of pods: they stay at one of each per daemon process).
if [ -n "$t63_asan" ]; then
	printf 'leak:libxl__sigchld_needed\nleak:libxl__xswait_start\n' >/tmp/xenpod-lsan.supp
	r_daemon_restart ASAN_OPTIONS=fast_unwind_on_malloc=0 \
		LSAN_OPTIONS=suppressions=/tmp/xenpod-lsan.supp
	mark=$(r_log_mark)
	for pt in 1 2; do t63_fail_round >/dev/null 2>&1; t63_ok_round >/dev/null 2>&1; done
	kill -TERM $(r_pid)
	wait_for 60 r_no_daemon
	check "leak: ASan/LSan report nothing at the daemon's exit (R12)" sh -c \
		"! tail -n +$((mark + 1)) $R_DLOG | grep -A30 'ERROR: [A-Za-z]*Sanitizer'"
	r_daemon_start
else
	echo "INFO: leak: xenpodd is not built with ASan here; its LeakSanitizer check runs in an --enable-sanitizers lab"
fi
r_diag_if_failed
echo "INFO: t_63_leak: $(r_ms_since $t63_start) ms"
r_end
