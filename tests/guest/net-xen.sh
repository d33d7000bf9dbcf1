#!/bin/sh
# SPDX-License-Identifier: MIT
# net-xen.sh: lab test of netfront and the guest stack: a pod with a vif made by hand, pinged from dom0.
# Usage (host): tests/guest/mknetroot.sh /tmp/netroot.cpio &&
#	scripts/lab run tests/guest/net-xen.sh BUILD/guest/xenpod-kernel \
#	/lib/modules/KVER/kernel/drivers/net/xen-netback/xen-netback.ko /tmp/netroot.cpio
# (without netroot.cpio only the kernel-level checks run).
# The daemon does not make vifs yet, so this script does what it will: netback, a routed
# vif (dom0 X.1/24 on vifD.0, the pod X.2 from the backend's "ip" node), and a hotplug
# script that only brings the link up. First a bare kernel (ping, ARP); then a pod running
# tests/guest/progs/t_net.c and busybox httpd from netroot.cpio (TCP both ways, HTTP). Prints PASS:/FAIL: lines and INFO figures.
# With /lab/vmlinuz-* and /lab/linux-net.cpio.gz (tests/guest/mk-linux-net-guest.sh) it then runs
# the same round against a Linux PVH guest, a benchmark's baseline (scripts/bench's devices part).

K=${1:-/lab/xenpod-kernel}
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1 - $2"
	failed=1
}

LOGDIR=/tmp/xencons
mkdir -p $LOGDIR
[ -f /var/run/xen/xenconsoled.pid ] && kill "$(cat /var/run/xen/xenconsoled.pid)" 2>/dev/null
sleep 0.3
xenconsoled --pid-file=/var/run/xen/xenconsoled.pid --log=guest --log-dir=$LOGDIR
conslog() { cat $LOGDIR/guest-"$1".log 2>/dev/null; }

until_ok() {
	end=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $end ] || return 1
		sleep 0.2
	done
}

# A pod without a vif boots as before: no stack, no delay.
cat >/tmp/pnovif.cfg <<EOC
type = "pvh"
name = "pnovif"
kernel = "$K"
memory = 32
cmdline = "xenpod.test=boot xenpod.verbose"
on_poweroff = "preserve"
on_crash = "preserve"
EOC
booted() { conslog pnovif | grep -q "test boot ok"; }
if xl create /tmp/pnovif.cfg >/dev/null 2>&1 && until_ok 60 booted; then
	if conslog pnovif | grep -q "vif"; then
		fail "no vif" "$(conslog pnovif | grep -m1 vif)"
	else
		pass "a pod without a vif boots (no network set up)"
	fi
else
	fail "no vif" "$(conslog pnovif | tail -3 | tr '\n' ' ')"
fi
xl destroy pnovif 2>/dev/null

if grep -q '^xen_netback ' /proc/modules || insmod /lab/xen-netback.ko; then
	pass "netback loaded"
else
	fail "netback" "insmod /lab/xen-netback.ko failed"
	exit 1
fi

# libxl runs this with online/offline (env: vif, XENBUS_PATH). netback waits for
# hotplug-status=connected before it connects the frontend.
cat >/tmp/vif-lab <<'EOS'
#!/bin/sh
dev=${vif:-vif$(echo "$XENBUS_PATH" | awk -F/ '{ print $(NF-1) "." $NF }')}
case $1 in
online | add)
	pod=$(xenstore-read "$XENBUS_PATH/ip")
	ip link set "$dev" up
	ip addr add "${pod%.*}.1/24" dev "$dev"
	xenstore-write "$XENBUS_PATH/hotplug-status" connected
	;;
esac
exit 0
EOS
chmod 755 /tmp/vif-lab

MAC=00:16:3e:5a:00:02
cat >/tmp/pnet.cfg <<EOC
type = "pvh"
name = "pnet"
kernel = "$K"
memory = 48
cmdline = "xenpod.test=idle xenpod.verbose"
vif = [ 'mac=$MAC,ip=10.9.0.2,script=/tmp/vif-lab' ]
on_poweroff = "preserve"
on_crash = "preserve"
EOC

if ! xl create /tmp/pnet.cfg >/tmp/pnet.err 2>&1; then
	fail "xl create with a vif" "$(tail -3 /tmp/pnet.err | tr '\n' ' ')"
	exit 1
