# SPDX-License-Identifier: MIT
# report.awk: turns scripts/bench's result lines into the table (mode=table) or the JSON (mode=json).
#
# Input lines: "@@M KEY TEXT" (metadata), "@@B KEY VALUE" (figure), "@@NA KEY REASON" (why a
# figure, or every figure under KEY, is missing), "@@S SERIES N MS" (scaling points).
# Ratios are computed here, so the table and the JSON always agree.

function rest(from,    s, i) {
	s = $from
	for (i = from + 1; i <= NF; i++)
		s = s " " $i
	return s
}

/^@@M / { M[$2] = rest(3); mk[nm++] = $2 }
/^@@B / { B[$2] = $3; bk[nb++] = $2 }
/^@@NA / { NA[$2] = rest(3); nk[nn++] = $2 }
/^@@S / { S[$2, ++SN[$2]] = $3 " " $4; if (!($2 in seen)) { seen[$2] = 1; sk[ns++] = $2 } }

function isnum(v) { return v ~ /^-?[0-9]+(\.[0-9]+)?$/ }
function have(k) { return (k in B) && isnum(B[k]) && B[k] >= 0 }

# Why KEY is missing: its own reason or that of the nearest prefix.
function why(k,    p) {
	p = k
	while (p != "") {
		if (p in NA)
			return NA[p]
		if (p !~ /\./)
			break
		sub(/\.[^.]*$/, "", p)
	}
	# The devices figures come from a boot of their own.
	if (k ~ /^(net|vol)\./)
		return ("devices" in NA) ? "devices: " NA["devices"] : "not measured"
	if (k !~ /^work\.(host|qemu)/ && k !~ /\.(qemu_xk|qemu_linux|host)$/) {
		if ("lab" in NA)
			return "lab: " NA["lab"]
		if ("lab.finished" in NA)
			return "lab: " NA["lab.finished"]
	}
	return "not measured"
}

function ratio_add(name, num, den, desc) {
	RN[nr] = name; RD[nr] = desc; nr++
	if (have(num) && have(den) && B[den] > 0)
		RV[name] = sprintf("%.2f", B[num] / B[den])
	else
		RW[name] = !have(num) ? why(num) : why(den)
}

function ratios(    i, t, unit, envs, e) {
	ratio_add("start.linux_xl_over_xenpod_run", "start.linux_xl.line_ms", "start.xenpod.line_ms",
		"first line: Linux under xl / xenpod run")
	ratio_add("start.linux_xl_over_xk_xl", "start.linux_xl.line_ms", "start.xk_xl.line_ms",
		"first line: Linux under xl / xenpod-kernel under xl")
	ratio_add("start.xenpod_run_over_xk_xl", "start.xenpod.line_ms", "start.xk_xl.line_ms",
		"first line: xenpod run / xl of the same kernel (daemon overhead)")
	ratio_add("oci.podman_xenpod_oci_over_xenpod_run", "oci.podman_xenpod_oci.exit_ms",
		"start.xenpod.exit_ms", "to exit: podman run --rm with xenpod-oci / xenpod run")
	ratio_add("oci.podman_xenpod_oci_over_crun", "oci.podman_xenpod_oci.exit_ms",
		"oci.podman_crun.exit_ms", "to exit: podman with xenpod-oci / podman with crun")
	ratio_add("scale.xl_idle.last_over_first", "scale.xl_idle.last_ms", "scale.xl_idle.first_ms",
		"xl create: #N / #1")
	ratio_add("scale.xenpod.last_over_first", "scale.xenpod.last_ms", "scale.xenpod.first_ms",
		"xenpod run -d: #N / #1")
	ratio_add("smp.speedup", "smp.vcpus1_ms", "smp.vcpus2_ms",
		"2 threads of work: --vcpus 1 time / --vcpus 2 time")
	ratio_add("smp.speedup_run", "smp.vcpus1_run_ms", "smp.vcpus2_run_ms",
		"the same, whole xenpod run timed in dom0 (pod start included)")
	ratio_add("xs.xenpod_over_xl_xk", "xs.xenpod.total", "xs.xl_xk.total",
		"xenstore requests per lifecycle: xenpod / xl (same kernel)")
	ratio_add("xs.xl_linux_over_xenpod", "xs.xl_linux.total", "xs.xenpod.total",
		"xenstore requests per lifecycle: xl of Linux / xenpod")
	ratio_add("io.ring_over_console", "io.ring_mib_s", "io.console_mib_s",
		"pod stdout throughput: vchan ring / console")
	# 9. The devices boot: times pod / Linux (under 1: the pod is faster), rates pod / Linux
	# (over 1: the pod is faster).
	split("echo_ms send_ms get20_ms ping_ms", t, " ")
	for (i = 1; i <= 4; i++)
		ratio_add("net." t[i] ".pod_over_linux", "net.pod." t[i], "net.linux." t[i], "")
	split("write_mib_s read_mib_s creates_s", t, " ")
	for (i = 1; i <= 3; i++)
		ratio_add("vol." t[i] ".pod_over_linux", "vol.pod." t[i], "vol.linux." t[i], "")
	split("getpid fork_exec pipe file epoll", t, " ")
	for (i = 1; i <= 5; i++) {
		# Slowdown factors: >1 means the guest is slower than the reference.
		if (t[i] == "pipe" || t[i] == "file") {
			ratio_add("work." t[i] ".qemu_xk_vs_host", "work.host." t[i], "work.qemu_xk." t[i], "")
			ratio_add("work." t[i] ".qemu_xk_vs_qemu_linux", "work.qemu_linux." t[i], "work.qemu_xk." t[i], "")
			ratio_add("work." t[i] ".xen_xk_vs_host", "work.host." t[i], "work.xen_xk." t[i], "")
			ratio_add("work." t[i] ".xen_xk_vs_xen_linux", "work.xen_linux." t[i], "work.xen_xk." t[i], "")
		} else {
			ratio_add("work." t[i] ".qemu_xk_vs_host", "work.qemu_xk." t[i], "work.host." t[i], "")
			ratio_add("work." t[i] ".qemu_xk_vs_qemu_linux", "work.qemu_xk." t[i], "work.qemu_linux." t[i], "")
			ratio_add("work." t[i] ".xen_xk_vs_host", "work.xen_xk." t[i], "work.host." t[i], "")
			ratio_add("work." t[i] ".xen_xk_vs_xen_linux", "work.xen_xk." t[i], "work.xen_linux." t[i], "")
		}
	}
}

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	gsub(/\t/, " ", s)
	return "\"" s "\""
}
function jval(v) { return isnum(v) ? v + 0 : jstr(v) }

