# SPDX-License-Identifier: MIT
# lab.sh: dom0 side of scripts/bench: measures start latency, scaling, footprint, xenstore cost, guest work.
#
# Runs in /lab (busybox sh) with the files scripts/bench passes. Results are lines
#   @@B KEY VALUE        a figure (ms, bytes, KiB, counts)
#   @@S SERIES N MS      one point of a scaling series
#   @@NA KEY REASON      a figure that could not be measured, and why
# collected in $OUT and printed together at the end (Xen's own console messages
# share the serial line, so results are kept away from the noisy parts).
# Nothing here asserts: a missing prerequisite turns its figures into @@NA.

D=${LAB_DIR:-/lab}
cd "$D" || exit 1
OUT=/tmp/bench.results
LOG=/tmp/bench.log
: >"$OUT"
: >"$LOG"
[ -r ./bench.conf ] && . ./bench.conf
REPS=${BENCH_REPS:-5}
LINUX_REPS=${BENCH_LINUX_REPS:-3}
N=${BENCH_N:-64}
POD_MEM=${BENCH_POD_MEM:-16}
WORK_SCALE=${BENCH_WORK_SCALE:-4}
SCALE_TIMEOUT=${BENCH_SCALE_TIMEOUT:-90}
KERNEL=/usr/lib/xenpod/xenpod-kernel
IMG=$D/images/rootfs
XPB=$D/xpbench
# The hello prints "hello" then "XPBX=(unset)": a line no kernel or daemon message echoes.
HELLO="/bin/hello --env XPBX"
HELLO_LINE="XPBX=(unset)"

# Each result also goes out at once, so a run cut short by the lab's timeout
# still reports what it measured.
R() { echo "@@B $*" | tee -a "$OUT"; }
NA() {
	local k=$1
	shift
	echo "@@NA $k $*" | tee -a "$OUT"
}
S() { echo "@@S $*" | tee -a "$OUT"; }
say() { echo "bench: $*"; }