fi
id=$(xl domid pnet)
be=/local/domain/0/backend/vif/$id/0
connected() { [ "$(xenstore-read $be/state 2>/dev/null)" = 4 ]; }
if until_ok 60 connected; then
	pass "netback connected to our netfront (backend state 4)"
else
	fail "handshake" "backend state $(xenstore-read $be/state 2>&1), frontend $(xenstore-read /local/domain/$id/device/vif/0/state 2>&1)"
fi
for k in request-rx-copy feature-rx-notify feature-no-csum-offload; do
	v=$(xenstore-read /local/domain/$id/device/vif/0/$k 2>/dev/null)
	[ "$v" = 1 ] || fail "frontend $k" "is '$v'"
done
if conslog pnet | grep -q "vif0: $MAC 10.9.0.2/24"; then
	pass "the pod took its MAC and address from xenstore"
else
	fail "ip node" "console: $(conslog pnet | grep -m1 vif0)"
fi

if ping -c 3 -W 5 10.9.0.2 >/tmp/ping1 2>&1; then
	pass "dom0 pings the pod"
else
	fail "ping" "$(tail -2 /tmp/ping1 | tr '\n' ' ')"
fi
if ip neigh show 10.9.0.2 | grep -qi "$MAC"; then
	pass "the pod answers ARP with its MAC"
else
	fail "arp" "$(ip neigh show 10.9.0.2)"
fi
# Full-size frames (1500-byte IP packets) both ways.
if ping -c 2 -W 5 -s 1472 10.9.0.2 >/tmp/ping2 2>&1; then
	pass "1500-byte packets"
else
	fail "1500-byte ping" "$(tail -2 /tmp/ping2 | tr '\n' ' ')"
fi
# Fragments are dropped by design (docs/NETWORK-STACK.md): no reply.
if ping -c 1 -W 3 -s 2000 10.9.0.2 >/dev/null 2>&1; then
	fail "fragments" "a fragmented ping was answered"
else
	pass "fragmented packets are dropped"
fi
ping -c 20 -i 0.2 -W 5 10.9.0.2 >/tmp/ping3 2>&1
echo "INFO: ping dom0 -> pod, 20 x 56 bytes: $(grep -E 'packet loss|min/avg' /tmp/ping3 | tr '\n' ' ')"
sysfs=/sys/class/net/vif$id.0/statistics
echo "INFO: dom0 vif$id.0: rx $(cat $sysfs/rx_packets) packets, tx $(cat $sysfs/tx_packets), rx dropped $(cat $sysfs/rx_dropped), tx dropped $(cat $sysfs/tx_dropped)"

xl destroy pnet
gone() { ! xenstore-exists $be 2>/dev/null; }
if until_ok 30 gone; then
	pass "xl destroy removes the vif"
else
	fail "destroy" "$be still there"
fi
echo "--- pod console:"
conslog pnet | tail -n 15

R=/lab/netroot.cpio
if [ ! -f "$R" ]; then
	echo "INFO: no /lab/netroot.cpio: the socket checks are skipped"
	exit $failed
fi
# A pod with a program: a Go net/http server (in the background), TCP timeouts over loopback,
# TCP echo (2 connections), then 4 MB to dom0, then httpd.
SPEC='-- /bin/sh -c gohttp%20:8080%20&t_net%20tcp-timeo%207010;t_net%20tcp-echo%207000%202;t_net%20tcp-send%2010.9.1.1%207001%204000000;busybox%20httpd%20-f%20-p%2080%20-h%20/www'
cat >/tmp/papp.cfg <<EOC
type = "pvh"
name = "papp"
kernel = "$K"
ramdisk = "$R"
memory = 128
vif = [ 'mac=00:16:3e:5a:01:02,ip=10.9.1.2,script=/tmp/vif-lab' ]
on_poweroff = "preserve"
on_crash = "preserve"
EOC
if ! xl create -p /tmp/papp.cfg >/tmp/papp.err 2>&1; then
	fail "xl create papp" "$(tail -3 /tmp/papp.err | tr '\n' ' ')"
	exit 1
