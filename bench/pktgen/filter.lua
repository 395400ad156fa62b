-- Pktgen-DPDK: nfvpn-bench's "filter-N-rules" scenario: the forward traffic
-- through a DUT whose policy holds N rules the traffic never matches (make
-- it with: bench/nfvpn-bench --scenario filter-N-rules --keep, or see
-- bench/nfvpnbench/scenario.py). NFVPN_SCENARIO names the row (filter-1000-rules).
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = os.getenv("NFVPN_SCENARIO") or "filter-N-rules" })