# Median of the numbers on stdin (ignores negatives: unreached times); -1 if none.
median() {
	awk '$1 >= 0 { a[n++] = $1 }
	END {
		if (n == 0) { print -1; exit }
		for (i = 1; i < n; i++)
			for (j = i; j > 0 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (n % 2) print a[(n - 1) / 2]; else print (a[n / 2 - 1] + a[n / 2]) / 2
	}'
}

# field NAME: the value of NAME=... in xpbench's result line on stdin.
field() { tr ' ' '\n' | sed -n "s/^$1=//p" | tail -1; }

# Destroy every domain but dom0 and remove every pod (between sections).
clean_all() {
	local p d w
	if command -v xenpod >/dev/null && [ -S /run/xenpod/xenpodd.sock ]; then
		p=$(xenpod ls -a -q 2>/dev/null)
		[ -n "$p" ] && xenpod rm -f $p >>"$LOG" 2>&1
	fi
	for d in $(xl list | awk 'NR > 2 { print $2 }'); do
		xl destroy "$d" >>"$LOG" 2>&1
	done
	w=0
	while [ "$(xl list | wc -l)" -gt 2 ] && [ $w -lt 50 ]; do
		sleep 0.2
		w=$((w + 1))
	done
}

have_xenpod() {
	command -v xenpod >/dev/null && [ -S /run/xenpod/xenpodd.sock ] &&
		xenpod version >/dev/null 2>&1
}

have_kernel() { [ -s "$KERNEL" ]; }

# A smoke run decides whether xenpod's figures can be measured at all.
XENPOD_OK=0
XENPOD_WHY="xenpod/xenpodd not installed or not answering"
probe_xenpod() {
	have_xenpod || return
	if out=$(timeout 120 xenpod run --name bench-probe $IMG /bin/hello probe 2>&1) &&
		echo "$out" | grep -q 'hello probe'; then
		XENPOD_OK=1
	else
		XENPOD_WHY="xenpod run of hello failed: $(echo "$out" | tail -1 | cut -c1-100)"
	fi
	xenpod rm -f bench-probe >>"$LOG" 2>&1
}

KERNEL_OK=0
KERNEL_WHY="$KERNEL not installed (guest kernel not built)"

write_cfg() { # FILE NAME KERNEL RAMDISK MEM [CMDLINE]
	{
		echo "name=\"$2\""
		echo 'type="pvh"'
		echo "kernel=\"$3\""
		[ -n "$4" ] && echo "ramdisk=\"$4\""
		echo "memory=$5"
		echo 'vcpus=1'
		[ -n "${6:-}" ] && echo "cmdline=\"$6\""
		echo 'on_poweroff="destroy"'
		echo 'on_crash="destroy"'
	} >"$1"
}

# xl_xk NAME MEM SPEC: the command line that boots our kernel under xl with SPEC.
xl_xk_cmd() {
	echo "xl create -p /tmp/$1.cfg && xenstore-write -- /local/domain/\$(xl domid $1)/xenpod/spec '$3' && xl unpause $1"
}

# ---- 1. start latency -------------------------------------------------------

start_linux() {
	local i r
	[ -s $D/vmlinuz ] || { NA start.linux_xl "no Linux kernel passed to the lab"; return; }
	write_cfg /tmp/bl.cfg bl $D/vmlinuz $D/linux-init.cpio.gz 128 "console=hvc0 quiet loglevel=1"
	: >/tmp/s.line
	: >/tmp/s.cmd
	i=0
	while [ $i -lt "$LINUX_REPS" ]; do
		r=$($XPB console bl XPBENCH-INIT 180 -- xl create /tmp/bl.cfg 2>>"$LOG")
		say "linux xl create #$i: $r"
		echo "$r" | field line_ms >>/tmp/s.line
		echo "$r" | field cmd_ms >>/tmp/s.cmd
		clean_all
		i=$((i + 1))
	done
	R start.linux_xl.line_ms "$(median </tmp/s.line)"
	R start.linux_xl.create_ms "$(median </tmp/s.cmd)"
	R start.linux_xl.samples "$(tr '\n' ',' </tmp/s.line | sed 's/,$//')"
}

start_xk() {
	local i r
	[ $KERNEL_OK = 1 ] || { NA start.xk_xl "$KERNEL_WHY"; return; }
	write_cfg /tmp/bk.cfg bk "$KERNEL" $D/hello.cpio 32
	: >/tmp/s.line
	: >/tmp/s.cmd
	i=0
	while [ $i -lt "$REPS" ]; do
		r=$($XPB console bk "$HELLO_LINE" 60 -- sh -c "$(xl_xk_cmd bk 32 "-- $HELLO")" 2>>"$LOG")
		say "xenpod-kernel xl create #$i: $r"
		echo "$r" | field line_ms >>/tmp/s.line
		echo "$r" | field cmd_ms >>/tmp/s.cmd
		clean_all
		i=$((i + 1))
	done
	R start.xk_xl.line_ms "$(median </tmp/s.line)"
	R start.xk_xl.create_ms "$(median </tmp/s.cmd)"
	R start.xk_xl.samples "$(tr '\n' ',' </tmp/s.line | sed 's/,$//')"
}

start_xenpod() {
	local i r
	[ $XENPOD_OK = 1 ] || { NA start.xenpod "$XENPOD_WHY"; return; }
	: >/tmp/s.line
	: >/tmp/s.cmd
	i=0
	while [ $i -lt "$REPS" ]; do
		r=$($XPB cmd "$HELLO_LINE" 60 -- xenpod run --name bx$i $IMG $HELLO 2>>"$LOG")
		say "xenpod run #$i: $r"
		echo "$r" | field line_ms >>/tmp/s.line
		echo "$r" | field cmd_ms >>/tmp/s.cmd
		xenpod rm -f bx$i >>"$LOG" 2>&1
		i=$((i + 1))
	done
	R start.xenpod.line_ms "$(median </tmp/s.line)"
	R start.xenpod.exit_ms "$(median </tmp/s.cmd)"
	R start.xenpod.samples "$(tr '\n' ',' </tmp/s.line | sed 's/,$//')"
}

# ---- 7. OCI runtimes: podman with xenpod-oci, beside podman with Debian's crun -------------

# oci_start KEY CMD...: medians of REPS runs of CMD, to the hello line and to its exit.
oci_start() {
	local key=$1 i r
	shift
	: >/tmp/s.line
	: >/tmp/s.cmd
	i=0
	while [ $i -lt "$REPS" ]; do
		r=$($XPB cmd "$HELLO_LINE" 180 -- "$@" 2>>"$LOG")
		say "$key #$i: $r"
		echo "$r" | field line_ms >>/tmp/s.line
		echo "$r" | field cmd_ms >>/tmp/s.cmd
		i=$((i + 1))
	done
	R "$key.line_ms" "$(median </tmp/s.line)"
	R "$key.exit_ms" "$(median </tmp/s.cmd)"
}

# podman run --rm of the hello (the image: a podman import of the test rootfs) with
# xenpod-oci (a pod) and with crun (a plain container in dom0); needs LAB_DISK=oci.
oci() {
	local img=localhost/xpbench:1 k
	if ! command -v podman >/dev/null; then
		for k in oci.podman_xenpod_oci oci.podman_crun; do
			NA $k "podman not in dom0 (scripts/lab's LAB_DISK=oci)"
		done
		return
	fi
	[ $XENPOD_OK = 1 ] || { NA oci.podman_xenpod_oci "$XENPOD_WHY"; }
	if ! tar -C "$IMG" -cf - . | podman import - $img >>"$LOG" 2>&1; then
		NA oci.podman_xenpod_oci "podman import of the test rootfs failed"
		NA oci.podman_crun "podman import of the test rootfs failed"
		return
	fi
	[ $XENPOD_OK = 1 ] &&
		oci_start oci.podman_xenpod_oci podman --runtime /usr/bin/xenpod-oci run --rm $img $HELLO
	oci_start oci.podman_crun podman --runtime /usr/bin/crun run --rm $img $HELLO
	podman rmi -f $img >>"$LOG" 2>&1
}

# ---- 2. scaling ---------------------------------------------------------------

# scale_series NAME CMD-PREFIX: time N creates, each with the earlier ones running.
scale_series() {
	local name=$1 k r rc ms n
	shift
	: >/tmp/s.all
	k=1
	while [ $k -le "$N" ]; do
		r=$($XPB cmd "" "$SCALE_TIMEOUT" -- sh -c "$* s$k" 2>>"$LOG")
		rc=$(echo "$r" | field rc)
		ms=$(echo "$r" | field cmd_ms)
		if [ "$rc" != 0 ]; then
			[ "$rc" = -1 ] && rc="timeout after ${SCALE_TIMEOUT}s"
			say "$name: create #$k failed ($rc): stopping at $((k - 1))"
			NA "scale.$name.stopped" "create #$k failed ($rc)"
			[ "$name" = xenpod ] && tail -3 /var/log/xenpodd.log 2>/dev/null | sed 's/^/xenpodd.log: /'
			break
		fi
		S "$name" "$k" "$ms"
		echo "$k $ms" >>/tmp/s.all
		k=$((k + 1))
	done
	n=$(wc -l </tmp/s.all)
	R "scale.$name.n" "$n"
	# #1 and #N: medians of the first and last three, single samples if few.
	if [ "$n" -ge 6 ]; then
		R "scale.$name.first_ms" "$(head -3 /tmp/s.all | awk '{ print $2 }' | median)"
		R "scale.$name.last_ms" "$(tail -3 /tmp/s.all | awk '{ print $2 }' | median)"
	elif [ "$n" -ge 2 ]; then
		R "scale.$name.first_ms" "$(head -1 /tmp/s.all | awk '{ print $2 }')"
		R "scale.$name.last_ms" "$(tail -1 /tmp/s.all | awk '{ print $2 }')"
	else
		NA "scale.$name.first_ms" "only $n creates succeeded"
		NA "scale.$name.last_ms" "only $n creates succeeded"
	fi
}

xenpodd_rss() { awk '/^VmRSS/ { print $2 }' /proc/"$(pidof xenpodd | cut -d' ' -f1)"/status 2>/dev/null; }

scale_xl() {
	write_cfg /tmp/bi.cfg bi $D/idle-pvh "" 4
	# xl wants a quoted string value for name= on the command line.
	cat >/tmp/bi.sh <<-'EOF'
		exec xl create -q /tmp/bi.cfg "name=\"bi-$1\""
	EOF
	scale_series xl_idle sh /tmp/bi.sh
	clean_all
}

scale_xenpod() {
	local rss0 rss1 n
	[ $XENPOD_OK = 1 ] || { NA scale.xenpod "$XENPOD_WHY"; return; }
	rss0=$(xenpodd_rss)
	cat >/tmp/bx.sh <<-EOF
		exec xenpod run -d --memory $POD_MEM --name "bs-\$1" $IMG /bin/sleep 3600
	EOF
	scale_series xenpod sh /tmp/bx.sh
	rss1=$(xenpodd_rss)
	n=$(wc -l </tmp/s.all)
	if [ -n "$rss0" ] && [ -n "$rss1" ] && [ "$n" -gt 0 ]; then
		R foot.xenpodd_rss_kib_idle "$rss0"
		R foot.xenpodd_rss_kib_loaded "$rss1"
		R foot.xenpodd_rss_kib_per_pod "$(awk -v a="$rss0" -v b="$rss1" -v n="$n" 'BEGIN { printf "%.1f", (b - a) / n }')"
	else
		NA foot.xenpodd_rss_kib_per_pod "no RSS reading of xenpodd"
	fi
	clean_all
}

# ---- 3. footprint -------------------------------------------------------------

# Does our kernel print the hello line under xl with MEM MiB?
xk_runs_with() {
	local r
	write_cfg /tmp/bm.cfg bm "$KERNEL" $D/hello-only.cpio "$1"
	r=$($XPB console bm "$HELLO_LINE" 30 -- sh -c "$(xl_xk_cmd bm "$1" "-- $HELLO")" 2>>"$LOG")
	clean_all
	say "memory=$1: $r"
	[ "$(echo "$r" | field line_ms)" != "-1.0" ]
}

footprint() {
	[ -s $D/vmlinuz ] && R foot.linux_kernel_bytes "$(wc -c <$D/vmlinuz)"
	[ $KERNEL_OK = 1 ] || { NA foot.kernel_bytes "$KERNEL_WHY"; return; }
	R foot.kernel_bytes "$(wc -c <"$KERNEL")"
	local lo=0 hi=32 mid
	xk_runs_with $hi || { NA foot.min_mem_mib "the hello does not run with $hi MiB"; return; }
	while [ $((hi - lo)) -gt 1 ]; do
		mid=$(((lo + hi) / 2))
		if xk_runs_with $mid; then hi=$mid; else lo=$mid; fi
	done
	R foot.min_mem_mib "$hi"
}

# CPU seconds a domain has used, from xl list (no xenstore writes).
dom_cpu() { xl list "$1" 2>/dev/null | awk 'NR == 2 { print $6 }'; }

# cpu_pct NAME KEY: percent of one CPU that the running domain NAME uses while idle.
cpu_pct() {
	local a b s=${BENCH_IDLE_SECS:-10}
	sleep 3
	a=$(dom_cpu "$1")
	sleep "$s"
	b=$(dom_cpu "$1")
	if [ -n "$a" ] && [ -n "$b" ]; then
		R "$2" "$(awk -v a="$a" -v b="$b" -v s="$s" 'BEGIN { printf "%.2f", (b - a) * 100 / s }')"
	else
		NA "$2" "domain $1 not running"
	fi
}

# Idle cost: a pod that only sleeps, and the halting stub, each alone.
idle() {
	write_cfg /tmp/ii.cfg ii $D/idle-pvh "" 4
	if xl create -q /tmp/ii.cfg >>"$LOG" 2>&1; then
		cpu_pct ii foot.idle_stub_cpu_pct
	else
		NA foot.idle_stub_cpu_pct "xl create of idle-pvh failed"
	fi
	clean_all
	if [ $XENPOD_OK = 1 ]; then
		xenpod run -d --memory "$POD_MEM" --name ip $IMG /bin/sleep 3600 >>"$LOG" 2>&1
		cpu_pct xenpod-ip foot.idle_pod_cpu_pct
	else
		NA foot.idle_pod_cpu_pct "$XENPOD_WHY"
	fi
	clean_all
}

# ---- 4. control-plane cost ------------------------------------------------------

TRACE=/var/log/xs-trace
MARKS=0
mark() { # a READ of a path nobody else uses delimits phases in the trace
	MARKS=$((MARKS + 1))
	xenstore-read "/bench-mark/$MARKS-$1" >/dev/null 2>&1
}
# settle: let daemons finish reacting before the phase's closing mark.
settle() { sleep 1; }

# count_phase FIRST LAST: IN requests strictly between the two marks.
count_phase() {
	awk -v a="/bench-mark/$1-" -v b="/bench-mark/$2-" '
		index($0, a) { on = 1; next }
		index($0, b) { on = 0 }
		on && /^IN / { n++ } END { print n + 0 }' "$TRACE"
}

# count_ops FIRST LAST: the requests between the marks by type, most frequent first.
count_ops() {
	awk -v a="/bench-mark/$1-" -v b="/bench-mark/$2-" '
		index($0, a) { on = 1; next }
		index($0, b) { on = 0 }
		on && /^IN / { c[$5]++ }
		END { for (o in c) print c[o], o }' "$TRACE" | sort -rn |
		awk 'NR <= 8 { printf "%s%s=%s", (NR > 1 ? "," : ""), $2, $1 }'
}

# xs_lifecycle NAME CREATE START DESTROY: CMDs of the three phases (sh -c strings).
xs_lifecycle() {
	local name=$1 c0 c1 r1 d1 cr ru de
	mark "$name-c0"
	c0=$MARKS
	sh -c "$2" >>"$LOG" 2>&1
	settle
	mark "$name-c1"
	c1=$MARKS
	sh -c "$3" >>"$LOG" 2>&1
	settle
	mark "$name-r1"
	r1=$MARKS
	sh -c "$4" >>"$LOG" 2>&1
	settle
	mark "$name-d1"
	d1=$MARKS
	cr=$(count_phase $c0 $c1)
	ru=$(count_phase $c1 $r1)
	de=$(count_phase $r1 $d1)
	R "xs.$name.create" "$cr"
	R "xs.$name.run" "$ru"
	R "xs.$name.destroy" "$de"
	R "xs.$name.total" $((cr + ru + de))
	R "xs.$name.ops" "$(count_ops $c0 $d1)"
	# The empty-phase noise floor: requests xenstore sees while nothing happens.
	clean_all
}

xs_cost() {
	if [ ! -s "$TRACE" ]; then
		NA xs "no xenstored trace (run with LAB_XENSTORED_ARGS=\"-T $TRACE\")"
		return
	fi
	mark idle-0
	i0=$MARKS
	settle
	settle
	settle
	mark idle-1
	R xs.idle_per_3s "$(count_phase $i0 $MARKS)"
	# A domain's start/run phase: unpause, then wait (by hypercall) until it shut down.
	cat >/tmp/runwait.sh <<-EOF
		d=\$(xl domid "\$1") || exit 1
		xl unpause "\$1" && $XPB waitdom "\$d" 180
	EOF
	if [ $KERNEL_OK = 1 ]; then
		write_cfg /tmp/tk.cfg tk "$KERNEL" $D/hello.cpio 32
		sed -i 's/on_poweroff="destroy"/on_poweroff="preserve"/' /tmp/tk.cfg
		xs_lifecycle xl_xk \
			"xl create -p /tmp/tk.cfg && xenstore-write -- /local/domain/\$(xl domid tk)/xenpod/spec '-- /bin/hello bench'" \
			"sh /tmp/runwait.sh tk" "xl destroy tk"
	else
		NA xs.xl_xk "$KERNEL_WHY"
	fi
	if [ -s $D/vmlinuz ]; then
		write_cfg /tmp/tl.cfg tl $D/vmlinuz $D/linux-init.cpio.gz 128 "console=hvc0 quiet loglevel=1"
		sed -i 's/on_poweroff="destroy"/on_poweroff="preserve"/' /tmp/tl.cfg
		xs_lifecycle xl_linux "xl create -p /tmp/tl.cfg" "sh /tmp/runwait.sh tl" "xl destroy tl"
	fi
	if [ $XENPOD_OK = 1 ]; then
		printf '{"name":"tx","image":"%s","command":["/bin/hello","bench"]}\n' "$IMG" >/tmp/tx.json
		xs_lifecycle xenpod "xenpod create -f /tmp/tx.json" \
			"xenpod start tx && xenpod wait tx" "xenpod rm -f tx"
	else
		NA xs.xenpod "$XENPOD_WHY"
	fi
}

# ---- 5. guest work --------------------------------------------------------------

work_results() { # PREFIX FILE: turn gwork lines into figures
	tr -d '\r' <"$2" | grep '^gwork ' | while read -r _ k v unit; do
		case "$k" in
		done) ;;
		*) if [ "$v" = n/a ]; then NA "$1.$k" "$unit"; else R "$1.$k" "$v"; fi ;;
		esac
	done
}

