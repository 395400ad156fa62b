-- nfvpn-bench for Pktgen-DPDK: the no-drop-rate and partial-drop-rate
-- search of bench/README.md with Pktgen's ports instead of nfvpn-gen.
-- The scenario scripts (forward.lua, filter.lua, esp-encrypt.lua,
-- esp-decrypt.lua) set a configuration and call run(); see README.md.
--
-- Rates are in percent of the line rate, as Pktgen's "set rate" takes them.
-- A trial sends for duration_ms on tx_port, waits pause_ms for the last
-- frames, and compares the frames sent with the frames received on rx_port.

local M = {}

M.defaults = {
	scenario = "forward",
	tx_port = "0",		-- to the DUT's p0
	rx_port = "1",		-- from the DUT's p1
	sizes = { 64, 512, 1400 },
	duration_ms = 10000,
	pause_ms = 1000,
	precision = 0.5,	-- stop when the interval is this wide (% of line rate)
	min_rate = 0.1,		-- % of line rate: below it the answer is 0
	pdr_loss = 0.005,	-- 0.5 %
	pcap = false,		-- replay the pcap given with -s PORT:FILE (one size)
	pcap_label = "pcap",	-- the size column of a pcap run (e.g. "imix")
	results = "nfvpn-bench-pktgen.csv",
	dst_mac = "02:00:00:00:00:01",
	src_ip = "10.0.0.2/24",
	dst_ip = "100.0.0.1",
	flows = 64,		-- destination addresses walked by the range page
}

local function with_defaults(conf)
	local c = {}
	for k, v in pairs(M.defaults) do c[k] = v end
	for k, v in pairs(conf or {}) do c[k] = v end
	-- an environment variable overrides a key: NFVPN_DURATION_MS=2000 ...
	for k, v in pairs(M.defaults) do
		local e = os.getenv("NFVPN_" .. string.upper(k))
		if e ~= nil and e ~= "" then
			if type(v) == "number" then
				c[k] = tonumber(e)
			elseif type(v) == "boolean" then
				c[k] = (e == "1" or e == "true")
			elseif type(v) == "table" then
				c[k] = {}
				for s in string.gmatch(e, "[^,]+") do table.insert(c[k], tonumber(s)) end
			else
				c[k] = e
			end
		end
	end
	return c
end

-- UDP flows from 10.0.0.0/24 to 100.0.0.0/24.. (the routes of the policy),
-- to the DUT's MAC; or the pcap the command line loaded.
function M.setup(c)
	pktgen.stop("all")
	if c.pcap then
		pktgen.pcap(c.tx_port, "on")
		return
	end
	pktgen.set_mac(c.tx_port, "dst", c.dst_mac)
	pktgen.set_ipaddr(c.tx_port, "src", c.src_ip)
	pktgen.set_ipaddr(c.tx_port, "dst", c.dst_ip)
	pktgen.set_proto(c.tx_port, "udp")
	pktgen.set(c.tx_port, "count", 0)
	pktgen.dst_ip(c.tx_port, "start", c.dst_ip)
	pktgen.dst_ip(c.tx_port, "inc", "0.0.1.0")
	pktgen.dst_ip(c.tx_port, "min", c.dst_ip)
	pktgen.dst_ip(c.tx_port, "max", string.format("100.0.%d.1", c.flows - 1))
	pktgen.dst_mac(c.tx_port, "start", c.dst_mac)
	pktgen.range(c.tx_port, "on")
end

-- One trial: the loss ratio at rate % of the line rate.
function M.trial(c, size, rate)
	pktgen.clr()
	if not c.pcap then
		pktgen.set(c.tx_port, "size", size)
		pktgen.pkt_size(c.tx_port, "start", size)
		pktgen.pkt_size(c.tx_port, "min", size)
		pktgen.pkt_size(c.tx_port, "max", size)
	end
	pktgen.set(c.tx_port, "rate", rate)
	pktgen.start(c.tx_port)
	pktgen.delay(c.duration_ms)
	pktgen.stop(c.tx_port)
	pktgen.delay(c.pause_ms)
	local tx = pktgen.portStats(c.tx_port, "port")[tonumber(c.tx_port)].opackets
	local rx = pktgen.portStats(c.rx_port, "port")[tonumber(c.rx_port)].ipackets
	if tx == 0 then
		return 1.0, tx, rx
	end
	return math.max(0, tx - rx) / tx, tx, rx
end

-- Bisection for one loss target; `seen` holds the losses measured so far
-- at this size (rate -> loss), shared by the NDR and the PDR searches.
function M.search(c, size, target, seen)
	local function loss_at(rate)
		if seen[rate] == nil then
			local l, tx, rx = M.trial(c, size, rate)
			seen[rate] = l
			print(string.format("[%s %s] rate %.2f%%: tx %d rx %d loss %.4f%%",
				c.scenario, tostring(size), rate, tx, rx, 100 * l))
		end
		return seen[rate]
	end
	if loss_at(100) <= target then
		return 100
	end
	local lo, hi = 0, 100
	for rate, l in pairs(seen) do
		if l <= target and rate > lo then lo = rate end
		if l > target and rate < hi then hi = rate end
	end
	while hi - lo > c.precision do
		local mid = (lo + hi) / 2
		if loss_at(mid) <= target then lo = mid else hi = mid end
	end
	if lo < c.min_rate then
		return 0
	end
	return lo
end

function M.run(conf)
	local c = with_defaults(conf)
	local f = assert(io.open(c.results, "a"))
	local sizes = c.pcap and { c.pcap_label } or c.sizes
	M.setup(c)
	for _, size in ipairs(sizes) do
		local seen = {}
		local ndr = M.search(c, size, 0, seen)
		local pdr = M.search(c, size, c.pdr_loss, seen)
		local trials = 0
		for _ in pairs(seen) do trials = trials + 1 end
		print(string.format("%s size %s: NDR %.2f%% PDR %.2f%% of line rate (%d trials)",
			c.scenario, tostring(size), ndr, pdr, trials))
		f:write(string.format("%s,%s,%.3f,%.3f,%d\n", c.scenario, tostring(size), ndr, pdr, trials))
	end
	f:close()
	return c
end

return M
