#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ESP interop with scapy: scapy encrypts, our input hook must give the
original packet back; our output hook encrypts, scapy must decrypt it to the
original. Every algorithm, tunnel and transport, 4-in-4, 6-in-4, 4-in-6,
6-in-6, with and without ESN and NAT-T.

usage: esp_interop.py <path to esp_interop_drv>
"""
import hashlib
import hmac
import itertools
import struct
import subprocess
import sys

from scapy.layers.inet import IP, UDP, TCP, ICMP
from scapy.layers.inet6 import IPv6
from scapy.layers.ipsec import ESP, SecurityAssociation
from scapy.packet import Raw

# (cipher, auth as the policy names them, scapy crypt algo, scapy auth algo,
#  key len with salt, auth key len)
ALGS = [
    ("aes-gcm-128", "none", "AES-GCM", None, 20, 0),
    ("aes-gcm-256", "none", "AES-GCM", None, 36, 0),
    ("chacha20-poly1305", "none", "CHACHA20-POLY1305", None, 36, 0),
    ("aes-cbc-128", "hmac-sha256-128", "AES-CBC", "SHA2-256-128", 16, 32),
    ("aes-cbc-256", "hmac-sha256-128", "AES-CBC", "SHA2-256-128", 32, 32),
    ("aes-cbc-128", "hmac-sha384-192", "AES-CBC", "SHA2-384-192", 16, 48),
    ("aes-cbc-256", "hmac-sha512-256", "AES-CBC", "SHA2-512-256", 32, 64),
    # scapy's AES-CCM: 3-byte salt, ICV 16 (its default)
    ("aes-ccm-128", "none", "AES-CCM", None, 19, 0),
    ("aes-ccm-256", "none", "AES-CCM", None, 35, 0),
]

ADDR = {4: ("192.0.2.1", "192.0.2.2", "10.0.0.1", "10.0.1.1"),
        6: ("2001:db8:ff::1", "2001:db8:ff::2", "2001:db8::1", "2001:db8:1::1")}


def ip_hdr(fam, src, dst):
    return IP(src=src, dst=dst) if fam == 4 else IPv6(src=src, dst=dst)


def inner_packet(fam, src, dst, n):
    l4 = [UDP(sport=1000 + n, dport=53) / Raw(b"q" * (n % 37)),
          TCP(sport=40000, dport=443, flags="S") / Raw(b"x" * (n % 100)),
          ICMP(type=8, id=n) / Raw(b"ping" * (n % 5))][n % 3]
    if fam == 6 and n % 3 == 2:
        l4 = UDP(sport=7, dport=7) / Raw(b"v6")
    return ip_hdr(fam, src, dst) / l4


def cases():
    n = 0
    for alg, mode, (outer, inner), esn, natt in itertools.product(
            ALGS, ("tunnel", "transport"), ((4, 4), (6, 4), (4, 6), (6, 6)),
            (False, True), (False, True)):
        if mode == "transport" and outer != inner:
            continue
        n += 1
        yield n, alg, mode, outer, inner, esn, natt


HASHES = {"hmac-sha256-128": (hashlib.sha256, 16), "hmac-sha384-192": (hashlib.sha384, 24),
          "hmac-sha512-256": (hashlib.sha512, 32)}


def esn_icv(auth, ak, esp, hi):
    """RFC 4303 2.2.1: the ICV covers the ESP packet and then the high half
    of the sequence number. Scapy 2.5 leaves it out for HMAC (it only does
    ESN for AEADs), so these cases use Python's hmac as the reference."""
    h, n = HASHES[auth]
    return hmac.new(ak, esp + struct.pack("!L", hi), h).digest()[:n]


def esp_offset(raw, fam):
    """Offset of the ESP header in an outer packet, UDP-encapsulated or not."""
    off = 20 if fam == 4 else 40
    proto = raw[9] if fam == 4 else raw[6]
    return off + 8 if proto == 17 else off


