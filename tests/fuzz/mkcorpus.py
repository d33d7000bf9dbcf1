#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# mkcorpus.py: (re)writes the hand-made seeds of tests/fuzz/corpus/ (found inputs live beside them).
# Run from anywhere: python3 tests/fuzz/mkcorpus.py. Needs tar, cpio, gzip, zstd, musl-gcc.
import hashlib
import io
import os
import struct
import subprocess
import tarfile
import tempfile

TOP = os.path.dirname(os.path.abspath(__file__))
C = os.path.join(TOP, "corpus")
SEP = b"\n----\n"


def put(corpus, name, data):
    d = os.path.join(C, corpus)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def req(i, method, params=None):
    s = '{"jsonrpc":"2.0","id":%d,"method":"%s"' % (i, method)
    if params is not None:
        s += ',"params":' + params
    return s + "}"


# ---- json ----
put("json", "object", '{"a":[1,2.5,"x",true,null,{"b":{}}]}')
put("json", "numbers", '[0,-0,1e9,-9223372036854775808,9223372036854775807,99999999999999999999,1.5e-300]')
put("json", "escapes", '"\\u00e9\\ud83d\\ude00\\n\\t\\"\\\\\\/ \xc3\xa9"'.encode("latin-1"))
put("json", "deep", "[" * 32 + "]" * 32)
put("json", "too-deep", "[" * 33 + "]" * 33)
put("json", "dupkey", '{"a":1,"a":2}')
put("json", "bad-utf8", b'"\xc3\x28\xed\xa0\x80\xff"')
put("json", "nul", b'"a\x00b"')
put("json", "trailing", '{} x')
put("json", "lone-surrogate", '"\\ud800"')

# ---- rpc: every method, and the R14 list ----
spec = '{"name":"p1","image":"/fuzz/image","command":["/bin/hello","a"],"env":["K=V"],"cwd":"/","memory_mib":32,"vcpus":1}'
rpc = {
    "hello": req(1, "daemon_hello", "{}"),
    "create": req(1, "pod_create", '{"spec":%s}' % spec),
    "create-minimal": req(1, "pod_create", '{"spec":{"image":"/fuzz/image","command":["/bin/hello"]}}'),
    "create-start-inspect": "\n".join([
        req(1, "pod_create", '{"spec":%s}' % spec), req(2, "pod_start", '{"name":"p1"}'),
        req(3, "pod_inspect", '{"name":"p1"}'), req(4, "pod_list", '{"all":true}'),
        req(5, "pod_logs", '{"name":"p1","tail":10}'), req(6, "pod_kill", '{"name":"p1"}'),
        req(7, "pod_rm", '{"name":"p1","force":true}')]),
    "create-stop": "\n".join([
        req(1, "pod_create", '{"spec":%s}' % spec), req(2, "pod_stop", '{"name":"p1","timeout":0}'),
        req(3, "pod_wait", '{"name":"p1"}'), req(4, "pod_rm", '{"name":"p1"}')]),
    "create-twice": "\n".join([req(1, "pod_create", '{"spec":%s}' % spec)] * 2),
    "list": req(1, "pod_list", '{"all":false}'),
    "subscribe": req(1, "events_subscribe", "{}"),
    "notification": '{"jsonrpc":"2.0","method":"daemon_hello"}',
    "batch": '[%s]' % req(1, "daemon_hello"),
    "unknown-field": req(1, "pod_list", '{"all":true,"x":1}'),
    "wrong-type": req(1, "pod_stop", '{"name":"p1","timeout":"10"}'),
    "dup-key": '{"jsonrpc":"2.0","id":1,"id":2,"method":"daemon_hello"}',
    "truncated": '{"jsonrpc":"2.0","id":1,"method":"pod_li',
    "deep": '{"jsonrpc":"2.0","id":1,"method":"pod_create","params":{"spec":' + "[" * 40 + "]" * 40 + "}}",
    "bad-utf8": b'{"jsonrpc":"2.0","id":1,"method":"pod_inspect","params":{"name":"\xff\xfe"}}',
    "nul": b'{"jsonrpc":"2.0","id":1,"method":"pod_inspect","params":{"name":"a\x00b"}}',
    "name-slash": req(1, "pod_create", '{"spec":{"name":"a/b","image":"/fuzz/image"}}'),
    "name-dotdot": req(1, "pod_rm", '{"name":".."}'),
    "name-long": req(1, "pod_create", '{"spec":{"name":"%s","image":"/fuzz/image"}}' % ("n" * 65)),
    "env-bad": req(1, "pod_create", '{"spec":{"image":"/fuzz/image","env":["=x","K"]}}'),
    "memory-range": req(1, "pod_create", '{"spec":{"image":"/fuzz/image","memory_mib":3}}'),
    "id-types": "\n".join(['{"jsonrpc":"2.0","id":%s,"method":"daemon_hello"}' % i
                           for i in ["null", "1.5", "\"s\"", "[]", "{}", "true", "-9223372036854775808"]]),
    "empty-lines": "\n\n\r\n ",
}
for k, v in rpc.items():
    put("rpc", k, v)
