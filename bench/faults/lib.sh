# Shared by the fault cases: a fresh database on the machine's PostgreSQL, the app jar as separate
# processes, an SMTP sink, a sender, the drain wait and the final check. Sourced, not run.
# Every process started here is stopped by pid when the case exits; the database is dropped.

set -euo pipefail

FAULTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$FAULTS/../.." && pwd)
PY=/usr/bin/python3

N=${FAULT_N:-5000}                                # messages per case
LEASE=${FAULT_LEASE:-30s}                         # claim lease (production default 5m)
LADDER=${FAULT_LADDER:-5s,10s,20s,30s}            # retry ladder (production default 1m,5m,...)
DRAIN_TIMEOUT=${FAULT_DRAIN_TIMEOUT:-1200}        # seconds to wait for the queue to drain
export PGHOST=${FAULT_PGHOST:-127.0.0.1} PGPORT=${FAULT_PGPORT:-5432} PGUSER=${FAULT_PGUSER:-postgres}
API_KEY=fault-suite-key-$RANDOM$RANDOM

CASE=${CASE:-case}
RUN=$(mktemp -d "/tmp/mailroom-fault-$CASE.XXXXXX")
chmod 755 "$RUN" # smtp-sink runs as nobody and writes below it
DB=mailroom_fault_$$
declare -A APP_PID=() APP_PORT=()
SINK_PID=""
EXTRA_PIDS=()

log() { printf '%s [%s] %s\n' "$(date +%T)" "$CASE" "$*" >&2; }

