# Helpers shared by the bench scripts (sourced, not run).

# user_requests_lua UIDS TOKEN ACCOUNT: the start of a wrk script asking for users of ACCOUNT from
# the file UIDS (one uid a line). Every request is formatted once, when the script loads: built per
# request (`wrk.format` each time), the strings cost wrk (which shares the two cores with the
# server) a third of the baseline's throughput with 900,000 uids, and their garbage collection
# put 100+ ms pauses into every p99.
user_requests_lua() {
  cat <<LUA
wrk.headers["Authorization"] = "Bearer $2"
local requests = {}
for line in io.lines("$1") do
  requests[#requests + 1] = wrk.format("GET", "/iam/v1/accounts/$3/users/" .. line)
end
LUA
}

# get_user_lua UIDS TOKEN ACCOUNT: a wrk script asking for those users picked at random.
get_user_lua() {
  user_requests_lua "$@"
  cat <<'LUA'
request = function()
  return requests[math.random(#requests)]
end
LUA
}

# walk_users_lua UIDS TOKEN ACCOUNT: a wrk script asking for those users in the file's order, each
# once per pass (with one wrk thread): fills a user cache in one pass.
walk_users_lua() {
  user_requests_lua "$@"
  cat <<'LUA'
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