def strip_udp6(raw):
    """Scapy cannot decrypt IPv6 transport NAT-T (it keeps the UDP header):
    hand it the same ESP packet without UDP; the ICV does not cover it."""
    if raw[6] != 17:
        return raw
    plen = struct.unpack("!H", raw[4:6])[0] - 8
    return raw[:4] + struct.pack("!H", plen) + bytes([50]) + raw[7:40] + raw[48:]


def key(length, seed):
    return bytes((seed * 31 + i * 7 + 1) & 0xff for i in range(length))


def main():
    drv = subprocess.Popen([sys.argv[1]], stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE, text=True)
    failed = total = 0
    for n, (dc, da, crypt, auth, klen, alen), mode, outer, inner, esn, natt in cases():
        osrc, odst, isrc, idst = ADDR[outer]
        if mode == "tunnel":
            pkt = inner_packet(inner, ADDR[inner][2], ADDR[inner][3], n)
        else:
            pkt = inner_packet(outer, osrc, odst, n)
        pkt = pkt.__class__(bytes(pkt))  # fixed lengths and checksums
        ck, ak = key(klen, n), key(alen, n + 100)
        spi = 0x1000 + n
        hi = 0x12345 if esn else 0
        seq = (hi << 32) | (0xfffffff0 + n % 8 if esn else n)
        sa = SecurityAssociation(
            ESP, spi=spi, crypt_algo=crypt, crypt_key=ck, auth_algo=auth,
            auth_key=ak if auth else None,
            tunnel_header=ip_hdr(outer, osrc, odst) if mode == "tunnel" else None,
            nat_t_header=UDP(sport=4500, dport=4500) if natt else None,
            esn_en=esn, esn=hi)
        common = "%s %s %s %d %d %x %s %s %s %s %d" % (
            dc, da, mode, esn, natt, spi, osrc, odst, ck.hex(),
            ak.hex() if ak else "-", seq)
        name = "%s/%s %s %d-in-%d esn=%d natt=%d" % (crypt, auth, mode, inner, outer, esn, natt)

        # scapy -> our input
        esp = bytes(sa.encrypt(pkt, seq_num=seq & 0xffffffff, esn_en=esn, esn=hi))
        if esn and auth:
            n, off = HASHES[da][1], esp_offset(esp, outer)
            esp = esp[:-n] + esn_icv(da, ak, esp[off:-n], hi)
        drv.stdin.write("dec %s %s\n" % (common, esp.hex()))
        drv.stdin.flush()
        out = drv.stdout.readline().split()
        total += 1
        if out[:1] != ["OK"] or bytes.fromhex(out[1]) != bytes(pkt):
            failed += 1
            print("FAIL decap %s: %s" % (name, " ".join(out)[:200]))

        # our output -> scapy
        drv.stdin.write("enc %s %s\n" % (common, bytes(pkt).hex()))
        drv.stdin.flush()
        out = drv.stdout.readline().split()
        total += 1
        if out[:1] != ["OK"]:
            failed += 1
            print("FAIL encap %s: %s" % (name, " ".join(out)))
            continue
        raw = bytes.fromhex(out[1])
        verify = True
        if esn and auth:
            n, off = HASHES[da][1], esp_offset(raw, outer)
            if raw[-n:] != esn_icv(da, ak, raw[off:-n], hi):
                failed += 1
                print("FAIL encap %s: ICV with ESN differs from hmac" % name)
                continue
            verify = False  # checked above, scapy would leave out the ESN
        if outer == 6 and mode == "transport":
            raw = strip_udp6(raw)
        wire = IP(raw) if outer == 4 else IPv6(raw)
        try:
            clear = sa.decrypt(wire, verify=verify, esn_en=esn, esn=hi)
            ok = bytes(clear) == bytes(pkt)
        except Exception as e:  # an ICV scapy refuses is a failure too
            ok, clear = False, e
        if not ok:
            failed += 1
            print("FAIL encap %s: scapy got %r" % (name, clear))
    drv.stdin.close()
    drv.wait()
    print("esp interop: %d/%d passed" % (total - failed, total))
    return 1 if failed or total == 0 or drv.returncode != 0 else 0


if __name__ == "__main__":
    sys.exit(main())