# (tests/data/rpc/*.req are more seeds: run-fuzzers.sh passes that dir too.)

# ---- state files (pods/fz.json) ----
UUID = "5b4a3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d"


def state(**kw):
    s = {"name": "fz", "uuid": UUID, "domid": 7, "status": "running", "exit_code": None,
         "reason": None, "image": "/img", "image_digest": "a" * 64, "command": ["/bin/sh"],
         "env": ["PATH=/bin"], "cwd": "/", "memory_mib": 32, "vcpus": 1,
         "created_at": "2026-11-26T18:20:20Z", "started_at": "2026-11-26T18:20:21Z",
         "finished_at": None, "log_lost_bytes": 0, "cpio": "/state/images/%s.cpio" % ("a" * 64)}
    s.update(kw)
    import json
    return json.dumps({k: v for k, v in s.items() if v is not Ellipsis}, separators=(",", ":"))


put("state", "running", state())
put("state", "created", state(status="created", started_at=None))
put("state", "creating", state(status="creating"))
put("state", "stopped", state(status="stopped", exit_code=3, reason="poweroff", domid=None,
                              finished_at="2026-11-26T18:21:00+01:00"))
put("state", "failed", state(status="failed", reason="failed: init: no such file"))
put("state", "other-uuid", state(uuid="00000000-0000-0000-0000-000000000000"))
put("state", "wrong-name", state(name="other"))
put("state", "bad-status", state(status="zombie"))
put("state", "missing-uuid", state(uuid=Ellipsis))
put("state", "domid-huge", state(domid=4294967296))
put("state", "bad-time", state(created_at="yesterday", started_at="2026-13-45T99:99:99Z"))
put("state", "truncated", state()[:60])
put("state", "not-object", "[1,2,3]")
put("state", "empty", "")

# ---- xs: state \n----\n exit_code \n----\n error (R1's garbage list) ----
for name, v in [("empty", b""), ("big", b"x" * 2048), ("binary", bytes(range(256))), ("nul", b"run\x00ning"),
                ("minus1", b"-1"), ("hex", b"0x10"), ("digits20", b"12345678901234567890"),
                ("space5", b" 5"), ("5abc", b"5abc"), ("dotdot", b".."), ("running", b"running"),
                ("tty", b"/dev/pts/3"), ("tty-bad", b"/dev/pts/../../etc/passwd")]:
    put("xs", "value-" + name, v)
for name, ex in [("ok", b"0"), ("255", b"255"), ("256", b"256"), ("minus1", b"-1"), ("hex", b"0x10"),
                 ("digits20", b"12345678901234567890"), ("space5", b" 5"), ("5abc", b"5abc"),
                 ("absent", b"<absent>"), ("big", b"9" * 200), ("nul", b"1\x002")]:
    put("xs", "exited-" + name, b"exited" + SEP + ex)
for name, er in [("reason", b"cannot exec /bin/sh"), ("absent", b"<absent>"), ("empty", b""),
                 ("binary", bytes(range(256))[:127]), ("big", b"e" * 300), ("ansi", b"\x1b[2J\x07bell\r\n")]:
    put("xs", "failed-" + name, b"failed" + SEP + b"<absent>" + SEP + er)
put("xs", "state-absent", b"<absent>")

# ---- images: tar/cpio/compressed, hostile paths ----
def tarball(entries, fmt=tarfile.GNU_FORMAT):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=fmt) as t:
        for e in entries:
            ti = tarfile.TarInfo(e[0])
            ti.mtime = 1700000000
            if e[1] == "dir":
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                t.addfile(ti)
            elif e[1] == "sym":
                ti.type = tarfile.SYMTYPE
                ti.linkname = e[2]
                t.addfile(ti)
            elif e[1] == "hard":
                ti.type = tarfile.LNKTYPE
                ti.linkname = e[2]
                t.addfile(ti)
            elif e[1] == "fifo":
                ti.type = tarfile.FIFOTYPE
                t.addfile(ti)
            else:
                ti.size = len(e[2])
                ti.mode = 0o755
                t.addfile(ti, io.BytesIO(e[2]))
    return b.getvalue()


