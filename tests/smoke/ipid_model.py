# SPDX-License-Identifier: BSD-3-Clause
"""What nfvpn-dataplane --test-id-seed SEED makes its ICMP errors carry
(dataplane/datapath/proto/nfv_ipid.h), written again from the description
so that a smoke test can check the packets: the IPv4 ID of a worker's
first error to a destination and the flow label of an ICMPv6 error."""
import ipaddress
import struct

M64 = (1 << 64) - 1
BUCKETS = 2048


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & M64


def siphash24(k0, k1, data):
    """SipHash-2-4 of data under the key (k0, k1), as an integer."""
    v = [k0 ^ 0x736f6d6570736575, k1 ^ 0x646f72616e646f6d,
         k0 ^ 0x6c7967656e657261, k1 ^ 0x7465646279746573]

    def rounds(n):
        for _ in range(n):
            v[0] = (v[0] + v[1]) & M64
            v[1] = _rotl(v[1], 13) ^ v[0]
            v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & M64
            v[3] = _rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & M64
            v[3] = _rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & M64
            v[1] = _rotl(v[1], 17) ^ v[2]
            v[2] = _rotl(v[2], 32)

    tail = len(data) % 8
    blocks = [struct.unpack_from("<Q", data, i)[0] for i in range(0, len(data) - tail, 8)]
    blocks.append(int.from_bytes(data[len(data) - tail:], "little") | (len(data) & 0xff) << 56)
    for m in blocks:
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    v[2] ^= 0xff
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def first_id4(seed, src, dst, proto):
    """The ID of a worker's first packet from src to dst (with the seed
    the workers' counters start alike, and never jump)."""
    key = (seed, 0)
    flow = ipaddress.IPv4Address(dst).packed + ipaddress.IPv4Address(src).packed + \
        struct.pack("<I", proto)
    bucket = siphash24(*key, flow) % BUCKETS
    # the buckets start at the key's hashes of the draw counter
    # (user 0: ICMP, worker 0)
    return siphash24(*key, struct.pack("<Q", bucket)) & 0xffff


def flowlabel6(seed, src, dst, icmp_type):
    """The flow label of an ICMPv6 error of icmp_type from src to dst."""
    flow = ipaddress.IPv6Address(src).packed + ipaddress.IPv6Address(dst).packed + \
        bytes([58, icmp_type])
    h = siphash24(seed, 0, flow) & 0xffffffff
    h = ((h << 16 | h >> 16) & 0xffffffff) & 0xfffff
    return h if h != 0 else 1
