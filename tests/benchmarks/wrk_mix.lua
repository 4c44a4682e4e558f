-- bench_load's mix for wrk (bench_load --client wrk; the plan is written by wrk_client.py).
-- Arguments after `--`: the plan file, the bearer token, the fraction of turns that write.
-- Plan lines, tab-separated: R method path authorized(0/1) body | T settlement-id |
-- V version-query-as-JSON-string | U update-mutation-as-JSON-string.
-- A write is a fresh read of a settlement's version; its answer queues updateSettlement with that
-- version as expectedVersion, sent as the thread's next request. Answers that are HTTP 200 with
-- GraphQL errors count as errors, a CONFLICT (stale expectedVersion) apart.

local reads, targets = {}, {}
local version_query, update_query, auth
local writes, turn = 0, 0
local queued = {}
errors, conflicts, written = 0, 0, 0

local function fields(line)
    local found = {}
    for field in (line .. "\t"):gmatch("([^\t]*)\t") do
        found[#found + 1] = field
    end
    return found
end

function init(args)
    auth = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. args[2] }
    writes = tonumber(args[3])
    -- Threads start at different places in the mix, as the asyncio clients do.
    turn = id or 0
    for line in io.lines(args[1]) do
        local f = fields(line)
        if f[1] == "R" then
            local headers = f[4] == "1" and auth or {}
            local body = f[5] ~= "" and f[5] or nil
            reads[#reads + 1] = wrk.format(f[2], f[3], headers, body)
        elseif f[1] == "T" then
            targets[#targets + 1] = f[2]
        elseif f[1] == "V" then
            version_query = f[2]
        elseif f[1] == "U" then
            update_query = f[2]
        end
    end
end

local function graphql(query, variables)
    return wrk.format("POST", "/graphql", auth, '{"query":' .. query .. ',"variables":' .. variables .. "}")
end

function request()
    local write = table.remove(queued, 1)
    if write then
        return write
    end
    turn = turn + 1
    -- Evenly spread writes, as load_mix.Mix.writes_at.
    if #targets > 0 and math.floor(turn * writes) > math.floor((turn - 1) * writes) then
        return graphql(version_query, '{"id":"' .. targets[turn % #targets + 1] .. '"}')
    end
    return reads[turn % #reads + 1]
end

function response(status, headers, body)
    if status ~= 200 then
        return -- counted by wrk (summary.errors.status)
    end
    if body:find('"errors"', 1, true) then
        if body:find('"CONFLICT"', 1, true) then
            conflicts = conflicts + 1
        else
            errors = errors + 1
        end
        return
    end
    if body:find('"updateSettlement"', 1, true) then
        written = written + 1
        return
    end
    local target, version = body:match('"settlement":{"id":"([^"]+)","version":(%d+)}')
    if target then
        local input = string.format('{"level":%d,"expectedVersion":%s}', 1 + turn % 10, version)
        queued[#queued + 1] = graphql(update_query, '{"id":"' .. target .. '","input":' .. input .. "}")
    end
end

local threads = {}

function setup(thread)
    thread:set("id", #threads)
    threads[#threads + 1] = thread
end

function done(summary, latency, requests)
    local failed, refused, wrote = 0, 0, 0
    for _, thread in ipairs(threads) do
        failed = failed + thread:get("errors")
        refused = refused + thread:get("conflicts")
        wrote = wrote + thread:get("written")
    end
    local e = summary.errors
    failed = failed + e.connect + e.read + e.write + e.status + e.timeout
    io.write(string.format(
        "bench %.0f %.0f %.0f %d %d %d %d %d\n",
        latency:percentile(50), latency:percentile(95), latency:percentile(99),
        summary.requests, summary.duration, failed, refused, wrote
    ))
end
