-- wrk script: each thread sends its own slice of the pre-signed Twilio
-- webhooks (every request a new MessageSid, so each 2xx is a new row).
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local total = tonumber(args[2])
  requests = {}
  local n = 0
  for line in io.lines(args[1]) do
    n = n + 1
    if n % total == id - 1 then
      local tab = line:find("\t", 1, true)
      local signature = line:sub(1, tab - 1)
      local body = line:sub(tab + 1)
      table.insert(requests, wrk.format("POST", args[3], {
        ["Content-Type"] = "application/x-www-form-urlencoded",
        ["X-Twilio-Signature"] = signature,
      }, body))
    end
  end
  index = 0
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end
