#!/usr/bin/env bash
# Case 3: the SMTP relay is down for FAULT_RELAY_DOWN seconds (default 120) in the middle of a drain,
# then back. Everything waiting is deferred, then delivered once the relay is back; meanwhile the
# queue-age gauge behind the MailroomQueueOldestMessageTooOld alert
# (max(mailroom_queue_oldest_age_seconds) > 900 for 10m, deploy/prometheus/alerts.yml) is sampled.
CASE=relay-down
source "$(dirname "$0")/lib.sh"
DOWN=${FAULT_RELAY_DOWN:-120}
THRESHOLD=${FAULT_ALERT_THRESHOLD:-900}

create_db
start_sink
start_app a
wait_ready a
send_messages a
start_drain
wait_received $((N / 4))
stop_sink
before=$(sink_count)
log "relay stopped after $before messages; down for ${DOWN}s"
max_age=0
t0=$SECONDS
while ((SECONDS - t0 < DOWN)); do
	age=$(scrape a mailroom_queue_oldest_age_seconds)
	age=${age%.*}
	[[ -n $age ]] && ((age > max_age)) && max_age=$age
	sleep 5
done
deferred=$(psql_q "select count(*) from recipient where status = 'deferred'")
start_sink "$SINK_PORT"
log "relay back; $deferred deferred; oldest-age gauge peaked at ${max_age}s"
wait_drained
attempts_deferred=$(psql_q "select count(*) from delivery_attempt where outcome = 'deferred'")
fires=$([[ $max_age -gt $THRESHOLD ]] && echo true || echo false)
fires_if_longer=$([[ $max_age -ge $((DOWN * 3 / 4)) ]] && echo true || echo false)
check --sink-dir "$RUN/sink" --allowed-duplicates 0 \
	--extra "relay_down_s=$DOWN deferred_at_return=$deferred deferred_attempts=$attempts_deferred oldest_age_max_s=$max_age alert_expr_gt_${THRESHOLD}=$fires age_tracks_outage=$fires_if_longer drain_s=$DRAIN_SECONDS"