guest_work() {
	if [ $XENPOD_OK = 1 ] && [ -d $D/images/gwork ]; then
		timeout 600 xenpod run --name bw $D/images/gwork /bin/gwork "$WORK_SCALE" >/tmp/gw.out 2>&1
		xenpod rm -f bw >>"$LOG" 2>&1
		cat /tmp/gw.out >>"$LOG"
		grep -q '^gwork done' /tmp/gw.out || NA work.xen_xk "gwork did not finish under xenpod: $(tail -1 /tmp/gw.out | cut -c1-80)"
		work_results work.xen_xk /tmp/gw.out
	elif [ $KERNEL_OK = 1 ] && [ -s $D/gwork.cpio ]; then
		write_cfg /tmp/bw.cfg bw "$KERNEL" $D/gwork.cpio 64
		$XPB console bw "gwork done" 600 -- sh -c "$(xl_xk_cmd bw 64 "-- /bin/gwork $WORK_SCALE")" >/dev/null 2>/tmp/gw.out
		cat /tmp/gw.out >>"$LOG"
		clean_all
		grep -q '^gwork done' /tmp/gw.out || NA work.xen_xk "gwork did not finish under xl + xenpod-kernel"
		work_results work.xen_xk /tmp/gw.out
	else
		NA work.xen_xk "$KERNEL_WHY"
	fi
	[ -s $D/linux-gwork.cpio.gz ] || return
	write_cfg /tmp/lw.cfg lw $D/vmlinuz $D/linux-gwork.cpio.gz 128 "console=hvc0 quiet loglevel=1 -- /bin/gwork $WORK_SCALE"
	$XPB console lw "gwork done" 600 -- xl create /tmp/lw.cfg >/dev/null 2>/tmp/gw.out
	cat /tmp/gw.out >>"$LOG"
	clean_all
	work_results work.xen_linux /tmp/gw.out
}

