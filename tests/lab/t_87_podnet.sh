# SPDX-License-Identifier: MIT
# t_87_podnet.sh: a pod in another's network namespace: xenpod run --network ns:PATH, and podman's own network (netavark, -p) through xenpod-oci (issue 17); needs LAB_DISK=oci.

XO=/usr/bin/xenpod-oci
PIMG=localhost/xenpod-lab:1
IMG=/lab/images
PN() { podman --runtime $XO "$@"; }
# iproute2's (dom0's busybox sh runs its own ip and tc applets, which lack netns and filters).
ip() { /usr/sbin/ip "$@"; }
tc() { /usr/sbin/tc "$@"; }
# get HOST PORT FILE: the file over HTTP/1.0 through nc (busybox's wget may crash in its resolver).
t87_get() { printf 'GET /%s HTTP/1.0\r\n\r\n' "$3" | timeout 5 nc "$1" "$2" 2>/dev/null; }
t87_has() { t87_get "$1" "$2" "$3" | grep -q "$4"; }
# t87_wait SECONDS CMD...: CMD until it succeeds, for at most SECONDS of wall time (each try of
# t87_has may take seconds, which wait_for's count of 0.1 s polls does not see).
t87_wait() {
	_end=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt $_end ] || return 1
		sleep 0.2
	done
}
t87_field() { xenpod inspect "$1" | sed -n "s/^ *\"$2\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}\$/\1/p" | head -1; }
# What a pod's network may leave in dom0: vifs, namespaces, mirrors, xenstore nodes.
t87_left() {
	ip -o link | grep -c ': xp'
	ls /run/netns 2>/dev/null
	xenstore-list /tool/xenpod/vif 2>/dev/null
}
ip link set lo up

