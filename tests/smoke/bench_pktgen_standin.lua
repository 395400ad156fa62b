-- A strict stand-in for Pktgen-DPDK 23.03's Lua API, for bench/pktgen/*.lua
-- without Pktgen (not in Debian 12). It defines exactly the functions of
-- the `pktgen` table and of its `pktgen.range` sub-table, each with the
-- argument counts its C function accepts (lua_gettop) and the argument
-- shapes it checks (luaL_checkstring / checkinteger / checknumber, a port
-- list, on|off, start|min|max|inc, a MAC, an IPv4 address): a name Pktgen
-- does not have is nil here too ("attempt to call a nil value"), a wrong
-- count or shape is an error, as in Pktgen.
--
-- API table source: Pktgen-DPDK's Lua library, lpktgenlib.c (luaL_Reg
-- pktgenlib[] and pktgenlib_range[], and each function's switch on
-- lua_gettop). The file read was app/lpktgenlib.c of the stored copy of
-- pktgen/Pktgen-DPDK (commit 00e20881754dbef632e93cc525a61679ecd97654, a
-- pre-23.03 version: lib/lua/lua_pktgen.c of 23.03 itself was not
-- available to us). That version also registers the range functions at the
-- top level (pktgen.dst_ip ...); Pktgen 23.03 does not (issue 18, run on a
-- 23.03.0 build: "attempt to call a nil value (field 'dst_ip')"), so they
-- are only in pktgen.range here. Version modelled: 23.03.0.
--
-- The generator it simulates: a port of LINK_MBPS (memif says 100 Gb/s)
-- whose transmit reaches at most --gen-max frames/s, into a device that
-- loses nothing up to --ndr frames/s, then a loss growing linearly to 1 %
-- at --knee, and everything above the knee beyond 1 % of it dropped; a
-- device that takes at most --hold frames/s holds the generator back to
-- that rate (memif: Pktgen waits for room in the ring); --pace F: the
-- generator's pacing sends F times the rate asked (Pktgen's rounding of
-- its transmit cycles; F = 0.995: 0.5 % short). --loopback: no
-- device (everything sent comes back). Time advances with pktgen.delay;
-- portStats is a snapshot taken at each whole second, as Pktgen's timer
-- does: a script that reads it without waiting a second reads old numbers.
--
--   lua5.4 bench_pktgen_standin.lua [--gen-max PPS] [--ndr PPS --knee PPS]
--       [--hold PPS] [--pace F] [--loopback] [--pcap PORT:FILE] [--jumbo]
--       [--log FILE] SCRIPT
-- The log holds one line per call and "traffic ..." lines describing what
-- was sent (tests/smoke/bench_pktgen_test.sh checks them). Exit status 1
-- on any API violation (even one the script caught with pcall), on a
-- script error, or when the script never called pktgen.quit().

local VERSION = "23.03.0"
local LINK_MBPS = 100000
local MAX_FRAME = 1518		-- Pktgen without -j (jumbo)

local opt = { gen_max = 1e12, ndr = 1e12, knee = 1e12, hold = 1e12, pace = 1, loopback = false,
	      pcap = nil, jumbo = false, log = "/dev/null" }
local script
do
	local i = 1
	while i <= #arg do
		local a = arg[i]
		if a == "--loopback" then opt.loopback = true
		elseif a == "--jumbo" then opt.jumbo = true
		elseif a == "--gen-max" then opt.gen_max = tonumber(arg[i + 1]); i = i + 1
		elseif a == "--ndr" then opt.ndr = tonumber(arg[i + 1]); i = i + 1
		elseif a == "--knee" then opt.knee = tonumber(arg[i + 1]); i = i + 1
		elseif a == "--hold" then opt.hold = tonumber(arg[i + 1]); i = i + 1
		elseif a == "--pace" then opt.pace = tonumber(arg[i + 1]); i = i + 1
		elseif a == "--pcap" then opt.pcap = arg[i + 1]; i = i + 1
		elseif a == "--log" then opt.log = arg[i + 1]; i = i + 1
		elseif script == nil then script = a
		else error("usage: bench_pktgen_standin.lua [options] SCRIPT") end
		i = i + 1
	end
	assert(script, "usage: bench_pktgen_standin.lua [options] SCRIPT")
end
local log = assert(io.open(opt.log, "w"))
local violations = 0
local quit_called = false

