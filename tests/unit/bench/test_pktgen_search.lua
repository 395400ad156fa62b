-- Unit test of bench/pktgen's rate search (bench/pktgen/nfvpn_search.lua)
-- against fake generators and devices: a generator that falls short of the
-- rate asked (its trials are invalid, the result generator-bound), a device
-- that holds the generator back (its loss, though everything sent came
-- back), a device slower than the generator (an ordinary search).
--   lua5.4 test_pktgen_search.lua PATH/TO/nfvpn_search.lua
local S = dofile(assert(arg[1], "usage: test_pktgen_search.lua nfvpn_search.lua"))

local failures = 0
local function check(cond, what)
	if cond then
		print("ok   " .. what)
	else
		print("FAIL " .. what)
		failures = failures + 1
	end
end
local function near(x, want, rel)
	return math.abs(x - want) <= rel * want
end

-- A fake generator over memif and a fake device. gen_max: the most the
-- generator sends a second; hold: the most the device takes (it holds the
-- generator back above it); ndr/knee: the device's loss curve (none up to
-- ndr, 1 % at knee, all above the knee beyond it).
local function fake(o)
	local calls = { n = 0 }
	local function loss(r)
		if o.ndr == nil or r <= o.ndr then return 0 end
		if r <= o.knee then return 0.01 * (r - o.ndr) / (o.knee - o.ndr) end
		return math.max(0.01, 1 - o.knee * 1.01 / r)
	end
	return function(rate)
		calls.n = calls.n + 1
		local d = 1
		local out = math.min(rate, o.gen_max or math.huge, o.hold or math.huge)
		local sent = math.floor(out * d)
		local received = sent - math.ceil(sent * loss(out) - 1e-9)
		if o.rx_max then received = math.min(received, math.floor(o.rx_max * d)) end
		return { asked = rate, duration = d, sent = sent, received = received }
	end, calls
end

-- judge
do
	local r = S.judge({ asked = 1e6, duration = 2, sent = 2e6, received = 2e6 - 20 }, nil, 0.01)
	check(r.valid and r.reached and near(r.loss, 1e-5, 1e-9), "judge: reached, loss counted against the frames sent")
	r = S.judge({ asked = 1e6, duration = 2, sent = 1.995e6, received = 1.995e6 }, nil, 0.01)
	check(r.valid and r.reached and r.loss == 0, "judge: 0.25 % short is within the tolerance")
	r = S.judge({ asked = 1e6, duration = 1, sent = 6e5, received = 6e5 }, nil, 0.01)
	check(not r.valid, "judge: short of the rate, no limit known: invalid (not a pass)")
	r = S.judge({ asked = 1e6, duration = 1, sent = 6e5, received = 6e5 }, 5e5, 0.01)
	check(not r.valid, "judge: short of a rate above the generator's limit: invalid")
	r = S.judge({ asked = 1e6, duration = 1, sent = 6e5, received = 6e5 }, 2e6, 0.01)
	check(r.valid and r.held_back and near(r.loss, 0.4, 1e-9),
		"judge: short of a rate below the limit: the device's loss, (asked - received) / asked")
	r = S.judge({ asked = 1e6, duration = 1, sent = 0, received = 0 }, nil, 0.01)
	check(not r.valid, "judge: nothing sent, no limit: invalid")
	check(near(r.achieved, 0, 0), "judge: achieved = sent / duration")
end

-- 1. a device slower than the generator: an ordinary search
do
	local trial = fake({ gen_max = 5e6, ndr = 3e6, knee = 3.2e6 })
	local ctx = S.new({ trial = trial, max = 5e6, limit = 5e6, precision = 0.02 })
	local ndr = S.search(ctx, 0)
	local pdr = S.search(ctx, 0.005)
	check(ndr.rate <= 3e6 and ndr.rate >= 3e6 * 0.98, "device-bound: NDR within 2 % below 3 Mpps (" .. ndr.rate .. ")")
	check(pdr.rate <= 3.1e6 and pdr.rate >= 3.1e6 * 0.98, "device-bound: PDR within 2 % below 3.1 Mpps (" .. pdr.rate .. ")")
	check(not ndr.generator_bound and not pdr.generator_bound, "device-bound: not generator-bound")
	check(ctx.invalid == 0, "device-bound: no invalid trial")
