#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# mknetcorpus.py: (re)writes the hand-made seeds of tests/fuzz/corpus/net/ (the script format is in fuzz_net.c).
import os
import struct

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "net")
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16


def put(name, data):
    os.makedirs(D, exist_ok=True)
    with open(os.path.join(D, name), "wb") as f:
        f.write(data)


def tcp(mode, flags, plen=0, sport=40000, dport=80, seq=0, ack=0, win=65535, opts=b""):
    """op 1: mode bits 1 reply ports, 2 dport 80, 4 seq = last ack + delta, 8 ack = last next + delta."""
    b = bytes([1, mode, len(opts)])
    if not mode & 1:
        b += struct.pack(">H", sport)
        if not mode & 2:
            b += struct.pack(">H", dport)
    b += struct.pack(">h", seq) if mode & 4 else struct.pack(">I", seq)
    b += struct.pack(">h", ack) if mode & 8 else struct.pack(">I", ack)
    return b + bytes([flags]) + struct.pack(">HH", win, plen) + opts


def arp_reply():
    """op 4: op 2 (reply), sender PEER, target US, same MAC, unicast to us."""
    return bytes([4]) + struct.pack(">H", 2) + b"\1\1\0\1"


def wait(ms):
    return bytes([5]) + struct.pack(">H", ms) + b"\0"


def app(what, h=0, ln=0, extra=b""):
    return bytes([6, what, h]) + struct.pack(">H", ln) + extra


MSS_WS = b"\2\4\5\xb4\1\3\3\7"
syn = tcp(2, SYN, seq=1000, opts=MSS_WS)
handshake = syn + arp_reply() + tcp(1 | 4 | 8, ACK)
put("syn", syn)
put("handshake", handshake)
put("handshake-data-fin", handshake + tcp(1 | 4 | 8, ACK | PSH, plen=100) + app(0) +
    tcp(1 | 4 | 8, ACK | FIN, seq=100) + wait(100) + app(1, 2, 200) + app(3, 2) + tcp(1 | 4 | 8, ACK))
put("handshake-ooo", handshake + tcp(1 | 4 | 8, ACK, plen=100, seq=200) +
    tcp(1 | 4 | 8, ACK, plen=100, seq=0) + wait(50))
put("rst-in-window", handshake + tcp(1 | 4 | 8, RST, seq=5) + tcp(1 | 4 | 8, RST))
put("syn-flood", b"".join(tcp(2, SYN, sport=1000 + i, seq=i * 77, opts=MSS_WS) for i in range(20)) + arp_reply())
put("tiny-mss", tcp(2, SYN, seq=1, opts=b"\2\4\0\1") + arp_reply() + tcp(1 | 4 | 8, ACK) + app(0) +
    app(2, 2, 3000) + wait(2000))
put("zero-window", handshake + app(0) + app(2, 2, 4000) + tcp(1 | 4 | 8, ACK, win=0) +
    wait(5000) + wait(20000) + tcp(1 | 4 | 8, ACK, win=1000))
put("bad-options", tcp(2, SYN, seq=9, opts=b"\3\3\x40\2\xff\0\0\0") + tcp(2, SYN, seq=9, opts=b"\2\0\0\0"))
put("syn-sent-reply", arp_reply() + tcp(1 | 8, SYN | ACK, seq=5000, opts=MSS_WS) + app(2, 1, 10))
put("retransmit-timeouts", arp_reply() + wait(60000) + wait(60000) + wait(60000))
put("udp-icmp", arp_reply() + bytes([3, 3]) + struct.pack(">H", 4) + b"abcd" + struct.pack(">H", 999) +
    bytes([3, 0]) + struct.pack(">H", 8) + b"pingpong" + b"\x08" + struct.pack(">HH", 1, 1) + app(7, 0, 100))
put("raw-garbage", bytes([0]) + struct.pack(">H", 60) + bytes(range(60)) + b"\0")
put("arp-request", bytes([4]) + struct.pack(">H", 1) + b"\1\1\0\0")
put("passive-close", handshake + tcp(1 | 4 | 8, ACK | FIN) + app(0) + app(3, 2) + tcp(1 | 4 | 8, ACK) +
    wait(1000) + tcp(1 | 4 | 8, ACK | FIN, seq=-1) + wait(60000))
put("active-close", handshake + app(0) + app(3, 2) + tcp(1 | 4 | 8, ACK) + tcp(1 | 4 | 8, ACK | FIN) +
    wait(1000) + tcp(1 | 4 | 8, ACK | FIN, seq=-1))