# ---- 6. pod I/O -------------------------------------------------------------------

# MiB per second for BYTES in MS milliseconds.
mib_s() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.2f", b / 1048576 / (ms / 1000) }'; }

# exec round trip; a pod's stdout over the vchan ring against the same bytes on its console.
pod_io() {
	local i r ms n t0 t1 got log=/var/log/xenpod/bio.log
	local ring_bytes=$((${BENCH_RING_MIB:-16} * 1048576)) con_bytes=$((${BENCH_CONSOLE_KIB:-1024} * 1024))
	[ $XENPOD_OK = 1 ] || { NA io "$XENPOD_WHY"; return; }
	xenpod run -d --memory 64 --name bio $IMG /bin/sleep 3600 >>"$LOG" 2>&1
	i=0
	while [ $i -lt 100 ] && ! xenpod exec bio /bin/true >/dev/null 2>&1; do
		sleep 0.2
		i=$((i + 1))
	done
	: >/tmp/s.exec
	i=0
	while [ $i -lt $((REPS * 4)) ]; do
		r=$($XPB cmd "" 30 -- xenpod exec bio /bin/true 2>>"$LOG")
		echo "$r" | field cmd_ms >>/tmp/s.exec
		i=$((i + 1))
	done
	R io.exec_true_ms "$(median </tmp/s.exec)"
	R io.exec_true.samples "$(tr '\n' ',' </tmp/s.exec | sed 's/,$//')"
	r=$($XPB cmd "" 600 -- sh -c "xenpod exec bio /bin/busybox dd if=/dev/zero bs=65536 \
		count=$((ring_bytes / 65536)) 2>/dev/null | wc -c >/tmp/io.n" 2>>"$LOG")
	ms=$(echo "$r" | field cmd_ms)
	n=$(cat /tmp/io.n 2>/dev/null)
	if [ "$n" = "$ring_bytes" ]; then
		R io.ring_mib_s "$(mib_s "$ring_bytes" "$ms")"
	else
		NA io.ring_mib_s "exec stdout gave ${n:-no} bytes of $ring_bytes"
	fi
	# The console path: the guest's /dev/console, xenconsoled, the daemon, the pod's log.
	n=$(wc -c <$log)
	t0=$($XPB now)
	xenpod exec bio /bin/sh -c "/bin/busybox yes 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde |
		/bin/busybox head -c $con_bytes >/dev/console" >>"$LOG" 2>&1
	i=0
	while [ $(($(wc -c <$log) - n)) -lt "$con_bytes" ] && [ $i -lt 3000 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	t1=$($XPB now)
	got=$(($(wc -c <$log) - n))
	if [ "$got" -ge "$con_bytes" ]; then
		# xpbench now prints milliseconds with a fraction: awk, not $(( )).
		R io.console_mib_s "$(mib_s "$con_bytes" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")"
	else
		NA io.console_mib_s "the console log grew by $got of $con_bytes bytes in 300 s"
	fi
	clean_all
}

