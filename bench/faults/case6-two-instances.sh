#!/usr/bin/env bash
# Case 6: two instances share the database and drain together. Repeatedly (FAULT_ROUNDS, default 3)
# instance b is killed with SIGKILL and started again, and instance a is stopped with SIGTERM and
# started again. A recipient may be sent twice only if b held it when it was killed; none may be lost.
# The sink answers each DATA after FAULT_SINK_DELAY seconds (default 1) so that the drain lasts
# long enough for the rounds.
CASE=two-instances
source "$(dirname "$0")/lib.sh"
ROUNDS=${FAULT_ROUNDS:-3}
DELAY=${FAULT_SINK_DELAY:-1}

create_db
SINK_PORT=$(free_port)
mkdir -p "$RUN/sink" && chmod 777 "$RUN/sink"
smtp-sink -u nobody -m 512 -w "$DELAY" -d "$RUN/sink/%H%M%S." "127.0.0.1:$SINK_PORT" 256 &
SINK_PID=$!
wait_port "$SINK_PORT" 10
start_app a
start_app b
wait_ready a
wait_ready b
send_messages a
start_drain
allowed=0
kills=0
for ((round = 1; round <= ROUNDS; round++)); do
	wait_received $((N * round / (ROUNDS + 2)))
	kill_app b KILL
	held=$(psql_q "select count(*) from recipient where status = 'sending' and claimed_by like '%/${APP_PID[b]}/%'")
	allowed=$((allowed + held))
	kills=$((kills + 1))
	log "round $round: b killed holding $held claim(s); $(sink_count) received"
	start_app b
	kill_app a TERM
	log "round $round: a stopped gracefully; $(psql_q "select count(*) from recipient where status = 'sending' and claimed_by like '%/${APP_PID[a]}/%'") claim(s) left behind"
	start_app a
	wait_ready b
	wait_ready a
done
wait_drained
check --sink-dir "$RUN/sink" --allowed-duplicates "$allowed" \
	--extra "rounds=$ROUNDS sigkills=$kills claims_held_by_killed=$allowed sink_delay_s=$DELAY lease=$LEASE drain_s=$DRAIN_SECONDS"
