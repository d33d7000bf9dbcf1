# SPDX-License-Identifier: MIT
# t_30_restart.sh: kill -9 of xenpodd with pods running; a restarted daemon re-adopts them all.

IMG=/lab/images
restart_daemon() {
	pid=$(pidof xenpodd)
	[ -n "$pid" ] && kill -9 $pid
	wait_for 5 sh -c '! pidof xenpodd'
	xenpodd -d >>/var/log/xenpodd.log 2>&1 &
	wait_for 10 xenpod version
}

for i in 1 2 3; do
	xenpod run -d --name "r$i" $IMG/rootfs /bin/sleep 600 >/dev/null
done
before=$(for i in 1 2 3; do domid_of "xenpod-r$i"; done | tr '\n' ' ')
check "restart: xenpodd restarts after kill -9" restart_daemon
after=$(for i in 1 2 3; do domid_of "xenpod-r$i"; done | tr '\n' ' ')
check_out "restart: the domains kept running with the same domids" "$before" echo "$after"
check "restart: all three pods are re-adopted as running" sh -c \
	'[ "$(xenpod ls | grep -c "^r[123] .*running")" = 3 ]'
check "restart: re-adopted pods can be killed" sh -c 'xenpod kill r1 && xenpod kill r2 && xenpod kill r3'
all_gone() { for d in "$@"; do wait_for 5 domain_gone "$d" || return 1; done; }
check "restart: their domains are gone" all_gone xenpod-r1 xenpod-r2 xenpod-r3
check "restart: rm of re-adopted pods" xenpod rm r1 r2 r3
check_out "restart: no xenpod domains left" 0 xenpod_domains
