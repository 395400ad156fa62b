-- nfvpn-bench for Pktgen-DPDK 23.03: the generator-limit measurement and the
-- no-drop-rate / partial-drop-rate search of bench/README.md, with Pktgen's
-- ports instead of nfvpn-gen (bench/pktgen/README.md). The scenario scripts
-- (forward.lua, filter.lua, esp-encrypt.lua, esp-decrypt.lua) set a
-- configuration and call run(). Only functions of Pktgen 23.03's Lua API
-- are used (tests/smoke/bench_pktgen_standin.lua lists them).
--
-- Rates are frames/s; Pktgen's "rate" is a percent of the port's link
-- speed, converted here as Pktgen does ((size + 20) * 8 bits a frame).
-- A trial sends for duration_ms on tx_port, stops, waits pause_ms (Pktgen
-- refreshes portStats once a second: at least 1000) and reads the frames
-- sent on tx_port and received on rx_port as differences of portStats.

local M = {}

-- The traffic of nfvpn-bench's scenarios (bench/nfvpnbench/scenario.py):
-- UDP from the LAN 10.0.0.0/24 that the policies protect, to 100.0.0.0/14
-- (1,000 routed /24 and the default route), to the DUT's p0. 1024 flows:
-- every range field's period divides 1024, so the 5-tuples repeat every
-- 1024 frames (destinations: 1024 /24 prefixes, one address each).
M.traffic = {
	dst_mac = "02:00:00:00:00:01",	-- the DUT's p0
	src_mac = "02:00:00:00:00:02",	-- its neighbour 10.0.0.2
	src_ip = { start = "10.0.0.2", min = "10.0.0.2", max = "10.0.0.65", inc = "0.0.0.1" },
	dst_ip = { start = "100.0.0.1", min = "100.0.0.1", max = "100.3.255.1", inc = "0.0.1.0" },
	src_port = { start = 1024, min = 1024, max = 2047, inc = 1 },
	dst_port = { start = 5000, min = 5000, max = 5063, inc = 1 },
}

-- Frame sizes with FCS of the pcaps (bench/pktgen/mkpcap.py), for the
-- percent conversion: Pktgen paces a pcap by its average frame.
M.pcap_avg = {
	["udp"] = { ["64"] = 64, ["512"] = 512, ["1400"] = 1400, imix = (7 * 64 + 4 * 570 + 1518) / 12 },
	-- ESP of the cleartext frames (tunnel, AES-GCM-128): 64 -> 118,
	-- 512 -> 566, 1400 -> 1454; IMIX 64, 570, 1464 -> 118, 626, 1518
	["esp"] = { ["64"] = 118, ["512"] = 566, ["1400"] = 1454, imix = (7 * 118 + 4 * 626 + 1518) / 12 },
}

M.defaults = {
	tx_port = "0",		-- to the DUT's p0
	rx_port = "1",		-- from the DUT's p1
	sizes = { 64, 512, 1400 },
	duration_ms = 10000,
	pause_ms = 1500,	-- >= 1000: portStats is a snapshot taken once a second
	precision = 0.02,	-- stop when (hi - lo) / hi <= 2 %
	tolerance = 0.01,	-- the generator reached the asked rate within 1 %
	min_rate = 1000,	-- frames/s
	pdr_loss = 0.005,	-- 0.5 %
	limit_trials = 3,	-- full-speed trials of the loopback (mode "limit")
	mode = "search",	-- "limit": measure the generator through a loopback
	gen_limit = 0,		-- frames/s for every size (0: from limits_file)
	link_mbps = 0,		-- 0: the port's link speed (linkState)
	pcap = false,		-- replay the pcap given with -s PORT:FILE (one size)
	pcap_label = "imix",	-- the size column of a pcap run
	results = "",		-- default: nfvpn-bench-pktgen.csv beside the scripts
	limits_file = "",	-- default: nfvpn-bench-pktgen-limits.csv beside them
	quit = true,		-- pktgen.quit() at the end
}

-- Keys an environment variable NFVPN_<KEY> may set. Not the scenario: the
-- script fixes it (filter.lua: NFVPN_FILTER_RULES).
local ENV_KEYS = { "tx_port", "rx_port", "sizes", "duration_ms", "pause_ms", "precision",
	"tolerance", "min_rate", "pdr_loss", "limit_trials", "mode", "gen_limit", "link_mbps",
	"pcap", "pcap_label", "results", "limits_file", "quit" }

