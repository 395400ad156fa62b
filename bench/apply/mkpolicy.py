#!/usr/bin/env python3
"""Writes a policy with N routes for bench/apply and nfvpnd_kill_test.

    mkpolicy.py OUT N VARIANT [DEVICE]

One port (DEVICE, default net_null0), 10.0.0.1/24 on it, and N routes
11.0.0.0/24, 11.0.1.0/24, ... (a /48 in 2001:db8::/32 for every tenth)
through 10.0.0.2 or 10.0.0.3 (2001:db8::2 or ::3). VARIANT 0 has no
routes, 1 and 2 swap the gateways: 1 -> 2 replaces every route.
"""
import sys

out, n, variant = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
device = sys.argv[4] if len(sys.argv) > 4 else "net_null0"
lines = [
    "ports:",
    "  - { name: p0, device: %s, exception: false }" % device,
    "addresses:",
    "  - { port: p0, address: 10.0.0.1/24 }",
    "  - { port: p0, address: 2001:db8::1/64 }",
]
if variant:
    lines.append("routes:")
    for i in range(n):
        odd = (i + variant) % 2
        if i % 10 == 9:
            lines.append("  - { dst: 2001:db8:%x::/48, via: 2001:db8::%d }"
                         % (0x100 + i // 10, 2 + odd))
        else:
            a = 0x0B000000 + (i << 8)
            lines.append("  - { dst: %d.%d.%d.0/24, via: 10.0.0.%d }"
                         % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, 2 + odd))
with open(out, "w") as f:
    f.write("\n".join(lines) + "\n")