# ---- xenpod run --network ns:PATH, a namespace made by hand (a veth to dom0) ----
base=$(t87_left)
ip netns add t87
ip link add t87a type veth peer name t87b
ip link set t87b netns t87
ip -n t87 addr add 10.98.0.2/24 dev t87b
ip -n t87 link set t87b up
ip -n t87 route add default via 10.98.0.1
ip addr add 10.98.0.1/24 dev t87a
ip link set t87a up
nsmac=$(ip -n t87 -o link show t87b | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p')
W=/tmp/t87root
rm -rf $W
cp -a $IMG/rootfs $W
echo "hello from pod nsweb" >$W/index.html
check "podnet: run -d --network ns:/run/netns/t87 httpd" \
	xenpod run -d --name nsweb --network ns:/run/netns/t87 $W /bin/busybox httpd -f -p 80 -h /
check_out "podnet: the pod took the namespace's address" "10.98.0.2" t87_field nsweb ip
check_out "podnet: ... its MAC" "$nsmac" t87_field nsweb mac
check_out "podnet: ... and its gateway" "10.98.0.1" t87_field nsweb gateway
check_out "podnet: inspect: mode netns, device t87b" "netns t87b" sh -c \
	"echo \$(xenpod inspect nsweb | sed -n 's/^ *\"\(mode\|device\)\": *\"\([^\"]*\)\".*/\2/p' | head -2)"
check "podnet: the vif is in the namespace, not in dom0" sh -c \
	"/usr/sbin/ip -n t87 -o link | grep -q ': xp' && ! /usr/sbin/ip -o link | grep -q ': xp'"
check "podnet: tc mirrors t87b to the vif" sh -c "/usr/sbin/tc -n t87 filter show dev t87b ingress | grep -q mirred"
if t87_wait 60 t87_has 10.98.0.2 80 index.html "hello from pod nsweb"; then
	echo "PASS: podnet: dom0 reaches the pod at the namespace's address"
else
	echo "FAIL: podnet: dom0 -> 10.98.0.2:80 - $(t87_get 10.98.0.2 80 index.html | head -2 | tr '\n' ' ')"
	LAB_FAILED=$((LAB_FAILED + 1))
	ip -n t87 -s link | sed 's/^/diag: /' | head -30
	tc -n t87 -s filter show dev t87b ingress | sed 's/^/diag: /' | head -10
	xenpod logs nsweb 2>&1 | tail -5 | sed 's/^/diag: /'
fi
# The pod's default route is the namespace's: it reaches dom0's listener at the gateway.
mkdir -p /tmp/t87www
echo "from dom0 via the gateway" >/tmp/t87www/gw.txt
busybox httpd -p 10.98.0.1:9087 -h /tmp/t87www
check_out "podnet: the pod reaches the namespace's gateway (10.98.0.1)" "from dom0 via the gateway" \
	xenpod exec nsweb /bin/sh -c "printf 'GET /gw.txt HTTP/1.0\r\n\r\n' | nc 10.98.0.1 9087 | tail -1"
pkill -f "httpd -p 10.98.0.1:9087"
check_rc "podnet: ns: with -p is refused" 125 xenpod run --network ns:/run/netns/t87 -p 80:80 $W /bin/true
check_rc "podnet: ns: of a file that is no namespace is refused" 125 \
	xenpod run --name notns --network ns:/etc/passwd $W /bin/true
check_out "podnet: ... naming it" "yes" sh -c \
	"xenpod run --network ns:/etc/passwd $W /bin/true 2>&1 | grep -q '/etc/passwd: not a network namespace' && echo yes"
ip netns add t87empty
check "podnet: a namespace with only loopback is refused, naming why" sh -c \
	"xenpod run --network ns:/run/netns/t87empty $W /bin/true 2>&1 | grep -q 'no interface but loopback'"
check "podnet: the refused creates left no pod" sh -c '! xenpod inspect notns >/dev/null 2>&1'
check "podnet: rm -f nsweb" xenpod rm -f nsweb
# libxl runs vif-xenpod's offline once the domain is destroyed, after rm has returned.
check "podnet: the mirror on t87b is gone with the vif" t87_wait 30 sh -c \
	"! /usr/sbin/tc -n t87 qdisc show dev t87b ingress | grep -q ingress"
# The namespace outlives the pod: a second pod joins it again.
check "podnet: a second pod joins the same namespace" \
	xenpod run -d --name nsweb2 --network ns:/run/netns/t87 $W /bin/busybox httpd -f -p 80 -h /
check "podnet: ... and answers" t87_wait 60 t87_has 10.98.0.2 80 index.html "hello from pod nsweb"
check "podnet: rm -f nsweb2" xenpod rm -f nsweb2
ip netns del t87empty
ip netns del t87
ip link del t87a 2>/dev/null
check_out "podnet: nothing left (vifs, namespaces, xenstore nodes)" "$base" t87_left

# ---- podman's own network: netavark's bridge, address and -p; the pod joins the namespace ----
if ! command -v podman >/dev/null; then
	echo "FAIL: podnet: podman is not in dom0 (boot with LAB_DISK=oci)"
	LAB_FAILED=$((LAB_FAILED + 1))
else
podman image exists $PIMG || skopeo copy oci:$IMG/oci containers-storage:$PIMG >/dev/null 2>&1
check "podnet: podman run -d --network bridge -p 8087:80 httpd" \
	PN run -d --name w1 --network bridge -p 8087:80 $PIMG /bin/busybox httpd -f -p 80 -h /etc
cid=$(podman inspect --format '{{.Id}}' w1 2>/dev/null)
pip=$(podman inspect --format '{{.NetworkSettings.IPAddress}}' w1 2>/dev/null)
gw=$(podman inspect --format '{{.NetworkSettings.Gateway}}' w1 2>/dev/null)
check_out "podnet: the pod has podman's address ($pip)" "netns $pip" \
	echo "$(t87_field "$cid" mode) $(t87_field "$cid" ip)"
short=$(echo "$cid" | cut -c1-12)
if t87_wait 60 t87_has "$pip" 80 hostname "$short"; then
	echo "PASS: podnet: dom0 reaches the pod at podman's address"
else
	echo "FAIL: podnet: dom0 -> $pip:80 - $(t87_get "$pip" 80 hostname | head -2 | tr '\n' ' ')"
	LAB_FAILED=$((LAB_FAILED + 1))
	iptables -t nat -S 2>&1 | sed 's/^/diag: /' | head -20
	xenpod logs "$cid" 2>&1 | tail -5 | sed 's/^/diag: /'
fi
check "podnet: -p 8087:80 (netavark's DNAT) reaches the pod via $gw" t87_has "$gw" 8087 hostname "$short"
if t87_has 127.0.0.1 8087 hostname "$short"; then
	echo "NOTE: podnet: 127.0.0.1:8087 reaches the pod too"
else
	echo "NOTE: podnet: 127.0.0.1:8087 does not reach the pod (netavark 1.4 forwards no loopback)"
fi
check "podnet: podman's /etc/hosts is the pod's (it names w1)" sh -c "PN() { podman --runtime $XO \"\$@\"; }; PN exec w1 cat /etc/hosts | grep -q w1"
check_out "podnet: pod to pod on podman's network" "$short" \
	PN run --rm --network bridge $PIMG /bin/sh -c "printf 'GET /hostname HTTP/1.0\r\n\r\n' | nc $pip 80 | tail -1"
check "podnet: podman stop w1" PN stop -t 5 w1
check "podnet: its domain is gone" wait_for 30 domain_gone "xenpod-$cid"
check "podnet: podman rm w1" PN rm w1
i=0
ok=0
while [ $i -lt 5 ]; do
	PN run --rm --network bridge $PIMG /bin/true >/dev/null 2>&1 && ok=$((ok + 1))
	i=$((i + 1))
done
check_out "podnet: 5 run --rm --network bridge cycles" 5 echo $ok
check_out "podnet: nothing left after podman (vifs, namespaces, xenstore nodes)" "$base" t87_left
check_out "podnet: no container left in podman" "" podman ps -a -q
fi