fi
id=$(xl domid papp)
xenstore-write -- /local/domain/$id/xenpod/spec "$SPEC"
xenstore-chmod /local/domain/$id/xenpod n0 r$id
xenstore-chmod /local/domain/$id/xenpod/spec n0 r$id
xl unpause papp
listening() { conslog papp | grep -q "tcp echo on 7000"; }
if ! until_ok 60 listening; then
	fail "pod program" "no 'tcp echo on 7000': $(conslog papp | tail -3 | tr '\n' ' ')"
	xl destroy papp
	exit 1
fi
if conslog papp | grep -q "tcp-timeo ok"; then
	pass "TCP: SO_RCVTIMEO times out accept and recv over loopback"
else
	fail "TCP timeouts" "$(conslog papp | grep tcp-timeo | tr '\n' ' ')"
fi
# The same round for the pod and, below, a Linux guest with its own netfront (net_round WHO
# ADDR LOG): an echo, 1 MiB dom0 -> guest -> dom0, 4 MB guest -> dom0 (t_net's own clock), an
# HTTP GET, then 20 sequential GETs (connect + request + close). Times from /proc/uptime (ms).
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
net_round() {
	who=$1 addr=$2 log=$3
	if [ "$(echo hello | timeout 20 nc $addr 7000)" = hello ]; then
		pass "TCP: dom0 connects to the $who, data echoed"
	else
		fail "TCP echo ($who)" "$($log | tail -2 | tr '\n' ' ')"
	fi
	dd if=/dev/urandom of=/tmp/blob bs=1024 count=1024 2>/dev/null
	# The guest connects to dom0 right after its second echo: listen already.
	timeout 120 nc -l -p 7001 >/tmp/recv &
	ncpid=$!
	sleep 0.5
	t0=$(now_ms)
	timeout 120 nc $addr 7000 </tmp/blob >/tmp/blob.back
	ECHO_MS=$(($(now_ms) - t0))
	if cmp -s /tmp/blob /tmp/blob.back; then
		pass "TCP: 1 MiB dom0 -> $who -> dom0 byte-identical"
	else
		fail "TCP 1 MiB echo ($who)" "got $(wc -c </tmp/blob.back) bytes"
	fi
	wait $ncpid
	if [ "$(wc -c </tmp/recv)" -eq 4000000 ]; then
		pass "TCP: the $who connects to dom0 and sends 4000000 bytes"
	else
		fail "TCP $who -> dom0" "received $(wc -c </tmp/recv) bytes"
	fi
	SEND_MS=$($log | sed -n 's/.*sent 4000000 bytes to .* in \([0-9]*\) ms.*/\1/p' | head -n 1)
	# HTTP/1.0 GETs through nc (dom0's static busybox wget crashes in its resolver).
	get() { printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 20 nc $addr 80 >/tmp/page 2>/dev/null && grep -q "hello from a xenpod pod" /tmp/page; }
	if until_ok 30 get; then
		pass "HTTP: busybox httpd in the $who serves a page to dom0"
	else
		fail "httpd ($who)" "$(head -c 200 /tmp/page 2>/dev/null) $($log | tail -3 | tr '\n' ' ')"
	fi
	t0=$(now_ms)
	n=0
	while [ $n -lt 20 ] && get; do n=$((n + 1)); done
	GET_MS=$(($(now_ms) - t0))
	[ $n -eq 20 ] || fail "HTTP x20 ($who)" "only $n of 20 GETs worked"
	ping -c 20 -i 0.2 -W 5 $addr >/tmp/pingr 2>&1
	PING_AVG=$(sed -n 's|.*min/avg/max = [0-9.]*/\([0-9.]*\)/.*|\1|p' /tmp/pingr)
	echo "INFO: $who: 1 MiB echoed in $ECHO_MS ms (incl. nc's idle wait), 4 MB sent to dom0 in ${SEND_MS:-?} ms, 20 HTTP GETs in $GET_MS ms, ping avg ${PING_AVG:-?} ms"
}
net_round pod 10.9.1.2 "conslog papp"
POD_ECHO=$ECHO_MS POD_SEND=$SEND_MS POD_GET=$GET_MS POD_PING=$PING_AVG
# Go's net/http: its own client reached it over loopback, and dom0 reaches it.
if conslog papp | grep -q "gohttp: self get: work 4950"; then
	pass "Go net/http: the pod's own client fetched /work (100 goroutines) over loopback"
