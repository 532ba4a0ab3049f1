-- wrk script for bench/bench_step.py: one officer per wrk thread (run with -t N -c N).
--
-- Arguments (after "--"): mode and a file with one line per officer:
--   "<cookie>\t<path>\t<form fields, urlencoded>"
-- mode "get":  every request is a GET of the officer's own step page.
-- mode "save": GET of the step, then POST of it with the CSRF token and answer revisions
--              read from that page and one answer changed (a real write), and again.
-- mode "bare_get" / "bare_insert": the same path for every thread, no cookie.
-- mode "bare_save": the bare app's save, the same HTTP steps as "save": GET of the bare page,
--              then a form POST (one INSERT + COMMIT) answered by a 302, and again.
-- done() prints one JSON line for the driver (latencies in microseconds; over_500ms counts the
-- requests that took longer than 500 ms).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("officer", counter)
   table.insert(threads, thread)
end

local mode, cookie, path, fields
local csrf, revisions
local phase = "get"
local saves = 0
bad = 0  -- global: done() reads it per thread

function init(args)
   mode = args[1]
   local n = 0
   for line in io.lines(args[2]) do
      n = n + 1
      if n == officer then
         cookie, path, fields = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
      end
   end
   if cookie == nil then
      error("no line for officer " .. tostring(officer))
   end
end

local function urlencode(s)
   return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function request()
   local headers = {}
   if cookie ~= "" then headers["Cookie"] = cookie end
   if mode == "bare_insert" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      saves = saves + 1
      return wrk.format("POST", path, headers, "value=" .. tostring(saves))
   end
   if mode == "bare_save" and phase == "post" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      saves = saves + 1
      return wrk.format("POST", "/save", headers, "value=" .. tostring(saves))
   end
   if mode == "save" and phase == "post" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      saves = saves + 1
      -- fields ends with the changing answer's name ("...&coop_joint_projects="): a new value each save
      local body = "csrf_token=" .. urlencode(csrf) .. "&revisions=" .. urlencode(revisions)
         .. "&action=next&" .. fields .. tostring(saves % 400)
      return wrk.format("POST", path, headers, body)
   end
   return wrk.format("GET", path, headers)
end

function response(status, headers, body)
   if mode == "save" then
      if phase == "get" then
         csrf = body:match('name="csrf_token" type="hidden" value="([^"]+)"')
            or body:match('name="csrf_token" value="([^"]+)"')
         revisions = body:match('name="revisions" value="([^"]*)"') or ""
         if status ~= 200 or csrf == nil then bad = bad + 1 else phase = "post" end
      else
         if status ~= 302 then bad = bad + 1 end
         phase = "get"
      end
   elseif mode == "bare_save" then
      if phase == "get" then
         if status ~= 200 then bad = bad + 1 else phase = "post" end
      else
         if status ~= 302 then bad = bad + 1 end
         phase = "get"
      end
   elseif (mode == "get" or mode == "bare_get") and status ~= 200 then
      bad = bad + 1
   elseif mode == "bare_insert" and status ~= 200 then
      bad = bad + 1
   end
end

function done(summary, latency, requests)
   local unexpected = 0
   for _, t in ipairs(threads) do
      unexpected = unexpected + (t:get("bad") or 0)
   end
   -- requests slower than 500 ms: latency(i) is the i-th distinct latency and how many had it
   local slow = 0
   for i = 1, #latency do
      local value, count = latency(i)
      if value > 500000 then slow = slow + count end
   end
   local e = summary.errors
   io.write(string.format(
      '{"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"over_500ms": %d, "unexpected": %d, "socket_errors": %d, "timeouts": %d, "status_errors": %d}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency.max, slow, unexpected, e.connect + e.read + e.write, e.timeout, e.status))
end
