-- Pktgen-DPDK 23.03: nfvpn-bench's "filter-N-rules" scenario: the forward
-- traffic through a DUT whose policy holds N nft rules the traffic never
-- matches (bench/nfvpn-bench --scenario filter-N-rules --keep writes it, or
-- bench/nfvpnbench/scenario.py). NFVPN_FILTER_RULES=N (default 1000) names
-- this script's rows filter-N-rules; NFVPN_PCAP=1 for IMIX, as forward.lua.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
local n = tonumber(os.getenv("NFVPN_FILTER_RULES") or "1000")
assert(n and n >= 1 and n == math.floor(n), "NFVPN_FILTER_RULES: a number of rules")
bench.run({ scenario = string.format("filter-%d-rules", n), traffic = "udp", dir = dir })
