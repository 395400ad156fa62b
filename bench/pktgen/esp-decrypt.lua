-- Pktgen-DPDK 23.03: nfvpn-bench's "esp-decrypt" scenario: ESP of SA 0x2001
-- (AES-GCM-128, tunnel 10.0.0.2 -> 10.0.0.1) into p0, the decrypted UDP out
-- of p1. Pktgen cannot build ESP: it replays a pcap of bench/pktgen/pcap/
-- (bench/pktgen/mkpcap.py writes them), one size a run:
--   pktgen ... -s 0:bench/pktgen/pcap/esp-decrypt-imix.pcap -f bench/pktgen/esp-decrypt.lua
-- with NFVPN_PCAP_LABEL=64, 512, 1400 or imix (default) naming the file's
-- size. Every frame is at most 1518 bytes: no -j needed. The file loops,
-- so the sequence numbers repeat: the DUT's SA for Pktgen has
-- replay_window: 0 (README.md).
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = "esp-decrypt", traffic = "esp", pcap = true, dir = dir })
