-- The NDR/PDR search of bench/pktgen, apart from Pktgen so that it can be
-- unit-tested (tests/unit/bench/test_pktgen_search.lua) with a fake
-- generator. The same rules as nfvpn-bench (bench/README.md, "The search"):
--
--  * a trial asks for `asked` frames/s during `duration` s; the generator
--    sent `sent` and `received` came back;
--  * the generator reached the asked rate when sent >= asked * duration *
--    (1 - tolerance): the loss is then (sent - received) / sent, which is
--    the asked rate within the tolerance;
--  * it fell short: over memif a device that does not take its frames holds
--    the generator back, so at or below the generator's own limit (measured
--    first through a loopback without the device) the shortfall is the
--    device's: loss = (asked * duration - received) / (asked * duration);
--    above the limit, or with no limit known, the trial is invalid: neither
--    a pass nor a fail. An invalid trial is tried once more; a rate with no
--    valid trial is "unreachable", an upper bound that says nothing about
--    the device;
--  * a result is generator-bound when the highest rate tried (the limit)
--    passed or the rate above the result was unreachable: the device may
--    do more than the generator can show.
local S = {}

S.defaults = {
	tolerance = 0.01,	-- the generator reached the rate within 1 %
	precision = 0.02,	-- stop when (hi - lo) / hi <= 2 %
	min_rate = 1000,	-- frames/s: below it the answer is 0
}

-- One trial judged. t = { asked = pps, duration = s, sent = n, received = n }.
function S.judge(t, limit, tolerance)
	tolerance = tolerance or S.defaults.tolerance
	assert(t.asked > 0 and t.duration > 0, "judge: asked and duration must be > 0")
	local asked_frames = t.asked * t.duration
	local r = { asked = t.asked, duration = t.duration, sent = t.sent,
		    received = t.received, achieved = t.sent / t.duration }
	r.reached = t.sent > 0 and t.sent >= asked_frames * (1 - tolerance)
	if r.reached then
		r.valid = true
		r.loss = math.max(0, t.sent - t.received) / t.sent
	elseif limit ~= nil and t.asked <= limit then
		-- the device held the generator back
		r.valid = true
		r.held_back = true
		r.loss = math.max(0, asked_frames - t.received) / asked_frames
	else
		r.valid = false
	end
	return r
end

-- A search context: trial(rate) -> { asked, duration, sent, received }
-- (one trial at `rate` frames/s); max = the highest rate to try (the
-- generator's limit when known); limit = the generator's limit or nil.
function S.new(o)
	local ctx = {
		trial = assert(o.trial, "new: trial"),
		max = assert(o.max, "new: max"),
		limit = o.limit,
		tolerance = o.tolerance or S.defaults.tolerance,
		precision = o.precision or S.defaults.precision,
		min_rate = o.min_rate or S.defaults.min_rate,
		log = o.log or function() end,
		seen = {},	-- rate -> { valid, loss, trials = { judged... } }
		trials = 0,
		invalid = 0,
	}
	return ctx
end

-- The rate measured (once; an invalid trial is tried once more).
function S.measure(ctx, rate)
	local e = ctx.seen[rate]
	if e ~= nil then
		return e
	end
	e = { rate = rate, trials = {} }
	for _ = 1, 2 do
		local r = S.judge(ctx.trial(rate), ctx.limit, ctx.tolerance)
		ctx.trials = ctx.trials + 1
		table.insert(e.trials, r)
		ctx.log(r)
		if r.valid then
			e.valid, e.loss = true, r.loss
			break
		end
		ctx.invalid = ctx.invalid + 1
	end
	e.valid = e.valid or false
	ctx.seen[rate] = e
	return e
end

local function passes(e, target)
	return e.valid and e.loss <= target
end

-- The highest rate whose loss is at most target. Returns
-- { rate, generator_bound, upper_unreachable, upper }.
function S.search(ctx, target)
	local lo, hi, hi_unreachable = 0, nil, false
	-- what the other searches (NDR before PDR) already measured
	for rate, e in pairs(ctx.seen) do
		if passes(e, target) then
			if rate > lo then lo = rate end
		elseif hi == nil or rate < hi then
			hi, hi_unreachable = rate, not e.valid
		end
	end
	if hi ~= nil and lo > hi then
		lo = 0	-- a noisy pass above a fail: trust the fail
	end
	if lo < ctx.max and hi == nil then
		local e = S.measure(ctx, ctx.max)
		if passes(e, target) then
			lo = ctx.max
		else
			hi, hi_unreachable = ctx.max, not e.valid
		end
	end
	while hi ~= nil and hi - lo > ctx.precision * hi do
		local mid = math.floor((lo + hi) / 2 + 0.5)
		if mid <= lo or mid >= hi then break end
		local e = S.measure(ctx, mid)
		if passes(e, target) then
			lo = mid
		else
			hi, hi_unreachable = mid, not e.valid
		end
	end
	local res = { rate = lo, upper = hi, upper_unreachable = hi_unreachable }
	res.generator_bound = lo >= ctx.max or hi_unreachable
	if lo < ctx.min_rate then
		res.rate = 0
	end
	return res
end

-- The generator's limit: trials at full speed through a loopback (no
-- device); full() -> { duration, sent, received }. The limit is the best
-- min(sent, received) / duration: what the generator can both offer and
-- take back.
function S.limit(full, repetitions)
	local best = 0
	for _ = 1, repetitions do
		local t = full()
		local r = math.min(t.sent, t.received) / t.duration
		if r > best then best = r end
	end
	return best
end

return S