basic = [("bin", "dir"), ("bin/hello", "file", b"#!/bin/sh\necho hi\n"), ("bin/sh", "sym", "hello"),
         ("bin/hi", "hard", "bin/hello"), ("dev", "dir"), ("dev/fifo", "fifo")]
put("image", "basic.tar", tarball(basic))
put("image", "pax.tar", tarball(basic, tarfile.PAX_FORMAT))
put("image", "basic.tar.gz", subprocess.run(["gzip", "-9n"], input=tarball(basic), capture_output=True).stdout)
put("image", "basic.tar.zst", subprocess.run(["zstd", "-q", "-c"], input=tarball(basic), capture_output=True).stdout)
put("image", "dotdot.tar", tarball([("a/../../etc/passwd", "file", b"x")]))
put("image", "absolute.tar", tarball([("/etc/passwd", "file", b"x")]))
put("image", "hardlink-out.tar", tarball([("a", "hard", "../../etc/shadow")]))
put("image", "symlink-abs.tar", tarball([("etc", "sym", "/etc"), ("etc/x", "file", b"x")]))
put("image", "file-then-dir.tar", tarball([("a", "file", b"x"), ("a/b", "file", b"y")]))
put("image", "dot-entries.tar", tarball([("./", "dir"), ("./a//b/./c", "file", b"z")]))
with tempfile.TemporaryDirectory() as d:
    os.makedirs(os.path.join(d, "bin"))
    with open(os.path.join(d, "bin", "hello"), "w") as f:
        f.write("hi\n")
    os.symlink("hello", os.path.join(d, "bin", "sh"))
    for q in ["bin/sh", "bin/hello", "bin", "."]:  # reproducible: fixed times and modes
        os.utime(os.path.join(d, q), (1700000000, 1700000000), follow_symlinks=False)
    os.chmod(d, 0o755)
    os.chmod(os.path.join(d, "bin"), 0o755)
    os.chmod(os.path.join(d, "bin", "hello"), 0o644)
    cp = subprocess.run(["cpio", "-o", "-H", "newc", "--quiet", "--reproducible"], cwd=d,
                        input=b".\nbin\nbin/hello\nbin/sh\n", capture_output=True).stdout
    put("image", "basic.cpio", cp)
    put("guest_cpio", "basic.cpio", cp)
    put("guest_cpio", "truncated.cpio", cp[:150])
    put("guest_cpio", "badhex.cpio", cp[:6] + b"zzzzzzzz" + cp[14:])

# ---- guest cpio: hand-made newc headers ----
def newc(name, data=b"", mode=0o100644, namesize=None, filesize=None, magic=b"070701"):
    n = name.encode() + b"\0"
    h = magic + b"".join(b"%08X" % v for v in [1, mode, 0, 0, 1, 0,
                                               len(data) if filesize is None else filesize, 0, 0, 0, 0,
                                               len(n) if namesize is None else namesize, 0])
    out = h + n
    out += b"\0" * (-len(out) % 4)
    out += data + b"\0" * (-len(data) % 4)
    return out


TR = newc("TRAILER!!!", mode=0)
put("guest_cpio", "hand.cpio", newc("bin", mode=0o40755) + newc("bin/a", b"abc") + newc("bin/l", b"a", mode=0o120777) + TR)
put("guest_cpio", "crc.cpio", newc("x", b"data", magic=b"070702") + TR)
put("guest_cpio", "dotdot.cpio", newc("../x", b"a") + newc("/abs", b"b") + newc("a/../../b") + TR)
put("guest_cpio", "namesize-huge.cpio", newc("x", namesize=0xFFFFFFFF) + TR)
put("guest_cpio", "namesize-zero.cpio", newc("x", namesize=0) + TR)
put("guest_cpio", "filesize-huge.cpio", newc("x", b"abc", filesize=0xFFFFFFF0) + TR)
put("guest_cpio", "nul-in-name.cpio", newc("a\0b") + TR)
put("guest_cpio", "no-trailer.cpio", newc("a", b"x"))
put("guest_cpio", "zero-pad.cpio", newc("a", b"x") + b"\0" * 512)

# ---- OCI: index \n----\n manifest \n----\n config \n----\n layer ----
layer = tarball([("bin", "dir"), ("bin/hello", "file", b"hi\n"), ("etc", "dir"), ("etc/.wh.gone", "file", b""),
                 ("opt", "dir"), ("opt/.wh..wh..opq", "file", b"")])