# ---- 7. SMP -----------------------------------------------------------------------

# A parallel CPU-bound job (two threads of pure arithmetic, tests/lab/progs/smpstress.c) in a
# pod with one vCPU against a pod with two; the lab's pods get dom0's other CPUs
# (XENPOD_POD_CPUS), so a speed-up needs LAB_SMP=3 or more (docs/BENCHMARKS.md).
smp() {
	local v r t0 t1 steps=${BENCH_SMP_STEPS:-400000000}
	[ $XENPOD_OK = 1 ] || { NA smp "$XENPOD_WHY"; return; }
	[ -x $IMG/bin/smpstress ] || { NA smp "no smpstress in the image"; return; }
	R smp.pod_cpus "$(echo "${XENPOD_POD_CPUS:-}" | awk -F- '{ print ($2 == "" ? 1 : $2 - $1 + 1) }')"
	R smp.steps_per_thread "$steps"
	for v in 1 2; do
		: >/tmp/s.smp$v
		: >/tmp/w.smp$v
		r=0
		while [ $r -lt "$REPS" ]; do
			# The guest's own clock times the job; dom0's the whole run (pod
			# start included), as a check on the guest's clock.
			t0=$($XPB now)
			timeout 600 xenpod run --vcpus $v --memory 32 $IMG /bin/smpstress work 2 "$steps" \
				>/tmp/smp.out 2>&1
			t1=$($XPB now)
			tr -d '\r' </tmp/smp.out | awk '/^work: / { print $(NF - 1) }' >>/tmp/s.smp$v
			awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d\n", b - a }' >>/tmp/w.smp$v
			cat /tmp/smp.out >>"$LOG"
			r=$((r + 1))
		done
		if [ -s /tmp/s.smp$v ]; then
			R smp.vcpus${v}_ms "$(median </tmp/s.smp$v)"
			R smp.vcpus$v.samples "$(tr '\n' ',' </tmp/s.smp$v | sed 's/,$//')"
			R smp.vcpus${v}_run_ms "$(median </tmp/w.smp$v)"
		else
			NA smp.vcpus${v}_ms "smpstress did not finish: $(tail -1 /tmp/smp.out | cut -c1-80)"
		fi
	done
}

