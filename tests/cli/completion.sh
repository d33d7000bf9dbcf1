#!/bin/bash
# SPDX-License-Identifier: MIT
# tests/cli/completion.sh: the bash completion offers commands, options, pod names and files.
set -u
srcdir=${srcdir:-.}
. "$srcdir/cli/xenpod.bash-completion" || { echo "FAIL: source - cannot source"; exit 1; }
failed=0

# The daemon is replaced by a function: ls -q prints names, -a adds a stopped one.
xenpod() {
	local a
	[[ $1 == volume ]] && { printf 'data\ncache\n'; return; }
	[[ $1 == network ]] && { printf 'bridge\nback\nfront\n'; return; }
	for a in "$@"; do [[ $a == -a ]] && { printf 'web1\nweb2\nold\n'; return; }; done
	printf 'web1\nweb2\n'
}

# c NAME "WANT" WORDS...: complete the last word of "xenpod WORDS..."
c() {
	local name=$1 want=$2 got
	shift 2
	COMP_WORDS=(xenpod "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_xenpod
	got=
	((${#COMPREPLY[@]})) && got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ')
	if [[ $got == "$want" ]]; then
		echo "PASS: $name"
	else
		echo "FAIL: $name - got '$got', want '$want'"
		failed=1
	fi
}

c commands "check create " c
c commands-after-global "events exec " --json e
c global-opts "--help --json --socket " --
c global-opts-j "--json " --j
c ls-opts "--all " ls --a
c network-subs "create inspect ls rm " network ""
c network-rm-names "back bridge " network rm b
c network-create-opts "--subnet " network create --s
c run-network "back bridge " run --network b
c kill-live "web1 web2 " kill w
c rm-all "old web1 web2 " rm ''
c volume-subs "inspect " volume i
c volume-rm-names "cache data " volume rm ''
c volume-rm-opts "--force " volume rm --f
c run-v-name "data " run -v d
c run-v-opt "--volume " run --vol
c inspect-all "old " inspect o
c stop-time "" stop -t ''
c logs-opts "--follow " logs --f
c help-cmds "rm run " help r
c help-once "" help ls ''
c run-opts "--memory " run --mem
c run-after-image "" run -m 64 /bin ''
c run-name-arg "" run --name ''
c e-commands "events exec " e
c exec-opts "--interactive " exec --inter
c exec-live "web1 web2 " exec -it w
c exec-after-pod "" exec -i web1 ''
c attach-live "web1 web2 " attach ''
c kill-signal "TERM " kill -s TE
c logs-stream "stderr stdout " logs --stream std
c socket-passed "web1 web2 " --socket /tmp/x.sock kill ''
tmp=$(mktemp -d) && touch "$tmp/spec.json" "$tmp/sp2.json"
c create-file "$tmp/sp2.json $tmp/spec.json " create -f "$tmp/sp"
c run-image "$tmp/sp2.json $tmp/spec.json " run -d "$tmp/sp"
rm -rf "$tmp"
exit $failed
