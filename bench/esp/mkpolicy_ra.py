#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A remote-access concentrator's policy of any size: the shape of
config/examples/remote-access.yaml (gen_remote_access.py), scaled.

  mkpolicy_ra.py [--peers N] [--nets LIST] [--inet DEV] [--corp DEV]
                 [--lab] [--no-filter] [--bench] > policy.yaml

Each of N peers (default 5,000) sits behind NAT (ESP in UDP 4500) with
one AES-GCM-256 SA per direction (ESN) and a virtual address from
10.200.0.0/16 (peer i: 10.200.i/250.i%250+1, outer address 100.64.x.y
the same way); per corporate network of LIST (default 10.0.0.0/8 and
172.16.0.0/12) it has a PROTECT policy each way. The default makes the
issue-12 table: 5,000 peers, 10,000 SAs, 20,000 policies.

--inet, --corp: the ports' devices (default the example's PCI addresses);
--lab: MACs 02:00:00:00:00:01 (inet) and 02:00:00:00:01:01 (corp), no
exception TUN, and static neighbours for the two next hops (198.51.100.1
at 02:00:00:00:00:02, 10.0.255.254 at 02:00:00:00:01:02), for virtual
ports; --no-filter leaves out the nft table (its forward chain lets only
what a peer started back in); --bench, for traffic replayed from a loop
(bench/esp/scale.sh): no ESN and no anti-replay window (replay_window: 0,
which Linux allows only without ESN), so that the same ESP packets can
come again.

Keys are derived from the peer number (key(), salt(), as
gen_remote_access.py): an example, never a real policy. Importable: the
smoke test builds its packets with peer_outer(), peer_va(), key(),
salt(). Write the file mode 0600: the dataplane refuses keys that others
can read.
"""
import argparse
import sys

LOCAL = "198.51.100.10"
INET_MAC, INET_PEER_MAC = "02:00:00:00:00:01", "02:00:00:00:00:02"
CORP_MAC, CORP_PEER_MAC = "02:00:00:00:01:01", "02:00:00:00:01:02"


def key(i, d):
    """The 32-byte key of peer i's inbound (d 0) or outbound (d 1) SA, hex."""
    return "".join("%02x" % ((i * 7 + d * 131 + b) % 256) for b in range(32))


def salt(i, d, peers):
    return "%08x" % (i + d * peers)


def peer_outer(i):
    return "100.64.%d.%d" % (i // 250, i % 250 + 1)


def peer_va(i):
    return "10.200.%d.%d" % (i // 250, i % 250 + 1)


def spi(i, d):
    """SPI of peer i's inbound (d 0) or outbound (d 1) SA."""
    return (0x20000 if d else 0x10000) + i


def policy(peers, nets, inet, corp, lab, nft, bench=False):
    out = []
    w = out.append
    w("# A remote-access concentrator for %d road-warrior peers, %d SAs and %d\n"
      "# policies, written by bench/esp/mkpolicy_ra.py (the shape of\n"
      "# config/examples/remote-access.yaml). Example keys.\n" % (peers, 2 * peers, 2 * peers * len(nets)))
    extra = ""
    w("ports:\n")
    for name, dev, mac in (("inet", inet, INET_MAC), ("corp", corp, CORP_MAC)):
        extra = ', mac: "%s", exception: false' % mac if lab else ""
        w('  - { name: %s, device: "%s", mtu: 1500%s }\n' % (name, dev, extra))
    w("addresses:\n"
      "  - { port: inet, address: %s/24 }\n"
      "  - { port: corp, address: 10.0.0.1/16 }\n"
      "routes:\n"
      "  - { dst: default, via: 198.51.100.1 }\n" % LOCAL)
    for net in nets:
        w("  - { dst: %s, via: 10.0.255.254 }\n" % net)
    if lab:
        w("neighbours:\n"
          '  - { port: inet, address: 198.51.100.1, mac: "%s" }\n'
          '  - { port: corp, address: 10.0.255.254, mac: "%s" }\n' % (INET_PEER_MAC, CORP_PEER_MAC))
    if nft:
        w("filter:\n"
          "  conntrack_max: 1048576\n"
          "  nft: |\n"
          "    table inet ra {\n"
          "      chain input {\n"
          "        type filter hook input priority 0; policy drop;\n"
          "        ct state established,related accept\n"
          "        meta l4proto icmp accept\n"
          '        iifname "inet" udp dport { 500, 4500 } accept\n'
          "      }\n"
          "      chain forward {\n"
          "        type filter hook forward priority 0; policy drop;\n"
          "        ct state established,related accept\n")
        for net in nets:
            w("        meta secpath exists ip saddr 10.200.0.0/16 ip daddr %s accept\n" % net)
        w("      }\n"
          "    }\n")
    w("ipsec:\n  sas:\n")
    opt_in = "esn: false, natt: true, replay_window: 0" if bench else "esn: true, natt: true"
    opt_out = "esn: false, natt: true" if bench else "esn: true, natt: true"
    for i in range(peers):
        o = peer_outer(i)
        w('    - { name: p%d-in, spi: %d, direction: in, src: %s, dst: %s, algorithm: aes-gcm-256, '
          'key: "%s", salt: "%s", %s }\n' % (i, spi(i, 0), o, LOCAL, key(i, 0), salt(i, 0, peers), opt_in))
        w('    - { name: p%d-out, spi: %d, direction: out, src: %s, dst: %s, algorithm: aes-gcm-256, '
          'key: "%s", salt: "%s", %s }\n' % (i, spi(i, 1), LOCAL, o, key(i, 1), salt(i, 1, peers), opt_out))
    w("  policies:\n")
    for i in range(peers):
        va = peer_va(i)
        for k, net in enumerate(nets):
            w("    - { name: p%d-o%d, direction: out, src: %s, dst: %s/32, action: protect, sa: p%d-out }\n"
              % (i, k, net, va, i))
            w("    - { name: p%d-i%d, direction: in, src: %s/32, dst: %s, action: protect, sa: p%d-in }\n"
              % (i, k, va, net, i))
    return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--peers", type=int, default=5000)
    ap.add_argument("--nets", default="10.0.0.0/8,172.16.0.0/12")
    ap.add_argument("--inet", default="0000:00:08.0")
    ap.add_argument("--corp", default="0000:00:09.0")
    ap.add_argument("--lab", action="store_true")
    ap.add_argument("--no-filter", action="store_true")
    ap.add_argument("--bench", action="store_true")
    a = ap.parse_args()
    if not 1 <= a.peers <= 64000:
        ap.error("--peers: 1 to 64000")
    sys.stdout.write(policy(a.peers, a.nets.split(","), a.inet, a.corp, a.lab, not a.no_filter,
                            a.bench))


if __name__ == "__main__":
    main()
