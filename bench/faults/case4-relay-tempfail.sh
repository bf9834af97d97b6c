#!/usr/bin/env bash
# Case 4: the relay answers a share (FAULT_TEMPFAIL_SHARE, default 0.2) of transactions with 421
# (closing the session) or 451 at RCPT or after the data, at random. Everything must still be
# delivered exactly once, with the retries visible as deferred attempts.
CASE=relay-tempfail
source "$(dirname "$0")/lib.sh"
SHARE=${FAULT_TEMPFAIL_SHARE:-0.2}

create_db
SINK_PORT=$(free_port)
$PY "$FAULTS/flaky_relay.py" --port "$SINK_PORT" --share "$SHARE" --log "$RUN/relay.log" --counts "$RUN/relay-counts.txt" \
	2>"$RUN/relay.err" &
RELAY_PID=$!
EXTRA_PIDS+=("$RELAY_PID")
wait_port "$SINK_PORT" 20
log "flaky relay on 127.0.0.1:$SINK_PORT failing ${SHARE} of transactions"
start_app a
wait_ready a
send_messages a
start_drain
wait_drained
kill "$RELAY_PID"
wait "$RELAY_PID" 2>/dev/null || true
deferred=$(psql_q "select count(*) from delivery_attempt where outcome = 'deferred'")
by_code=$(psql_q "select coalesce(string_agg(c || ':' || n, ','), '') from (select coalesce(reply_code::text, 'none') c, count(*) n from delivery_attempt where outcome = 'deferred' group by 1 order by 1) x")
throttle_metric=$(curl -s -m 5 "http://127.0.0.1:${APP_PORT[a]}/actuator/prometheus" | grep -ci throttl || true)
check --relay-log "$RUN/relay.log" --allowed-duplicates 0 \
	--extra "share=$SHARE deferred_attempts=$deferred deferred_by_code=$by_code relay:[$(cat "$RUN/relay-counts.txt" | tr ' ' ',')] throttle_series=$throttle_metric drain_s=$DRAIN_SECONDS"
