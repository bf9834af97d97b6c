#!/usr/bin/env bash
# Case 7: SIGTERM in the middle of a drain. The sessions in flight finish, their results are
# recorded, unsent claims are released at once (not after the lease), and after a restart nothing is
# sent twice.
CASE=sigterm
source "$(dirname "$0")/lib.sh"

create_db
start_sink
start_app a
wait_ready a
send_messages a
start_drain
wait_received $((N / 3))
t0=$SECONDS
kill_app a TERM
stop_s=$((SECONDS - t0))
left=$(psql_q "select count(*) from recipient where status = 'sending'")
released=$(grep -o 'released [0-9]* unsent claim' "$RUN/app-a.log" | tail -1 | grep -o '[0-9]*' || echo "?")
log "stopped in ${stop_s}s; $left claim(s) left in 'sending'; log says released $released"
start_app a
wait_ready a
wait_drained
check --sink-dir "$RUN/sink" --allowed-duplicates 0 \
	--extra "stop_s=$stop_s claims_left_after_stop=$left released=$released drain_s=$DRAIN_SECONDS"
[[ $left == 0 ]] || { log "FAIL: $left claim(s) were not released on SIGTERM"; exit 1; }
