#!/usr/bin/env bash
# Reproducible benchmarks of accountd against a bare axum baseline measured in the same run.
#
#   bench/run.sh                             # 1,000,000 users, 3 rounds of 10 s per scenario
#   USERS=100000 DURATION=5 bench/run.sh
#   POSTGRES=postgres://postgres@127.0.0.1:5432/postgres bench/run.sh   # + the PostgreSQL rows
#
# Builds release binaries, seeds a SQLite database through the store (not through HTTP), starts
# accountd and the baseline on 127.0.0.1, and drives each scenario with wrk (Debian package)
# for a bounded time, ROUNDS times, scenarios interleaved with the baseline. Each figure is the
# median over the rounds; each ratio is the median of the per-round ratios (a scenario against
# the baseline measured minutes apart in the same round). The GET scenarios are also compared
# with the baseline driven by the same wrk script ("(script)"). With POSTGRES set (a server URL whose
# user may create databases), the GET and create scenarios run again on a fresh PostgreSQL
# database seeded with PG_USERS users. Before the rounds, one pass over the spread scenario's uids
# fills the user cache (by default, `auto`, an eighth of the memory: a million users on 4 GiB):
# the spread GET is measured as a server that has been up for a while serves it. Then (unless
# SMALL_CACHE=0) accountd is started again with a cache of 50,000 users, the default before
# `auto`, and the spread GET runs ROUNDS more times against it: what reads that miss the cache
# cost. Prints a Markdown table and writes it to bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

USERS=${USERS:-1000000}
DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
POSTGRES=${POSTGRES:-}
PG_USERS=${PG_USERS:-$USERS}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
WORK=${WORK:-$(mktemp -d /tmp/accountd-bench.XXXXXX)}
ACCOUNTD_PORT=${ACCOUNTD_PORT:-8691}
PG_PORT=${PG_PORT:-8692}
BASELINE_PORT=${BASELINE_PORT:-8699}
ACCOUNT=7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c
BASE=http://127.0.0.1:$ACCOUNTD_PORT
RESULTS=bench/results
mkdir -p "$WORK"
mkdir -p "$RESULTS"

