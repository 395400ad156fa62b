-- Pktgen-DPDK: nfvpn-bench's "forward" scenario (bench/pktgen/README.md).
--   pktgen -l 0-2 -n 4 -a TX -a RX -- -P -m "[1].0,[2].1" -f bench/pktgen/forward.lua
-- With a pcap (IMIX): add -s 0:bench/pktgen/pcap/forward-imix.pcap and set
-- NFVPN_PCAP=1 NFVPN_PCAP_LABEL=imix.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = "forward" })