end

-- 2. a generator that falls short (2 Mpps), a perfect device, no limit
--    known: rates above 2 Mpps are invalid, never passes; the answer is
--    generator-bound. (The old script counted (sent - received) / sent = 0
--    at every rate and answered 100 % of the line.)
do
	local trial, calls = fake({ gen_max = 2e6 })
	local ctx = S.new({ trial = trial, max = 14.88e6, limit = nil, precision = 0.02 })
	local ndr = S.search(ctx, 0)
	-- a rate within the tolerance (1 %) of what it sent counts as reached
	check(ndr.rate <= 2e6 * 1.01 and ndr.rate >= 2e6 * 0.98,
		"short generator, no limit: NDR at what it reaches, within precision and tolerance (" .. ndr.rate .. ")")
	check(ndr.generator_bound and ndr.upper_unreachable, "short generator, no limit: generator-bound, upper rate unreachable")
	check(ctx.invalid > 0 and ctx.seen[14880000] and not ctx.seen[14880000].valid,
		"short generator, no limit: the full rate is invalid, not a pass")
	check(#ctx.seen[14880000].trials == 2, "short generator: an invalid trial is tried once more")
	check(calls.n == ctx.trials, "short generator: every trial counted")
end

-- 3. the same generator with its limit measured first (loopback): the
--    search starts at the limit, passes there, and says generator-bound
do
	local loop = fake({ gen_max = 2e6 })
	local limit = S.limit(function() return loop(1e9) end, 3)
	check(limit == 2e6, "limit: the loopback's min(sent, received) a second (" .. limit .. ")")
	local rx_short = fake({ gen_max = 2e6, rx_max = 1.5e6 })
	check(S.limit(function() return rx_short(1e9) end, 2) == 1.5e6,
		"limit: a generator that receives slower than it sends is limited by its receive side")
	local trial = fake({ gen_max = 2e6 })
	local ctx = S.new({ trial = trial, max = limit, limit = limit, precision = 0.02 })
	local ndr = S.search(ctx, 0)
	check(ndr.rate == 2e6 and ndr.generator_bound and ctx.trials == 1,
		"short generator, limit known: NDR = the limit, generator-bound, one trial")
end

-- 4. a device that holds the generator back (memif: it takes 1.5 Mpps and
--    no more) below the generator's limit (5 Mpps): every frame sent comes
--    back, but the shortfall is the device's loss
do
	local trial = fake({ gen_max = 5e6, hold = 1.5e6 })
	local ctx = S.new({ trial = trial, max = 5e6, limit = 5e6, precision = 0.02 })
	local ndr = S.search(ctx, 0)
	check(ndr.rate <= 1.5e6 * 1.01 and ndr.rate >= 1.5e6 * 0.98,
		"device holds back: NDR at what it takes (" .. ndr.rate .. ")")
	check(not ndr.generator_bound and ctx.invalid == 0, "device holds back: its loss, not generator-bound, no invalid trial")
end

-- 5. a generator that reaches 4 Mpps, a device good to 3.5 Mpps, limit
--    known: an ordinary search under the limit
do
	local trial = fake({ gen_max = 4e6, ndr = 3.5e6, knee = 3.6e6 })
	local ctx = S.new({ trial = trial, max = 4e6, limit = 4e6, precision = 0.02 })
	local ndr = S.search(ctx, 0)
	check(ndr.rate <= 3.5e6 and ndr.rate >= 3.5e6 * 0.98 and not ndr.generator_bound,
		"under the limit: NDR within 2 % (" .. ndr.rate .. ")")
end

-- 6. below min_rate the answer is 0
do
	local trial = fake({ gen_max = 5e6, ndr = 100, knee = 200 })
	local ctx = S.new({ trial = trial, max = 5e6, limit = 5e6, precision = 0.02, min_rate = 1000 })
	check(S.search(ctx, 0).rate == 0, "a device that loses at every rate: NDR 0")
end

if failures > 0 then
	print(failures .. " failed")
	os.exit(1)
end
print("all passed")
