# SPDX-License-Identifier: MIT
# t_00_lab.sh: the lab itself works: Xen with HAP, xenpodd answering, a raw xenpod-kernel domain.

virt_caps=$(xl info | sed -n 's/^virt_caps *: //p')
check "lab: xl info virt_caps has hvm" sh -c "echo '$virt_caps' | grep -qw hvm"
check "lab: xl info virt_caps has hap" sh -c "echo '$virt_caps' | grep -qw hap"
check "lab: xenpod version prints client and daemon versions" \
	sh -c 'xenpod version | grep -q "^client" && xenpod version | grep -q "^daemon"'

KERNEL=/usr/lib/xenpod/xenpod-kernel
cat >/tmp/raw.cfg <<EOC
type = "pvh"
name = "raw"
kernel = "$KERNEL"
memory = 32
cmdline = "xenpod.test=idle"
on_poweroff = "destroy"
on_crash = "preserve"
EOC
check "lab: raw PVH domain from xenpod-kernel is created" xl create /tmp/raw.cfg
check "lab: raw domain is running" wait_for 5 xl domid raw
check "lab: xl destroy of the raw domain" xl destroy raw
check "lab: raw domain is gone" wait_for 5 domain_gone raw
