#!/usr/bin/env bash
# Time of POST /messages/batch with 500 messages, against a running instance.
#
#   bench/api/batch-accept.sh [rounds=10] [template=alert|order-confirmation]
#
# Start the service first (mvn spring-boot:run, or any deployment); BASE_URL (default
# http://127.0.0.1:8080) and API_KEY (default local-dev-key) point the script at it. Use a test-mode
# key (POST /api-keys {"mode": "test"}) to keep the relay out of it. Prints each round's wall time
# as curl saw it, then min / median / max. The first round includes the JVM's warm-up.
set -euo pipefail

ROUNDS=${1:-10}
TEMPLATE=${2:-alert}
BASE_URL=${BASE_URL:-http://127.0.0.1:8080}
API_KEY=${API_KEY:-local-dev-key}
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT

/usr/bin/python3 - "$TEMPLATE" > "$BODY" <<'PY'
import json, sys
template = sys.argv[1]
def message(i):
    if template == "alert":
        data = {"severity": "info", "title": "Nightly report %d" % i, "summary": "All jobs finished."}
    else:
        data = {"customer": {"name": "Ana Lima", "email": "ana%d@example.com" % i},
                "order": {"number": "A-%d" % i, "placedAt": "2026-11-28T10:15:00Z", "currency": "EUR",
                          "items": [{"name": "Espresso beans 1 kg", "sku": "EB-1", "quantity": 2, "unitPrice": 18.50}],
                          "subtotal": 37.00, "shipping": 4.90, "tax": 7.03, "total": 48.93,
                          "shippingAddress": {"name": "Ana Lima", "line1": "Rua Augusta 1", "city": "Lisboa",
                                              "postalCode": "1100-053", "country": "PT"}}}
    return {"template": template, "to": [{"email": "bench%d@example.com" % i}], "priority": "low",
            "tags": ["bench"], "metadata": {"n": str(i)}, "data": data}
print(json.dumps({"messages": [message(i) for i in range(500)]}))
PY

echo "POST $BASE_URL/messages/batch: 500 x $TEMPLATE, $(wc -c < "$BODY") bytes, $ROUNDS rounds; $(nproc) CPUs here"
times=()
for round in $(seq "$ROUNDS"); do
  out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' "$BASE_URL/messages/batch" \
        -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' --data-binary @"$BODY")
  status=${out% *}
  seconds=${out#* }
  [ "$status" = 202 ] || { echo "round $round: HTTP $status" >&2; exit 1; }
  ms=$(/usr/bin/python3 -c "print(round($seconds * 1000))")
  echo "round $round: ${ms} ms"
  times+=("$ms")
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "min %d ms, median %d ms, max %d ms\n", a[1], a[int((NR+1)/2)], a[NR]}'
