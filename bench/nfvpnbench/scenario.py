"""The scenarios: for nfvpn-dataplane, a policy; for the generator, its
traffic options. Every scenario uses the same two memif ports:

    nfvpn-gen  net_memif0 (client) --> p0 10.0.0.1/24 [DUT] p1 10.1.0.1/24 --> net_memif1 (client)  nfvpn-gen

Traffic: FLOWS UDP flows from 10.0.0.0/24 to 100.0.0.0/14 (1,000 routes of
/24 and a default route, all via 10.1.0.2 on p1)."""
import os

DUT_MAC = ["02:00:00:00:00:01", "02:00:00:00:01:01"]
PEER_MAC = ["02:00:00:00:00:02", "02:00:00:00:01:02"]
ROUTES = 1000

# Test keys, public: a benchmark's SAs protect nothing
ESP_KEY = "00112233445566778899aabbccddeeff"
ESP_SALT = "01020304"
ESP_SPI_OUT = 0x1001
ESP_SPI_IN = 0x2001

SCENARIOS = ("forward", "esp-encrypt", "esp-decrypt", "filter-N-rules")

# memif devargs both ends add (nfvpn-bench --memif-rsize): ",rsize=N"
MEMIF_EXTRA = ""


def memif(i, role, sock):
    """Port i's memif devargs. Distinct ids: two memif clients of id 0 in one
    process (nfvpn-gen) mix their handshakes in DPDK 22.11 and never come up."""
    return "net_memif%d,role=%s,id=%d,socket=%s%s" % (i, role, i, sock, MEMIF_EXTRA)


def parse(name):
    """'filter-1000-rules' -> ('filter', 1000); others -> (name, 0)."""
    if name in ("forward", "esp-encrypt", "esp-decrypt"):
        return name, 0
    parts = name.split("-")
    if len(parts) == 3 and parts[0] == "filter" and parts[2] == "rules" and parts[1].isdigit():
        n = int(parts[1])
        if 1 <= n <= 100000:
            return "filter", n
    raise ValueError("unknown scenario %r: one of forward, esp-encrypt, esp-decrypt, "
                     "filter-N-rules (N in 1..100000)" % name)


def _ports(sockets, mtu):
    return "".join(
        '  - { name: p%d, device: "%s", mac: "%s", mtu: %d, exception: false }\n'
        % (i, memif(i, "server", sockets[i]), DUT_MAC[i], mtu)
        for i in range(2))


def _routes():
    lines = ["routes:\n"]
    for i in range(ROUTES):
        lines.append("  - { dst: 100.%d.%d.0/24, via: 10.1.0.2 }\n" % (i // 256, i % 256))
    lines.append("  - { dst: default, via: 10.1.0.2 }\n")
    return "".join(lines)


def filter_nft(nrules):
    """A forward chain of nrules rules that the traffic never matches, each a
    different destination and port (the worst case for a linear walk), then
    the policy accept."""
    rules = []
    for i in range(nrules):
        rules.append("\t\tip daddr 198.%d.%d.%d udp dport %d drop\n"
                     % (18 + i // 65536, (i // 256) % 256, i % 256, 1 + i % 60000))
    return ("table ip bench {\n\tchain rules {\n\t\ttype filter hook forward priority 0; policy accept;\n"
            + "".join(rules) + "\t}\n}\n")


def _ipsec(kind):
    if kind == "esp-encrypt":
        return ("ipsec:\n  sas:\n"
                "    - { name: bench-out, spi: %d, direction: out, mode: tunnel, src: 10.1.0.1,"
                " dst: 10.1.0.2, algorithm: aes-gcm-128, key: \"%s\", salt: \"%s\" }\n"
                "  policies:\n"
                "    - { name: bench-protect, direction: out, src: 10.0.0.0/24, dst: 100.0.0.0/8,"
                " action: protect, sa: bench-out }\n" % (ESP_SPI_OUT, ESP_KEY, ESP_SALT))
    return ("ipsec:\n  sas:\n"
            "    - { name: bench-in, spi: %d, direction: in, mode: tunnel, src: 10.0.0.2,"
            " dst: 10.0.0.1, algorithm: aes-gcm-128, key: \"%s\", salt: \"%s\" }\n"
            "  policies:\n"
            "    - { name: bench-in, direction: in, src: 10.0.0.0/24, dst: 100.0.0.0/8,"
            " action: protect, sa: bench-in }\n" % (ESP_SPI_IN, ESP_KEY, ESP_SALT))


def policy(name, sockets, path):
    """Writes the nfvpn-dataplane policy of scenario `name` to path."""
    kind, n = parse(name)
    # ESP makes frames longer than the frame sizes asked for
    mtu = 9000 if kind.startswith("esp") else 1500
    text = ("# nfvpn-bench scenario %s\nports:\n%s"
            "addresses:\n  - { port: p0, address: 10.0.0.1/24 }\n"
            "  - { port: p1, address: 10.1.0.1/24 }\n"
            "neighbours:\n  - { port: p0, address: 10.0.0.2, mac: \"%s\" }\n"
            "  - { port: p1, address: 10.1.0.2, mac: \"%s\" }\n%s"
            % (name, _ports(sockets, mtu), PEER_MAC[0], PEER_MAC[1], _routes()))
    if kind == "filter":
        nft_path = os.path.join(os.path.dirname(path), "filter.nft")
        with open(nft_path, "w") as f:
            f.write(filter_nft(n))
        # stateless rules: the cost of the rules, not of conntrack
        text += "filter:\n  file: %s\n  conntrack: false\n" % nft_path
    elif kind.startswith("esp"):
        text += _ipsec(kind)
    # a policy with keys must not be readable by others (the loader checks)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)


def gen_args(name, sockets, size, flows, cleartext=False):
    """nfvpn-gen's options. cleartext: the same traffic without ESP (for a
    baseline that only forwards)."""
    kind, _ = parse(name)
    args = ["--port", memif(0, "client", sockets[0]),
            "--rx-port", memif(1, "client", sockets[1]),
            "--src-mac", PEER_MAC[0], "--dst-mac", DUT_MAC[0],
            "--flows", str(flows), "--src", "10.0.0.2-10.0.0.254",
            "--dst", "100.0.0.1-100.3.255.254", "--sport", "1024-65535",
            "--dport", "5000-5099", "--size", size, "--drain-ms", "100", "--link-wait", "30"]
    if kind == "esp-decrypt" and not cleartext:
        args += ["--esp", "spi=%d,key=%s%s,src=10.0.0.2,dst=10.0.0.1"
                 % (ESP_SPI_IN, ESP_KEY, ESP_SALT)]
    return args


def counts_all(name, cleartext=False):
    """True when what comes back carries no readable signature (ESP)."""
    return parse(name)[0] == "esp-encrypt" and not cleartext
