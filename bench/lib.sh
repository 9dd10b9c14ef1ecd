# Helpers shared by the bench scripts (sourced, not run).

# get_user_lua UIDS TOKEN ACCOUNT: a wrk script asking for users of ACCOUNT picked at random from
# the file UIDS (one uid a line). Every request is formatted once, when the script loads: built per
# request (`wrk.format` each time), the strings cost wrk (which shares the two cores with the
# server) a third of the baseline's throughput with 900,000 uids, and their garbage collection
# put 100+ ms pauses into every p99.
get_user_lua() {
  cat <<LUA
wrk.headers["Authorization"] = "Bearer $2"
local requests = {}
for line in io.lines("$1") do
  requests[#requests + 1] = wrk.format("GET", "/iam/v1/accounts/$3/users/" .. line)
end
request = function()
  return requests[math.random(#requests)]
end
LUA
}

# walk_users_lua UIDS TOKEN ACCOUNT: like get_user_lua, asking for the users in the file's order,
# each once per pass (with one wrk thread): fills a user cache in one pass.
walk_users_lua() {
  cat <<LUA
wrk.headers["Authorization"] = "Bearer $2"
local requests = {}
for line in io.lines("$1") do
  requests[#requests + 1] = wrk.format("GET", "/iam/v1/accounts/$3/users/" .. line)
end
local next = 0
request = function()
  next = next % #requests + 1
  return requests[next]
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
