# SPDX-License-Identifier: MIT
# t_69_probe.sh: TEMPORARY measurements for the reliability tests (reliab); removed before handing over.
[ -r ./t_6x_lib.sh ] && . ./t_6x_lib.sh
r_daemon_ensure
echo "PROBE: inspect format:"; xenpod run --name pr-h --memory 16 $R_IMG/rootfs /bin/hello; xenpod inspect pr-h
cat $R_STATE/pr-h.json; echo
echo "PROBE: rss $(r_rss_kb) fds $(r_fds) nodes $(r_xs_nodes)"
t0=$(r_now)
xenpod run -d --name pr-yes --memory 16 $R_IMG/rootfs /bin/busybox yes xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
sleep 20
ls -l /var/log/xenpod/
xenpod inspect pr-yes | grep lost
echo "PROBE: 20s yes: rss $(r_rss_kb) after $(r_ms_since $t0) ms"
top -b -n 1 | head -15
xenpod kill pr-yes
xenpod run -d --name pr-dd --memory 16 $R_IMG/rootfs /bin/sh -c '/bin/busybox dd if=/dev/zero bs=65536 count=100000 | /bin/busybox od'
sleep 10
ls -l /var/log/xenpod/; xenpod logs pr-dd | tail -5
xenpod kill pr-dd
cat >/tmp/dom.cfg <<EOC
type = "pvh"
name = "probe-domid"
kernel = "/usr/lib/xenpod/xenpod-kernel"
memory = 16
domid = 77
cmdline = "xenpod.test=idle"
EOC
xl create /tmp/dom.cfg; xl list
xl destroy probe-domid
xenpod run --name pr-fault --memory 16 --kernel-args xenpod.test=fault $R_IMG/rootfs /bin/hello; echo "rc $?"
xenpod inspect pr-fault | grep -E 'status|reason|exit'
xenpod run -d --name pr-idle --memory 16 --kernel-args xenpod.test=idle $R_IMG/rootfs /bin/hello; echo "rc $?"
sleep 3; xenpod inspect pr-idle | grep -E 'status|reason|exit'
t0=$(r_now); xenpod stop -t 5 pr-idle; echo "stop rc $? $(r_ms_since $t0) ms"
xenpod inspect pr-idle | grep -E 'status|reason|exit'
xenpod run -d --name pr-gone --memory 16 $R_IMG/rootfs /bin/sleep 600
xl destroy xenpod-pr-gone; sleep 2
xenpod inspect pr-gone | grep -E 'status|reason|exit'
t0=$(r_now); i=0; while [ $i -lt 10 ]; do xenpod ls >/dev/null; i=$((i+1)); done; echo "PROBE: 10 ls: $(r_ms_since $t0) ms"
r_cleanup
echo "PROBE: rss $(r_rss_kb) fds $(r_fds) nodes $(r_xs_nodes)"
tail -40 $R_DLOG