else
	fail "Go net/http self" "$(conslog papp | grep gohttp | tr '\n' ' ')"
fi
goget() { printf 'GET /%s HTTP/1.0\r\n\r\n' "$1" | timeout 20 nc 10.9.1.2 8080 >/tmp/gopage 2>/dev/null && grep -q "$2" /tmp/gopage; }
if until_ok 30 goget "" "hello from Go net/http in a xenpod pod" && goget work "work 4950"; then
	pass "Go net/http: a static Go server in the pod serves dom0 (/ and /work)"
else
	fail "Go net/http" "$(head -c 200 /tmp/gopage 2>/dev/null) $(conslog papp | grep gohttp | tr '\n' ' ')"
fi
echo "--- pod console:"
conslog papp | tail -n 20
xl destroy papp

# The baseline: a Debian Linux PVH guest (this host's kernel and xen-netfront) on a vif of its
# own, running the same programs (tests/guest/linux-net-init), measured the same way. It is a
# benchmark's reference, not a check of xenpod: scripts/bench's devices part ships its initramfs
# (tests/lab/run-devices with LAB_DEVICES_BENCH=1); the suite's devices boot does not, and stops
# here. What it does is reported (INFO), never failed on; the figures go to the bench as @@B lines.
# (In one CI run of 2026-12-03 this Linux guest panicked 10 s into its boot under the nested
# emulation, before its network was up; its console's last lines are printed then.)
LK=$(ls /lab/vmlinuz-* 2>/dev/null | head -n 1)
LR=/lab/linux-net.cpio.gz
if [ -z "$LK" ] || [ ! -f "$LR" ]; then
	echo "INFO: no Linux network baseline in this boot (scripts/bench's devices part runs it)"
	exit $failed
fi
bench() { [ -n "$2" ] && echo "@@B $1 $2"; }
bench net.pod.echo_ms "$POD_ECHO"
bench net.pod.send_ms "$POD_SEND"
bench net.pod.get20_ms "$POD_GET"
bench net.pod.ping_ms "$POD_PING"
pass() { echo "INFO: baseline: $1"; }
fail() { echo "INFO: baseline: not so: $1 - $2"; }
cat >/tmp/lnet.cfg <<EOC
type = "pvh"
name = "lnet"
kernel = "$LK"
ramdisk = "$LR"
extra = "console=hvc0 quiet loglevel=4"
memory = 256
vif = [ 'mac=00:16:3e:5a:02:02,ip=10.9.2.2,script=/tmp/vif-lab' ]
on_poweroff = "preserve"
on_crash = "preserve"
EOC
if ! xl create /tmp/lnet.cfg >/tmp/lnet.err 2>&1; then
	fail "xl create lnet" "$(tail -3 /tmp/lnet.err | tr '\n' ' ')"
	exit $failed
fi
llistening() { conslog lnet | grep -q "tcp echo on 7000"; }
if until_ok 180 llistening; then
	net_round "Linux guest" 10.9.2.2 "conslog lnet"
	ratio() { awk "BEGIN { if ($2 > 0 && $3 > 0) printf \"INFO: %s: pod/Linux %.2f (pod %s, Linux %s)\\n\", \"$1\", $2 / $3, $2, $3 }"; }
	ratio "1 MiB echo time" "$POD_ECHO" "$ECHO_MS"
	ratio "4 MB pod -> dom0 time" "${POD_SEND:-0}" "${SEND_MS:-0}"
	ratio "20 HTTP GETs time" "$POD_GET" "$GET_MS"
	ratio "ping RTT" "${POD_PING:-0}" "${PING_AVG:-0}"
	bench net.linux.echo_ms "$ECHO_MS"
	bench net.linux.send_ms "$SEND_MS"
	bench net.linux.get20_ms "$GET_MS"
	bench net.linux.ping_ms "$PING_AVG"
else
	echo "INFO: baseline: the Linux guest did not come up (no 'tcp echo on 7000'): no figures beside Linux"
	echo "@@NA net.linux the Linux guest did not come up (no 'tcp echo on 7000')"
	conslog lnet | grep -E -A3 "Kernel panic|BUG|Oops|RIP:|Call Trace|G: " | head -n 40 | sed 's/^/INFO: baseline console: /'
fi
xl destroy lnet
exit $failed