function json(    i, j, sep, p) {
	printf "{\n  \"meta\": {"
	for (i = 0; i < nm; i++)
		printf "%s\n    %s: %s", ((i) ? "," : ""), jstr(mk[i]), jstr(M[mk[i]])
	printf "\n  },\n  \"figures\": {"
	for (i = 0; i < nb; i++)
		printf "%s\n    %s: %s", ((i) ? "," : ""), jstr(bk[i]), jval(B[bk[i]])
	printf "\n  },\n  \"ratios\": {"
	sep = ""
	for (i = 0; i < nr; i++) {
		if (RN[i] in RV) {
			printf "%s\n    %s: %s", sep, jstr(RN[i]), RV[RN[i]] + 0
			sep = ","
		}
	}
	printf "\n  },\n  \"na\": {"
	for (i = 0; i < nn; i++)
		printf "%s\n    %s: %s", ((i) ? "," : ""), jstr(nk[i]), jstr(NA[nk[i]])
	printf "\n  },\n  \"series\": {"
	for (i = 0; i < ns; i++) {
		printf "%s\n    %s: [", ((i) ? "," : ""), jstr(sk[i])
		for (j = 1; j <= SN[sk[i]]; j++) {
			split(S[sk[i], j], p, " ")
			printf "%s[%s, %s]", ((j > 1) ? ", " : ""), p[1] + 0, p[2] + 0
		}
		printf "]"
	}
	printf "\n  }\n}\n"
}

# One table row: a figure with its unit, or n/a with the reason.
function row(label, k, unit) {
	if (have(k))
		printf "  %-58s %12s %s\n", label, B[k], unit
	else
		printf "  %-58s %12s (%s)\n", label, "n/a", why(k)
}
function rrow(label, name) {
	if (name in RV)
		printf "  %-58s %11sx\n", label, RV[name]
	else
		printf "  %-58s %12s (%s)\n", label, "n/a", RW[name]
}