cfg = b'{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/bin/hello"],"Cmd":["a"],"Env":["PATH=/bin"],"WorkingDir":"/tmp"}}'
man = b'{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"@C@","size":1},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"@L@","size":1}]}'
idx = b'{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@M@","size":1}]}'
idx2 = b'{"schemaVersion":2,"manifests":[{"digest":"sha256:' + b"0" * 64 + b'","platform":{"os":"linux","architecture":"arm64"}},{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@M@","platform":{"os":"linux","architecture":"amd64"}}]}'
put("oci", "basic", idx + SEP + man + SEP + cfg + SEP + layer)
put("oci", "two-platforms", idx2 + SEP + man + SEP + cfg + SEP + layer)
put("oci", "gz-layer", idx + SEP + man + SEP + cfg + SEP +
    subprocess.run(["gzip", "-9n"], input=layer, capture_output=True).stdout)
put("oci", "nested-index", b'{"manifests":[{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"@M@"}]}' + SEP +
    b'{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"digest":"@C@"}]}' + SEP + man + SEP + layer)
put("oci", "bad-digest", b'{"manifests":[{"digest":"sha256:../../../../etc/passwd"}]}')
put("oci", "no-layers", idx + SEP + b'{"config":{"digest":"@C@"},"layers":[]}' + SEP + b'{}')
put("oci", "config-types", idx + SEP + man + SEP + b'{"config":{"Entrypoint":"x","Env":[1],"WorkingDir":' + b'"' + b"w" * 300 + b'"}}' + SEP + layer)
put("oci", "dotdot-layer", idx + SEP + man + SEP + cfg + SEP + tarball([("../escape", "file", b"x")]))

# ---- cli: what a daemon may answer to request id 1 ----
pod = '{"name":"web1","uuid":"%s","domid":5,"status":"running","exit_code":null,"reason":null,"image":"/img","image_digest":"%s","command":["/bin/sh"],"env":[],"cwd":"/","memory_mib":32,"vcpus":1,"created_at":"2026-11-26T18:20:20Z","started_at":null,"finished_at":null,"log_lost_bytes":0}' % (UUID, "a" * 64)
cli = {
    "list": '{"jsonrpc":"2.0","id":1,"result":{"pods":[%s,%s]}}\n' % (pod, pod.replace("web1", "a").replace('"domid":5', '"domid":null')),
    "logs": '{"jsonrpc":"2.0","method":"log","params":{"name":"web1","data":"hello\\n\\u001b[31m"}}\n{"jsonrpc":"2.0","id":1,"result":{}}\n',
    "event": '{"jsonrpc":"2.0","method":"event","params":{"name":"a","uuid":"u","event":"exited","time":"2026-11-26T18:20:20+05:30"}}\n',
    "error": '{"jsonrpc":"2.0","id":1,"error":{"code":2,"message":"no such pod"}}\n',
    "error-weird": '{"jsonrpc":"2.0","id":1,"error":{"code":"x","message":null}}\n',
    "wrong-id": '{"jsonrpc":"2.0","id":2,"result":{}}\n',
    "no-newline": '{"jsonrpc":"2.0","id":1,"result":{}}',
    "garbage": 'HTTP/1.1 200 OK\r\n\r\n',
    "times": '{"jsonrpc":"2.0","id":1,"result":{"pods":[{"name":"t","created_at":"9999-12-31T23:59:59.999999999-23:59"},{"created_at":"0000-01-01T00:00:00Z"},{"created_at":"2026-02-30T24:00:60+99:99"}]}}\n',
    "not-object": '[1]\n',
}
for k, v in cli.items():
    put("cli", k, v)
for k in ["12", "0", "18446744073709551616", "web-1.x_y", "K=V", "=V", "2026-11-26T18:20:20.5+01:00"]:
    put("cli", "arg-" + k.replace("/", "_"), k)

# ---- guest ELF: a tiny static program, and hand-made headers ----
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "t.c")
    with open(src, "w") as f:
        f.write("void _start(void){for(;;)__asm__ volatile(\"hlt\");}\n")
    exe = os.path.join(d, "t")
    subprocess.run(["musl-gcc", "-static", "-nostdlib", "-Os", "-s", "-Wl,--build-id=none", "-o", exe, src], check=True)
    tiny = open(exe, "rb").read()
    put("guest_elf", "tiny-static", tiny)
    subprocess.run(["musl-gcc", "-static-pie", "-nostdlib", "-Os", "-s", "-fPIE", "-Wl,--build-id=none", "-o", exe, src], check=True)
    put("guest_elf", "tiny-static-pie", open(exe, "rb").read())


