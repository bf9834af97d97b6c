#!/usr/bin/env bash
# Sends a small mix of traffic to a running mailroom so every dashboard panel has data:
# messages of both built-in templates, to addresses the relay delivers, defers (defer-*) and
# refuses (bounce-*) when it is the test relay, plus a webhook endpoint and a test event.
#
#   APP_URL=http://127.0.0.1:8080 API_KEY=local-dev-key [WEBHOOK_URL=http://127.0.0.1:9000/hook] bench/traffic-mix.sh
set -euo pipefail
app="${APP_URL:-http://127.0.0.1:8080}"
key="${API_KEY:-local-dev-key}"
rounds="${ROUNDS:-5}"
post() { curl -sS -o /dev/null -w '%{http_code}\n' -X POST "$app$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d "$2"; }

if [ -n "${WEBHOOK_URL:-}" ]; then
  post /webhooks "{\"url\": \"$WEBHOOK_URL\", \"events\": [\"message.delivered\", \"message.bounced\", \"message.deferred\", \"message.queued\"]}"
fi
for i in $(seq 1 "$rounds"); do
  for who in "ok-$i" "bounce-$i" "defer-$i"; do
    post /messages "{\"template\": \"alert\", \"to\": [{\"email\": \"$who@example.com\"}],
      \"data\": {\"severity\": \"warning\", \"title\": \"Traffic $i\", \"summary\": \"mixed traffic\"}}"
  done
  post /messages "{\"template\": \"order-confirmation\", \"to\": [{\"email\": \"shop-$i@example.com\"}],
    \"data\": {\"customer\": {\"name\": \"Ana\"}, \"order\": {\"number\": \"T-$i\", \"placedAt\": \"2026-11-28T10:15:00Z\",
    \"currency\": \"EUR\", \"items\": [{\"name\": \"Beans\", \"quantity\": 1, \"unitPrice\": 9.5}], \"subtotal\": 9.5, \"total\": 9.5}}}"
  post /messages '{"template": "no-such-template", "to": [{"email": "x@example.com"}]}' || true
  sleep 1
done
