# Helpers shared by the bench scripts (sourced, not run).

# get_user_lua UIDS TOKEN ACCOUNT: a wrk script asking for users of ACCOUNT picked at random from
# the file UIDS (one uid a line).
get_user_lua() {
  cat <<LUA
local uids = {}
for line in io.lines("$1") do uids[#uids + 1] = line end
wrk.headers["Authorization"] = "Bearer $2"
request = function()
  return wrk.format("GET", "/iam/v1/accounts/$3/users/" .. uids[math.random(#uids)])
end
LUA
}

# create_user_lua TOKEN ACCOUNT: a wrk script creating users of ACCOUNT, each with a new email
# (unique across runs: the start time and a random number prefix a counter).
create_user_lua() {
  cat <<LUA
local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $1"
wrk.headers["Content-Type"] = "application/json"
request = function()
  counter = counter + 1
  local body = '{"email":"w' .. prefix .. '-' .. counter .. '@example.com","firstName":"Load","lastName":"Test"}'
  return wrk.format(nil, "/iam/v1/accounts/$2/users", nil, body)
end
LUA
}