command -v wrk >/dev/null || { echo "bench: installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null; }

echo "bench: building release binaries"
cargo build --release -q -p accountd-server -p accountd-bench

cat > "$WORK/bootstrap.yaml" <<YAML
accounts:
  - uuid: $ACCOUNT
    name: Bench
    environments:
      - {id: bench0001, name: Production}
    oauthClients:
      - {clientId: dt0s02.BENCH, clientSecret: dt0s02.BENCH.SECRET, scopes: [account-idm-read, account-idm-write, account-env-read]}
    scimTokens:
      - {name: bench, token: dt0s01.BENCHSCIM.BENCHSCIMSECRET0123456789}
YAML

DB="sqlite://$WORK/bench.db"
if [ ! -f "$WORK/bench.db" ]; then
  echo "bench: seeding $USERS users through the store"
  target/release/accountd-seed --database "$DB" --bootstrap "$WORK/bootstrap.yaml" --users "$USERS"
fi

pids=()
PG_DB=""
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$PG_DB" ]; then
    sleep 0.5
    psql "$POSTGRES" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

# start_accountd DATABASE PORT LOG [ARGS...] -> pid (waits until ready)
start_accountd() {
  RUST_LOG=warn target/release/accountd serve --database "$1" --listen "127.0.0.1:$2" \
    --bootstrap "$WORK/bootstrap.yaml" --token-ttl 3600 "${@:4}" >"$3" 2>&1 &
  local pid=$!
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$2/readyz" >/dev/null && break; sleep 0.1; done
  echo "$pid"
}

target/release/accountd-baseline --listen 127.0.0.1:$BASELINE_PORT & pids+=($!)
ACCOUNTD_PID=$(start_accountd "$DB" "$ACCOUNTD_PORT" "$WORK/accountd.log"); pids+=("$ACCOUNTD_PID")
for _ in $(seq 1 100); do curl -sf http://127.0.0.1:$BASELINE_PORT/x >/dev/null && break; sleep 0.1; done

# Anonymous memory (heap, stacks) and file-backed pages (the memory-mapped database, which the
# kernel can drop at any time) separately: VmRSS alone counts the database cache as "memory".
rss_mb() { awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} END {printf "%.1f MB anon + %.1f MB file", a/1024, f/1024}' /proc/"$1"/status; }
RSS_IDLE=$(rss_mb "$ACCOUNTD_PID")
SCIM_TOKEN=dt0s01.BENCHSCIM.BENCHSCIMSECRET0123456789

# prepare DIR PORT: a token, 1,000 real uids and emails, a group, a deep page key and the wrk
# scripts of every scenario against the accountd on PORT, in DIR.
prepare() {
  local dir=$1 port=$2
  local base=http://127.0.0.1:$port api=http://127.0.0.1:$port/iam/v1/accounts/$ACCOUNT
  mkdir -p "$dir"
  local token; token=$(curl -s -u dt0s02.BENCH:dt0s02.BENCH.SECRET "$base/sso/oauth2/token" \
    -d grant_type=client_credentials | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
  curl -s -H "Authorization: Bearer $token" "$api/users?pageSize=1000" > "$dir/first_page.json"
  grep -o '"uid":"[^"]*"' "$dir/first_page.json" | cut -d'"' -f4 > "$dir/uids.txt"
  grep -o '"email":"[^"]*"' "$dir/first_page.json" | cut -d'"' -f4 > "$dir/emails.txt"
  local group; group=$(curl -s -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    "$api/groups" -d "{\"name\":\"bench-$(date +%s%N)\"}" | grep -o '"groupId":"[^"]*"' | cut -d'"' -f4)
  # A page key ~9,000 pages of 100 deep (90% through): walk with pages of 1,000, then ask for 100.
  # The uids of the pages walked are the spread scenario's: far more users than the SQLite user
  # cache holds (50,000), so that most of its reads miss it.
  local key="" url page
  : > "$dir/spread_uids.txt"
  for _ in $(seq 1 $(( $(grep -o '"totalCount":[0-9]*' "$dir/first_page.json" | cut -d: -f2) / 1000 * 9 / 10 ))); do
    url="$api/users?pageSize=1000"; [ -n "$key" ] && url="$api/users?pageSize=1000&nextPageKey=$key"
    page=$(curl -s -H "Authorization: Bearer $token" "$url")
    key=$(echo "$page" | grep -o '"nextPageKey":"[^"]*"' | cut -d'"' -f4)
    echo "$page" | grep -o '"uid":"[^"]*"' | cut -d'"' -f4 >> "$dir/spread_uids.txt"
  done
  [ -s "$dir/spread_uids.txt" ] || cp "$dir/uids.txt" "$dir/spread_uids.txt"
  echo "$key" > "$dir/deep_key.txt"
  cat > "$dir/auth.lua" <<LUA
wrk.headers["Authorization"] = "Bearer $token"
LUA
  get_user_lua "$dir/uids.txt" "$token" "$ACCOUNT" > "$dir/get_user.lua"
  get_user_lua "$dir/spread_uids.txt" "$token" "$ACCOUNT" > "$dir/get_user_spread.lua"
  walk_users_lua "$dir/spread_uids.txt" "$token" "$ACCOUNT" > "$dir/walk_users_spread.lua"
  cat > "$dir/token.lua" <<LUA
wrk.method = "POST"
wrk.body = "grant_type=client_credentials"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $(printf 'dt0s02.BENCH:dt0s02.BENCH.SECRET' | base64 -w0)"
LUA
  create_user_lua "$token" "$ACCOUNT" > "$dir/create_user.lua"
  # Members are added from users 101 to 1,000, never from the first page: the first-page scenario
  # reads those 100 users, and a page whose users gained a group each round (six or more after a
  # few runs) grew far past the page-sized baseline it is compared with.
  tail -n +101 "$dir/uids.txt" > "$dir/member_uids.txt"
  [ -s "$dir/member_uids.txt" ] || cp "$dir/uids.txt" "$dir/member_uids.txt"
  cat > "$dir/add_member.lua" <<LUA
local uids = {}
for line in io.lines("$dir/member_uids.txt") do uids[#uids + 1] = line end
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $token"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body = '["' .. uids[math.random(#uids)] .. '"]'
  return wrk.format(nil, "/iam/v1/accounts/$ACCOUNT/groups/$group/users", nil, body)
end
LUA
  cat > "$dir/scim_create.lua" <<LUA
local counter = 0
local prefix = tostring(os.time()) .. "-" .. tostring(math.random(1000000))
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $SCIM_TOKEN"
wrk.headers["Content-Type"] = "application/scim+json"
request = function()
  counter = counter + 1
  local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"s' .. prefix .. '-' .. counter
    .. '@example.com","name":{"givenName":"Load","familyName":"Test"},"active":true}'
  return wrk.format(nil, "/idm/public/scim/$ACCOUNT/v2/Users", nil, body)
end
LUA
  cat > "$dir/scim_filter.lua" <<LUA
local emails = {}
for line in io.lines("$dir/emails.txt") do emails[#emails + 1] = line end
wrk.headers["Authorization"] = "Bearer $SCIM_TOKEN"
request = function()
  local filter = 'userName%20eq%20%22' .. emails[math.random(#emails)] .. '%22'
  return wrk.format("GET", "/idm/public/scim/$ACCOUNT/v2/Users?filter=" .. filter)
end
LUA
}

# run NAME ROUND URL [SCRIPT]: one wrk run; "req/s p50 p99 non-2xx" goes to $WORK/res/NAME.ROUND.
mkdir -p "$WORK/res"; rm -f "$WORK"/res/*
run() {
  local name=$1 round=$2 url=$3 script=${4:-}
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency)
  [ -n "$script" ] && args+=(-s "$script")
  local out; out=$(wrk "${args[@]}" "$url")
  echo "$out" > "$WORK/wrk-$name.$round.txt"
  local rps p50 p99 errors
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$rps $(ms "$p50") $(ms "$p99") ${errors:-0}" > "$WORK/res/$name.$round"
}
ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v } else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 } else print v }'; }
# median of the numbers on stdin
median() { sort -g | awk '{v[NR] = $1} END { if (NR % 2) printf "%.3f", v[(NR + 1) / 2]; else printf "%.3f", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# field NAME COLUMN: the median of one column over the rounds
field() { for f in "$WORK"/res/"$1".*; do awk -v c="$2" '{print $c}' "$f"; done | median; }
# ratio NAME BASE: the median over rounds of NAME's req/s over BASE's in the same round
ratio() {
  for f in "$WORK"/res/"$1".*; do
    local r=${f##*.}; paste "$f" "$WORK/res/$2.$r" | awk '{print $1 / $5}'
  done | median | awk '{printf "%.2f", $1}'
}
# p50_ratios NAME BASE: NAME's p50 latency over BASE's, one line a round; p50_ratio: their median
p50_ratios() {
  for f in "$WORK"/res/"$1".*; do
    local r=${f##*.}; paste "$f" "$WORK/res/$2.$r" | awk '{printf "%.2f\n", $2 / $6}'
  done
}
p50_ratio() { p50_ratios "$1" "$2" | median | awk '{printf "%.2f", $1}'; }
errors() { for f in "$WORK"/res/"$1".*; do awk '{print $4}' "$f"; done | awk '{s += $1} END {print s + 0}'; }
# users_in DIR: the account's user count when the scenarios started (a reused database also holds
# the users earlier runs created)
users_in() { grep -o '"totalCount":[0-9]*' "$1/first_page.json" | cut -d: -f2; }
row() { # row LABEL NAME RATIO-TEXT
  printf '| %s | %.0f | %s | %.2f | %.2f | %s |\n' "$1" "$(field "$2" 1)" "$3" "$(field "$2" 2)" "$(field "$2" 3)" "$(errors "$2")"
}

echo "bench: preparing scenarios"
prepare "$WORK/sqlite" "$ACCOUNTD_PORT"
S=$WORK/sqlite BASE=http://127.0.0.1:$ACCOUNTD_PORT API=$BASE/iam/v1/accounts/$ACCOUNT
if [ -n "$POSTGRES" ]; then
  PG_DB="accountd_bench_$(date +%s)"
  psql "$POSTGRES" -qc "CREATE DATABASE $PG_DB" >/dev/null
  PG_URL="${POSTGRES%/*}/$PG_DB"
  echo "bench: seeding $PG_USERS users into PostgreSQL database $PG_DB through the store"
  target/release/accountd-seed --database "$PG_URL" --bootstrap "$WORK/bootstrap.yaml" --users "$PG_USERS"
  PG_PID=$(start_accountd "$PG_URL" "$PG_PORT" "$WORK/accountd-pg.log"); pids+=("$PG_PID")
  prepare "$WORK/pg" "$PG_PORT"
  PGB=http://127.0.0.1:$PG_PORT
fi

# fill_cache PID: one pass over the spread uids in order (about 25 s at a million), which puts
# every one of them in the user cache that fits them.
fill_cache() {
  local walk=$(( $(wc -l < "$S/spread_uids.txt") / 20000 + 5 ))
  echo "bench: filling the user cache (${walk} s)"
  wrk -t1 -c"$CONNECTIONS" -d"${walk}s" -s "$S/walk_users_spread.lua" "$BASE" > "$WORK/wrk-walk.txt"
  if grep -q "Non-2xx" "$WORK/wrk-walk.txt"; then
    echo "bench: the cache-filling pass got non-2xx answers"; cat "$WORK/wrk-walk.txt"; exit 1
  fi
}
fill_cache
RSS_FILLED=$(rss_mb "$ACCOUNTD_PID")
# metric NAME: a gauge of accountd's /metrics, as an integer (0 when it is not exported: the
# byte budget is not when `auto` could not read the memory).
metric() { curl -s "$BASE/metrics" | awk -v n="$1" '$1 == n {v = $2} END {printf "%.0f", v + 0}'; }
CACHE_BUDGET_MB=$(( $(metric store_user_cache_capacity_bytes) / 1048576 ))
CACHE_HELD=$(metric store_user_cache_entries)
CACHE_HELD_MB=$(( $(metric store_user_cache_bytes) / 1048576 ))

echo "bench: $ROUNDS rounds; ${DURATION}s per scenario, $THREADS wrk thread(s), $CONNECTIONS connections"
for round in $(seq 1 "$ROUNDS"); do
  echo "bench: round $round"
  run baseline "$round" "http://127.0.0.1:$BASELINE_PORT/iam/v1/x"
  # The GET scenarios pick each uid in wrk's Lua, which costs wrk (on the same two cores) far
  # more than a fixed URL; the baseline driven by the very same script measures that part.
  run baseline_get "$round" "http://127.0.0.1:$BASELINE_PORT" "$S/get_user.lua"
  run get_user "$round" "$BASE" "$S/get_user.lua"
  [ "$round" = 1 ] && RSS_LOAD=$(rss_mb "$ACCOUNTD_PID")
  run baseline_spread "$round" "http://127.0.0.1:$BASELINE_PORT" "$S/get_user_spread.lua"
  run get_user_spread "$round" "$BASE" "$S/get_user_spread.lua"
  run baseline_page "$round" "http://127.0.0.1:$BASELINE_PORT/page/100"
  run list_first "$round" "$API/users?pageSize=100" "$S/auth.lua"
  run list_deep "$round" "$API/users?pageSize=100&nextPageKey=$(cat "$S/deep_key.txt")" "$S/auth.lua"
  run token "$round" "$BASE/sso/oauth2/token" "$S/token.lua"
  run create_user "$round" "$BASE" "$S/create_user.lua"
  run add_member "$round" "$BASE" "$S/add_member.lua"
  run scim_create "$round" "$BASE" "$S/scim_create.lua"
  run scim_filter "$round" "$BASE" "$S/scim_filter.lua"
  if [ -n "$POSTGRES" ]; then
    run pg_get_user "$round" "$PGB" "$WORK/pg/get_user.lua"
    run pg_create_user "$round" "$PGB" "$WORK/pg/create_user.lua"
  fi
done
RSS_END=$(rss_mb "$ACCOUNTD_PID")

# The spread GET once more, with a user cache of 50,000 users (the default before `auto`; 5% of
# a million): what a read costs when it misses the cache and goes to the file. The signing key is
# in the database, so the scripts' token stays valid.
SMALL=""
if [ "${SMALL_CACHE:-1}" = 1 ]; then
  SMALL=50000
  echo "bench: restarting accountd with --sqlite-user-cache $SMALL"
  kill "$ACCOUNTD_PID"; while kill -0 "$ACCOUNTD_PID" 2>/dev/null; do sleep 0.1; done
  ACCOUNTD_PID=$(start_accountd "$DB" "$ACCOUNTD_PORT" "$WORK/accountd-small.log" --sqlite-user-cache "$SMALL")
  pids+=("$ACCOUNTD_PID")
  for round in $(seq 1 "$ROUNDS"); do
    run baseline_small "$round" "http://127.0.0.1:$BASELINE_PORT/iam/v1/x"
    run baseline_spread_small "$round" "http://127.0.0.1:$BASELINE_PORT" "$S/get_user_spread.lua"
    run get_user_spread_small "$round" "$BASE" "$S/get_user_spread.lua"
  done
  RSS_SMALL=$(rss_mb "$ACCOUNTD_PID")
fi

{
  echo "| scenario | req/s | × baseline | p50 ms | p99 ms | non-2xx |"
  echo "|---|---:|---:|---:|---:|---:|"
  row "baseline: bare axum, fixed JSON" baseline "1.00"
  row "baseline: bare axum, driven by the GET script (1,000 uids)" baseline_get "$(ratio baseline_get baseline)"
  row "GET /users/{uid} ($(users_in "$S") users; 1,000 of them, cached)" get_user "$(ratio get_user baseline); $(ratio get_user baseline_get) (script)"
  spread=$(wc -l < "$S/spread_uids.txt")
  row "baseline: bare axum, driven by the spread GET script ($spread uids)" baseline_spread "$(ratio baseline_spread baseline)"
  row "GET /users/{uid} ($(users_in "$S") users; $spread of them at random, default cache (auto: a $CACHE_BUDGET_MB MB budget), filled)" get_user_spread "$(ratio get_user_spread baseline); $(ratio get_user_spread baseline_spread) (script)"
  if [ -n "$SMALL" ]; then
    row "GET /users/{uid}, the same $spread at random, --sqlite-user-cache $SMALL (mostly misses)" get_user_spread_small "$(ratio get_user_spread_small baseline_small); $(ratio get_user_spread_small baseline_spread_small) (script)"
  fi
  row "baseline: bare axum, a fixed page of 100 users" baseline_page "1.00 (page)"
  row "GET /users?pageSize=100, first page" list_first "$(ratio list_first baseline); $(ratio list_first baseline_page) (page)"
  row "GET /users?pageSize=100, ~9,000 pages deep" list_deep "$(ratio list_deep baseline); $(ratio list_deep baseline_page) (page)"
  row "POST /sso/oauth2/token" token "$(ratio token baseline)"
  row "POST /users (durable)" create_user "$(ratio create_user baseline)"
  row "POST /groups/{id}/users (membership add)" add_member "$(ratio add_member baseline)"
  row "SCIM POST /Users (durable)" scim_create "$(ratio scim_create baseline)"
  row "SCIM GET /Users?filter=userName eq …" scim_filter "$(ratio scim_filter baseline)"
  if [ -n "$POSTGRES" ]; then
    row "PostgreSQL: GET /users/{uid} ($(users_in "$WORK/pg") users)" pg_get_user "$(ratio pg_get_user baseline)"
    row "PostgreSQL: POST /users (durable)" pg_create_user "$(ratio pg_create_user baseline)"
  fi
  echo
  # Like every ratio here, the median of the per-round ratios (both pages measured in one round).
  echo "deep/first p50 latency: $(p50_ratio list_deep list_first) (rounds: $(p50_ratios list_deep list_first | tr '\n' ' '| sed 's/ $//'))"
  echo "RSS (SQLite): idle ${RSS_IDLE}; after filling the user cache (${CACHE_HELD} users held, counted as ${CACHE_HELD_MB} MB) ${RSS_FILLED}; after the first GET load ${RSS_LOAD}; at the end ${RSS_END}"
  if [ -n "$SMALL" ]; then
    echo "RSS with --sqlite-user-cache $SMALL: after its GET rounds ${RSS_SMALL}; its fixed baseline $(field baseline_small 1) req/s"
  fi
  echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s; medians of $ROUNDS rounds"
} | tee "$RESULTS/latest.md"
