#!/usr/bin/python3
"""The filter benchmark's policies and traffic.
   mkpolicy.py DIR: DIR/traffic.pcap (1024 UDP flows of 64-byte frames from
   10.0.0.2 to 100.0-3.x, as bench/forward) and one policy per setup:
     DIR/policy-none.yaml   ports, addresses, 1,000 routes, no filter
     DIR/policy-count.yaml  the same + one counting entry on PRE_ROUTING,
                            FORWARD and POST_ROUTING (bench/forward's policy)
     DIR/policy-N.yaml      the same + conntrack + an nft table whose forward
                            chain holds "ct state established,related accept"
                            then N 5-tuple rules (N = 0, 10, 1000, 10000)
     DIR/policy-masq.yaml   policy-0 + a nat table: "oifname p1 masquerade"
                            (every packet rewritten from its connection)
   The rules never match the traffic, and the traffic is one-way UDP (its
   connections stay NEW), so every packet is tracked and classified against
   all N rules before the chain's policy accepts it: the worst case."""
import random
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap

d = sys.argv[1]
ROUTES = 1000
BASE = f"""ports:
  - {{ name: p0, device: "net_pcap_b0,rx_pcap={d}/traffic.pcap,infinite_rx=1", mac: "02:00:00:00:00:01", exception: false }}
  - {{ name: p1, device: "net_null_b1,no-rx=1", mac: "02:00:00:00:01:01", exception: false }}
addresses:
  - {{ port: p0, address: 10.0.0.1/24 }}
  - {{ port: p1, address: 10.1.0.1/24 }}
neighbours:
  - {{ port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }}
routes:
""" + "".join(f"  - {{ dst: 100.{i // 256}.{i % 256}.0/24, via: 10.1.0.2 }}\n" for i in range(ROUTES))

with open(d + "/policy-none.yaml", "w") as f:
    f.write(BASE)
with open(d + "/policy-count.yaml", "w") as f:
    f.write(BASE + """hooks:
  - { name: pre-count, hook: PRE_ROUTING, priority: raw, action: count }
  - { name: fwd-count, hook: FORWARD, priority: filter, action: count }
  - { name: post-count, hook: POST_ROUTING, priority: snat, action: count }
""")

r = random.Random(4)
for n in (0, 10, 1000, 10000):
    with open(f"{d}/rules-{n}.nft", "w") as f:
        f.write("table ip bench {\n\tchain forward {\n"
                "\t\ttype filter hook forward priority 0; policy accept;\n"
                "\t\tct state established,related accept\n")
        for i in range(n):
            proto = r.choice(["tcp", "udp"])
            lo = r.randrange(1, 60000)
            f.write(f"\t\tip saddr 172.{16 + i % 16}.{r.randrange(256)}.{r.randrange(256)} "
                    f"ip daddr 198.18.{r.randrange(256)}.0/24 {proto} sport 1024-65535 "
                    f"{proto} dport {lo}-{lo + r.randrange(100)} {r.choice(['accept', 'drop'])}\n")
        f.write("\t}\n}\n")
    with open(f"{d}/policy-{n}.yaml", "w") as f:
        f.write(BASE + f"filter:\n  file: {d}/rules-{n}.nft\n  conntrack_max: 65536\n")

# masquerade: conntrack and the "ct + 0 rules" chain, plus NAT on the way out
with open(f"{d}/rules-masq.nft", "w") as f:
    f.write(open(f"{d}/rules-0.nft").read())
    f.write("table ip nat {\n\tchain post {\n"
            "\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
            "\t\toifname \"p1\" masquerade\n\t}\n}\n")
with open(f"{d}/policy-masq.yaml", "w") as f:
    f.write(BASE + f"filter:\n  file: {d}/rules-masq.nft\n  conntrack_max: 65536\n")

pkts = [Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
        IP(src="10.0.0.2", dst=f"100.{(i % ROUTES) // 256}.{(i % ROUTES) % 256}.{1 + i // ROUTES % 250}") /
        UDP(sport=1024 + i, dport=5000) / Raw(b"\0" * 18) for i in range(1024)]
wrpcap(d + "/traffic.pcap", pkts)
