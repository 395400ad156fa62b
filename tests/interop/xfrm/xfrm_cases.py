#!/usr/bin/python3
"""The cases of the Linux XFRM interop test, written out for both sides.

    xfrm_cases.py DIR DP_IF0 DP_IF1

writes DIR/policy.yaml (nfvpn-dataplane: port p0 on the tap to the guest,
p1 on the veth to netns B) and DIR/guest-setup.sh (the guest's `ip xfrm`
states and policies, addresses and routes), and prints one line per case:
"NAME SPI_IN SPI_OUT SRC DST MORE" (SPIs as the dataplane sees them; MORE
"big" for the cases that also ping with 1600 bytes, which both sides
must fragment, "stray:ADDR" for a source the guest sends through the SA
but the dataplane's inbound policy refuses, else "-").

One table, so the two sides cannot disagree. Each tunnel case has its own
inner address on the guest (10.9.K.2 or fd00:9:K::2) and reaches netns B
(10.1.0.2, fd00:1::2) behind the dataplane: the guest's kernel encrypts,
nfvpn decrypts and forwards, B answers, nfvpn encrypts, the kernel
decrypts. The transport case pings the dataplane itself.
"""
import sys

OUT4 = ("192.0.2.2", "192.0.2.1")          # guest, dataplane
OUT6 = ("2001:db8:1::2", "2001:db8:1::1")
B4, B6 = "10.1.0.2", "fd00:1::2"

# name, outer family, inner family, algorithm, extra
CASES = [
    ("gcm128-4in4", 4, 4, "aes-gcm-128", {"big": True}),
    ("gcm256-4in4-esn", 4, 4, "aes-gcm-256", {"esn": True}),
    ("chacha-4in4", 4, 4, "chacha20-poly1305", {}),
    ("cbc128-sha256-4in4", 4, 4, "aes-cbc-128", {"auth": "hmac-sha256-128"}),
    ("cbc256-sha384-4in4", 4, 4, "aes-cbc-256", {"auth": "hmac-sha384-192"}),
    ("cbc256-sha512-4in4", 4, 4, "aes-cbc-256", {"auth": "hmac-sha512-256"}),
    ("gcm128-4in4-natt", 4, 4, "aes-gcm-128", {"natt": True}),
    ("gcm128-6in6", 6, 6, "aes-gcm-128", {"big": True}),
    ("chacha-6in4", 4, 6, "chacha20-poly1305", {}),
    ("cbc256-sha512-4in6", 6, 4, "aes-cbc-256", {"auth": "hmac-sha512-256", "esn": True}),
    ("gcm128-transport4", 4, 4, "aes-gcm-128", {"transport": True}),
    # Linux sends all of 10.9.11.0/24 through the SA, nfvpn's inbound
    # policy only admits 10.9.11.2: what comes from .3 is decrypted, then
    # dropped as a policy mismatch (RFC 4301 5.2: the SA's selectors)
    ("gcm128-4in4-policy", 4, 4, "aes-gcm-128", {"stray": True}),
    ("ccm128-4in4", 4, 4, "aes-ccm-128", {}),
    ("ccm256-6in4-esn", 4, 6, "aes-ccm-256", {"esn": True}),
]

KEY_LEN = {"aes-gcm-128": 16, "aes-gcm-256": 32, "chacha20-poly1305": 32,
           "aes-cbc-128": 16, "aes-cbc-256": 32, "aes-ccm-128": 16, "aes-ccm-256": 32}
SALT_LEN = {"aes-ccm-128": 3, "aes-ccm-256": 3}    # RFC 4309; the other AEADs: 4
AUTH = {"hmac-sha256-128": ("hmac(sha256)", 32, 128),
        "hmac-sha384-192": ("hmac(sha384)", 48, 192),
        "hmac-sha512-256": ("hmac(sha512)", 64, 256)}


def key(k, direction, n, what):
    """Distinct, reproducible key bytes per case, direction and use."""
    return bytes((k * 16 + direction * 7 + what * 3 + i) & 0xff for i in range(n)).hex()


def linux_alg(alg, ekey, extra, akey, salt):
    if alg.startswith("aes-gcm"):
        return "aead 'rfc4106(gcm(aes))' 0x%s%s 128" % (ekey, salt)
    if alg.startswith("aes-ccm"):
        return "aead 'rfc4309(ccm(aes))' 0x%s%s 128" % (ekey, salt)
    if alg == "chacha20-poly1305":
        return "aead 'rfc7539esp(chacha20,poly1305)' 0x%s%s 128" % (ekey, salt)
    name, _, bits = AUTH[extra["auth"]]
    return "enc 'cbc(aes)' 0x%s auth-trunc '%s' 0x%s %d" % (ekey, name, akey, bits)