# ---- main -------------------------------------------------------------------------

say "xen $(xl info | awk '/^xen_version/ { print $3 }'), $(xl info | awk '/^nr_cpus/ { print $3 }') cpus, $(xl info | awk '/^total_memory/ { print $3 }') MiB"
R lab.xen_total_mib "$(xl info | awk '/^total_memory/ { print $3 }')"
R lab.reps "$REPS"
R lab.linux_reps "$LINUX_REPS"
if have_kernel; then
	KERNEL_OK=1
fi
probe_xenpod
[ $KERNEL_OK = 1 ] && say "xenpod-kernel: yes" || say "xenpod-kernel: no ($KERNEL_WHY)"
[ $XENPOD_OK = 1 ] && say "xenpod run: yes" || say "xenpod run: no ($XENPOD_WHY)"
for part in ${BENCH_PARTS:-xs start_xk start_xenpod footprint idle pod_io start_linux scale_xenpod scale_xl work oci}; do
	say "part $part"
	case $part in
	xs) xs_cost ;;
	work) guest_work ;;
	*) $part ;;
	esac
	clean_all
done
sleep 1
echo "@@BENCH-RESULTS-BEGIN"
cat "$OUT"
echo "@@BENCH-RESULTS-END"
# The whole log goes last: guest consoles and command output, for diagnosis.
sleep 1
echo "@@BENCH-LOG-BEGIN"
tail -c 20000 "$LOG"
echo "@@BENCH-LOG-END"
exit 0
