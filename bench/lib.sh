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
