#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh: runs Linux programs in xenpod-kernel under plain QEMU and compares each with the
# same binary run on the host: our test programs (static musl, static glibc, static-PIE and
# dynamically linked glibc builds), a static Go program, Debian's static sqlite and
# zsh-static, and Debian's busybox-static shell scripts.
# Usage: tests/guest/run.sh PATH/TO/xenpod-kernel
# Prints PASS:/FAIL: lines; exits non-zero if any check failed.

KERNEL=${1:?usage: $0 PATH/TO/xenpod-kernel}
QEMU=${QEMU:-qemu-system-x86_64}
SRC=$(cd "$(dirname "$0")" && pwd)
BUSYBOX=${BUSYBOX:-/bin/busybox}
ZSH=${ZSH:-/bin/zsh-static}
SCRIPT=$(command -v script)
WORK=$(mktemp -d) || exit 1
trap 'rm -rf "$WORK"' EXIT
ROOT=$WORK/root
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

# Under QEMU the exit code travels through isa-debug-exit, where the
# platform clamps codes above 125 (other than 127) to 125.
clamp() {
	if [ "$1" -gt 125 ] && [ "$1" -ne 127 ]; then echo 125; else echo "$1"; fi
}

# Deterministic test data, identical in the guest's /data and on the host.
make_data() {
	d=$1
	mkdir -p "$d/tree/sub/deeper"
	for w in banana apple cherry banana date apple banana fig grape \
		kiwi lemon mango apple nectarine orange banana; do
		echo "$w"
	done >"$d/words.txt"
	i=1
	while [ $i -le 200 ]; do
		echo $(((i * 7919) % 1000))
		i=$((i + 1))
	done >"$d/nums.txt"
	printf 'root:x:0\nuser:y:1000\nnobody:z:65534\n' >"$d/table.txt"
	echo one >"$d/tree/a.txt"
	echo two >"$d/tree/sub/b.txt"
	echo three >"$d/tree/sub/deeper/c.txt"
	echo data >"$d/tree/sub/d.bin"
	ln "$d/words.txt" "$d/tree/hard.txt"
	ln -s ../words.txt "$d/tree/sym.txt"
	chmod 0640 "$d/tree/sub/d.bin"
	touch -d '2024-01-02 03:04:05' "$d"/*.txt "$d/tree/sub/d.bin"
}

build() {
	mkdir -p "$ROOT/bin" "$ROOT/tests" "$ROOT/etc" "$WORK/hostbin" || return 1
	for c in "$SRC"/progs/*.c; do
		p=$(basename "$c" .c)
		musl-gcc -static -O2 -o "$ROOT/bin/$p-musl" "$c" || return 1
		gcc -static -O2 -o "$ROOT/bin/$p-glibc" "$c" 2>"$WORK/gcc.err" ||
			{ cat "$WORK/gcc.err"; return 1; }
		# A static-PIE build exercises the loader's ET_DYN path
		# (glibc's: Debian's musl-gcc -static-pie links an interpreter).
		gcc -static-pie -fPIE -O2 -o "$ROOT/bin/$p-pie" "$c" \
			2>"$WORK/gcc.err" || { cat "$WORK/gcc.err"; return 1; }
		# And dynamically linked against the host's glibc.
		gcc -O2 -o "$ROOT/bin/$p-dyn" "$c" || return 1
	done
	# The dynamic linker and libraries they need, at the host's paths.
	for lib in $(ldd "$ROOT/bin/t_basic-dyn" | awk '/=>/ { print $3 } /^\t\// { print $1 }'); do
		mkdir -p "$ROOT$(dirname "$lib")"
		cp -L "$lib" "$ROOT$lib" || return 1
	done
	gcc -O2 -Wl,--dynamic-linker=/lib/no-such-ld.so -o "$ROOT/bin/badinterp" \
		"$SRC/progs/t_basic.c" || return 1
	# A static Go program (CGO_ENABLED=0): timers, files, os/exec,
	# goroutines; the Go runtime's netpoller needs epoll.
	mkdir -p "$WORK/go"
	(cd "$SRC/go" && HOME=$WORK/go GOCACHE=$WORK/go/cache GOPATH=$WORK/go/path \
		GOFLAGS= GO111MODULE=off CGO_ENABLED=0 \
		go build -o "$ROOT/bin/gotest" gotest.go) || return 1
	# Debian's static sqlite (default locking on a file database) and
	# zsh-static (background jobs renice themselves).
	gcc -static -O2 -o "$ROOT/bin/t_sqlite" "$SRC/sqlite/t_sqlite.c" -lsqlite3 -lm \
		2>"$WORK/gcc.err" || { cat "$WORK/gcc.err"; return 1; }
	cp "$ZSH" "$ROOT/bin/zsh" || return 1
	cp "$BUSYBOX" "$ROOT/bin/busybox" || return 1
	for a in $("$BUSYBOX" --list); do
		[ "$a" = busybox ] && continue
		ln -s busybox "$ROOT/bin/$a"
		ln -s "$ROOT/bin/busybox" "$WORK/hostbin/$a"
	done
	cp "$SRC"/bb/*.sh "$SRC/leak.sh" "$SRC/zsh/jobs.zsh" "$ROOT/tests/"
	musl-gcc -static -O2 -o "$ROOT/bin/sysfuzz" "$SRC/fuzz/sysfuzz.c" || return 1
	printf 'root:x:0:0:root:/root:/bin/sh\n' >"$ROOT/etc/passwd"
	printf 'root:x:0:\n' >"$ROOT/etc/group"
	make_data "$ROOT/data"
	mkdir -p "$WORK/host"
	cp -a "$ROOT/data" "$WORK/host/data"
	(cd "$ROOT" && find . | cpio -o -H newc --quiet) >"$WORK/root.cpio"
}

# guest NAME SPEC: boots the kernel; the console minus kernel lines in
# $WORK/NAME.guest, the exit code in $GUEST_RC.
guest() {
	timeout 60 "$QEMU" -machine q35 -m 128 -accel tcg -kernel "$KERNEL" \
		-initrd "$WORK/root.cpio" -append "$2" -serial stdio \
		-display none -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=2 \
		</dev/null >"$WORK/$1.raw" 2>"$WORK/$1.err"
	rc=$?
	tr -d '\r' <"$WORK/$1.raw" | sed '/^xenpod-kernel: /d' >"$WORK/$1.guest"
	if [ $rc -eq 124 ]; then GUEST_RC=timeout
	elif [ $((rc % 2)) -eq 1 ]; then GUEST_RC=$(((rc - 1) / 2))
	else GUEST_RC="qemu-status-$rc"; fi
}

# host NAME CMD...: the same binary on the host, on a pseudo-terminal like
# the guest's console (same buffering and isatty()), in a copy of /data.
host() {
	name=$1
	shift
	rm -rf "$WORK/host/data" && cp -a "$ROOT/data" "$WORK/host/data"
	(cd "$WORK/host/data" &&
		env -i T_VAR=v1 HOME=/ PATH="$WORK/hostbin" \
			"$SCRIPT" -qec "exec $*" /dev/null </dev/null >"$WORK/$name.hraw" 2>&1)
	HOST_RC=$(clamp $?)
	tr -d '\r' <"$WORK/$name.hraw" >"$WORK/$name.host"
}

compare() {
	name=$1
	if [ "$GUEST_RC" != "$HOST_RC" ]; then
		fail "$name" "exit code $GUEST_RC in the guest, $HOST_RC on the host"
	elif ! cmp -s "$WORK/$name.guest" "$WORK/$name.host"; then
		fail "$name" "output differs from the host's"
	else
		pass "$name"
		return
	fi
	diff -u "$WORK/$name.host" "$WORK/$name.guest" | head -n 40 | sed 's/^/    /'
	grep '^xenpod-kernel: ' "$WORK/$name.raw" | tail -n 5 | sed 's/^/    /'
}

# prog NAME [GUEST-ARGS HOST-ARGS]: a test program, guest vs host; the
# guest's arguments are spec tokens (percent-encoded), the host's shell words.
prog() {
	guest "$1" "env=T_VAR=v1 cwd=/data -- /bin/$1 $2"
	host "$1" "$ROOT/bin/$1 $3"
	compare "$1"
}

# bb SCRIPT: a busybox shell script, guest vs host.
bb() {
	guest "bb-$1" "env=T_VAR=v1 env=HOME=/ cwd=/data -- /bin/sh /tests/$1.sh"
	host "bb-$1" "$ROOT/bin/busybox sh $SRC/bb/$1.sh"
	compare "bb-$1"
}

[ -f "$KERNEL" ] || { fail setup "no kernel at $KERNEL"; exit 1; }
for tool in musl-gcc gcc go cpio script "$ZSH" "$QEMU"; do
	command -v "$tool" >/dev/null || { fail setup "$tool not found"; exit 1; }
done
build || { fail build "could not build the test root"; exit 1; }
pass "build test programs and rootfs ($(wc -c <"$WORK/root.cpio") bytes)"

for c in "$SRC"/progs/*.c; do
	p=$(basename "$c" .c)
	for libc in musl glibc pie dyn; do
		case $p in
		t_basic) prog "$p-$libc" "arg1 two%20words%25 5" "arg1 'two words%' 5" ;;
		*) prog "$p-$libc" ;;
		esac
	done
done
for s in "$SRC"/bb/*.sh; do
	bb "$(basename "$s" .sh)"
done

# Go, sqlite and zsh: the same static binaries in the guest and on the host;
# Go with its default GOMAXPROCS, one P and four.
prog gotest
for procs in 1 4; do
	guest "gotest-p$procs" "env=T_VAR=v1 env=GOMAXPROCS=$procs cwd=/data -- /bin/gotest"
	host "gotest-p$procs" "env GOMAXPROCS=$procs $ROOT/bin/gotest"
	compare "gotest-p$procs"
done
prog t_sqlite
prog zsh /tests/jobs.zsh "$SRC/zsh/jobs.zsh"

# No memory leaks across processes, pipes and execs.
guest leak "-- /bin/sh /tests/leak.sh"
if [ "$GUEST_RC" = 0 ]; then
	pass "no leak: $(cat "$WORK/leak.guest")"
else
	fail "leak" "$(cat "$WORK/leak.guest")"
fi

# Random system calls with hostile arguments: the kernel survives.
guest sysfuzz "-- /bin/sysfuzz"
if [ "$GUEST_RC" = 0 ] && grep -q 'kernel alive' "$WORK/sysfuzz.guest" &&
	! grep -q 'CRASH' "$WORK/sysfuzz.raw"; then
	pass "$(grep 'kernel alive' "$WORK/sysfuzz.guest")"
else
	fail "sysfuzz" "rc $GUEST_RC: $(grep -a -A3 CRASH "$WORK/sysfuzz.raw" | head -n 5)"
fi

# Unimplemented syscalls: ENOSYS, reported once on the console.
guest enosys "-- /bin/t_efault-musl enosys"
if [ "$(grep -c ' ok$' "$WORK/enosys.guest")" = 2 ] &&
	[ "$(grep -c 'unimplemented syscall .*(335), returning ENOSYS' "$WORK/enosys.raw")" = 1 ]; then
	pass "unimplemented syscall: ENOSYS, reported once"
else
	fail "unimplemented syscall" "$(cat "$WORK/enosys.raw")"
fi

# The errors the kernel must report clearly.
guest badinterp "-- /bin/badinterp"
if grep -q 'badinterp: dynamically linked: interpreter /lib/no-such-ld.so: not found' \
	"$WORK/badinterp.raw"; then
	pass "missing dynamic linker reported with the binary's and its name"
else
	fail "missing dynamic linker" "$(tail -n 2 "$WORK/badinterp.raw")"
fi
guest missing "-- /bin/no-such-program"
if grep -q 'no-such-program' "$WORK/missing.raw" && [ "$GUEST_RC" = 127 ]; then
	pass "missing program reported"
else
	fail "missing program" "rc $GUEST_RC"
fi
# newc_entry NAME: one archive entry (an empty regular file) named NAME.
newc_entry() {
	n=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		1 33188 0 0 1 0 0 0 0 0 0 $n 0 "$1"
	pad=$(((4 - (110 + n) % 4) % 4))
	head -c $pad /dev/zero
}
for bad in /etc/evil ../evil bin/../../evil; do
	{ newc_entry "$bad"; newc_entry "TRAILER!!!"; } >"$WORK/evil.cpio"
	timeout 60 "$QEMU" -machine q35 -m 64 -accel tcg -kernel "$KERNEL" \
		-initrd "$WORK/evil.cpio" -append "-- /bin/sh" -serial stdio \
		-display none -monitor none -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=2 </dev/null >"$WORK/evil.raw" 2>&1
	if grep -q "rootfs: entry 1 \"$bad\": .*\(absolute path\|\.\.\)" "$WORK/evil.raw"; then
		pass "archive entry $bad refused with a clear error"
	else
		fail "archive entry $bad" "$(grep -a 'init:' "$WORK/evil.raw" | tail -n 1)"
	fi
done
printf '070701GARBAGE' >"$WORK/bad.cpio"
timeout 60 "$QEMU" -machine q35 -m 64 -accel tcg -kernel "$KERNEL" \
	-initrd "$WORK/bad.cpio" -append "-- /bin/sh" -serial stdio -display none \
	-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=2 \
	</dev/null >"$WORK/bad.raw" 2>&1
if grep -q 'rootfs: .*truncated header' "$WORK/bad.raw"; then
	pass "truncated archive refused with a clear error"
else
	fail "truncated archive" "$(tail -n 2 "$WORK/bad.raw")"
fi
exit $failed
