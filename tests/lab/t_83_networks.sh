# SPDX-License-Identifier: MIT
# t_83_networks.sh: user-defined networks: create/ls/inspect/rm, pods on one talk, pods on another cannot, forwards, kill -9 and restart, nothing left.

IMG=/lab/images
W=/tmp/t83root
rm -rf $W
cp -a $IMG/rootfs $W
echo "hello from pod a1" >$W/index.html
SD=/var/lib/xenpod
ip link set lo up
t83_t0=$(date +%s)
t83_state() {
	nft list ruleset | grep -v '^#'
	ip -o link | sed 's/^[0-9]*: //; s/[:@].*//' | sort
	# The default network's lease file appears with its first pod (d1, on a fresh boot): its
	# leases count, not whether it exists.
	ls $SD | grep -v '^addresses-xenpod0$'
	grep -v '^#' $SD/addresses-xenpod0 2>/dev/null
}
t83_not() { ! "$@"; }
t83_http() { printf 'GET /index.html HTTP/1.0\r\n\r\n' | timeout 10 nc "$1" "$2" 2>/dev/null; }
t83_page() { t83_http "$1" "$2" | grep -q "hello from pod a1"; }
t83_ip() { xenpod inspect "$1" | sed -n 's/^ *"ip": *"\([0-9.]*\)".*/\1/p' | head -1; }
t83_bridge() { xenpod network inspect "$1" | sed -n 's/^ *"bridge": *"\([^"]*\)".*/\1/p' | head -1; }
# A pod on NETWORK fetching the page from ADDRESS: "reached" or "blocked", then a control
# (a pod of its own network, CONTROL, answers) so that "blocked" is not a broken pod.
t83_from() { # NETWORK ADDRESS CONTROL
	xenpod run --name t83c --network "$1" $W /bin/sh -c "(printf 'GET /index.html HTTP/1.0\r\n\r\n' | /bin/busybox timeout 5 /bin/busybox nc $2 80 | grep -q hello) 2>/dev/null && echo reached || echo blocked; printf 'GET /index.html HTTP/1.0\r\n\r\n' | /bin/busybox timeout 5 /bin/busybox nc $3 80 | grep -q hello && echo control-ok"
	_rc=$?
	xenpod rm -f t83c >/dev/null 2>&1
	wait_for 20 domain_gone xenpod-t83c
	return $_rc
}
base=$(t83_state)
xenpod events >/tmp/t83.events 2>&1 &
t83_ev=$!
sleep 0.3

check_out "networks: create neta (the next free 10.89.N.0/24)" "neta" xenpod network create neta
check_out "networks: create netb --subnet --gateway" "netb" \
	xenpod network create --subnet 10.77.0.0/24 --gateway 10.77.0.254 netb
brA=$(t83_bridge neta)
brB=$(t83_bridge netb)
check "networks: neta's bridge $brA has 10.89.0.1/24" sh -c "ip -4 addr show $brA | grep -q '10.89.0.1/24'"
check "networks: netb's bridge $brB has 10.77.0.254/24" sh -c "ip -4 addr show $brB | grep -q '10.77.0.254/24'"
check "networks: ls lists bridge, neta and netb" sh -c 'xenpod network ls | grep -q "^bridge *xenpod0 *10.88.0.0/16" && xenpod network ls | grep -q "^neta *'$brA' *10.89.0.0/24 *10.89.0.1" && xenpod network ls | grep -q "^netb "'
check "networks: ls --json" sh -c 'xenpod network ls --json | grep -q "\"name\": *\"netb\""'
check "networks: an overlapping subnet is refused" t83_not xenpod network create --subnet 10.88.5.0/24 netc
check "networks: a taken name is refused" t83_not xenpod network create neta
check "networks: a bad name is refused" t83_not xenpod network create bridge
check "networks: a failed create left nothing" sh -c '! xenpod network inspect netc >/dev/null 2>&1'

check "networks: a1 (httpd) on neta, -p 8383:80" xenpod run -d --network neta --name a1 -p 8383:80 $W /bin/busybox httpd -f -p 80 -h /
check "networks: a2 (httpd) on neta" xenpod run -d --network neta --name a2 $W /bin/busybox httpd -f -p 80 -h /
check "networks: b1 (httpd) on netb" xenpod run -d --network netb --name b1 $W /bin/busybox httpd -f -p 80 -h /
check "networks: d1 (httpd) on the default network" xenpod run -d --network bridge --name d1 $W /bin/busybox httpd -f -p 80 -h /
ipA1=$(t83_ip a1)
ipA2=$(t83_ip a2)
ipB1=$(t83_ip b1)
ipD1=$(t83_ip d1)
check "networks: a1 and a2 have neta's addresses ($ipA1 $ipA2), b1 netb's ($ipB1)" \
	sh -c "echo $ipA1 $ipA2 | grep -q '^10.89.0.[0-9]* 10.89.0.[0-9]*$' && echo $ipB1 | grep -q '^10.77.0.'"
