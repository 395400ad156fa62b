-- Pktgen-DPDK: nfvpn-bench's "esp-encrypt" scenario: cleartext UDP into
-- p0, ESP (SA 0x1001, AES-GCM-128) out of p1. Frames are counted on the
-- receive port whatever they carry: Pktgen does not decrypt.
local dir = string.match(debug.getinfo(1, "S").source, "^@(.*/)") or "./"
local bench = dofile(dir .. "nfvpn_bench.lua")
bench.run({ scenario = "esp-encrypt" })