def elf(phdrs, entry=0x400078, etype=2, phoff=64, phnum=None, extra=b""):
    eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9, etype, 62, 1, entry, phoff, 0, 0,
                     64, 56, len(phdrs) if phnum is None else phnum, 64, 0, 0)
    ph = b"".join(struct.pack("<IIQQQQQQ", *p) for p in phdrs)
    return eh + ph + extra


code = b"\xf4\xeb\xfd"
put("guest_elf", "hand", elf([(1, 5, 0, 0x400000, 0x400000, 0x7b, 0x7b, 0x1000)], extra=code))
put("guest_elf", "interp", elf([(3, 4, 0x78 + 56, 0, 0, 6, 6, 1), (1, 5, 0, 0x400000, 0x400000, 0x200, 0x200, 0x1000)],
                                entry=0x400100, extra=b"/ld.so\0" + b"\0" * 0x100))
put("guest_elf", "interp-unterminated", elf([(3, 4, 0x78 + 56, 0, 0, 6, 6, 1), (1, 5, 0, 0x400000, 0x400000, 0xb6, 0xb6, 0x1000)],
                                             entry=0x400000, extra=b"/ld.so"))
put("guest_elf", "filesz-gt-file", elf([(1, 5, 0, 0x400000, 0x400000, 0x100000, 0x100000, 0x1000)]))
put("guest_elf", "vaddr-wrap", elf([(1, 5, 0, 0xfffffffffffff000, 0, 0x7b, 0x2000, 0x1000)], entry=0xfffffffffffff000))
put("guest_elf", "phnum-huge", elf([(1, 5, 0, 0x400000, 0x400000, 0x7b, 0x7b, 0x1000)], phnum=0xffff))
put("guest_elf", "phoff-huge", elf([(1, 5, 0, 0x400000, 0x400000, 0x7b, 0x7b, 0x1000)], phoff=0xfffffffffffffff0))
put("guest_elf", "entry-outside", elf([(1, 5, 0, 0x400000, 0x400000, 0x7b, 0x7b, 0x1000)], entry=0x10))
put("guest_elf", "misaligned", elf([(1, 5, 1, 0x400000, 0x400000, 0x7a, 0x7a, 0x1000)]))
put("guest_elf", "memsz-lt-filesz", elf([(1, 5, 0, 0x400000, 0x400000, 0x7b, 0x10, 0x1000)]))
put("guest_elf", "tls-stack", elf([(7, 4, 0, 0, 0, 0, 8, 8), (0x6474e551, 7, 0, 0, 0, 0, 0, 16),
                                   (1, 5, 0, 0x400000, 0x400000, 0xe8, 0xe8, 0x1000)], entry=0x400000))
put("guest_elf", "header-only", elf([])[:64])

# ---- guest spec strings ----
for k, v in {
    "minimal": "-- /bin/sh",
    "full": "env=PATH=/bin env=A=%20b%25 cwd=/tmp name=web1 -- /bin/echo hello%20world %2D%2D",
    "kernel-params": "console=hvc0 xenpod.test=1 env=X=1 -- /init",
    "unknown": "foo=bar baz -- /p",
    "no-dashdash": "env=A=B /bin/sh",
    "no-program": "env=A=B --",
    "bad-escape": "-- /bin/sh %zz %4",
    "nul-escape": "-- /bin/sh a%00b",
    "empty-key": "env==v -- /x",
    "many-args": "-- " + " ".join(["a"] * 300),
    "many-env": " ".join(["env=K%d=v" % i for i in range(300)]) + " -- /x",
    "tabs": "\t-- \t/bin/sh\n\n arg\r",
    "empty": "",
}.items():
    put("guest_spec", k, v)

# ---- xenstore ring scripts (see fuzz_xs_ring.c): rsp_cons, rsp_prod, req_cons, flag [req_prod off] ----
def ring(rc, rp, qc, ops, qoff=None):
    s = struct.pack("<III", rc & 0xffffffff, rp & 0xffffffff, qc & 0xffffffff)
    s += b"\1" + struct.pack("<I", qoff) if qoff is not None else b"\0"
    return s + ops


def msg(t, payload, rid=1):
    return struct.pack("<IIII", t, rid, 0, len(payload)) + payload


