#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Traffic and policy of bench/esp/run.sh.

  mkpcap.py WORK  writes, for SIZE in 64 512 1400 imix:
    clear-SIZE.pcap  UDP in IPv4 from the LAN, inner packet SIZE bytes (L3),
                     64 flows to 100.0.0.0/16 (the encrypt input)
    esp-SIZE.pcap    the same packets as ESP of SA 0x2001 (AES-128-GCM,
                     tunnel 192.0.2.2 -> 192.0.2.1), sequence 1.. (the
                     decrypt input; the SA has replay_window 0, since the
                     pcap loops)
  and policy-enc.yaml, policy-dec.yaml (mode 0600), and for DPDK's
  ipsec-secgw the same SAs, policies and routes: secgw-enc-MODE.cfg (SA
  0x1001 out, port 0 protected) and secgw-dec-MODE.cfg (SA 0x2001 in,
  port 0 unprotected), MODE cpu (type cpu-crypto: its library path, -l,
  on crypto_aesni_gcm) or mb (lookaside-none: its legacy path on
  crypto_aesni_mb); mode 0600 too.
  For the flowtable variant of run.sh: policy-enc-ft.yaml and
  policy-dec-ft.yaml, the same with conntrack on (an empty forward chain,
  which nfvpn-flow-load replaces by the flowtable ruleset) and a third
  port p2 replaying replies.pcap once: one cleartext answer per flow
  (100.0.i.1 -> 10.0.0.i+2, no policy covers it) so that conntrack sees
  every flow both ways, the LAN hosts it goes to static neighbours on p0.
IMIX: 7 x 64, 4 x 576, 1 x 1500 bytes (inner), interleaved.
"""
import os
import sys

from scapy.all import Ether, IP, UDP, Raw, wrpcap
from scapy.layers.ipsec import ESP, SecurityAssociation

KEY = bytes(range(16))
SALT = b"\xca\xfe\xba\xbe"
DP0, SRC = "02:00:00:00:00:01", "02:00:00:00:00:02"
DP2, SRC2 = "02:00:00:00:02:01", "02:00:00:00:02:02"
# conntrack on, for the flowtable ruleset that nfvpn-flow-load loads
FILTER = """filter:
  conntrack_max: 4096
  nft: |
    table inet t {
      chain forward { type filter hook forward priority 0; }
    }
"""
IMIX = [64, 576, 64, 64, 1500, 64, 576, 64, 64, 576, 64, 576]


def inner(size, i):
    pkt = IP(src="10.0.0.%d" % (2 + i % 64), dst="100.0.%d.1" % (i % 64), ttl=64) / \
        UDP(sport=1024 + i, dport=5000)
    return pkt / Raw(b"\x00" * (size - len(pkt)))


def ports(work, ft):
    """ports, addresses, routes and neighbours; ft: with p2 and the LAN hosts"""
    p2 = """  - {{ name: p2, device: "net_pcap_be2,rx_pcap={work}/replies.pcap", mac: "{dp2}", exception: false }}
""".format(work=work, dp2=DP2) if ft else ""
    a2 = "  - { port: p2, address: 10.2.0.1/24 }\n" if ft else ""
    n2 = "".join('  - {{ port: p0, address: 10.0.0.{h}, mac: "{m}" }}\n'.format(h=2 + i, m=SRC)
                 for i in range(64)) if ft else ""
    return """ports:
  - {{ name: p0, device: "net_pcap_be0,rx_pcap={work}/{{pcap}},infinite_rx=1", mac: "{dp0}", mtu: 9000, exception: false, rx_desc: 1024 }}
  - {{ name: p1, device: "net_null_be1,no-rx=1", mtu: 9000, exception: false }}
{p2}addresses:
  - {{ port: p0, address: 10.0.0.1/24 }}
  - {{ port: p0, address: 192.0.2.1/24 }}
  - {{ port: p1, address: 10.1.0.1/24 }}
  - {{ port: p1, address: 198.51.100.1/24 }}
{a2}routes:
  - {{ dst: 100.0.0.0/8, via: 10.1.0.2 }}
  - {{ dst: 192.0.2.128/25, via: 198.51.100.2 }}
