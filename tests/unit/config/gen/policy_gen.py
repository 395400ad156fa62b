#!/usr/bin/python3
"""Policies that used to make the loader hang or grow without bound.

usage: policy_gen.py KIND N > FILE
  routes N        N distinct routes (plus two duplicates at the end)
  aliases N       N aliases of one mapping
  scalar-aliases N  N aliases of one scalar (legal, must be quick)
  laughs N        nested aliases, each level N times the one below (9 levels)
  nest N          N nested flow sequences
  nest-block N    N nested block mappings
"""
import sys

kind, n = sys.argv[1], int(sys.argv[2])
w = sys.stdout.write
head = "ports:\n  - { name: p0, device: net_ring0 }\naddresses:\n  - { port: p0, address: 10.0.0.1/24 }\n"
if kind == "routes":
    w(head + "routes:\n")
    for i in range(n):
        w("  - { dst: 10.%d.%d.0/24, via: 10.0.0.2 }\n" % (64 + i // 65536 % 128, i // 256 % 256) if False else
          "  - { dst: %d.%d.%d.0/24, via: 10.0.0.2 }\n" % (11 + i // 65536, i // 256 % 256, i % 256))
    w("  - { dst: 11.0.0.0/24, via: 10.0.0.2 }\n")
    w("  - { dst: 11.0.1.0/24, port: p0 }\n")
elif kind == "aliases":
    w(head + "hooks:\n  - &h { name: h0, hook: bad, action: count }\n")
    for i in range(n):
        w("  - *h\n")
elif kind == "scalar-aliases":
    w("ports:\n  - { name: p0, device: net_ring0 }\naddresses:\n  - { port: &p p0, address: 10.0.0.1/24 }\nroutes:\n")
    for i in range(n):
        w("  - { dst: %d.%d.%d.0/24, port: *p }\n" % (11 + i // 65536, i // 256 % 256, i % 256))
elif kind == "laughs":
    w(head + "x0: &a0 [lol]\n")
    for i in range(1, 10):
        w("x%d: &a%d [%s]\n" % (i, i, ", ".join(["*a%d" % (i - 1)] * n)))
elif kind == "nest":
    w(head + "routes: " + "[" * n + "]" * n + "\n")
elif kind == "nest-block":
    w(head + "routes:\n")
    for i in range(n):
        w("  " * (i + 1) + "k%d:\n" % i)
else:
    sys.exit("unknown kind " + kind)
