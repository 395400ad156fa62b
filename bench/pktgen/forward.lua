-- Pktgen-DPDK 23.03: nfvpn-bench's "forward" scenario (bench/pktgen/README.md):
-- UDP from 10.0.0.0/24 to 100.0.0.0/14, 1024 flows, into the DUT's p0, out
-- of its p1. Sizes 64, 512, 1400 by Pktgen's range page (NFVPN_SIZES);
-- IMIX by replaying bench/pktgen/pcap/forward-imix.pcap (NFVPN_PCAP=1,
-- pktgen ... -s 0:bench/pktgen/pcap/forward-imix.pcap).
-- Command lines for 2 and for many cores, and the generator's limit
-- (NFVPN_MODE=limit through a loopback, first): README.md.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = "forward", traffic = "udp", dir = dir })