neighbours:
  - {{ port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }}
  - {{ port: p1, address: 198.51.100.2, mac: "02:00:00:00:01:03" }}
{n2}""".format(work=work, dp0=DP0, p2=p2, a2=a2, n2=n2)


def sizes(label):
    return IMIX if label == "imix" else [int(label)] * 64


def main(work):
    sa = SecurityAssociation(ESP, spi=0x2001, crypt_algo="AES-GCM", crypt_key=KEY + SALT,
                             tunnel_header=IP(src="192.0.2.2", dst="192.0.2.1"))
    for label in ("64", "512", "1400", "imix"):
        clear, esp = [], []
        for i, s in enumerate(sizes(label)):
            p = inner(s, i)
            clear.append(Ether(dst=DP0, src=SRC) / p)
            esp.append(Ether(dst=DP0, src=SRC) / sa.encrypt(p, seq_num=i + 1))
        wrpcap("%s/clear-%s.pcap" % (work, label), clear)
        wrpcap("%s/esp-%s.pcap" % (work, label), esp)
    # one cleartext answer per flow of the 64 (IMIX uses the first 12)
    wrpcap("%s/replies.pcap" % work,
           [Ether(dst=DP2, src=SRC2) / IP(src=p.dst, dst=p.src) /
            UDP(sport=p[UDP].dport, dport=p[UDP].sport) / Raw(b"r" * 18)
            for p in (inner(64, i) for i in range(64))])
    common = ports(work, False)
    common_ft = ports(work, True)
    enc_sa = """ipsec:
  sas:
    - {{ name: bench-out, spi: 0x1001, direction: out, src: 192.0.2.1, dst: 192.0.2.200, algorithm: aes-gcm-128, key: "{k}", salt: "{s}" }}
  policies:
    - {{ name: out, direction: out, src: 10.0.0.0/24, dst: 100.0.0.0/8, action: protect, sa: bench-out }}
""".format(k=KEY.hex(), s=SALT.hex())
    dec_sa = """ipsec:
  sas:
    - {{ name: bench-in, spi: 0x2001, direction: in, src: 192.0.2.2, dst: 192.0.2.1, algorithm: aes-gcm-128, key: "{k}", salt: "{s}", replay_window: 0 }}
  policies:
    - {{ name: in, direction: in, src: 10.0.0.0/24, dst: 100.0.0.0/8, action: protect, sa: bench-in }}
""".format(k=KEY.hex(), s=SALT.hex())
    # ipsec-secgw: SPIs in decimal, aead_key is key then salt; the output
    # goes to port 1, to the MAC of nfvpn's neighbour for that route
    key = ":".join("%02x" % b for b in KEY + SALT)
    secgw_enc = """sp ipv4 out esp protect {spi} pri 1 src 10.0.0.0/24 dst 100.0.0.0/8 sport 0:65535 dport 0:65535
sa out {spi} aead_algo aes-128-gcm aead_key {key} mode ipv4-tunnel src 192.0.2.1 dst 192.0.2.200{{type}}
rt ipv4 dst 192.0.2.128/25 port 1
neigh port 1 02:00:00:00:01:03
""".format(spi=0x1001, key=key)
    secgw_dec = """sp ipv4 in esp protect {spi} pri 1 src 10.0.0.0/24 dst 100.0.0.0/8 sport 0:65535 dport 0:65535
sa in {spi} aead_algo aes-128-gcm aead_key {key} mode ipv4-tunnel src 192.0.2.2 dst 192.0.2.1{{type}}
rt ipv4 dst 100.0.0.0/8 port 1
neigh port 1 02:00:00:00:01:02
""".format(spi=0x2001, key=key)
    files = [("policy-enc.yaml", common + enc_sa), ("policy-dec.yaml", common + dec_sa),
             ("policy-enc-ft.yaml", common_ft + enc_sa + FILTER),
             ("policy-dec-ft.yaml", common_ft + dec_sa + FILTER)]
    for mode, typ in (("cpu", " type cpu-crypto"), ("mb", "")):
        files.append(("secgw-enc-%s.cfg" % mode, secgw_enc.format(type=typ)))
        files.append(("secgw-dec-%s.cfg" % mode, secgw_dec.format(type=typ)))
    for name, text in files:
        path = "%s/%s" % (work, name)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main(sys.argv[1])
