#!/usr/bin/env bash
# Case 2: the machine's PostgreSQL is restarted in the middle of a drain. mailroom must recover by
# itself (no restart of the app), readiness must go down and come back, nothing may be lost, and
# nothing sent twice: results recorded during the outage are retried, not dropped.
# The cluster restarted is FAULT_PG_CLUSTER (default "15 main"); the script makes sure it runs again.
CASE=postgres-restart
source "$(dirname "$0")/lib.sh"
read -r PG_VERSION PG_NAME <<<"${FAULT_PG_CLUSTER:-15 main}"

ensure_postgres() {
	if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
		log "PostgreSQL is down: starting it"
		pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_NAME" start || true
	fi
}
trap 'rc=$?; ensure_postgres; (exit $rc); cleanup' EXIT

create_db
start_sink
start_app a
wait_ready a
send_messages a
watch_readiness a "$RUN/readiness.txt"
start_drain
wait_received $((N / 4))
before=$(sink_count)
t0=$SECONDS
log "restarting PostgreSQL $PG_VERSION/$PG_NAME"
pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" "$PG_NAME" restart -m fast
ensure_postgres
until pg_isready -q -h "$PGHOST" -p "$PGPORT"; do sleep 0.2; done
restart_s=$((SECONDS - t0))
log "PostgreSQL back after ${restart_s}s ($before messages had arrived)"
wait_drained
sleep 2
not_ready=$(grep -vc '^200$' "$RUN/readiness.txt" || true)
samples=$(wc -l <"$RUN/readiness.txt")
ready_at_end=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:${APP_PORT[a]}/actuator/health/readiness")
log "readiness: $not_ready of $samples samples not 200; now $ready_at_end"
check --sink-dir "$RUN/sink" --allowed-duplicates 0 \
	--extra "pg_restart_s=$restart_s readiness_not_200_samples=$not_ready readiness_at_end=$ready_at_end drain_s=$DRAIN_SECONDS"
