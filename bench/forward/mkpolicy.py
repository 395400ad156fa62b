#!/usr/bin/python3
"""The forwarding benchmark's policy and traffic.
   mkpolicy.py DIR [ROUTES] [FRAME]: DIR/policy.yaml with ROUTES prefixes
   (default 1000) and one counting entry on PRE_ROUTING, FORWARD and
   POST_ROUTING; DIR/traffic.pcap with 1024 UDP flows of FRAME bytes (64)
   spread over the prefixes; DIR/l3fwd-v4.cfg (the same prefixes, all to
   port 1) and DIR/l3fwd-v6.cfg (one route) for DPDK's l3fwd
   --rule_ipv4/--rule_ipv6, which wants both files; DIR/policy-ft.yaml,
   the flowtable variant: the same with conntrack, a port p2 whose
   DIR/replies.pcap answers each flow once (conntrack must see a flow both
   ways before flow add offloads it), for the ruleset that
   bench/flowtable's nfvpn-flow-load loads."""
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap

d = sys.argv[1]
routes = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
frame = int(sys.argv[3]) if len(sys.argv) > 3 else 64

with open(d + "/policy.yaml", "w") as f:
    f.write(f"""ports:
  - {{ name: p0, device: "net_pcap_b0,rx_pcap={d}/traffic.pcap,infinite_rx=1", mac: "02:00:00:00:00:01", exception: false }}
  - {{ name: p1, device: "net_null_b1,no-rx=1", mac: "02:00:00:00:01:01", exception: false }}
addresses:
  - {{ port: p0, address: 10.0.0.1/24 }}
  - {{ port: p1, address: 10.1.0.1/24 }}
neighbours:
  - {{ port: p1, address: 10.1.0.2, mac: "02:00:00:00:01:02" }}
hooks:
  - {{ name: pre-count, hook: PRE_ROUTING, priority: raw, action: count }}
  - {{ name: fwd-count, hook: FORWARD, priority: filter, action: count }}
  - {{ name: post-count, hook: POST_ROUTING, priority: snat, action: count }}
routes:
""")
    for i in range(routes):
        f.write(f"  - {{ dst: 100.{i // 256}.{i % 256}.0/24, via: 10.1.0.2 }}\n")

# the flowtable variant: the same ports, routes and entries, one more port
# whose replies (read once, at start) make every flow seen both ways
with open(d + "/policy.yaml") as f:
    base = f.read()
ports, rest = base.split("addresses:\n", 1)
with open(d + "/policy-ft.yaml", "w") as f:
    f.write(ports)
    f.write(f"""  - {{ name: p2, device: "net_pcap_b2,rx_pcap={d}/replies.pcap", mac: "02:00:00:00:02:01", exception: false }}
addresses:
  - {{ port: p2, address: 10.2.0.1/24 }}
""")
    f.write(rest.replace("neighbours:\n", """neighbours:
  - { port: p0, address: 10.0.0.2, mac: "02:00:00:00:00:02" }
""", 1))
    f.write("""filter:
  conntrack_max: 4096
  nft: |
    table inet t {
      chain forward { type filter hook forward priority 0; }
    }
""")

with open(d + "/l3fwd-v4.cfg", "w") as f:
    for i in range(routes):
        f.write(f"R100.{i // 256}.{i % 256}.0/24 1\n")
with open(d + "/l3fwd-v6.cfg", "w") as f:
    f.write("R2001:db8::/32 1\n")

pad = max(0, frame - 4 - 14 - 20 - 8)  # frame without the FCS
pkts = [Ether(src="02:00:00:00:00:02", dst="02:00:00:00:00:01") /
        IP(src="10.0.0.2", dst=f"100.{(i % routes) // 256}.{(i % routes) % 256}.{1 + i // routes % 250}") /
        UDP(sport=1024 + i, dport=5000) / Raw(b"\0" * pad) for i in range(1024)]
wrpcap(d + "/traffic.pcap", pkts)

replies = [Ether(src="02:00:00:00:02:02", dst="02:00:00:00:02:01") /
           IP(src=p[IP].dst, dst=p[IP].src) / UDP(sport=5000, dport=p[UDP].sport)
           for p in pkts]
wrpcap(d + "/replies.pcap", replies)