function table(    t, i, tu) {
	printf "xenpod benchmarks, %s, on %s\n", M["date"], M["machine"]
	printf "(medians of %s runs, Linux boots %s; one lab boot: Xen %s under QEMU TCG,\n", \
		cell("lab.reps"), cell("lab.linux_reps"), M["xen"]
	printf " so compare the ratios, not the absolute times; host load average %s before, %s after)\n\n", \
		M["load_before"], M["load_after"]
	print "1. Start latency (from the create command to the line in dom0)"
	row("xl create, Debian Linux (PVH) -> first init line", "start.linux_xl.line_ms", "ms")
	row("xl create -p + spec + unpause, xenpod-kernel -> hello", "start.xk_xl.line_ms", "ms")
	row("xenpod run -> hello line", "start.xenpod.line_ms", "ms")
	row("xenpod run -> exit", "start.xenpod.exit_ms", "ms")
	rrow("ratio Linux (xl) / xenpod run", "start.linux_xl_over_xenpod_run")
	rrow("ratio Linux (xl) / xenpod-kernel (xl)", "start.linux_xl_over_xk_xl")
	rrow("ratio xenpod run / xenpod-kernel (xl): daemon overhead", "start.xenpod_run_over_xk_xl")
	print "\n2. Scaling (create latency of #N with N-1 running; #1, #N: medians of the first, last 3 (single samples below 6))"
	row("xl create of an idle PVH stub: N", "scale.xl_idle.n", "")
	row("  #1", "scale.xl_idle.first_ms", "ms")
	row("  #N", "scale.xl_idle.last_ms", "ms")
	rrow("  #N / #1", "scale.xl_idle.last_over_first")
	if ("scale.xl_idle.stopped" in NA)
		printf "  %-58s %s\n", "  series stopped:", NA["scale.xl_idle.stopped"]
	row("xenpod run -d of a sleeper: N", "scale.xenpod.n", "")
	row("  #1", "scale.xenpod.first_ms", "ms")
	row("  #N", "scale.xenpod.last_ms", "ms")
	rrow("  #N / #1", "scale.xenpod.last_over_first")
	if ("scale.xenpod.stopped" in NA)
		printf "  %-58s %s\n", "  series stopped:", NA["scale.xenpod.stopped"]
	if (M["plot"] != "")
		printf "  plot: %s\n", M["plot"]
	print "\n3. Footprint"
	row("xenpod-kernel image", "foot.kernel_bytes", "bytes")
	row("Debian Linux kernel image (for scale)", "foot.linux_kernel_bytes", "bytes")
	row("smallest memory= that runs the static hello", "foot.min_mem_mib", "MiB")
	row("xenpodd RSS, no pods", "foot.xenpodd_rss_kib_idle", "KiB")
	row("xenpodd RSS per running pod", "foot.xenpodd_rss_kib_per_pod", "KiB")
	row("CPU used by one idle pod (sleep 3600)", "foot.idle_pod_cpu_pct", "% of a CPU")
	row("CPU used by the idle PVH stub, for scale", "foot.idle_stub_cpu_pct", "% of a CPU")
	print "\n4. Control plane: xenstore requests (IN lines of xenstored -T) per lifecycle"
	printf "  %-30s %8s %8s %8s %8s\n", "", "create", "run+exit", "destroy", "total"
	xsrow("xl, xenpod-kernel + hello", "xl_xk")
	xsrow("xl, Debian Linux + init", "xl_linux")
	xsrow("xenpod create/start/wait/rm", "xenpod")
	row("background requests per 3 s idle (noise floor)", "xs.idle_per_3s", "")
	rrow("ratio xenpod / xl (same kernel)", "xs.xenpod_over_xl_xk")
	rrow("ratio xl of Linux / xenpod", "xs.xl_linux_over_xenpod")
	print "\n5. Guest work (gwork, static musl; medians not taken: one run each)"
	printf "  %-16s %10s %10s %10s %10s %10s\n", "test", "host", "QEMU Linux", "QEMU xk", "Xen Linux", "Xen xk"
	split("getpid ns/op fork_exec us/op pipe MiB/s file MiB/s epoll us/rt", tu, " ")
	for (i = 1; i <= 10; i += 2)
		workrow(tu[i], tu[i + 1])
	print "  slowdown of xenpod-kernel (xk), >1 = slower than the reference:"
	printf "  %-16s %10s %10s %10s %10s\n", "test", "QEMU:host", "QEMU:Linux", "Xen:host", "Xen:Linux"
	for (i = 1; i <= 10; i += 2)
		printf "  %-16s %10s %10s %10s %10s\n", tu[i], rcell("work." tu[i] ".qemu_xk_vs_host"), \
			rcell("work." tu[i] ".qemu_xk_vs_qemu_linux"), rcell("work." tu[i] ".xen_xk_vs_host"), \
			rcell("work." tu[i] ".xen_xk_vs_xen_linux")
	n = 0
	for (i = 0; i < nn; i++)
		if (nk[i] ~ /^work\./)
			printf "%s  %s: n/a (%s)\n", ((n++) ? "" : "  why n/a:\n"), nk[i], NA[nk[i]]
	if (!n && ("lab" in NA))
		printf "  Xen columns: n/a (lab: %s)\n", NA["lab"]
	print "\n6. Pod I/O (a running pod; exec: median of " cell("lab.reps") " x 4)"
	row("xenpod exec POD /bin/true, round trip", "io.exec_true_ms", "ms")
	row("stdout of exec over the vchan ring (dd, 64 KiB blocks)", "io.ring_mib_s", "MiB/s")
	row("the same to /dev/console, until in the pod's log", "io.console_mib_s", "MiB/s")
	rrow("ratio ring / console", "io.ring_over_console")
	print "\n7. OCI runtime: podman run --rm of the hello (LAB_DISK=oci; xenpod run above)"
	row("podman with xenpod-oci -> hello line", "oci.podman_xenpod_oci.line_ms", "ms")
	row("podman with xenpod-oci -> exit", "oci.podman_xenpod_oci.exit_ms", "ms")
	row("podman with crun (a plain container in dom0) -> exit", "oci.podman_crun.exit_ms", "ms")
	rrow("ratio podman+xenpod-oci / xenpod run (to exit)", "oci.podman_xenpod_oci_over_xenpod_run")
	rrow("ratio podman+xenpod-oci / podman+crun (to exit)", "oci.podman_xenpod_oci_over_crun")
	print ""
	print "8. SMP (LAB_SMP=3 BENCH_PARTS=smp): two threads of arithmetic, timed in the guest"
	row("--vcpus 1", "smp.vcpus1_ms", "ms")
	row("--vcpus 2", "smp.vcpus2_ms", "ms")
	rrow("speed-up", "smp.speedup")
	rrow("speed-up of the whole xenpod run (dom0's clock)", "smp.speedup_run")
	print ""
	print "9. Devices beside a Linux PVH guest (a second boot: tests/lab/run-devices, LAB_DEVICES_BENCH=1)"
	row("net: 1 MiB dom0 -> pod -> dom0 (nc)", "net.pod.echo_ms", "ms")
	row("net: the same, Linux guest", "net.linux.echo_ms", "ms")
	rrow("ratio pod / Linux (time)", "net.echo_ms.pod_over_linux")
	row("net: 4 MB pod -> dom0 (t_net tcp-send, the guest's clock)", "net.pod.send_ms", "ms")
	row("net: the same, Linux guest", "net.linux.send_ms", "ms")
	rrow("ratio pod / Linux (time)", "net.send_ms.pod_over_linux")
	row("net: 20 sequential HTTP GETs from dom0 (busybox httpd)", "net.pod.get20_ms", "ms")
	row("net: the same, Linux guest", "net.linux.get20_ms", "ms")
	rrow("ratio pod / Linux (time)", "net.get20_ms.pod_over_linux")
	row("net: ping RTT dom0 -> pod, average of 20", "net.pod.ping_ms", "ms")
	row("net: the same, Linux guest", "net.linux.ping_ms", "ms")
	rrow("ratio pod / Linux (time)", "net.ping_ms.pod_over_linux")
	row("volume: write 16 MiB (fsync), pod", "vol.pod.write_mib_s", "MiB/s")
	row("volume: the same, Linux guest (9pnet_xen)", "vol.linux.write_mib_s", "MiB/s")
	row("volume: the same, dom0's own tmpfs", "vol.dom0.write_mib_s", "MiB/s")
	rrow("ratio pod / Linux (rate)", "vol.write_mib_s.pod_over_linux")
	row("volume: read 16 MiB, pod", "vol.pod.read_mib_s", "MiB/s")
	row("volume: the same, Linux guest (cold cache)", "vol.linux.read_mib_s", "MiB/s")
	rrow("ratio pod / Linux (rate)", "vol.read_mib_s.pod_over_linux")
	row("volume: creates per second, pod", "vol.pod.creates_s", "/s")
	row("volume: the same, Linux guest", "vol.linux.creates_s", "/s")
	rrow("ratio pod / Linux (rate)", "vol.creates_s.pod_over_linux")
}

function rcell(name) { return (name in RV) ? RV[name] "x" : "n/a" }
function cell(k) { return have(k) ? B[k] : "n/a" }
function xsrow(label, n,    o) {
	if (have("xs." n ".total"))
		printf "  %-30s %8s %8s %8s %8s\n", label, B["xs." n ".create"], B["xs." n ".run"], \
			B["xs." n ".destroy"], B["xs." n ".total"]
	if (("xs." n ".ops") in B) {
		o = B["xs." n ".ops"]
		gsub(/,/, " ", o)
		printf "  %-30s %s\n", "", o
	}
	if (!have("xs." n ".total"))
		printf "  %-30s %8s (%s)\n", label, "n/a", why("xs." n ".total")
}
function workrow(t, unit) {
	printf "  %-16s %10s %10s %10s %10s %10s\n", t " " unit, cell("work.host." t), \
		cell("work.qemu_linux." t), cell("work.qemu_xk." t), cell("work.xen_linux." t), \
		cell("work.xen_xk." t)
}

END {
	ratios()
	if (mode == "json")
		json()
	else
		table()
}
