-- wrk script for the progress lookup: each request looks up one of the generated
-- cases named in $PORTAL_LOOKUPS ("<tracking number> <phone's last four digits>" a
-- line), through the lookup's server function, as the track page's form does.
--
-- With $PORTAL_LOOKUP_ONCE=<wrk's thread count> the threads instead walk the list
-- once between them, in order, and stop: every case is looked up once (the first
-- time, so read from the disk) and the pages of all of them are then in memory.
local bodies = {}
for line in io.lines(os.getenv("PORTAL_LOOKUPS")) do
  local number, last4 = line:match("^(%S+) (%d%d%d%d)$")
  if number then bodies[#bodies + 1] = "number=" .. number .. "&phone=" .. last4 end
end
assert(#bodies > 0, "no lookups in " .. tostring(os.getenv("PORTAL_LOOKUPS")))
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local stride = tonumber(os.getenv("PORTAL_LOOKUP_ONCE") or "")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

-- In a walk, this thread's next line and how many of its lines were answered.
local sent, answered = 0, 0
request = function()
  if stride then
    local i = ((id - 1) + stride * sent) % #bodies + 1
    sent = sent + 1
    return wrk.format(nil, nil, nil, bodies[i])
  end
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

-- Anything but 200 is counted by wrk (summary.errors.status) and reported below.
response = function(status)
  if stride then
    answered = answered + 1
    if answered >= math.ceil(#bodies / stride) then wrk.thread:stop() end
  end
end

done = function(summary)
  local errors = summary.errors.status
  if errors > 0 then io.write(string.format("non-200 answers: %d\n", errors)) end
end