local function violation(msg)
	violations = violations + 1
	log:write("VIOLATION ", msg, "\n")
	io.stderr:write("stand-in: ", msg, "\n")
	error(msg, 3)
end

-- argument shapes (what lpktgenlib.c's checks accept)
local function is_int(v)
	if math.type(v) == "integer" then return true end
	if type(v) == "number" then return v == math.floor(v) end
	if type(v) == "string" then
		local n = tonumber(v)
		return n ~= nil and n == math.floor(n)
	end
	return false
end
local function ipv4(s)
	if type(s) ~= "string" then return nil end
	local a, b, c, d, m = string.match(s, "^(%d+)%.(%d+)%.(%d+)%.(%d+)(/?%d*)$")
	if a == nil then return nil end
	local v = 0
	for _, x in ipairs({ a, b, c, d }) do
		x = tonumber(x)
		if x > 255 then return nil end
		v = v * 256 + x
	end
	return v, m
end
local SHAPES = {
	portlist = function(v)
		if math.type(v) == "integer" then return v >= 0 end
		return type(v) == "string" and (v == "all" or string.match(v, "^[%d,%-]+$") ~= nil)
	end,
	string = function(v) return type(v) == "string" or type(v) == "number" end,
	int = is_int,
	number = function(v) return tonumber(v) ~= nil end,
	state = function(v)
		return v == "on" or v == "off" or v == "enable" or v == "disable"
	end,
	what = function(v) return v == "start" or v == "min" or v == "max" or v == "inc" end,
	srcdst = function(v) return v == "src" or v == "dst" end,
	mac = function(v)
		return type(v) == "string" and (string.match(v, "^%x%x:%x%x:%x%x:%x%x:%x%x:%x%x$") ~= nil
			or string.match(v, "^%x%x%x%x:%x%x%x%x:%x%x%x%x$") ~= nil)
	end,
	ip = function(v) local x, m = ipv4(v); return x ~= nil and m == "" end,
	ipnet = function(v) return ipv4(v) ~= nil end,
	proto = function(v) return v == "udp" or v == "tcp" or v == "icmp" end,
	type = function(v) return v == "ipv4" or v == "ipv6" or v == "arp" or v == "vlan" end,
	stats = function(v) return v == "port" or v == "rate" end,
	set = function(v)
		for _, w in ipairs({ "count", "size", "rate", "burst", "cycles", "sport", "dport",
			"ttl", "seq_cnt", "seqCnt", "prime", "dump" }) do
			if v == w then return true end
		end
		return false
	end,
	any = function() return true end,
}

-- name -> { counts accepted, shapes of the arguments }
-- nil counts: any (Pktgen does not check lua_gettop).
local API = {
	quit = { nil, {} },
	set = { { 3 }, { "portlist", "set", "number" } },
	start = { { 1 }, { "portlist" } },
	stop = { { 1 }, { "portlist" } },
	set_mac = { { 3 }, { "portlist", "srcdst", "mac" } },
	set_ipaddr = { { 3 }, { "portlist", "srcdst", "ipnet" } },
	mac_from_arp = { { 1 }, { "state" } },
	set_proto = { { 2 }, { "portlist", "proto" } },
	set_type = { { 2 }, { "portlist", "type" } },
	ping4 = { { 1 }, { "portlist" } },
	pcap = { { 2 }, { "portlist", "state" } },
	icmp_echo = { { 2 }, { "portlist", "state" } },
	send_arp = { { 2 }, { "portlist", "string" } },
	seq = { { 12, 13 }, { "int", "portlist", "mac", "mac", "ip", "ipnet", "int", "int", "string",
		"proto", "int", "int", "int" } },
	seqTable = { { 3 }, { "int", "portlist", "any" } },
	screen = { { 1 }, { "state" } },
	prime = { { 1 }, { "portlist" } },
	delay = { { 1 }, { "int" } },
	pause = { { 2 }, { "string", "int" } },
	sleep = { { 1 }, { "int" } },
	load = { { 1 }, { "string" } },
	save = { { 1 }, { "string" } },
	clear = { { 1 }, { "portlist" } },
	clr = { nil, {} },
	cls = { nil, {} },
	update = { nil, {} },
	reset = { { 1 }, { "portlist" } },
	port_restart = { { 1 }, { "portlist" } },
	portCount = { nil, {} },
	totalPorts = { nil, {} },
	vlan = { { 2 }, { "portlist", "state" } },
	vlanid = { { 2 }, { "portlist", "int" } },
	cos = { { 3 }, { "portlist", "any", "int" } },
	tos = { { 2 }, { "portlist", "int" } },
	vxlan = { { 2 }, { "portlist", "state" } },
	vxlan_id = { { 4 }, { "portlist", "int", "int", "int" } },
	mpls = { { 2 }, { "portlist", "state" } },
	qinq = { { 2 }, { "portlist", "state" } },
	gre = { { 2 }, { "portlist", "state" } },
	gre_eth = { { 2 }, { "portlist", "state" } },
	set_range = { { 2 }, { "portlist", "state" } },
	ports_per_page = { { 1 }, { "int" } },
	page = { { 1 }, { "string" } },
	port = { { 1 }, { "int" } },
	process = { { 2 }, { "portlist", "state" } },
	capture = { { 2 }, { "portlist", "state" } },
	garp = { { 2 }, { "portlist", "state" } },
	blink = { { 2 }, { "portlist", "state" } },
	help = { nil, {} },
	["Lua.help"] = { nil, {} },
	isSending = { { 1 }, { "portlist" } },
	linkState = { { 1 }, { "portlist" } },
	portSizes = { { 1 }, { "portlist" } },
	pktStats = { { 1 }, { "portlist" } },
	portStats = { { 2 }, { "portlist", "stats" } },
	portInfo = { { 1 }, { "portlist" } },
	run = { { 3 }, { "string", "string", "any" } },
	continue = { { 1 }, { "string" } },
	input = { { 1 }, { "string" } },
	pattern = { { 2 }, { "portlist", "string" } },
	userPattern = { { 2 }, { "portlist", "string" } },
	latency = { { 2 }, { "portlist", "state" } },
	jitter = { { 2 }, { "portlist", "int" } },
	gtpu_teid = { { 3 }, { "portlist", "what", "int" } },
	rnd = { { 4 }, { "portlist", "int", "int", "string" } },
	rnd_list = { { 0, 1 }, { "portlist" } },
	rxtap = { { 2 }, { "portlist", "state" } },
	txtap = { { 2 }, { "portlist", "state" } },
}
local RANGE_API = {
	dst_mac = { { 3 }, { "portlist", "what", "mac" } },
	src_mac = { { 3 }, { "portlist", "what", "mac" } },
	src_ip = { { 3 }, { "portlist", "what", "ip" } },
	dst_ip = { { 3 }, { "portlist", "what", "ip" } },
	ip_proto = { { 2 }, { "portlist", "proto" } },
	src_port = { { 3 }, { "portlist", "what", "int" } },
	dst_port = { { 3 }, { "portlist", "what", "int" } },
	ttl = { { 3 }, { "portlist", "what", "int" } },
	vlan_id = { { 3 }, { "portlist", "what", "int" } },
	mpls_entry = { { 2 }, { "portlist", "string" } },
	qinqids = { { 3 }, { "portlist", "int", "int" } },
	gre_key = { { 2 }, { "portlist", "int" } },
	pkt_size = { { 3 }, { "portlist", "what", "int" } },
	cos = { { 3 }, { "portlist", "what", "int" } },
	tos = { { 3 }, { "portlist", "what", "int" } },
}

-- the simulated generator
local function ports_of(pl)
	if pl == "all" then return { 0, 1 } end
	local out = {}
	for part in string.gmatch(tostring(pl), "[^,]+") do
		local a, b = string.match(part, "^(%d+)%-(%d+)$")
		if a then
			for p = tonumber(a), tonumber(b) do table.insert(out, p) end
		else
			table.insert(out, tonumber(part))
		end
	end
	for _, p in ipairs(out) do
		if p > 1 then violation("port " .. p .. ": only ports 0 and 1 exist") end
	end
	return out
end

local now = 0.0			-- seconds
local ports = {}
for p = 0, 1 do
	ports[p] = {
		o = 0, i = 0,			-- live counters
		snap = { o = 0, i = 0 },	-- what portStats returns
		rate = 100, count = 0, size = 64, sending = false, since = 0,
		pcap = false, range_on = false, proto = "tcp", type = "ipv4",
		-- Pktgen's range defaults (TCP from 192.168.0.1): a profile that
		-- forgets a field sends these
		range = {
			dst_mac = { start = "00:00:00:00:00:00", min = "00:00:00:00:00:00",
				    max = "00:00:00:00:00:00", inc = "00:00:00:00:00:00" },
			src_mac = { start = "00:00:00:00:00:00", min = "00:00:00:00:00:00",
				    max = "00:00:00:00:00:00", inc = "00:00:00:00:00:00" },
			src_ip = { start = "192.168.0.1", min = "192.168.0.1", max = "192.168.0.254", inc = "0.0.0.0" },
			dst_ip = { start = "192.168.1.1", min = "192.168.1.1", max = "192.168.1.254", inc = "0.0.0.1" },
			src_port = { start = 0, min = 0, max = 254, inc = 1 },
			dst_port = { start = 0, min = 0, max = 254, inc = 1 },
			pkt_size = { start = 64, min = 64, max = 64, inc = 0 },
			proto = "tcp",
		},
	}
end

-- a pcap loaded with -s PORT:FILE: its frames' sizes and 5-tuples
local pcap_frames = {}
if opt.pcap then
	local p, file = string.match(opt.pcap, "^(%d+):(.+)$")
	local f = assert(io.open(file, "rb"), "no pcap " .. tostring(file))
	local data = f:read("a")
	f:close()
	local magic = string.unpack("<I4", data, 1)
	assert(magic == 0xa1b2c3d4, file .. ": not a little-endian microsecond pcap")
	local off = 25
	while off <= #data do
		local _, _, incl, orig = string.unpack("<I4I4I4I4", data, off)
		local frame = string.sub(data, off + 16, off + 15 + incl)
		off = off + 16 + incl
		local size = orig + 4	-- with the FCS
		if size > MAX_FRAME and not opt.jumbo then
			violation(string.format("%s: a %d-byte frame (with FCS): Pktgen truncates it without -j",
				file, size))
		end
		local fr = { size = size, dmac = string.format("%02x:%02x:%02x:%02x:%02x:%02x",
			string.byte(frame, 1, 6)) }
		if string.unpack(">I2", frame, 13) == 0x0800 then
			local ihl = (string.byte(frame, 15) & 15) * 4
			fr.proto = string.byte(frame, 24)
			fr.src = string.unpack(">I4", frame, 27)
			fr.dst = string.unpack(">I4", frame, 31)
			if fr.proto == 17 then
				fr.sport, fr.dport = string.unpack(">I2I2", frame, 15 + ihl)
			end
		end
		table.insert(pcap_frames, fr)
	end
	ports[tonumber(p)].pcap_loaded = true
end

local function ip_str(v)
	return string.format("%d.%d.%d.%d", v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255)
end

-- the frames one port sends, described: mode, sizes, proto, address ranges, flows
local function describe(port)
	local st = ports[port]
	if st.pcap then
		local sizes, flows, lo, hi = {}, {}, {}, {}
		local total, protos, dmacs = 0, {}, {}
		for _, f in ipairs(pcap_frames) do
			sizes[f.size] = true
			total = total + f.size
			protos[f.proto or -1] = true
			dmacs[f.dmac] = true
			flows[table.concat({ f.src or 0, f.dst or 0, f.sport or 0, f.dport or 0 }, ",")] = true
			for _, k in ipairs({ "src", "dst", "sport", "dport" }) do
				if f[k] then
					lo[k] = math.min(lo[k] or f[k], f[k])
					hi[k] = math.max(hi[k] or f[k], f[k])
				end
			end
		end
		local function keys(t)
			local o = {}
			for k in pairs(t) do table.insert(o, tostring(k)) end
			table.sort(o)
			return table.concat(o, ",")
		end
		local n = 0
		for _ in pairs(flows) do n = n + 1 end
		return string.format("mode=pcap proto=%s dmac=%s src=%s-%s dst=%s-%s sport=%s-%s dport=%s-%s " ..
			"flows=%d sizes=%s avg=%.2f",
			keys(protos), keys(dmacs), ip_str(lo.src or 0), ip_str(hi.src or 0),
			ip_str(lo.dst or 0), ip_str(hi.dst or 0), lo.sport or 0, hi.sport or 0,
			lo.dport or 0, hi.dport or 0, n, keys(sizes), total / #pcap_frames), total / #pcap_frames
	end
	if not st.range_on then
		return string.format("mode=single proto=%s size=%d", st.proto, st.size), st.size
	end
	-- range mode: every field steps each frame; the tuples repeat with the
	-- least common multiple of the fields' periods
	local r = st.range
	local function field(k, conv)
		local f = r[k]
		local s, mn, mx, inc = conv(f.start), conv(f.min), conv(f.max), conv(f.inc)
		if s < mn or s > mx then
			violation(string.format("range %s: start %s outside %s..%s", k, f.start, f.min, f.max))
		end
		return { v = s, min = mn, max = mx, inc = inc }
	end
	local fs = { src = field("src_ip", ipv4), dst = field("dst_ip", ipv4),
		     sport = field("src_port", tonumber), dport = field("dst_port", tonumber) }
	local seen, n = {}, 0
	local lo, hi = {}, {}
	for _ = 1, 1 << 16 do
		local key = table.concat({ fs.src.v, fs.dst.v, fs.sport.v, fs.dport.v }, ",")
		if not seen[key] then seen[key] = true; n = n + 1 end
		for k, f in pairs(fs) do
			lo[k] = math.min(lo[k] or f.v, f.v)
			hi[k] = math.max(hi[k] or f.v, f.v)
			f.v = f.v + f.inc
			if f.v > f.max then f.v = f.min end
		end
	end
	local ps = r.pkt_size
	if tonumber(ps.inc) ~= 0 or ps.min ~= ps.max then
		violation("range pkt_size: not one size")
	end
	local size = tonumber(ps.start)
	if size > MAX_FRAME and not opt.jumbo then
		violation(string.format("range pkt_size %d: over %d without -j", size, MAX_FRAME))
	end
	return string.format("mode=range proto=%s dmac=%s src=%s-%s dst=%s-%s sport=%d-%d dport=%d-%d " ..
		"flows=%s size=%d", r.proto, r.dst_mac.start, ip_str(lo.src), ip_str(hi.src),
		ip_str(lo.dst), ip_str(hi.dst), lo.sport, hi.sport, lo.dport, hi.dport,
		n >= (1 << 16) and ">=65536" or tostring(n), size), size
end

-- describe() once per configuration (the range walk is 65536 frames)
local describe_uncached = describe
local memo = {}
describe = function(port)
	local st, r = ports[port], ports[port].range
	local key = { port, tostring(st.pcap), tostring(st.range_on), st.proto, st.size, r.proto }
	for _, k in ipairs({ "dst_mac", "src_ip", "dst_ip", "src_port", "dst_port", "pkt_size" }) do
		for _, w in ipairs({ "start", "min", "max", "inc" }) do
			table.insert(key, tostring(r[k][w]))
		end
	end
	key = table.concat(key, "|")
	if memo[key] == nil then
		memo[key] = { describe_uncached(port) }
	end
	return table.unpack(memo[key])
end

local described = {}
local function device_loss(r)
	if opt.loopback or r <= opt.ndr then return 0 end
	if r <= opt.knee then return 0.01 * (r - opt.ndr) / (opt.knee - opt.ndr) end
	return math.max(0.01, 1 - opt.knee * 1.01 / r)
end

local function tick(t)
	-- time moves to t; the snapshot of the counters is refreshed at each
	-- whole second crossed
	local crossed = math.floor(t) > math.floor(now)
	for _, st in pairs(ports) do
		if st.sending then
			local dt = t - st.since
			local sent = math.floor(st.pps_out * dt)
			st.o = st.o + sent
			ports[1].i = ports[1].i + sent - math.ceil(sent * device_loss(st.pps_out) - 1e-9)
			st.since = t
		end
	end
	now = t
	if crossed then
		for _, st in pairs(ports) do st.snap = { o = st.o, i = st.i } end
	end
end

local impl = {}
function impl.set(pl, what, v)
	for _, p in ipairs(ports_of(pl)) do
		if what == "rate" then
			local r = tonumber(v)
			if r <= 0 or r > 100 then violation("set rate " .. tostring(v) .. ": 0 < rate <= 100") end
			ports[p].rate = r
		elseif what == "size" then ports[p].size = tonumber(v)
		elseif what == "count" then ports[p].count = tonumber(v)
		end
	end
end
function impl.start(pl)
	for _, p in ipairs(ports_of(pl)) do
		local st = ports[p]
		if st.pcap and not st.pcap_loaded then violation("pcap on port " .. p .. " but no -s " .. p .. ":FILE") end
		local desc, size = describe(p)
		if not described[desc] then
			described[desc] = true
			log:write("traffic port=", p, " ", desc, "\n")
		end
		local asked = st.rate / 100 * LINK_MBPS * 1e6 / ((size + 20) * 8)
		st.pps_out = math.min(asked * opt.pace, opt.gen_max, opt.loopback and 1e12 or opt.hold)
		st.sending, st.since = true, now
	end
end
function impl.stop(pl)
	tick(now)
	for _, p in ipairs(ports_of(pl)) do ports[p].sending = false end
end
function impl.delay(ms) tick(now + tonumber(ms) / 1000) end
function impl.sleep(s) tick(now + tonumber(s)) end
function impl.pause(_, ms) tick(now + tonumber(ms) / 1000) end
function impl.pcap(pl, s)
	for _, p in ipairs(ports_of(pl)) do ports[p].pcap = (s == "on" or s == "enable") end
end
function impl.set_range(pl, s)
	for _, p in ipairs(ports_of(pl)) do ports[p].range_on = (s == "on" or s == "enable") end
end
function impl.set_proto(pl, v) for _, p in ipairs(ports_of(pl)) do ports[p].proto = v end end
function impl.set_type(pl, v) for _, p in ipairs(ports_of(pl)) do ports[p].type = v end end
function impl.clr() for _, st in pairs(ports) do st.o, st.i, st.snap = 0, 0, { o = 0, i = 0 } end end
function impl.portStats(pl, _)
	local t, n = {}, 0
	for _, p in ipairs(ports_of(pl)) do
		local s = ports[p].snap
		t[p] = { ipackets = s.i, opackets = s.o, ibytes = 0, obytes = 0, ierrors = 0, oerrors = 0,
			 rx_nombuf = 0, imissed = 0 }
		n = n + 1
	end
	t.n = n
	return t
end
function impl.linkState(pl)
	local t, n = {}, 0
	for _, p in ipairs(ports_of(pl)) do t[p] = "<UP-" .. LINK_MBPS .. "-FD>"; n = n + 1 end
	t.n = n
	return t
end
function impl.isSending(pl)
	local t, n = {}, 0
	for _, p in ipairs(ports_of(pl)) do t[p] = ports[p].sending and "y" or "n"; n = n + 1 end
	t.n = n
	return t
end
function impl.portCount() return 2 end
function impl.totalPorts() return 2 end
function impl.quit() quit_called = true end
local range_impl = {}
for _, k in ipairs({ "dst_mac", "src_mac", "src_ip", "dst_ip", "src_port", "dst_port", "pkt_size" }) do
	range_impl[k] = function(pl, what, v)
		for _, p in ipairs(ports_of(pl)) do ports[p].range[k][what] = v end
	end
end
function range_impl.ip_proto(pl, v) for _, p in ipairs(ports_of(pl)) do ports[p].range.proto = v end end

local function wrap(prefix, name, spec, fn)
	local counts, shapes = spec[1], spec[2]
	return function(...)
		local n = select("#", ...)
		local args = { ... }
		local shown = {}
		for i = 1, n do shown[i] = tostring(args[i]) end
		log:write(prefix, name, "(", table.concat(shown, ", "), ")\n")
		if quit_called then
			violation(prefix .. name .. ": called after pktgen.quit()")
		end
		if counts ~= nil then
			local ok = false
			for _, c in ipairs(counts) do ok = ok or c == n end
			if not ok then
				violation(string.format("%s, wrong number of arguments (%d; Pktgen %s takes %s)",
					name, n, VERSION, table.concat(counts, " or ")))
			end
		end
		for i = 1, n do
			local sh = shapes[i] or "any"
			if not SHAPES[sh](args[i]) then
				violation(string.format("%s%s: argument %d (%s) is not a %s", prefix, name, i,
					tostring(args[i]), sh))
			end
		end
		if fn then return fn(...) end
	end
end

pktgen = {}
for name, spec in pairs(API) do pktgen[name] = wrap("pktgen.", name, spec, impl[name]) end
pktgen.range = {}
for name, spec in pairs(RANGE_API) do
	pktgen.range[name] = wrap("pktgen.range.", name, spec, range_impl[name])
end
pktgen.info = { Pktgen_Version = VERSION, Lua_Version = _VERSION }

local ok, err = pcall(dofile, script)
if not ok then
	log:write("ERROR ", tostring(err), "\n")
	io.stderr:write("stand-in: ", script, ": ", tostring(err), "\n")
end
if not quit_called then
	log:write("ERROR the script never called pktgen.quit()\n")
	io.stderr:write("stand-in: ", script, ": never called pktgen.quit()\n")
end
log:close()
os.exit((ok and quit_called and violations == 0) and 0 or 1)
