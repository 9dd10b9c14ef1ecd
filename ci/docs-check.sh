#!/usr/bin/env bash
# The docs page renders offline (issue 7): start accountd, open http://127.0.0.1:<port>/docs/ in
# headless Chromium (Debian's package; installed when missing) with networking beyond loopback
# switched off, and check the screenshot is not a blank page. Prints the screenshot's path.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

cargo build --quiet -p accountd-server

WORK=$(mktemp -d)
OUT=${DOCS_SCREENSHOT_DIR:-target/docs-check}
mkdir -p "$OUT"
SHOT="$(cd "$OUT" && pwd)/docs-screenshot.png"
rm -f "$SHOT"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
${CARGO_TARGET_DIR:-target}/debug/accountd serve --listen "127.0.0.1:$PORT" --database "sqlite://$WORK/docs.db" \
  > "$WORK/server.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done

# The page must not reference anything outside accountd.
if curl -sf "http://127.0.0.1:$PORT/docs/" | grep -Eq '(src|href)="https?://'; then
  echo "docs check: /docs/ loads assets from elsewhere" >&2
  exit 1
fi

# --virtual-time-budget lets Swagger UI fetch /openapi.json and render before the screenshot.
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$WORK/profile" \
  --virtual-time-budget=10000 --window-size=1280,900 --screenshot="$SHOT" \
  "http://127.0.0.1:$PORT/docs/" > "$WORK/chromium.log" 2>&1 || {
  cat "$WORK/chromium.log" >&2
  exit 1
}
# The rendered DOM must show the operations, read from /openapi.json.
timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$WORK/profile" \
  --virtual-time-budget=10000 --dump-dom "http://127.0.0.1:$PORT/docs/" > "$WORK/dom.html" 2>/dev/null
for text in 'Dynatrace List Users' 'Dynatrace Create Group' 'Get an access token'; do
  if ! grep -q "$text" "$WORK/dom.html"; then
    echo "docs check: the rendered page does not show '$text'" >&2
    exit 1
  fi
done
SIZE=$(stat -c %s "$SHOT")
# A blank 1280x900 page is a few kB of PNG; the rendered docs page is far larger.
if [ "$SIZE" -lt 60000 ]; then
  echo "docs check: the screenshot $SHOT is only $SIZE bytes: the page looks blank" >&2
  exit 1
fi
echo "docs check: /docs/ rendered offline; screenshot $SHOT ($SIZE bytes)"
