-- A stand-in for Pktgen-DPDK's Lua API, enough for bench/pktgen/*.lua, over
-- a fake device: no loss up to NDR % of the line rate, then a loss growing
-- linearly to 1 % at KNEE %, then everything above the knee dropped.
--   lua5.4 bench_pktgen_stub.lua SCRIPT NDR KNEE LOG
local script, ndr, knee, logpath = arg[1], tonumber(arg[2]), tonumber(arg[3]), arg[4]
local log = assert(io.open(logpath, "w"))
local LINE = 1e6	-- frames a trial at 100 %
local state = { rate = {}, size = {}, running = {}, tx = {}, rx = {}, pcap = {}, calls = 0 }

local function loss(r)
	if r <= ndr then return 0 end
	if r <= knee then return 0.01 * (r - ndr) / (knee - ndr) end
	return math.max(0.01, 1 - knee * 1.01 / r)
end

local function call(name, ...)
	state.calls = state.calls + 1
	local a = { ... }
	for i = 1, #a do a[i] = tostring(a[i]) end
	log:write(name, " ", table.concat(a, " "), "\n")
end

pktgen = setmetatable({}, { __index = function(_, k)
	return function(...) call(k, ...) end	-- set_mac, range, dst_ip...
end })
function pktgen.set(port, what, v)
	call("set", port, what, v)
	if what == "rate" then
		assert(type(v) == "number" and v >= 0 and v <= 100, "bad rate " .. tostring(v))
		state.rate[port] = v
	end
	if what == "size" then state.size[port] = v end
end
function pktgen.pcap(port, on) call("pcap", port, on); state.pcap[port] = on == "on" end
function pktgen.clr() call("clr"); state.tx = {}; state.rx = {} end
function pktgen.start(port)
	call("start", port)
	assert(state.rate[port], "start before set rate")
	local r = state.rate[port]
	local tx = math.floor(LINE * r / 100)
	state.tx[port] = tx
	state.rx["1"] = tx - math.ceil(tx * loss(r) - 1e-9)
end
function pktgen.stop(port) call("stop", port) end
function pktgen.delay(ms) assert(ms > 0) end
function pktgen.portStats(port, kind)
	assert(kind == "port")
	local n = tonumber(port)
	return { [n] = { opackets = state.tx[port] or 0, ipackets = state.rx[port] or 0 } }
end

dofile(script)
log:close()