local function with_defaults(conf)
	local c = {}
	for k, v in pairs(M.defaults) do c[k] = v end
	for _, k in ipairs(ENV_KEYS) do
		local e = os.getenv("NFVPN_" .. string.upper(k))
		local v = M.defaults[k]
		if e ~= nil and e ~= "" then
			if type(v) == "number" then
				c[k] = assert(tonumber(e), "NFVPN_" .. string.upper(k) .. ": not a number")
			elseif type(v) == "boolean" then
				c[k] = (e == "1" or e == "true" or e == "yes")
			elseif type(v) == "table" then
				c[k] = {}
				for s in string.gmatch(e, "[^,]+") do
					local n = assert(tonumber(s), "NFVPN_SIZES: " .. s)
					table.insert(c[k], n)
				end
			else
				c[k] = e
			end
		end
	end
	-- the script's own settings win over the environment (scenario, pcap)
	for k, v in pairs(conf or {}) do c[k] = v end
	assert(c.scenario and c.dir and c.traffic, "run: scenario, dir and traffic")
	assert(c.pause_ms >= 1000, "pause_ms must be >= 1000 (portStats is refreshed once a second)")
	assert(c.mode == "search" or c.mode == "limit", "NFVPN_MODE: search or limit")
	if c.results == "" then c.results = c.dir .. "nfvpn-bench-pktgen.csv" end
	if c.limits_file == "" then c.limits_file = c.dir .. "nfvpn-bench-pktgen-limits.csv" end
	c.duration_ms = math.floor(c.duration_ms)
	c.pause_ms = math.floor(c.pause_ms)
	return c
end

-- The port's link speed in Mb/s ("<UP-100000-FD>").
local function link_mbps(c)
	if c.link_mbps > 0 then return c.link_mbps end
	local st = pktgen.linkState(c.tx_port)[tonumber(c.tx_port)]
	local mbps = tonumber(string.match(tostring(st), "^<UP%-(%d+)%-"))
	assert(mbps and mbps > 0, "port " .. c.tx_port .. " is not up (" .. tostring(st) ..
		"); start Pktgen after the DUT, or set NFVPN_LINK_MBPS")
	return mbps
end

-- frames/s -> Pktgen's rate (% of the link), as a string for "set rate"
function M.percent(c, pps, size)
	local pct = pps * (size + 20) * 8 / (c.mbps * 1e6) * 100
	return string.format("%.6f", math.min(100, pct))
end

function M.line_pps(c, size)
	return c.mbps * 1e6 / ((size + 20) * 8)
end

function M.setup(c)
	local p = c.tx_port
	pktgen.stop(p)
	pktgen.set(p, "count", 0)	-- send until stopped
	if c.pcap then
		pktgen.set_range(p, "off")
		pktgen.pcap(p, "on")
		return
	end
	pktgen.pcap(p, "off")
	local t = M.traffic
	pktgen.set_type(p, "ipv4")
	pktgen.set_proto(p, "udp")
	pktgen.range.ip_proto(p, "udp")
	pktgen.range.dst_mac(p, "start", t.dst_mac)
	pktgen.range.dst_mac(p, "min", t.dst_mac)
	pktgen.range.dst_mac(p, "max", t.dst_mac)
	pktgen.range.dst_mac(p, "inc", "00:00:00:00:00:00")
	pktgen.range.src_mac(p, "start", t.src_mac)
	pktgen.range.src_mac(p, "min", t.src_mac)
	pktgen.range.src_mac(p, "max", t.src_mac)
	pktgen.range.src_mac(p, "inc", "00:00:00:00:00:00")
	for _, f in ipairs({ "src_ip", "dst_ip", "src_port", "dst_port" }) do
		for _, w in ipairs({ "start", "min", "max", "inc" }) do
			pktgen.range[f](p, w, t[f][w])
		end
	end
	pktgen.set_range(p, "on")
end

function M.set_size(c, size)
	if c.pcap then return end
	for _, w in ipairs({ "start", "min", "max" }) do
		pktgen.range.pkt_size(c.tx_port, w, size)
	end
	pktgen.range.pkt_size(c.tx_port, "inc", 0)
end

local function counters(c)
	local tx = pktgen.portStats(c.tx_port, "port")[tonumber(c.tx_port)]
	local rx = pktgen.portStats(c.rx_port, "port")[tonumber(c.rx_port)]
	return tx.opackets, rx.ipackets
end

-- One trial at pct % of the link: frames sent and received.
function M.run_trial(c, pct)
	pktgen.set(c.tx_port, "rate", pct)
	local o0, i0 = counters(c)
	pktgen.start(c.tx_port)
	pktgen.delay(c.duration_ms)
	pktgen.stop(c.tx_port)
	pktgen.delay(c.pause_ms)
	local o1, i1 = counters(c)
	return { duration = c.duration_ms / 1000, sent = o1 - o0, received = i1 - i0 }
end