check "networks: inspect a1 names its network" sh -c 'xenpod inspect a1 | grep -q "\"network\": *\"neta\""'
wait_for 30 t83_page 127.0.0.1 8383
check_out "networks: two pods on neta talk" "reached
control-ok" t83_from neta $ipA1 $ipA2
check_out "networks: a pod on netb cannot reach neta's pods" "blocked
control-ok" t83_from netb $ipA1 $ipB1
check_out "networks: a pod on the default network cannot reach neta's pods" "blocked
control-ok" t83_from bridge $ipA1 $ipD1
check_out "networks: a pod on neta cannot reach netb's pods" "blocked
control-ok" t83_from neta $ipB1 $ipA2
check "networks: dom0 127.0.0.1:8383 -> a1 on neta" t83_page 127.0.0.1 8383
check "networks: ... and from neta's gateway address" t83_page 10.89.0.1 8383
check "networks: network rm neta refused, naming a1 and a2" sh -c \
	'out=$(xenpod network rm neta 2>&1); [ $? != 0 ] && echo "$out" | grep -q "a1" && echo "$out" | grep -q "a2"'
check "networks: network rm bridge refused" t83_not xenpod network rm bridge
check "networks: inspect neta lists its pods" sh -c 'xenpod network inspect neta | grep -q "\"a2\""'

# kill -9 and restart: networks and their bridges back; a network removed meanwhile
# (its line gone from the file) leaves no bridge; a bridge deleted meanwhile is made again.
check_out "networks: create netc and netd (no pods)" "netc
netd" sh -c 'xenpod network create netc && xenpod network create netd'
brC=$(t83_bridge netc)
brD=$(t83_bridge netd)
kill -9 "$(pidof xenpodd)"
check "networks: the forward works while xenpodd is dead" t83_page 127.0.0.1 8383
sed -i '/^netc /d' $SD/networks
ip link set "$brD" down
ip link del "$brD"
xenpodd -d >>/var/log/xenpodd.log 2>&1 &
wait_for 10 xenpod version
kill $t83_ev 2>/dev/null # its daemon is gone: a new subscriber
xenpod events >/tmp/t83.events2 2>&1 &
t83_ev=$!
sleep 0.3
check "networks: events: network_create of neta" grep -q " neta network_create" /tmp/t83.events
check "networks: after restart: neta, netb and netd, not netc" sh -c \
	'[ "$(xenpod network ls -q | sort | tr "\n" " ")" = "bridge neta netb netd " ]'
check "networks: after restart: netc's bridge $brC and leases are gone" sh -c "! ip link show $brC >/dev/null 2>&1 && ! ls $SD | grep -q 'addresses-$brC'"
check "networks: after restart: netd's bridge $brD is made again" sh -c "ip -4 addr show $brD | grep -q 'inet 10.89.'"
check "networks: after restart: the forward still works" t83_page 127.0.0.1 8383
check "networks: after restart: a1 keeps its address" [ "$(t83_ip a1)" = "$ipA1" ]
check_out "networks: after restart: netb still cannot reach neta" "blocked
control-ok" t83_from netb $ipA1 $ipB1

# Everything away: back to the links, rules and state files of the start.
xenpod rm -f a1 a2 b1 d1 >/dev/null
for p in a1 a2 b1 d1; do wait_for 20 domain_gone xenpod-$p; done
check_out "networks: rm neta netb netd" "neta
netb
netd" xenpod network rm neta netb netd
check "networks: rm of a missing network fails" t83_not xenpod network rm neta
wait_for 10 sh -c '[ "$(ip -o link | grep -c ": xp")" = 0 ]'
kill $t83_ev 2>/dev/null
check "networks: events: network_remove of neta, netb and netd" sh -c \
	'[ "$(grep -c " net[abd] network_remove" /tmp/t83.events2)" = 3 ]'
check "networks: ip link, nft list ruleset and the state directory as before" [ "$(t83_state)" = "$base" ]
[ "$(t83_state)" = "$base" ] || { echo "$base" >/tmp/t83.base; t83_state >/tmp/t83.end; diff /tmp/t83.base /tmp/t83.end | head -20; }
echo "INFO: networks: t_83 took $(($(date +%s) - t83_t0)) s"