def peer_write(b):
    out = b""
    for i in range(0, len(b), 255):
        c = b[i:i + 255]
        out += b"\0" + bytes([len(c)]) + c
    return out


RX = b"\5"
put("xs_ring", "read-reply", ring(0, 0, 0, peer_write(msg(2, b"value")) + RX))
put("xs_ring", "watch-event", ring(0, 0, 0, peer_write(msg(15, b"data/xenpod/state\0tok\0")) + RX))
put("xs_ring", "error", ring(0, 0, 0, peer_write(msg(16, b"ENOENT\0")) + RX))
put("xs_ring", "directory", ring(0, 0, 0, peer_write(msg(1, b"a\0bb\0")) + RX))
put("xs_ring", "wrap-2^32", ring(0xfffffff0, 0xfffffff0, 0xfffffff8, peer_write(msg(2, b"wrapping across 2^32")) + RX, qoff=0))
put("xs_ring", "prod-minus-cons-too-big", ring(0, 2048, 0, RX + b"\4\x40"))
put("xs_ring", "prod-behind-cons", ring(100, 50, 0, RX))
put("xs_ring", "len-too-big", ring(0, 0, 0, peer_write(struct.pack("<IIII", 2, 1, 0, 4097)) + RX))
put("xs_ring", "len-changed", ring(0, 0, 0, peer_write(struct.pack("<IIII", 2, 1, 0, 10)) + RX + b"\1" +
                                   struct.pack("<I", 0xffffffff) + RX + b"\3\x10" + RX))
put("xs_ring", "unknown-type", ring(0, 0, 0, peer_write(msg(99, b"x")) + RX))
put("xs_ring", "send", ring(0, 0, 0, b"\7\x00\x05\x01\x02hello" + b"\7\x40\x00\x00\x03" + b"x" * 1024))
put("xs_ring", "send-full-ring", ring(0, 0, 0, b"\7\x3f\xf0\x00\x02" + b"y" * 1008, qoff=1000))
put("xs_ring", "req-cons-ahead", ring(0, 0, 5000, b"\7\x00\x02\x00\x02ab", qoff=0))

# ---- spec round trip: argv \n----\n env \n----\n cwd \n----\n name (items NUL-separated) ----
put("spec", "basic", b"/bin/echo\0hello world\0%41\0--")
put("spec", "full", b"/bin/sh" + SEP + b"PATH=/bin\0A=b c" + SEP + b"/tmp" + SEP + b"web1")
put("spec", "escapes", b"/bin/x\0%\0%%\0a=b\0-- x\0\t\r\n\0\xff\xfe\x7f\0env=K=V" + SEP +
    b"K=%00\0X= \0Y==" + SEP + b"<none>" + SEP + b"<none>")
put("spec", "unicode", "/bin/\u00e9\0\u2603\0\U0001F600".encode() + SEP + "L=\u00e9".encode() + SEP +
    "/\u00e9".encode() + SEP + b"n")
put("spec", "options-as-args", b"/bin/x\0env=A=B\0cwd=/\0name=x\0--\0--" + SEP + b"" + SEP + b"" + SEP + b"")
put("spec", "dashdash-program", b"--\0--")

# ---- console log tail: byte 0 = tail (255: all), then NAME.log.1 \n----\n NAME.log ----
put("console", "tail3", b"\3line1\nline2\nline3\nline4\n")
put("console", "rotated-all", b"\377old1\nold2\n" + SEP + b"new1\nnew2")
put("console", "rotated-tail", b"\3old1\nold2\n" + SEP + b"new1\n")
put("console", "tail0", b"\0abc\n")
put("console", "blank-lines", b"\2\n\n\n\n")
put("console", "rotated-cut-line", b"\5old partial" + SEP + b" line\nx")
put("console", "big", b"\144" + b"".join(b"line %d\n" % i for i in range(1200)))

# ---- 9P2000.L messages (guest/lib/p9.c); an optional first byte < 0x10 picks msize 4096 << (b & 7) ----
def p9(t, body, tag=1):
    return struct.pack("<IBH", 7 + len(body), t, tag) + body


def p9s(s):
    return struct.pack("<H", len(s)) + s