local function read_limits(c)
	local lim = {}
	local f = io.open(c.limits_file, "r")
	if f == nil then return lim end
	for line in f:lines() do
		local traffic, size, pps = string.match(line, "^([%w-]+),([%w]+),([%d.]+)")
		if traffic ~= nil then lim[traffic .. "," .. size] = tonumber(pps) end
	end
	f:close()
	return lim
end

local function append(path, header, row)
	local f = io.open(path, "r")
	local new = f == nil or f:read(1) == nil
	if f ~= nil then f:close() end
	f = assert(io.open(path, "a"))
	if new then f:write(header, "\n") end
	f:write(row, "\n")
	f:close()
end

local function fmt_limit(l)
	return l and string.format("%.0f", l) or ""
end

-- mode "limit": the generator alone (a loopback in place of the DUT)
local function measure_limit(c, label, avg)
	local best = 0
	for i = 1, c.limit_trials do
		local t = M.run_trial(c, "100")
		local r = math.min(t.sent, t.received) / t.duration
		print(string.format("[limit %s %s] trial %d: sent %d received %d in %.1f s: %.0f frames/s",
			c.traffic, label, i, t.sent, t.received, t.duration, r))
		if r > best then best = r end
	end
	append(c.limits_file, "traffic,size,limit_pps,line_pps",
		string.format("%s,%s,%.0f,%.0f", c.traffic, label, best, M.line_pps(c, avg)))
	print(string.format("generator limit %s size %s: %.0f frames/s (line %.0f)",
		c.traffic, label, best, M.line_pps(c, avg)))
	return best
end

local function search_size(c, label, avg, limits)
	local search = dofile(c.dir .. "nfvpn_search.lua")
	local limit = c.gen_limit > 0 and c.gen_limit or limits[c.traffic .. "," .. label]
	local max = limit or M.line_pps(c, avg)
	if limit == nil then
		print(string.format("%s size %s: no generator limit (run NFVPN_MODE=limit through a " ..
			"loopback first): a rate the generator does not reach is invalid", c.scenario, label))
	end
	local ctx = search.new({
		max = math.floor(max), limit = limit, tolerance = c.tolerance,
		precision = c.precision, min_rate = c.min_rate,
		trial = function(rate)
			local t = M.run_trial(c, M.percent(c, rate, avg))
			t.asked = rate
			return t
		end,
		log = function(r)
			print(string.format("[%s %s] asked %.0f/s: sent %d (%.0f/s) received %d: %s",
				c.scenario, label, r.asked, r.sent, r.achieved, r.received,
				r.valid and string.format("loss %.4f%%%s", 100 * r.loss,
					r.held_back and " (held back by the DUT)" or "")
				or "invalid: the generator did not reach the rate"))
		end,
	})
	local ndr = search.search(ctx, 0)
	local pdr = search.search(ctx, c.pdr_loss)
	local function show(r)
		return string.format("%.0f%s", r.rate, r.generator_bound and "+" or "")
	end
	print(string.format("%s size %s: NDR %s PDR %s frames/s (gen limit %s; + generator-bound) " ..
		"%d trials, %d invalid", c.scenario, label, show(ndr), show(pdr),
		limit and string.format("%.0f", limit) or "unknown", ctx.trials, ctx.invalid))
	append(c.results, "scenario,size,ndr_pps,pdr_pps,ndr_generator_bound,pdr_generator_bound," ..
		"gen_limit_pps,trials,invalid_trials",
		string.format("%s,%s,%.0f,%.0f,%d,%d,%s,%d,%d", c.scenario, label, ndr.rate, pdr.rate,
			ndr.generator_bound and 1 or 0, pdr.generator_bound and 1 or 0,
			fmt_limit(limit), ctx.trials, ctx.invalid))
end

function M.run(conf)
	local c
	local ok, err = pcall(function()
		c = with_defaults(conf)
		c.mbps = link_mbps(c)
		M.setup(c)
		pktgen.delay(c.pause_ms)	-- a fresh portStats snapshot
		local limits = read_limits(c)
		local labels = c.pcap and { c.pcap_label } or c.sizes
		for _, size in ipairs(labels) do
			local label = tostring(size)
			local avg = c.pcap and assert(M.pcap_avg[c.traffic][label],
				"no pcap of size " .. label) or size
			M.set_size(c, size)
			if c.mode == "limit" then
				measure_limit(c, label, avg)
			else
				search_size(c, label, avg, limits)
			end
		end
	end)
	if not ok then
		print("nfvpn_bench: " .. tostring(err))
	end
	if c == nil or c.quit then
		pktgen.quit()	-- also after an error: Pktgen must not stay up
	end
	if not ok then
		error(err, 0)
	end
	return c
end

-- The directory of the calling script, from its chunk name ("@path").
function M.dir(level)
	local src = debug.getinfo((level or 1) + 1, "S").source
	return string.match(src, "^@(.*/)") or "./"
end

return M
