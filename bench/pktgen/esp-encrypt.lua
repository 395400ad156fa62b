-- Pktgen-DPDK 23.03: nfvpn-bench's "esp-encrypt" scenario: cleartext UDP
-- from 10.0.0.0/24 (the source of the outbound PROTECT policy) to
-- 100.0.0.0/14 into p0, ESP (SA 0x1001, AES-GCM-128) out of p1. Frames are
-- counted on the receive port whatever they carry: Pktgen does not decrypt.
-- NFVPN_PCAP=1 for IMIX, as forward.lua.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = "esp-encrypt", traffic = "udp", dir = dir })
