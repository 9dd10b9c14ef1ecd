#!/usr/bin/env bash
# Mixed load: durable creates and GETs of random users at the same time; fails when the SQLite WAL
# grows past a bound. Readers that hold snapshots across requests keep the WAL from starting over
# (benchmarks.md, sixth session: 414 MB in 60 s); with a transaction per read it stays at the
# checkpoint size (~40 MB).
#
#   bench/mixed.sh                              # 100,000 users, 60 s, fails past 100 MB
#   USERS=1000000 DURATION=120 WAL_LIMIT_MB=80 bench/mixed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh

USERS=${USERS:-100000}
DURATION=${DURATION:-60}
WAL_LIMIT_MB=${WAL_LIMIT_MB:-100}
WORK=${WORK:-$(mktemp -d /tmp/accountd-mixed.XXXXXX)}
PORT=${PORT:-8693}
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

RUST_LOG=warn target/release/accountd serve --database "sqlite://$DB" --listen "127.0.0.1:$PORT" \
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
echo "mixed: creates $(awk '/Requests\/sec/ {print $2}' "$WORK/create.txt") req/s and GETs $(awk '/Requests\/sec/ {print $2}' "$WORK/get.txt") req/s for ${DURATION}s; WAL peak ${peak} MB (limit ${WAL_LIMIT_MB} MB)"
if [ "$peak" -gt "$WAL_LIMIT_MB" ]; then
  echo "mixed: FAILED: the WAL grew past ${WAL_LIMIT_MB} MB"
  exit 1
fi
