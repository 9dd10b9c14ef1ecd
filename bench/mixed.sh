#!/usr/bin/env bash
# Mixed load: durable creates and GETs of random users at the same time; fails when the SQLite WAL
# grows past a bound. Readers that hold snapshots across requests keep the WAL from starting over
# (benchmarks.md, sixth session: 414 MB in 60 s); with a transaction per read it stays at the
# checkpoint size (~40 MB).
#
# It also reports the GETs' user-cache hits (from /metrics): a write drops only the users it
# changed, so reads of users nobody writes keep hitting the cache while creates run.
#
#   bench/mixed.sh                              # 100,000 users, 60 s, fails past 100 MB
#   USERS=1000000 DURATION=120 WAL_LIMIT_MB=80 bench/mixed.sh
#   BINARY=/tmp/accountd.old bench/mixed.sh     # another accountd binary (an A/B)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

USERS=${USERS:-100000}
DURATION=${DURATION:-60}
WAL_LIMIT_MB=${WAL_LIMIT_MB:-100}
WORK=${WORK:-$(mktemp -d /tmp/accountd-mixed.XXXXXX)}
PORT=${PORT:-8693}
BINARY=${BINARY:-target/release/accountd}
ACCOUNT=7e1f0c2a-3c44-4b8a-9a55-0c1e2f3a4b5c
BASE=http://127.0.0.1:$PORT
mkdir -p "$WORK"

command -v wrk >/dev/null || { echo "mixed: installing wrk (Debian package)"; apt-get install -y -qq wrk >/dev/null; }
echo "mixed: building release binaries"
cargo build --release -q -p accountd-server -p accountd-bench

cat > "$WORK/bootstrap.yaml" <<YAML
accounts:
  - uuid: $ACCOUNT
    name: Mixed
    oauthClients:
      - {clientId: dt0s02.MIXED, clientSecret: dt0s02.MIXED.SECRET, scopes: [account-idm-read, account-idm-write]}
YAML
DB=$WORK/mixed.db
if [ ! -f "$DB" ]; then
  echo "mixed: seeding $USERS users through the store"
  target/release/accountd-seed --database "sqlite://$DB" --bootstrap "$WORK/bootstrap.yaml" --users "$USERS"
fi

RUST_LOG=warn "$BINARY" serve --database "sqlite://$DB" --listen "127.0.0.1:$PORT" \
  --bootstrap "$WORK/bootstrap.yaml" --token-ttl 3600 >"$WORK/accountd.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done

TOKEN=$(curl -s -u dt0s02.MIXED:dt0s02.MIXED.SECRET "$BASE/sso/oauth2/token" \
  -d grant_type=client_credentials | sed -E 's/.*"access_token":"([^"]+)".*/\1/')
curl -s -H "Authorization: Bearer $TOKEN" "$BASE/iam/v1/accounts/$ACCOUNT/users?pageSize=1000" \
  | grep -o '"uid":"[^"]*"' | cut -d'"' -f4 > "$WORK/uids.txt"
get_user_lua "$WORK/uids.txt" "$TOKEN" "$ACCOUNT" > "$WORK/get.lua"
create_user_lua "$TOKEN" "$ACCOUNT" > "$WORK/create.lua"

# cache_total RESULT: store_user_cache_total{result="RESULT"} now
cache_total() {
  curl -s "$BASE/metrics" | awk -v r="result=\"$1\"" '/^store_user_cache_total/ && index($0, r) {print $NF}'
}
hits_before=$(cache_total hit); misses_before=$(cache_total miss)

wal_mb() { local size; size=$(stat -c %s "$DB-wal" 2>/dev/null || echo 0); echo $(( size / 1048576 )); }
wrk -t1 -c32 -d"${DURATION}s" -s "$WORK/create.lua" "$BASE" > "$WORK/create.txt" &
creates=$!
wrk -t1 -c32 -d"${DURATION}s" -s "$WORK/get.lua" "$BASE" > "$WORK/get.txt" &
gets=$!
peak=0
for _ in $(seq 1 "$DURATION"); do
  now=$(wal_mb); [ "$now" -gt "$peak" ] && peak=$now
  sleep 1
done
wait $creates $gets
now=$(wal_mb); [ "$now" -gt "$peak" ] && peak=$now
hits=$(awk -v a="$(cache_total hit)" -v b="${hits_before:-0}" 'BEGIN {print a - b}')
misses=$(awk -v a="$(cache_total miss)" -v b="${misses_before:-0}" 'BEGIN {print a - b}')
echo "mixed: creates $(awk '/Requests\/sec/ {print $2}' "$WORK/create.txt") req/s and GETs $(awk '/Requests\/sec/ {print $2}' "$WORK/get.txt") req/s for ${DURATION}s; WAL peak ${peak} MB (limit ${WAL_LIMIT_MB} MB)"
echo "mixed: GETs from the user cache: $hits hits, $misses misses ($(awk -v h="$hits" -v m="$misses" 'BEGIN {if (h + m > 0) printf "%.1f%%", 100 * h / (h + m); else print "n/a"}'))"
if [ "$peak" -gt "$WAL_LIMIT_MB" ]; then
  echo "mixed: FAILED: the WAL grew past ${WAL_LIMIT_MB} MB"
  exit 1
fi
