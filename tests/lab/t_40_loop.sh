# SPDX-License-Identifier: MIT
# t_40_loop.sh: a 50-pod create/destroy loop leaves no domain, xenstore node, fd or state file behind.

IMG=/lab/images
LOOPS=${LAB_LOOPS:-50}
xs_nodes() { xenstore-ls -f / | wc -l; }
daemon_fds() { ls /proc/$(pidof xenpodd)/fd | wc -l; }
state_files() { ls /var/lib/xenpod | grep -vc '^images$'; }

# One cycle first: libxl opens a pipe pair once, on the first domain it
# builds (seen in the lab: the daemon's fds are the same before and after
# the first pod but for that pipe); the baseline is taken after it, so the
# check counts growth per pod, not one-time set-up by a test run before.
xenpod run --name loop-warm $IMG/rootfs /bin/hello warm >/dev/null 2>&1
xenpod rm loop-warm >/dev/null 2>&1
nodes0=$(xs_nodes)
fds0=$(daemon_fds)
files0=$(state_files)
ok=0
i=0
while [ $i -lt "$LOOPS" ]; do
	if out=$(xenpod run --name "loop$i" $IMG/rootfs /bin/hello $i 2>&1) &&
		out=$(xenpod rm "loop$i" 2>&1); then
		ok=$((ok + 1))
	else
		echo "loop $i failed: $(echo "$out" | tail -2 | tr '\n' ' ')"
	fi
	i=$((i + 1))
done
check_out "loop: $LOOPS run+rm cycles succeed" "$LOOPS" echo $ok
check_out "loop: no xenpod domains left" 0 xenpod_domains
check_out "loop: xenstore node count back to baseline" "$nodes0" xs_nodes
check_out "loop: daemon fd count back to baseline" "$fds0" daemon_fds
check_out "loop: no state files left" "$files0" state_files
