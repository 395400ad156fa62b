#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ESP through the real nfvpn-dataplane on net_pcap ports, against scapy.

  make WORK   writes policy.yaml, in0.pcap (peer side: ESP from scapy and
              the bad packets), in1.pcap (LAN side: clear packets to
              protect) and cases.json
  check WORK  decrypts out0.pcap with scapy (what the dataplane encrypted)
              and compares out1.pcap (what it decrypted and forwarded) with
              the originals

   LAN 10.0.0.5         p1 [nfvpn-dataplane] p0           peer 192.0.2.2
   2001:db8::5  <-- out1 / in1 -->        <-- in0 / out0 -->  2001:db8:ff::2

Every algorithm x tunnel (4-in-4, 6-in-4, 4-in-6, 6-in-6) x transport (4, 6):
tunnel cases send one packet each way through their own SA pair; transport
cases send an ESP echo request to a local address of their own and expect
the ESP echo reply, which exercises decryption and encryption at once.
"""
import json
import struct
import sys

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import Ether, IP, IPerror, IPv6, UDP, TCP, ICMP, Raw, rdpcap, wrpcap
from scapy.layers.inet6 import ICMPv6EchoRequest, ICMPv6EchoReply
from scapy.layers.ipsec import ESP, SecurityAssociation

DP0, PEER = "02:00:00:00:00:01", "02:00:00:00:00:02"
DP1, LAN = "02:00:00:00:01:01", "02:00:00:00:01:02"
OUTER = {4: ("192.0.2.1", "192.0.2.2"), 6: ("2001:db8:ff::1", "2001:db8:ff::2")}
LANH = {4: "10.0.0.5", 6: "2001:db8::5"}

# name, policy algorithm, policy auth, scapy crypt, scapy auth, key, auth key, salt
ALGS = [
    ("gcm128", "aes-gcm-128", None, "AES-GCM", None, 16, 0, 4),
    ("gcm256", "aes-gcm-256", None, "AES-GCM", None, 32, 0, 4),
    ("chacha", "chacha20-poly1305", None, "CHACHA20-POLY1305", None, 32, 0, 4),
    ("cbc128s256", "aes-cbc-128", "hmac-sha256-128", "AES-CBC", "SHA2-256-128", 16, 32, 0),
    ("cbc256s256", "aes-cbc-256", "hmac-sha256-128", "AES-CBC", "SHA2-256-128", 32, 32, 0),
    ("cbc128s384", "aes-cbc-128", "hmac-sha384-192", "AES-CBC", "SHA2-384-192", 16, 48, 0),
    ("cbc256s512", "aes-cbc-256", "hmac-sha512-256", "AES-CBC", "SHA2-512-256", 32, 64, 0),
    # RFC 4309: 3-byte salt; scapy's AES-CCM has the 16-byte ICV of our rows
    ("ccm128", "aes-ccm-128", None, "AES-CCM", None, 16, 0, 3),
    ("ccm256", "aes-ccm-256", None, "AES-CCM", None, 32, 0, 3),
]
# tshark 4.0 (Debian 12) has neither ChaCha20-Poly1305 nor AES-CCM for ESP
TSHARK_ENC = {"aes-gcm-128": "AES-GCM with 16 octet ICV [RFC4106]",
              "aes-gcm-256": "AES-GCM with 16 octet ICV [RFC4106]",
              "aes-cbc-128": "AES-CBC [RFC3602]", "aes-cbc-256": "AES-CBC [RFC3602]"}
TSHARK_AUTH = {None: "NULL", "hmac-sha256-128": "HMAC-SHA-256-128 [RFC4868]",
               "hmac-sha384-192": "HMAC-SHA-384-192 [RFC4868]",
               "hmac-sha512-256": "HMAC-SHA-512-256 [RFC4868]"}
BAD_SPI = 0x9000
BAD_KEY, BAD_SALT = bytes(range(16)), b"\x01\x02\x03\x04"
# path MTU: SAs to 10.210.0.0/24 (4-in-4) and 2001:db8:210::/64 (6-in-6),
# AES-GCM-128, port MTU 1500: the inner packet may be 1446 and 1426 bytes
BIG4_SPI, BIG6_SPI, BIG4_MAX, BIG6_MAX = 0x3001, 0x3002, 1446, 1426
# lifetimes: SA "life" takes 2 packets (soft at 1), the third is refused
LIFE_SPI = 0x9100


def big_packets():
    """LAN -> dataplane: 1480-byte packets that do not fit their tunnel."""
    pl = b"m" * (1480 - 28)
    nodf = IP(src=LANH[4], dst="10.210.0.9", ttl=64, id=77) / UDP(sport=9, dport=9) / Raw(pl)
    df = IP(src=LANH[4], dst="10.210.0.9", ttl=64, flags="DF", id=78) / UDP(sport=9, dport=9) / Raw(pl)
    v6 = IPv6(src=LANH[6], dst="2001:db8:210::9", hlim=64) / UDP(sport=9, dport=9) / Raw(b"m" * (1480 - 48))
    return [p.__class__(bytes(p)) for p in (nodf, df, v6)]


def key(n, seed):
    return bytes((seed * 29 + i * 11 + 3) & 0xff for i in range(n))


def cases():
    """(id, alg, mode, outer, inner, esn, natt); esn on AEADs only: scapy
    2.5 leaves the ESN out of HMACs (see esp_interop.py)."""
    c = 0
    out = []
    for a, alg in enumerate(ALGS):
        aead = alg[2] is None
        for outer, inner in ((4, 4), (6, 4), (4, 6), (6, 6)):
            c += 1
            out.append((c, a, "tunnel", outer, inner, aead and c % 2 == 0,
                        outer == 4 and inner == 4 and a in (1, 3, 7)))
        for fam in (4, 6):
            c += 1
            out.append((c, a, "transport", fam, fam, aead and fam == 4,
                        fam == 4 and a in (2, 8)))
    return out


def local_addr(fam, a):
    return "192.0.2.%d" % (10 + a) if fam == 4 else "2001:db8:ff::%x" % (0x10 + a)


def sa_pair(case):
    c, a, mode, outer, inner, esn, natt = case
    alg = ALGS[a]
    ck, salt = key(alg[5], c), key(alg[7], c + 50)
    ak = key(alg[6], c + 100)
    if mode == "tunnel":
        local, peer = OUTER[outer]
    else:
        local, peer = local_addr(outer, a), OUTER[outer][1]
    return dict(id=c, alg=alg, mode=mode, outer=outer, inner=inner, esn=esn,
                natt=natt, ck=ck, salt=salt, ak=ak, local=local, peer=peer,
                spi_in=0x1000 + c, spi_out=0x2000 + c)


def scapy_sa(p, spi, src, dst):
    alg = p["alg"]
    hdr = None
    if p["mode"] == "tunnel":
        hdr = IP(src=src, dst=dst) if p["outer"] == 4 else IPv6(src=src, dst=dst)
    return SecurityAssociation(
        ESP, spi=spi, crypt_algo=alg[3], crypt_key=p["ck"] + p["salt"],
        auth_algo=alg[4], auth_key=p["ak"] if alg[4] else None,
        tunnel_header=hdr, esn_en=p["esn"], esn=0,
        nat_t_header=UDP(sport=4500, dport=4500) if p["natt"] else None)


def inner_net(p, side):
    """Tunnel selectors: side 200 is behind the peer for outbound, 201 the
    source of inbound packets."""
    c = p["id"]
    if p["inner"] == 4:
        return "10.%d.%d.0/24" % (side, c), "10.%d.%d.9" % (side, c)
    return "2001:db8:%d:%x::/64" % (side, c), "2001:db8:%d:%x::9" % (side, c)


def sa_yaml(p, name, spi, d, src, dst):
    alg = p["alg"]
    s = ("    - { name: %s, spi: 0x%x, direction: %s, mode: %s, src: \"%s\", dst: \"%s\", "
         "algorithm: %s, key: \"%s\"" % (name, spi, d, p["mode"], src, dst, alg[1], p["ck"].hex()))
    if alg[2] is None:
        s += ", salt: \"%s\"" % p["salt"].hex()
    else:
        s += ", auth: %s, auth_key: \"%s\"" % (alg[2], p["ak"].hex())
    if p["esn"]:
        s += ", esn: true"
    if p["natt"]:
        s += ", natt: { sport: 4500, dport: 4500 }"
    return s + " }\n"


def policy(work, ps):
    y = ["ports:\n",
         "  - { name: p0, device: \"net_pcap_e0,rx_pcap=%s/in0.pcap,tx_pcap=%s/out0.pcap\", mac: \"%s\", exception: false }\n" % (work, work, DP0),
         "  - { name: p1, device: \"net_pcap_e1,rx_pcap=%s/in1.pcap,tx_pcap=%s/out1.pcap\", mac: \"%s\", exception: false }\n" % (work, work, DP1),
         "addresses:\n",
         "  - { port: p0, address: 192.0.2.1/24 }\n",
         "  - { port: p0, address: \"2001:db8:ff::1/64\" }\n",
         "  - { port: p1, address: 10.0.0.1/24 }\n",
         "  - { port: p1, address: \"2001:db8::1/64\" }\n"]
    for a in range(len(ALGS)):
        y.append("  - { port: p0, address: %s/24 }\n" % local_addr(4, a))
        y.append("  - { port: p0, address: \"%s/64\" }\n" % local_addr(6, a))
    y += ["routes:\n",
          "  - { dst: 10.200.0.0/16, via: 192.0.2.2 }\n",
          "  - { dst: \"2001:db8:200::/48\", via: \"2001:db8:ff::2\" }\n",
          "  - { dst: 10.210.0.0/16, via: 192.0.2.2 }\n",
          "  - { dst: \"2001:db8:210::/48\", via: \"2001:db8:ff::2\" }\n",
          "neighbours:\n",
          "  - { port: p0, address: 192.0.2.2, mac: \"%s\" }\n" % PEER,
          "  - { port: p0, address: \"2001:db8:ff::2\", mac: \"%s\" }\n" % PEER,
          "  - { port: p1, address: 10.0.0.5, mac: \"%s\" }\n" % LAN,
          "  - { port: p1, address: \"2001:db8::5\", mac: \"%s\" }\n" % LAN,
          "ipsec:\n", "  sas:\n"]
    for p in ps:
        y.append(sa_yaml(p, "in%d" % p["id"], p["spi_in"], "in", p["peer"], p["local"]))
        y.append(sa_yaml(p, "out%d" % p["id"], p["spi_out"], "out", p["local"], p["peer"]))
    y.append("    - { name: bad, spi: 0x%x, direction: in, src: 192.0.2.2, dst: 192.0.2.1, "
             "algorithm: aes-gcm-128, key: \"%s\", salt: \"%s\" }\n" % (BAD_SPI, BAD_KEY.hex(), BAD_SALT.hex()))
    for spi, name, fam in ((BIG4_SPI, "big4", 4), (BIG6_SPI, "big6", 6)):
        y.append("    - { name: %s, spi: 0x%x, direction: out, src: \"%s\", dst: \"%s\", "
                 "algorithm: aes-gcm-128, key: \"%s\", salt: \"%s\" }\n"
                 % (name, spi, OUTER[fam][0], OUTER[fam][1], BAD_KEY.hex(), BAD_SALT.hex()))
    y.append("    - { name: life, spi: 0x%x, direction: in, src: 192.0.2.2, dst: 192.0.2.1, "
             "algorithm: aes-gcm-128, key: \"%s\", salt: \"%s\", "
             "lifetime: { soft: { packets: 1 }, hard: { packets: 2 } } }\n" % (LIFE_SPI, BAD_KEY.hex(), BAD_SALT.hex()))
    y.append("  policies:\n")
    y.append("    - { name: ilife, direction: in, src: 10.203.0.0/24, dst: 10.0.0.0/24, action: protect, sa: life }\n")
    y.append("    - { name: obig4, direction: out, src: 0.0.0.0/0, dst: 10.210.0.0/24, action: protect, sa: big4 }\n")
    y.append("    - { name: obig6, direction: out, src: \"::/0\", dst: \"2001:db8:210::/64\", action: protect, sa: big6 }\n")
    for p in ps:
        c = p["id"]
        if p["mode"] == "tunnel":
            anyp = "0.0.0.0/0" if p["inner"] == 4 else "::/0"
            lan = "10.0.0.0/24" if p["inner"] == 4 else "2001:db8::/64"
            y.append("    - { name: o%d, direction: out, src: \"%s\", dst: \"%s\", action: protect, sa: out%d }\n"
                     % (c, anyp, inner_net(p, 200)[0], c))
            y.append("    - { name: i%d, direction: in, src: \"%s\", dst: \"%s\", action: protect, sa: in%d }\n"
                     % (c, inner_net(p, 201)[0], lan, c))
        else:
            ln = 32 if p["outer"] == 4 else 128
            proto = "icmp" if p["outer"] == 4 else "icmpv6"
            y.append("    - { name: o%d, direction: out, src: \"%s/%d\", dst: \"%s/%d\", proto: %s, action: protect, sa: \"0x%x\" }\n"
                     % (c, p["local"], ln, p["peer"], ln, proto, p["spi_out"]))
    # the bad SA's tunnel: inner 10.202.0.0/24 to the LAN
    y.append("    - { name: ibad, direction: in, src: 10.202.0.0/24, dst: 10.0.0.0/24, action: protect, sa: bad }\n")
    return "".join(y)


def inner(p, n):
    """The clear packet of case p: n=0 outbound from the LAN, n=1 inbound."""
    c = p["id"]
    fam = p["inner"]
    if n == 0:
        src, dst = LANH[fam], inner_net(p, 200)[1]
    else:
        src, dst = inner_net(p, 201)[1], LANH[fam]
    l4 = [UDP(sport=1000 + c, dport=9) / Raw(b"q" * (c * 7 % 61)),
          TCP(sport=40000 + c, dport=443, flags="S") / Raw(b"x" * (c * 5 % 97))][c % 2]
    ip = IP(src=src, dst=dst, ttl=64) if fam == 4 else IPv6(src=src, dst=dst, hlim=64)
    pkt = ip / l4
    return pkt.__class__(bytes(pkt))


def echo(p):
    c = p["id"]
    if p["outer"] == 4:
        pkt = IP(src=p["peer"], dst=p["local"], ttl=64) / ICMP(type=8, id=c, seq=1) / Raw(b"e" * c)
    else:
        pkt = IPv6(src=p["peer"], dst=p["local"], hlim=64) / ICMPv6EchoRequest(id=c, seq=1, data=b"e" * c)
    return pkt.__class__(bytes(pkt))


def eth(dst, src, ip):
    return Ether(dst=dst, src=src, type=0x800 if ip.version == 4 else 0x86dd) / ip


def gcm_esp(spi, seq, payload, padlen, nh, natt=False, pad=None, seq_hi=0):
    """An ESP packet for the bad SA built by hand: padding and next header
    are ours to break; the ICV is right."""
    if pad is None:
        pad = bytes(range(1, padlen + 1))
    iv = struct.pack("!Q", seq)
    pt = payload + pad + bytes([padlen, nh])
    aad = struct.pack("!LL", spi, seq)
    ct = AESGCM(BAD_KEY).encrypt(BAD_SALT + iv, pt, aad)
    esp = struct.pack("!LL", spi, seq) + iv + ct
    if natt:
        return IP(src="192.0.2.2", dst="192.0.2.1") / UDP(sport=4500, dport=4500) / Raw(esp)
    return IP(src="192.0.2.2", dst="192.0.2.1", proto=50) / Raw(esp)


def bad_packets():
    inner_ok = IP(src="10.202.0.9", dst="10.0.0.5") / UDP(sport=5, dport=5) / Raw(b"bad")
    ib = bytes(inner_ok)
    padn = (-(len(ib) + 2)) % 4
    good1 = gcm_esp(BAD_SPI, 1, ib, padn, 4)
    pkts = [
        IP(src="192.0.2.2", dst="192.0.2.1", proto=50) / Raw(b"\x00\x00\x90\x00\x00\x00"),  # esp-truncated
        gcm_esp(0xdead, 1, ib, padn, 4),                           # esp-unknown-spi
        good1,                                                     # accepted
        good1,                                                     # esp-replay
        gcm_esp(BAD_SPI, 2, ib, padn + 4, 4, pad=b"\x00" * (padn + 4)),  # esp-bad-padding
        gcm_esp(BAD_SPI, 3, ib, padn, 17),                         # esp-bad-next-header
        gcm_esp(BAD_SPI, 4, ib, padn, 4, natt=True),               # esp-natt-mismatch
    ]
    for seq in (1, 2, 3):
        li = bytes(IP(src="10.203.0.9", dst="10.0.0.5") / UDP(sport=6, dport=6) / Raw(b"life%d" % seq))
        pkts.append(gcm_esp(LIFE_SPI, seq, li, (-(len(li) + 2)) % 4, 4))
    wrong = bytearray(bytes(gcm_esp(BAD_SPI, 5, ib, padn, 4)))
    wrong[-1] ^= 0x55
    pkts.append(IP(bytes(wrong)))                                   # esp-auth-failed
    return [eth(DP0, PEER, p) for p in pkts], inner_ok


def make(work):
    ps = [sa_pair(c) for c in cases()]
    with open(work + "/policy.yaml", "w") as f:
        f.write(policy(work, ps))
    in0, in1 = [], []
    for p in ps:
        if p["mode"] == "tunnel":
            in1.append(eth(DP1, LAN, inner(p, 0)))
            sa = scapy_sa(p, p["spi_in"], p["peer"], p["local"])
            in0.append(eth(DP0, PEER, sa.encrypt(inner(p, 1), seq_num=1)))
        else:
            sa = scapy_sa(p, p["spi_in"], p["peer"], p["local"])
            in0.append(eth(DP0, PEER, sa.encrypt(echo(p), seq_num=1)))
    bad, _ = bad_packets()
    wrpcap(work + "/in0.pcap", in0 + bad)
    wrpcap(work + "/in1.pcap", in1 + [eth(DP1, LAN, b) for b in big_packets()])
    # tshark's ESP SA table: one outbound SA per algorithm
    uat = []
    seen = set()
    for p in ps:
        alg = p["alg"]
        if alg[0] in seen or p["mode"] != "tunnel" or p["natt"] or p["esn"] or \
                alg[1] not in TSHARK_ENC:
            continue
        seen.add(alg[0])
        uat.append('"IPv%d","%s","%s","0x%08x","%s","0x%s","%s","%s"' % (
            p["outer"], p["local"], p["peer"], p["spi_out"], TSHARK_ENC[alg[1]],
            (p["ck"] + p["salt"]).hex(), TSHARK_AUTH[alg[2]],
            ("0x" + p["ak"].hex()) if alg[2] else ""))
    with open(work + "/esp_sa", "w") as f:
        f.write("\n".join(uat) + "\n")
    # what esp_dp_test.sh expects nfvpnctl to list: each case's SA pair and
    # policies (tunnel: out and in; transport: out), and bad, big4, big6, life
    with open(work + "/cases.json", "w") as f:
        json.dump({"cases": len(ps), "sas": 2 * len(ps) + 4,
                   "policies": sum(2 if p["mode"] == "tunnel" else 1 for p in ps) + 4}, f)
    print(len(ps), "cases,", len(uat), "SAs for tshark")


def forwarded(pkt):
    """What the dataplane must have made of an inner packet: TTL - 1."""
    b = bytearray(bytes(pkt))
    if pkt.version == 4:
        p = IP(bytes(b))
        p.ttl -= 1
        del p.chksum
        return bytes(p.__class__(bytes(p)))
    b[7] -= 1
    return bytes(b)


def check_big(big, out1):
    """The 1480-byte IPv4 packet without DF went as two fragments, each in
    its own ESP packet; the DF one and the IPv6 one came back as ICMP
    errors to the LAN with the MTU the tunnel leaves."""
    fails = []
    nodf, df, v6 = big_packets()
    sa = SecurityAssociation(ESP, spi=BIG4_SPI, crypt_algo="AES-GCM", crypt_key=BAD_KEY + BAD_SALT,
                             tunnel_header=IP(src=OUTER[4][0], dst=OUTER[4][1]))
    frags = []
    for ip in big:
        try:
            frags.append(sa.decrypt(ip))
        except Exception as e:  # noqa: BLE001
            fails.append("big: scapy cannot decrypt a fragment: %s" % e)
    if len(frags) != 2:
        fails.append("big: %d ESP packets for the 1480-byte packet, expected 2 fragments" % len(frags))
    else:
        frags.sort(key=lambda f: f.frag)
        if any(len(f) > BIG4_MAX for f in frags):
            fails.append("big: a fragment is larger than %d" % BIG4_MAX)
        data = b"".join(bytes(f.payload) for f in frags)
        want = IP(forwarded(nodf))
        if data != bytes(want.payload) or frags[0].flags != "MF" or frags[1].frag * 8 != len(bytes(frags[0].payload)):
            fails.append("big: the fragments do not rebuild the packet")
    errs4 = [IP(r) for r in out1 if r[0] >> 4 == 4 and IP(r).haslayer(ICMP) and IP(r)[ICMP].type == 3]
    if not (len(errs4) == 1 and errs4[0][ICMP].code == 4 and errs4[0][ICMP].nexthopmtu == BIG4_MAX
            and errs4[0].dst == LANH[4] and errs4[0][IPerror].id == df.id):
        fails.append("big: no ICMP fragmentation needed with MTU %d for the DF packet: %r"
                     % (BIG4_MAX, [e.summary() for e in errs4]))
    errs6 = [IPv6(r) for r in out1 if r[0] >> 4 == 6 and IPv6(r).haslayer("ICMPv6PacketTooBig")]
    if not (len(errs6) == 1 and errs6[0]["ICMPv6PacketTooBig"].mtu == BIG6_MAX and errs6[0].dst == LANH[6]):
        fails.append("big: no ICMPv6 packet too big with MTU %d: %r" % (BIG6_MAX, [e.summary() for e in errs6]))
    return fails


def check(work):
    ps = {c[0]: sa_pair(c) for c in cases()}
    out0 = [bytes(f.payload) for f in rdpcap(work + "/out0.pcap")]
    out1 = [bytes(f.payload) for f in rdpcap(work + "/out1.pcap")]
    fails = []
    by_spi = {}
    big = []
    for raw in out0:
        ver = raw[0] >> 4
        ip = IP(raw) if ver == 4 else IPv6(raw)
        esp = ip.getlayer(ESP)
        if esp is None:
            fails.append("p0 sent a packet that is not ESP: %r" % ip.summary())
            continue
        if esp.spi == BIG4_SPI:
            big.append(ip)
        by_spi[esp.spi] = ip
    for p in ps.values():
        name = "case %d %s %s %d-in-%d esn=%d natt=%d" % (
            p["id"], p["alg"][0], p["mode"], p["inner"], p["outer"], p["esn"], p["natt"])
        ip = by_spi.get(p["spi_out"])
        if ip is None:
            fails.append(name + ": no ESP packet with SPI 0x%x from the dataplane" % p["spi_out"])
            continue
        sa = scapy_sa(p, p["spi_out"], p["local"], p["peer"])
        try:
            clear = sa.decrypt(ip.copy())
        except Exception as e:  # noqa: BLE001 - any failure is a test failure
            fails.append(name + ": scapy cannot decrypt: %s" % e)
            continue
        if p["mode"] == "tunnel":
            want = forwarded(inner(p, 0))
            if bytes(clear) != want:
                fails.append(name + ": decrypted packet differs")
            if ip.getlayer(UDP) is not None and not p["natt"]:
                fails.append(name + ": UDP-encapsulated without NAT-T")
            if p["natt"] and (ip.getlayer(UDP) is None or ip[UDP].dport != 4500):
                fails.append(name + ": NAT-T SA did not use UDP 4500: %r" % ip.summary())
            want_in = forwarded(inner(p, 1))
            if want_in not in out1:
                fails.append(name + ": the inbound packet was not forwarded to the LAN as sent")
        else:
            rq = echo(p)
            ok = False
            if p["outer"] == 4 and clear.haslayer(ICMP):
                ok = clear[ICMP].type == 0 and clear[ICMP].id == p["id"] and \
                    bytes(clear[ICMP].payload) == bytes(rq[ICMP].payload) and \
                    clear.src == p["local"] and clear.dst == p["peer"]
            if p["outer"] == 6 and clear.haslayer(ICMPv6EchoReply):
                ok = clear[ICMPv6EchoReply].id == p["id"] and \
                    clear[ICMPv6EchoReply].data == rq[ICMPv6EchoRequest].data
            if not ok:
                fails.append(name + ": not the echo reply: %r" % clear.summary())
    fails += check_big(big, out1)
    for seq in (1, 2):
        li = IP(src="10.203.0.9", dst="10.0.0.5") / UDP(sport=6, dport=6) / Raw(b"life%d" % seq)
        if forwarded(li.__class__(bytes(li))) not in out1:
            fails.append("lifetime: packet %d of SA life was not forwarded" % seq)
    n_tun = sum(1 for p in ps.values() if p["mode"] == "tunnel") + 2 + 2
    _, inner_ok = bad_packets()
    if forwarded(inner_ok) not in out1:
        fails.append("the one good packet of the bad SA was not forwarded")
    if len(out1) != n_tun + 1:
        fails.append("p1 sent %d packets, expected %d" % (len(out1), n_tun + 1))
    if len(out0) != len(ps) + 2:
        fails.append("p0 sent %d packets, expected %d" % (len(out0), len(ps) + 2))
    for f in fails:
        print("FAIL", f)
    print("%d cases, %d ESP packets out, %d forwarded in, %d failures" % (
        len(ps), len(out0), len(out1), len(fails)))
    return 1 if fails else 0


if __name__ == "__main__":
    if sys.argv[1] == "make":
        make(sys.argv[2])
    else:
        sys.exit(check(sys.argv[2]))
