-- wrk script for the progress lookup: each request looks up one of the generated
-- cases named in $PORTAL_LOOKUPS ("<tracking number> <phone's last four digits>" a
-- line), through the lookup's server function, as the track page's form does.
local bodies = {}
for line in io.lines(os.getenv("PORTAL_LOOKUPS")) do
  local number, last4 = line:match("^(%S+) (%d%d%d%d)$")
  if number then bodies[#bodies + 1] = "number=" .. number .. "&phone=" .. last4 end
end
assert(#bodies > 0, "no lookups in " .. tostring(os.getenv("PORTAL_LOOKUPS")))
math.randomseed(os.time() + math.floor(os.clock() * 1e6))
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

-- Anything but 200 means the figures are not of lookups: count them.
local failures = 0
response = function(status)
  if status ~= 200 then failures = failures + 1 end
end

done = function(summary)
  local errors = summary.errors.status
  if errors > 0 then io.write(string.format("non-200 answers: %d\n", errors)) end
end
