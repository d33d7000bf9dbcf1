# SPDX-License-Identifier: MIT
# t_20_pods.sh: the pod lifecycle through xenpod/xenpodd (issue 5): run, images, exit codes, verbs.

IMG=/lab/images

check_out "pods: run prints the program's output" "hello world" \
	xenpod run --name p-hello $IMG/rootfs /bin/hello world
check_rc "pods: run exits with the container's status (7)" 7 \
	xenpod run --name p-exit7 $IMG/rootfs /bin/hello --exit 7
check_out "pods: args and env arrive" "hello a b
GREETING=hi there" \
	xenpod run --name p-env -e "GREETING=hi there" $IMG/rootfs /bin/hello a b --env GREETING
check_out "pods: image from a tar.gz" "hello tar" \
	xenpod run --name p-tar $IMG/rootfs.tar.gz /bin/hello tar
check_out "pods: a small pod (8 MiB) runs" "hello small" \
	xenpod run --name p-small --memory 8 $IMG/rootfs /bin/hello small
check_out "pods: image from a cpio archive" "hello cpio" \
	xenpod run --name p-cpio $IMG/rootfs.cpio /bin/hello cpio
check_out "pods: busybox sh with a pipe" "piped" \
	xenpod run --name p-sh $IMG/rootfs /bin/sh -c 'echo piped | cat'
check_out "pods: image from an OCI layout uses its Cmd and Env" "hello from-oci" \
	xenpod run --name p-oci $IMG/oci
check_out "pods: OCI config env is set" "hello
OCI_VAR=from-config" \
	xenpod run --name p-oci-env $IMG/oci /bin/hello --env OCI_VAR

# --user (issue 17): ids, a name from the image's /etc/passwd, a missing one, a file it may not read.
check "pods: run --user 1000:1000 runs as that uid and gid" sh -c \
	'xenpod run --name p-uid --user 1000:1000 '$IMG'/rootfs /bin/busybox id |
	grep -q "^uid=1000(app) gid=1000(app)"'
check_out "pods: run -u NAME takes its groups and HOME from the image" \
	"uid=1000(app) gid=1000(app) groups=50(staff),1000(app) /home/app" \
	xenpod run --name p-uname -u app $IMG/rootfs /bin/sh -c 'echo $(busybox id) $HOME'
check "pods: an unknown user fails the start with docker's words and 125" sh -c \
	'out=$(xenpod run --name p-nouser -u nosuch '$IMG'/rootfs /bin/hello 2>&1)
	[ $? = 125 ] && echo "$out" | grep -q "unable to find user nosuch: no matching entries in passwd file"'
check "pods: the user cannot read root's 0600 file" sh -c \
	'out=$(xenpod run --name p-denied -u app '$IMG'/rootfs /bin/cat /etc/secret 2>&1)
	[ $? = 1 ] && echo "$out" | grep -q "Permission denied"'

check "pods: ls -a lists stopped pods" sh -c 'xenpod ls -a | grep -q "^p-exit7 "'
check "pods: ls --json is JSON with pods" sh -c 'xenpod --json ls -a | grep -q "\"pods\""'
check "pods: inspect shows the exit code" sh -c 'xenpod inspect p-exit7 | grep -q "\"exit_code\": *7"'
check_out "pods: logs replays the output" "hello world" xenpod logs p-hello
check_rc "pods: inspect of a missing pod fails" 1 xenpod inspect no-such-pod
check_rc "pods: a bad name is a usage error" 2 xenpod inspect "../etc"

# Detached pods: stop (clean poweroff), kill, rm.
check "pods: run -d prints the name" sh -c \
	'[ "$(xenpod run -d --name p-sleep '$IMG'/rootfs /bin/sleep 600)" = p-sleep ]'
check "pods: the detached pod is running" sh -c 'xenpod ls | grep "^p-sleep " | grep -q running'
check "pods: its domain exists" xl domid xenpod-p-sleep
check "pods: kill stops it" xenpod kill p-sleep
check "pods: killed pod's domain is gone" wait_for 5 domain_gone xenpod-p-sleep
check "pods: killed pod is stopped" sh -c 'xenpod inspect p-sleep | grep -q "\"status\": *\"stopped\""'
check "pods: rm removes it" xenpod rm p-sleep
check_rc "pods: removed pod is not found" 1 xenpod inspect p-sleep

check "pods: run -d a second sleeper" xenpod run -d --name p-stop $IMG/rootfs /bin/sleep 600
check "pods: stop powers it off cleanly" xenpod stop -t 20 p-stop
check "pods: stopped pod's reason is poweroff" \
	sh -c 'xenpod inspect p-stop | grep -q "\"reason\": *\"poweroff\""'
check "pods: rm -f of everything" sh -c 'xenpod rm -f $(xenpod ls -a -q)'
check_out "pods: no xenpod domains left" 0 xenpod_domains
