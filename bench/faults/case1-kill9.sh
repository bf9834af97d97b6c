#!/usr/bin/env bash
# Case 1: kill -9 of mailroom in the middle of a drain, then a restart. The recipients the dead
# process had claimed are retaken when their lease (FAULT_LEASE, default 30s) expires; only those
# that were on the wire at the kill may arrive twice.
CASE=kill9
source "$(dirname "$0")/lib.sh"

create_db
start_sink
start_app a
wait_ready a
send_messages a
start_drain
wait_received $((N / 3))
kill_app a KILL
on_wire_at_kill=$(sink_count)
# Nothing changes the rows now: what is 'sending' is exactly what the dead process held.
claimed_at_kill=$(psql_q "select count(*) from recipient where status = 'sending'")
log "killed with $claimed_at_kill recipient(s) claimed, $on_wire_at_kill message(s) received so far"
start_app a
wait_ready a
wait_drained
check --sink-dir "$RUN/sink" --allowed-duplicates "$claimed_at_kill" \
	--extra "claimed_at_kill=$claimed_at_kill received_before_kill=$on_wire_at_kill lease=$LEASE drain_s=$DRAIN_SECONDS"
