#!/usr/bin/python3
"""The summary of ci/demo.sh: what the two sites encrypted, decrypted,
filtered and dropped, per hook, with rates, from the `nfvpnctl --json`
snapshots that the demo took before and after the traffic (WORK/before.*,
WORK/after.*) and from what the LAN hosts counted (WORK/traffic.json).
Writes WORK/summary.json with the same numbers, for tests/smoke/demo_test.sh.

  demo_summary.py WORK
"""
import json
import os
import sys

work = sys.argv[1]
SITES = (("site-a", "site A", "config/examples/demo.yaml"),
         ("site-b", "site B", "config/examples/demo-peer.yaml"))


def load(tag, site, what):
    try:
        with open(os.path.join(work, "%s.%s.%s.json" % (tag, site, what))) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def delta(site, what, key, field):
    """{key: after - before} of the list WHAT[...] of one site"""
    out = {}
    for tag, sign in (("after", 1), ("before", -1)):
        items = load(tag, site, what)
        items = items.get(next(iter(items)), []) if items else []
        for it in items:
            k = key(it)
            out[k] = out.get(k, 0) + sign * field(it)
    return out


def n(v):
    return "{:,}".format(v)


with open(os.path.join(work, "traffic.json")) as f:
    traffic = json.load(f)
secs = traffic["seconds"] or 1.0
sent = traffic["a"]["sent"]
summary = {"seconds": secs, "lan_a": traffic["a"], "lan_b": traffic["b"], "sites": {}}

print("==> summary: %s s of traffic" % secs)
print("host A (10.1.0.2) sent %s frames, %s/s: %s UDP to 10.2.0.10 port 5000, "
      "%s TCP SYN to 10.2.0.10 port 23, %s UDP to 10.2.99.1"
      % (n(traffic["a"]["sent_total"]), n(round(traffic["a"]["sent_total"] / secs)),
         n(sent["allowed"]), n(sent["telnet"]), n(sent["no_tunnel"])))
for site, title, policy in SITES:
    stats = delta(site, "stats", lambda c: c["name"], lambda c: c["value"])
    sas = delta(site, "sa", lambda s: (s["name"], s["direction"]), lambda s: s["counters"]["packets"])
    hooks = {}
    for tag, sign in (("after", 1), ("before", -1)):
        for h in load(tag, site, "hooks").get("hooks", []):
            k = (h["hook"], h["priority_name"] or str(h["priority"]), h["name"])
            v = hooks.setdefault(k, [0, 0, 0, 0])
            for i, f in enumerate(("packets", "accepted", "dropped", "stolen")):
                v[i] += sign * h[f]
    rules = delta(site, "ruleset",
                  lambda r: (r.get("chain"), r.get("handle"), r.get("expr", "")),
                  lambda r: r.get("packets", 0) if r.get("kind") == "rule" else 0)
    ct = load("after", site, "filter")
    s = {"encrypted": {k[0]: v for k, v in sas.items() if k[1] == "out"},
         "decrypted": {k[0]: v for k, v in sas.items() if k[1] == "in"},
         "dropped": {k[5:]: v for k, v in stats.items() if k.startswith("drop.") and v},
         "filter": {"%s/%s" % (k[0], k[1]): v for k, v in rules.items() if k[0]},
         "conntrack_new": ct.get("ct_new", 0) if ct.get("conntrack") else None,
         "rx": stats.get("rx", 0), "tx": stats.get("tx", 0),
         "hooks": {"%s/%s/%s" % k: dict(zip(("packets", "accepted", "dropped", "stolen"), v))
                   for k, v in hooks.items()}}
    summary["sites"][site] = s
    print()
    print("%s (%s): rx %s, tx %s" % (title, policy, n(s["rx"]), n(s["tx"])))
    for name, v in sorted(s["encrypted"].items()):
        print("  encrypted  %9s  into SA %-8s %9s/s" % (n(v), name, n(round(v / secs))))
    for name, v in sorted(s["decrypted"].items()):
        print("  decrypted  %9s  from SA %-8s %9s/s" % (n(v), name, n(round(v / secs))))
    for (chain, handle, expr), v in sorted(rules.items(), key=lambda r: (str(r[0][0]), r[0][1] or 0)):
        if chain is None or v == 0:
            continue
        verdict = "accept" if "reg 0 accept" in expr else "drop" if "reg 0 drop" in expr else "-"
        what = "ct state established,related" if "ct load state" in expr and \
            "0x00000006" in expr else "ct state new, udp dport 5000, through IPsec" \
            if "secpath" in expr else "iifname lan" if "0x006e616c" in expr else \
            "esp from the peer" if "0x00000032" in expr else "anything else"
        print("  filtered   %9s  %-6s by rule %s/%s (%s) %9s/s"
              % (n(v), verdict, chain, handle, what, n(round(v / secs))))
    if s["conntrack_new"] is not None:
        print("  conntrack  %9s  new connections" % n(s["conntrack_new"]))
    for reason, v in sorted(s["dropped"].items()):
        print("  dropped    %9s  %-28s %9s/s" % (n(v), reason, n(round(v / secs))))
    print("  per hook:   %-13s %-9s %-21s %9s %9s %8s %8s %9s"
          % ("HOOK", "PRIORITY", "ENTRY", "PACKETS", "ACCEPTED", "DROPPED", "STOLEN", "PKT/S"))
    for (hook, prio, name), v in hooks.items():
        print("              %-13s %-9s %-21s %9s %9s %8s %8s %9s"
              % (hook, prio, name, n(v[0]), n(v[1]), n(v[2]), n(v[3]), n(round(v[0] / secs))))
print()
print("host B (10.2.0.10) received %s UDP to port 5000 and answered each, %s TCP to port 23; "
      "host A received %s replies"
      % (n(traffic["b"]["received"]["allowed"]), n(traffic["b"]["received"]["telnet"]),
         n(traffic["a"]["received"]["replies"])))
with open(os.path.join(work, "summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
