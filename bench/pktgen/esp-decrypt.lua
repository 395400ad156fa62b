-- Pktgen-DPDK: nfvpn-bench's "esp-decrypt" scenario: ESP of SA 0x2001
-- (AES-GCM-128, tunnel 10.0.0.2 -> 10.0.0.1) into p0, the decrypted UDP out
-- of p1. Pktgen cannot build ESP: it replays a pcap of bench/pktgen/pcap/,
--   pktgen ... -s 0:bench/pktgen/pcap/esp-decrypt-64.pcap -f bench/pktgen/esp-decrypt.lua
-- one size a run (NFVPN_PCAP_LABEL=64, 512, 1400 or imix). The file loops:
-- the DUT's SA needs its anti-replay window off (README.md).
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = "esp-decrypt", pcap = true,
	    pcap_label = os.getenv("NFVPN_PCAP_LABEL") or "pcap" })
