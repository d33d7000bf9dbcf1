#!/bin/sh
# SPDX-License-Identifier: MIT
# net-xen.sh: lab test of netfront and the guest stack: a pod with a vif made by hand, pinged from dom0.
# Usage (host): scripts/lab run tests/guest/net-xen.sh BUILD/guest/xenpod-kernel \
#	/lib/modules/KVER/kernel/drivers/net/xen-netback/xen-netback.ko
# The daemon does not make vifs yet, so this script does what it will: netback, a routed
# vif (dom0 10.9.0.1/24 on vifD.0, the pod 10.9.0.2 from the backend's "ip" node), and a
# hotplug script that only brings the link up. Prints PASS:/FAIL: lines and INFO figures.

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
	ip link set "$dev" up
	ip addr add 10.9.0.1/24 dev "$dev"
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
echo "INFO: dom0 vif counters: $(ip -s link show "vif$id.0" | awk 'NR==4 || NR==6' | tr -s ' ' | tr '\n' '|')"

xl destroy pnet
gone() { ! xenstore-exists $be 2>/dev/null; }
if until_ok 30 gone; then
	pass "xl destroy removes the vif"
else
	fail "destroy" "$be still there"
fi
echo "--- pod console:"
conslog pnet | tail -n 15
exit $failed