QID = b"\x80" + struct.pack("<IQ", 1, 2)
put("p9", "tversion", p9(100, struct.pack("<I", 8192) + p9s(b"9P2000.L"), 0xffff))
put("p9", "tattach", p9(104, struct.pack("<II", 0, 0xffffffff) + p9s(b"root") + p9s(b"") + struct.pack("<I", 0)))
put("p9", "twalk", p9(110, struct.pack("<IIH", 0, 1, 3) + p9s(b"a") + p9s(b"..") + p9s(b"b")))
put("p9", "twalk-17", p9(110, struct.pack("<IIH", 0, 1, 17) + p9s(b"x") * 17))
put("p9", "rwalk", p9(111, struct.pack("<H", 2) + QID * 2))
put("p9", "tlcreate", p9(14, struct.pack("<I", 1) + p9s(b"f") + struct.pack("<III", 0o1101, 0o644, 0)))
put("p9", "twrite", p9(118, struct.pack("<IQI", 1, 0, 5) + b"hello"))
put("p9", "twrite-count-too-big", p9(118, struct.pack("<IQI", 1, 0, 0xffffffff) + b"hello"))
put("p9", "rread", b"\0" + p9(117, struct.pack("<I", 3) + b"abc"))
dent = QID + struct.pack("<QB", 1, 4) + p9s(b"sub") + QID + struct.pack("<QB", 2, 8) + p9s(b"f")
put("p9", "rreaddir", p9(41, struct.pack("<I", len(dent)) + dent))
put("p9", "rreaddir-slash", p9(41, struct.pack("<I", 24) + QID + struct.pack("<QB", 1, 4) + p9s(b"a/")))
put("p9", "tsetattr", p9(26, struct.pack("<IIIIIQQQQQ", 1, 0x1ff, 0o755, 0, 0, 10, 1, 2, 3, 4)))
put("p9", "rgetattr", p9(25, struct.pack("<Q", 0x7ff) + QID + struct.pack("<III", 0o40755, 0, 0) +
                          struct.pack("<15Q", *range(15))))
put("p9", "trenameat", p9(74, struct.pack("<I", 1) + p9s(b"a") + struct.pack("<I", 2) + p9s(b"b")))
put("p9", "tsymlink", p9(16, struct.pack("<I", 1) + p9s(b"l") + p9s(b"/etc/passwd") + struct.pack("<I", 0)))
put("p9", "tlock", p9(52, struct.pack("<IBIQQI", 1, 1, 1, 0, 0, 42) + p9s(b"pod")))
put("p9", "rgetlock", p9(55, struct.pack("<BQQI", 2, 0, 0, 42) + p9s(b"pod")))
put("p9", "rstatfs", p9(9, struct.pack("<II6QI", 0x01021994, 4096, 1, 2, 3, 4, 5, 6, 255)))
put("p9", "nul-in-name", p9(72, struct.pack("<I", 1) + p9s(b"a\0b") + struct.pack("<II", 0o755, 0)))
put("p9", "size-mismatch", struct.pack("<IBH", 100, 120, 1) + struct.pack("<I", 1))
put("p9", "unknown-type", p9(30, struct.pack("<I", 1) + p9s(b"x")))
put("p9", "rlerror", p9(7, struct.pack("<I", 2)))
put("p9", "tflush", p9(108, struct.pack("<H", 5)))

# ---- replies to the guest's client core (guest/lib/p9c.c): byte 0 bit 0 = patch size and tag, then
# one reply per call: version, attach, walk, lopen, read, readdir, getattr, readlink, write, lock,
# getlock, statfs, clunk, clunk.
P9C_REPLIES = [p9(101, struct.pack("<I", 8192) + p9s(b"9P2000.L"), 0xffff), p9(105, QID, 1),
               p9(111, struct.pack("<H", 2) + QID * 2, 2), p9(13, QID + struct.pack("<I", 0), 3),
               p9(117, struct.pack("<I", 3) + b"abc", 4), p9(41, struct.pack("<I", len(dent)) + dent, 5),
               p9(25, struct.pack("<Q", 0x7ff) + QID + struct.pack("<III", 0o100644, 0, 0) +
                  struct.pack("<15Q", *range(15)), 6),
               p9(23, p9s(b"/abs/target"), 7), p9(119, struct.pack("<I", 5), 8), p9(53, b"\0", 9),
               p9(55, struct.pack("<BQQI", 2, 0, 0, 42) + p9s(b"pod"), 10),
               p9(9, struct.pack("<II6QI", 0x01021994, 4096, 1, 2, 3, 4, 5, 6, 255), 11),
               p9(121, b"", 12), p9(121, b"", 13)]
