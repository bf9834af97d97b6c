#!/usr/bin/env bash
# Case 5: the webhook receiver is down for FAULT_WEBHOOK_DOWN seconds (default 300) while mail is
# delivered, then back. Every event must arrive once per webhook-id, and per message in order
# (queued before the final event). The retry schedule is shortened (FAULT_WEBHOOK_RETRY) so that
# the run ends minutes after the receiver is back, not after the production 30m/2h steps.
CASE=webhook-down
source "$(dirname "$0")/lib.sh"
DOWN=${FAULT_WEBHOOK_DOWN:-300}
RETRY=${FAULT_WEBHOOK_RETRY:-5s,10s,20s,30s,60s,60s,60s,60s,60s,60s,60s,60s}

create_db
start_sink
start_app a MAILROOM_WEBHOOK_RETRY_SCHEDULE="$RETRY"
wait_ready a
HOOK_PORT=$(free_port)
status=$(curl -s -o "$RUN/webhook.json" -w '%{http_code}' -X POST "http://127.0.0.1:${APP_PORT[a]}/webhooks" \
	-H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' \
	-d "{\"url\": \"http://127.0.0.1:$HOOK_PORT/hook\", \"description\": \"fault suite\"}")
if [[ $status == 404 || $status == 405 ]]; then
	echo "RESULT case=$CASE skipped: this build has no webhooks (POST /webhooks answered $status)"
	exit 0
fi
[[ $status == 201 ]] || { log "POST /webhooks answered $status: $(cat "$RUN/webhook.json")"; exit 1; }
$PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["secret"])' "$RUN/webhook.json" >"$RUN/secret"

start_receiver() {
	$PY "$FAULTS/webhook_receiver.py" --port "$HOOK_PORT" --log "$RUN/webhooks.log" --secret-file "$RUN/secret" &
	RECEIVER_PID=$!
	EXTRA_PIDS+=("$RECEIVER_PID")
	wait_port "$HOOK_PORT" 10
}
start_receiver
send_messages a
start_drain
wait_received $((N / 4))
kill "$RECEIVER_PID"
wait "$RECEIVER_PID" 2>/dev/null || true
log "receiver down for ${DOWN}s after $(wc -l <"$RUN/webhooks.log") webhook(s)"
sleep "$DOWN"
start_receiver
log "receiver back"
wait_drained
# Then until every delivery of the outbox has been made (or given up).
start=$SECONDS
while ((SECONDS - start < DRAIN_TIMEOUT)); do
	open=$(psql_q "select count(*) from webhook_delivery where status in ('pending', 'sending')")
	unfanned=$(psql_q "select count(*) from message_event where not fanned_out")
	[[ $open == 0 && $unfanned == 0 ]] && break
	sleep 2
done
webhook_s=$((SECONDS - DRAIN_STARTED))
failed=$(psql_q "select count(*) from webhook_delivery where status = 'failed'")
bad_signatures=$(grep -c $'\tFalse$' "$RUN/webhooks.log" || true)
check --sink-dir "$RUN/sink" --webhook-log "$RUN/webhooks.log" --allowed-duplicates 0 \
	--extra "receiver_down_s=$DOWN webhook_deliveries_failed=$failed bad_signatures=$bad_signatures webhooks_done_s=$webhook_s drain_s=$DRAIN_SECONDS"
