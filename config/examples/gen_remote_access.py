#!/usr/bin/python3
"""Writes config/examples/remote-access.yaml: a remote-access concentrator
with PEERS road-warrior peers (default 1,000), each behind NAT (NAT-T) with
its own pair of AES-GCM-256 SAs and one virtual address from 10.200.0.0/16.
   gen_remote_access.py [PEERS] > config/examples/remote-access.yaml
The keys are in remote-access.keys beside it (ipsec.key_file): write them
with `nfvpnd --make-keys config/examples/remote-access.yaml` (mode 0600)."""
import sys

peers = int(sys.argv[1]) if len(sys.argv) > 1 else 1000


print(f"""# A remote-access VPN concentrator for {peers} road-warrior peers, written by
# gen_remote_access.py (edit that, not this file). Each peer sits behind
# NAT (ESP in UDP 4500), has one SA per direction (AES-GCM-256, ESN) and a
# virtual address in 10.200.0.0/16; the corporate network is 10.0.0.0/8.
#
#   peers (NAT-T) -- inet 198.51.100.10 [nfvpn-dataplane] corp 10.0.0.1 -- 10.0.0.0/8
#
# The keys are in remote-access.keys beside this file (ipsec.key_file):
# `nfvpnd --make-keys remote-access.yaml` writes random ones, mode 0600.
# The ports are PCI NICs: this policy shows the scale of a concentrator;
# site-to-site.yaml and firewall.yaml run on virtual devices.
ports:
  - {{ name: inet, device: "0000:00:08.0", mtu: 1500 }}
  - {{ name: corp, device: "0000:00:09.0", mtu: 1500 }}
addresses:
  - {{ port: inet, address: 198.51.100.10/24 }}
  - {{ port: corp, address: 10.0.0.1/16 }}
routes:
  - {{ dst: default, via: 198.51.100.1 }}
  - {{ dst: 10.0.0.0/8, via: 10.0.255.254 }}
filter:
  conntrack_max: 1048576
  nft: |
    table inet ra {{
      chain input {{
        type filter hook input priority 0; policy drop;
        ct state established,related accept
        meta l4proto icmp accept
        iifname "inet" udp dport {{ 500, 4500 }} accept
      }}
      chain forward {{
        type filter hook forward priority 0; policy drop;
        ct state established,related accept
        meta secpath exists ip saddr 10.200.0.0/16 ip daddr 10.0.0.0/8 accept
      }}
    }}
ipsec:
  key_file: remote-access.keys
  sas:""")
for i in range(peers):
    outer = f"100.64.{i // 250}.{i % 250 + 1}"
    print(f"    - {{ name: p{i}-in, spi: {0x10000 + i}, direction: in, src: {outer}, dst: 198.51.100.10, "
          f"algorithm: aes-gcm-256, esn: true, natt: true }}")
    print(f"    - {{ name: p{i}-out, spi: {0x20000 + i}, direction: out, src: 198.51.100.10, dst: {outer}, "
          f"algorithm: aes-gcm-256, esn: true, natt: true }}")
print("  policies:")
for i in range(peers):
    va = f"10.200.{i // 250}.{i % 250 + 1}"
    print(f"    - {{ name: p{i}-o, direction: out, src: 10.0.0.0/8, dst: {va}/32, action: protect, sa: p{i}-out }}")
    print(f"    - {{ name: p{i}-i, direction: in, src: {va}/32, dst: 10.0.0.0/8, action: protect, sa: p{i}-in }}")