put("p9c", "session", b"\0" + SEP.join(P9C_REPLIES))
put("p9c", "session-fixed", b"\1" + SEP.join(P9C_REPLIES))
put("p9c", "errors", b"\1" + SEP.join(P9C_REPLIES[:2] + [p9(7, struct.pack("<I", 2))] * 12))
put("p9c", "short-walk", b"\1" + SEP.join(P9C_REPLIES[:2] + [p9(111, struct.pack("<H", 1) + QID)]))
put("p9c", "bad-version", b"\0" + p9(101, struct.pack("<I", 1 << 20) + p9s(b"9P2000.u"), 0xffff))

# ---- 9P message streams through the dom0 server: byte 0 bit 0 = read-only volume, then messages;
# the fuzzer has sent Tversion and Tattach fid 0 (the volume has file, sub/inner, abs -> /, rel -> ../outside).
def walk(fid, newfid, *names):
    return p9(110, struct.pack("<IIH", fid, newfid, len(names)) + b"".join(p9s(n) for n in names))


def lopen(fid, flags):
    return p9(12, struct.pack("<II", fid, flags))


def tread(fid, off, count, t=116):
    return p9(t, struct.pack("<IQI", fid, off, count))


def clunk(fid):
    return p9(120, struct.pack("<I", fid))


put("p9_server", "read-file", b"\0" + walk(0, 1, b"file") + lopen(1, 0) + tread(1, 0, 100) + clunk(1))
put("p9_server", "create-write", b"\0" + walk(0, 1, b"sub") +
    p9(14, struct.pack("<I", 1) + p9s(b"n") + struct.pack("<III", 0o102, 0o4755, 0)) +
    p9(118, struct.pack("<IQI", 1, 0, 3) + b"abc") + tread(1, 0, 10) +
    p9(26, struct.pack("<IIIIIQQQQQ", 1, 0x1ff, 0o6777, 0, 0, 1, 0, 0, 0, 0)))
put("p9_server", "read-only-writes", b"\1" + walk(0, 1, b"file") + lopen(1, 2) +
    p9(72, struct.pack("<I", 0) + p9s(b"d") + struct.pack("<II", 0o755, 0)) +
    p9(76, struct.pack("<I", 0) + p9s(b"file") + struct.pack("<I", 0)))
put("p9_server", "dotdot", b"\0" + walk(0, 1, b"..", b"..", b"outside") + walk(0, 2, b"sub", b"..", b"..") +
    walk(0, 3, b"../outside"))
put("p9_server", "symlinks", b"\0" + walk(0, 1, b"abs", b"etc") + walk(0, 2, b"rel") + lopen(2, 0) +
    p9(22, struct.pack("<I", 2)) + walk(0, 3, b"rel", b"canary") +
    p9(14, struct.pack("<I", 0) + p9s(b"rel") + struct.pack("<III", 0o1101, 0o644, 0)))
put("p9_server", "rename-out", b"\0" + p9(74, struct.pack("<I", 0) + p9s(b"file") + struct.pack("<I", 0) +
                                          p9s(b"../outside/file")) +
    walk(0, 1, b"rel") + p9(74, struct.pack("<I", 0) + p9s(b"file") + struct.pack("<I", 1) + p9s(b"x")))
put("p9_server", "readdir", b"\0" + walk(0, 1, b"sub") + lopen(1, 0o200000) + tread(1, 0, 200, 40) +
    tread(1, 1, 200, 40))
put("p9_server", "locks", b"\0" + walk(0, 1, b"file") + walk(0, 2, b"file") + lopen(1, 2) + lopen(2, 2) +
    p9(52, struct.pack("<IBIQQI", 1, 1, 1, 0, 0, 1) + p9s(b"a")) +
    p9(52, struct.pack("<IBIQQI", 2, 1, 1, 0, 0, 2) + p9s(b"b")) +
    p9(54, struct.pack("<IBQQI", 2, 1, 0, 0, 2) + p9s(b"b")))
put("p9_server", "fids-exhausted", b"\0" + b"".join(walk(0, i) for i in range(1, 12)))
put("p9_server", "symlink-link-mkdir", b"\0" + p9(16, struct.pack("<I", 0) + p9s(b"l") + p9s(b"/etc/shadow") +
                                                  struct.pack("<I", 0)) +
    walk(0, 1, b"file") + p9(70, struct.pack("<II", 0, 1) + p9s(b"hard")) +
    p9(72, struct.pack("<I", 0) + p9s(b"d") + struct.pack("<II", 0o7777, 0)) + p9(8, struct.pack("<I", 0)))
put("p9_server", "bad-size", b"\0" + struct.pack("<IBH", 9999, 120, 1) + b"xxxx")
