-- wrk script: POST a small chat request; ROUTES (env) > 1 spreads requests over /r0 ... /r{ROUTES-1}
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"messages":[{"role":"user","content":"Who is considered the greatest Polish writer?"}]}'
local routes = tonumber(os.getenv("ROUTES") or "0")
local prefix = os.getenv("ROUTE_PREFIX") or "/r"
local counter = 0
request = function()
  if routes <= 0 then return wrk.format(nil, nil) end
  counter = counter + 1
  return wrk.format(nil, prefix .. (counter % routes))
end
