#!/bin/sh
# SPDX-License-Identifier: MIT
# platform.sh: boots xenpod-kernel under plain QEMU and checks the platform layer.
# Usage: tests/guest/platform.sh PATH/TO/xenpod-kernel
# Prints PASS:/FAIL: lines; exits non-zero if any check failed.

KERNEL=${1:?usage: $0 PATH/TO/xenpod-kernel}
QEMU=${QEMU:-qemu-system-x86_64}
TMP=$(mktemp -d) || exit 1
trap 'rm -rf "$TMP"' EXIT
failed=0

pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1 - $2"; failed=1; }

# boot NAME CMDLINE [extra qemu args...]: runs QEMU, console output in
# $TMP/NAME.out, the kernel log (port 0xE9) in $TMP/NAME.log, QEMU's exit
# status in $TMP/NAME.rc.
boot() {
	name=$1 cmdline=$2
	shift 2
	timeout 30 "$QEMU" -machine q35 -m 64 -accel tcg -kernel "$KERNEL" \
		-append "$cmdline" -serial stdio -display none -monitor none \
		-no-reboot -device isa-debug-exit,iobase=0xf4,iosize=2 \
		-debugcon file:"$TMP/$name.log" "$@" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
	echo $? >"$TMP/$name.rc"
}

# expect NAME STATUS PATTERN...: status and every pattern in the output.
expect() {
	name=$1 want=$2
	shift 2
	rc=$(cat "$TMP/$name.rc")
	if [ "$rc" != "$want" ]; then
		fail "$name" "QEMU exit status $rc, expected $want"
		sed 's/^/    /' "$TMP/$name.out" "$TMP/$name.err" | tail -n 30
		return
	fi
	for pat in "$@"; do
		if ! grep -q -- "$pat" "$TMP/$name.out"; then
			fail "$name" "no line matching '$pat' on the console"
			sed 's/^/    /' "$TMP/$name.out" | tail -n 30
			return
		fi
	done
	pass "$name"
}

# expect_log NAME PATTERN...: every pattern in the kernel log.
expect_log() {
	name=$1
	shift
	for pat in "$@"; do
		if ! grep -q -- "$pat" "$TMP/$name.log"; then
			fail "$name: log" "no line matching '$pat' in the kernel log"
			sed 's/^/    /' "$TMP/$name.log" | tail -n 30
			return
		fi
	done
	pass "$name: log"
}

# expect_quiet NAME PATTERN...: no pattern on the console.
expect_quiet() {
	name=$1
	shift
	for pat in "$@"; do
		if grep -q -- "$pat" "$TMP/$name.out"; then
			fail "$name: quiet" "'$pat' on the console"
			sed 's/^/    /' "$TMP/$name.out" | tail -n 30
			return
		fi
	done
	pass "$name: quiet console"
}

[ -f "$KERNEL" ] || { fail setup "no kernel at $KERNEL"; exit 1; }

# The budget is what Xen loads (text, rodata, data); the symbol table kept
# in the file for nm -n (docs/WAKEUPS.md) is not loaded and not counted.
# 320 KiB: 273 KB with the 9P client, AF_UNIX and credentials (2026-12-02);
# the budget catches bloat, it is no limit of Xen's.
budget_kib=320
size=$(size "$KERNEL" | awk 'NR == 2 { print $1 + $2 }')
if [ "${size:-0}" -gt 0 ] && [ "$size" -le $((budget_kib * 1024)) ]; then
	pass "kernel size $size <= $budget_kib KiB loaded"
else fail "kernel size" "${size:-unknown} bytes loaded > $budget_kib KiB"; fi

# (code << 1) | 1: poweroff(0) -> 1, crash 0x7e -> 253, test failure 0x7f -> 255
# Informational boot lines go to the kernel log only, unless verbose.
boot boot "xenpod.test=boot"
expect boot 1 "test boot ok"
expect_log boot "PVH boot on plain x86" "boot to init in [0-9]* us"
expect_quiet boot "xenpod-kernel: PVH boot" "boot to init" "TSC .* kHz"

boot verbose "xenpod.test=boot xenpod.verbose"
expect verbose 1 "PVH boot on plain x86" "boot to init in [0-9]* us" \
	"test boot ok"

boot cmdline "xenpod.test=boot foo=bar -- /bin/prog arg1"
expect cmdline 1 "test boot ok"
expect_log cmdline 'cmdline "xenpod.test=boot foo=bar -- /bin/prog arg1"'

boot selftest "xenpod.test=selftest"
expect selftest 1 "PASS: pt_map" "PASS: kstack guard page unmapped" \
	"PASS: periodic tick runs" "PASS: page counts restored" "PASS: bkl: nests" \
	"PASS: bkl: reacquire"
if grep -q "^FAIL" "$TMP/selftest.out"; then
	fail selftest-lines "$(grep '^FAIL' "$TMP/selftest.out" | head -n 3)"
fi

boot fault "xenpod.test=fault"
expect fault 253 "CRASH: unhandled exception: page fault" "CR2 0000000000000010" \
	"backtrace:" "#1 0x"

boot stack "xenpod.test=stack"
expect stack 253 "double fault (kernel stack overflow?)"

boot panic "xenpod.test=panic xenpod.test.delay=10"
expect panic 253 "PANIC: deliberate panic"

boot unknown "xenpod.test=nosuchmode"
expect unknown 255 "unknown or unsupported test mode"

# A ramdisk is passed as the first module; the kernel must reserve it.
head -c 300000 /dev/urandom >"$TMP/rd.bin"
boot initrd "xenpod.test=selftest" -initrd "$TMP/rd.bin"
expect initrd 1 "PASS: page counts restored"

# No test mode: init_run() runs (placeholder or the real init).
boot init ""
rc=$(cat "$TMP/init.rc")
if [ "$rc" = 253 ] || [ "$rc" = 124 ]; then
	fail init "no-test boot crashed or hung (status $rc)"
	tail -n 20 "$TMP/init.out"
else
	pass "init runs (status $rc)"
fi

exit $failed