def main():
    out, dp_if0, dp_if1 = sys.argv[1:4]
    sas, sps, guest = [], [], []
    routes4, routes6 = [], []
    guest.append("ip addr add %s/24 dev eth0" % OUT4[0])
    guest.append("ip addr add %s/64 dev eth0 nodad" % OUT6[0])
    for k, (name, ofam, ifam, alg, extra) in enumerate(CASES):
        outer = OUT4 if ofam == 4 else OUT6
        transport = extra.get("transport", False)
        if transport:
            g_in, peer, plen = outer[0], outer[1], 32
        elif ifam == 4:
            g_in, peer, plen = "10.9.%d.2" % k, B4, 32
        else:
            g_in, peer, plen = "fd00:9:%d::2" % k, B6, 128
        peer_net = peer if transport else ("10.1.0.0/24" if ifam == 4 else "fd00:1::/64")
        spi_in, spi_out = 0x1000 + k, 0x2000 + k   # as the dataplane sees them
        mode = "transport" if transport else "tunnel"
        for d, spi, src, dst in ((0, spi_in, outer[0], outer[1]),
                                 (1, spi_out, outer[1], outer[0])):
            ekey = key(k, d, KEY_LEN[alg], 0)
            salt = key(k, d, SALT_LEN.get(alg, 4), 1) if "auth" not in extra else ""
            akey = key(k, d, AUTH[extra["auth"]][1], 2) if "auth" in extra else ""
            sa = {"name": "%s-%s" % (name, "in" if d == 0 else "out"), "spi": hex(spi),
                  "direction": "in" if d == 0 else "out", "mode": mode,
                  "src": src, "dst": dst, "algorithm": alg, "key": '"%s"' % ekey,
                  "reqid": k + 1}
            if salt:
                sa["salt"] = '"%s"' % salt
            if akey:
                sa["auth"] = extra["auth"]
                sa["auth_key"] = '"%s"' % akey
            if extra.get("esn"):
                sa["esn"] = "true"
            if extra.get("natt"):
                sa["natt"] = "true"
            sas.append(sa)
            flags = ""
            if extra.get("esn"):
                flags += " flag esn replay-window 128"
            else:
                flags += " replay-window 64"
            if extra.get("natt"):
                flags += " encap espinudp 4500 4500 0.0.0.0"
            if ofam != ifam:
                # Linux matches a state's selector by the inner family,
                # which is the outer one unless given
                flags += " sel src %s dst %s" % (("0.0.0.0/0",) * 2 if ifam == 4 else ("::/0",) * 2)
            guest.append("ip xfrm state add src %s dst %s proto esp spi %s reqid %d mode %s %s%s"
                         % (src, dst, hex(spi), k + 1, mode,
                            linux_alg(alg, ekey, extra, akey, salt), flags))
        proto = " proto 1" if transport else ""   # no /etc/protocols in the guest
        g_sel = "%s/%d" % (g_in, plen)
        # the guest's own selector: wider than nfvpn's for a stray case
        g_xsel = "10.9.%d.0/24" % k if extra.get("stray") else g_sel
        sps.append({"name": "%s-out" % name, "direction": "out",
                    "src": peer_net if not transport else peer + "/32", "dst": g_sel,
                    "action": "protect", "sa": "%s-out" % name,
                    **({"proto": "icmp"} if transport else {})})
        sps.append({"name": "%s-in" % name, "direction": "in", "src": g_sel,
                    "dst": peer_net if not transport else peer + "/32",
                    "action": "protect", "sa": "%s-in" % name,
                    **({"proto": "icmp"} if transport else {})})
        tmpl = "tmpl src %s dst %s proto esp reqid %d mode %s" % (outer[0], outer[1], k + 1, mode)
        rtmpl = "tmpl src %s dst %s proto esp reqid %d mode %s" % (outer[1], outer[0], k + 1, mode)
        p_sel = peer_net if not transport else peer + "/32"
        guest.append("ip xfrm policy add src %s dst %s%s dir out %s" % (g_xsel, p_sel, proto, tmpl))
        guest.append("ip xfrm policy add src %s dst %s%s dir in %s" % (p_sel, g_xsel, proto, rtmpl))
        if not transport:
            guest.append("ip addr add %s dev lo" % g_sel)
            # a route for all the guest sends, so that only the policy refuses
            (routes4 if ifam == 4 else routes6).append(g_xsel)
        more = "big" if extra.get("big") else "-"
        if extra.get("stray"):
            more = "stray:10.9.%d.3" % k
            guest.append("ip addr add 10.9.%d.3/32 dev lo" % k)
        print("%s %s %s %s %s %s" % (name, hex(spi_in), hex(spi_out), g_in, peer, more))
    guest.append("ip route add 10.1.0.0/24 via %s" % OUT4[1])
    guest.append("ip -6 route add fd00:1::/64 via %s" % OUT6[1])

    y = ["ports:",
         '  - { name: p0, device: "net_af_packet_kx0,iface=%s", mac: "02:00:00:00:00:01", '
         'promiscuous: true, exception: false }' % dp_if0,
         '  - { name: p1, device: "net_af_packet_kx1,iface=%s", mac: "02:00:00:00:01:01", '
         'promiscuous: true, exception: false }' % dp_if1,
         "addresses:",
         "  - { port: p0, address: %s/24 }" % OUT4[1],
         "  - { port: p0, address: %s/64 }" % OUT6[1],
         "  - { port: p1, address: 10.1.0.1/24 }",
         "  - { port: p1, address: fd00:1::1/64 }",
         "routes:"]
    for r in routes4:
        y.append("  - { dst: %s, via: %s }" % (r, OUT4[0]))
    for r in routes6:
        y.append("  - { dst: %s, via: \"%s\" }" % (r, OUT6[0]))
    y.append("ipsec:")
    y.append("  sas:")
    for sa in sas:
        y.append("    - { %s }" % ", ".join("%s: %s" % (k, v) for k, v in sa.items()))
    y.append("  policies:")
    for sp in sps:
        y.append("    - { %s }" % ", ".join("%s: %s" % (k, v) for k, v in sp.items()))
    with open(out + "/policy.yaml", "w") as f:
        f.write("\n".join(y) + "\n")
    # iproute2's ip by its path: busybox sh prefers its own applet
    with open(out + "/guest-setup.sh", "w") as f:
        f.write("".join("/usr/bin/" + g + "\n" for g in guest))


if __name__ == "__main__":
    main()