cleanup() {
	local rc=$?
	for name in "${!APP_PID[@]}"; do kill -9 "${APP_PID[$name]}" 2>/dev/null || true; done
	[[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null || true
	for pid in "${EXTRA_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	if [[ ${FAULT_KEEP:-0} != 1 ]]; then
		dropdb --if-exists "$DB" 2>/dev/null || log "could not drop database $DB"
	fi
	log "work files in $RUN"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# FAULT_JAR picks a prebuilt jar (a copy, so that a concurrent `mvn package` cannot swap it mid-run).
jar() {
	local j
	if [[ -n ${FAULT_JAR:-} ]]; then echo "$FAULT_JAR"; return; fi
	j=$(ls "$ROOT"/target/mailroom-*.jar 2>/dev/null | grep -v original | head -1)
	if [[ -z $j ]]; then
		log "building the jar (mvn -o -q -DskipTests package)"
		(cd "$ROOT" && mvn -o -q -DskipTests package)
		j=$(ls "$ROOT"/target/mailroom-*.jar | grep -v original | head -1)
	fi
	echo "$j"
}

create_db() {
	createdb "$DB"
	log "database $DB on $PGHOST:$PGPORT"
}

psql_q() { psql -d "$DB" -XAtq -v ON_ERROR_STOP=1 -c "$1"; }

# start_sink [port]: Postfix smtp-sink writing one file per completed transaction into $RUN/sink.
# An aborted transaction (client killed mid-DATA) leaves no file: what is there was accepted.
start_sink() {
	SINK_PORT=${1:-${SINK_PORT:-$(free_port)}}
	mkdir -p "$RUN/sink" && chmod 777 "$RUN/sink"
	smtp-sink -u nobody -m 512 -d "$RUN/sink/%H%M%S." "127.0.0.1:$SINK_PORT" 256 &
	SINK_PID=$!
	wait_port "$SINK_PORT" 10
	log "smtp-sink on 127.0.0.1:$SINK_PORT (pid $SINK_PID)"
}

stop_sink() {
	[[ -n $SINK_PID ]] && kill "$SINK_PID" 2>/dev/null || true
	wait "$SINK_PID" 2>/dev/null || true
	SINK_PID=""
}

sink_count() { find "$RUN/sink" -type f 2>/dev/null | wc -l; }

wait_port() {
	local port=$1 timeout=$2 i
	for ((i = 0; i < timeout * 10; i++)); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
		sleep 0.1
	done
	log "nothing listens on port $port after ${timeout}s"
	return 1
}

# start_app NAME [extra env assignments...]: one mailroom process on its own HTTP port.
start_app() {
	local name=$1
	shift
	local port=${APP_PORT[$name]:-$(free_port)}
	APP_PORT[$name]=$port
	env SPRING_DATASOURCE_URL="jdbc:postgresql://$PGHOST:$PGPORT/$DB" SPRING_DATASOURCE_USERNAME="$PGUSER" \
		SPRING_DATASOURCE_PASSWORD="${PGPASSWORD:-}" SERVER_PORT="$port" MAILROOM_API_KEY="$API_KEY" \
		MAILROOM_RELAY_HOST=127.0.0.1 MAILROOM_RELAY_PORT="$SINK_PORT" MAILROOM_RELAY_TLS=none \
		MAILROOM_DELIVERY_LEASE="$LEASE" MAILROOM_DELIVERY_RETRY_LADDER="$LADDER" \
		MAILROOM_BOUNCE_DOMAIN=bounces.fault.test MAILROOM_SENDER_DEFAULT=faults@fault.test \
		MAILROOM_RATE_LIMIT_ENABLED=false MAILROOM_METRICS_QUEUE_INTERVAL=2s \
		MAILROOM_WEBHOOK_ALLOW_PRIVATE_TARGETS=true MAILROOM_LOCAL_CAPTURE_SERVER=false \
		"$@" java -Xmx512m -XX:+UseSerialGC -jar "$(jar)" >>"$RUN/app-$name.log" 2>&1 &
	APP_PID[$name]=$!
	log "started $name (pid ${APP_PID[$name]}) on port $port"
}

wait_ready() {
	local name=$1 timeout=${2:-300} start=$SECONDS
	while ((SECONDS - start < timeout)); do
		if curl -fs -m 5 "http://127.0.0.1:${APP_PORT[$name]}/actuator/health/readiness" >/dev/null 2>&1; then
			log "$name ready after $((SECONDS - start))s"
			return 0
		fi
		if ! kill -0 "${APP_PID[$name]}" 2>/dev/null; then
			log "$name exited; last log lines:"
			tail -20 "$RUN/app-$name.log" >&2
			return 1
		fi
		sleep 0.25
	done
	log "$name not ready after ${timeout}s"
	return 1
}

kill_app() { # kill_app NAME SIGNAL
	local name=$1 signal=$2
	kill "-$signal" "${APP_PID[$name]}" 2>/dev/null || true
	wait "${APP_PID[$name]}" 2>/dev/null || true
	log "$name got SIG$signal"
}

# send_messages NAME: N messages with unique recipients r<i>@example.test, scheduled an hour ahead
# so that none leaves while they are being accepted; start_drain then makes them all due at once,
# and the fault goes in while the worker works through a full queue.
send_messages() {
	local name=$1 send_at
	send_at=$(date -u -d "+1 hour" +%Y-%m-%dT%H:%M:%SZ)
	$PY "$FAULTS/send.py" --base "http://127.0.0.1:${APP_PORT[$name]}" --key "$API_KEY" --n "$N" \
		--run "$CASE-$$" --send-at "$send_at" --out "$RUN/accepted.tsv"
}

start_drain() {
	# As if they had been scheduled for now: the message's sendAt moves too (the queue-age gauge counts from it).
	psql_q "update message set send_at = now() where send_at is not null;
		update recipient set next_attempt_at = now() where status = 'scheduled'; notify mailroom_work" >/dev/null
	DRAIN_STARTED=$SECONDS
	log "queue released: $N recipients due now"
}

# wait_received COUNT: until the sink holds COUNT messages (the fault goes in mid-drain).
wait_received() {
	local want=$1 i
	for ((i = 0; i < 6000; i++)); do
		(($(sink_count) >= want)) && return 0
		sleep 0.05
	done
	log "sink never reached $want messages"
	return 1
}

# wait_drained: until no recipient is waiting (every one has a final status).
wait_drained() {
	local start=$SECONDS left last=-1
	while ((SECONDS - start < DRAIN_TIMEOUT)); do
		left=$(psql_q "select count(*) from recipient where final_at is null" 2>/dev/null || echo "?")
		if [[ $left == 0 ]]; then
			DRAIN_SECONDS=$((SECONDS - ${DRAIN_STARTED:-$start}))
			log "drained ${DRAIN_SECONDS}s after the queue was released"
			return 0
		fi
		if [[ $left != "$last" ]]; then log "waiting: $left recipient(s) not final"; last=$left; fi
		sleep 2
	done
	DRAIN_SECONDS=$((SECONDS - start))
	log "queue not drained after ${DRAIN_TIMEOUT}s"
	return 0
}

# check [extra check.py args...]: prints the RESULT line and exits non-zero on a failed case.
check() {
	$PY "$FAULTS/check.py" --case "$CASE" --db "$DB" --accepted "$RUN/accepted.tsv" --n "$N" "$@"
}

# watch_readiness NAME FILE: samples the readiness probe every half second into FILE (code per line).
watch_readiness() {
	local name=$1 file=$2
	(while true; do
		curl -s -m 2 -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:${APP_PORT[$name]}/actuator/health/readiness" >>"$file" || true
		sleep 0.5
	done) &
	EXTRA_PIDS+=($!)
}

# scrape NAME METRIC: the value of one Prometheus series (first match), or empty.
scrape() {
	curl -s -m 5 "http://127.0.0.1:${APP_PORT[$1]}/actuator/prometheus" 2>/dev/null \
		| awk -v m="$2" '$1 == m || index($1, m "{") == 1 { print $2; exit }' || true
}

# worker_claims NAME: recipients claimed by that process (its worker id holds its pid).
worker_claims() {
	psql_q "select count(*) from recipient where status = 'sending' and claimed_by like '%/${APP_PID[$1]}/%'"
}
