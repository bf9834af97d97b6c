# Shared helpers for the bench/*.sh scripts (sourced, not run). Everything runs on loopback:
# the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust auth), Postfix's smtp-sink and
# smtp-source, and the mailroom jar. Each run creates its own database and drops it at exit
# (KEEP_DB=1 keeps it for inspection); logs, JFR recordings and samples go to $RUN_DIR.
#
# Settings every script honours (environment):
#   HEAP=512m          -Xmx and -Xms of each mailroom instance
#   JAVA_EXTRA=        more JVM options for mailroom (e.g. -XX:+UseParallelGC)
#   APP_EXTRA=         more --key=value arguments for mailroom
#   JDBC_PARAMS=reWriteBatchedInserts=true   query string of the JDBC URL (empty for none)
#   PG_HOST=127.0.0.1 PG_PORT=5432 PG_USER=postgres
#   BUILD=1            rebuild the jar even if it looks up to date
#   PROFILE=1          print the JFR execution-sample profile of each instance at its stop
#   PERF=1             a system-wide `perf record` of the measured part (drain.sh, ingest.sh)
#   JFR=0              run without the flight recorder (no heap-after-GC figures then)
set -euo pipefail

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
JAR="$BENCH_ROOT/target/mailroom-0.1.0-SNAPSHOT.jar"
HEAP="${HEAP:-512m}"
JDBC_PARAMS="${JDBC_PARAMS-reWriteBatchedInserts=true}"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_USER="${PG_USER:-postgres}"
API_KEY=bench-key
PY=/usr/bin/python3

_BENCH_PIDS=()
_BENCH_DBS=()

bench_init() { # name
	RUN_NAME="$1"
	command -v smtp-sink >/dev/null || { echo "smtp-sink missing (apt-get install postfix)" >&2; exit 2; }
	bench_build
	RUN_DIR="$BENCH_ROOT/target/bench/$1-$(date +%Y%m%d-%H%M%S)"
	mkdir -p "$RUN_DIR"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
	echo "# $1: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), heap $HEAP, run dir $RUN_DIR"
}

bench_cleanup() {
	local pid
	for pid in "${_BENCH_PIDS[@]:-}"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	done
	for pid in "${_BENCH_PIDS[@]:-}"; do
		[ -n "$pid" ] && wait "$pid" 2>/dev/null || true
	done
	if [ "${KEEP_DB:-0}" != 1 ]; then
		local db
		for db in "${_BENCH_DBS[@]:-}"; do
			[ -n "$db" ] && dropdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" --if-exists "$db" 2>/dev/null || true
		done
	elif [ "${#_BENCH_DBS[@]}" -gt 0 ]; then
		echo "kept database(s): ${_BENCH_DBS[*]}"
	fi
}

bench_build() {
	if [ "${BUILD:-0}" = 1 ] || [ ! -f "$JAR" ] \
		|| [ -n "$(find "$BENCH_ROOT/src/main" "$BENCH_ROOT/pom.xml" -newer "$JAR" -type f | head -1)" ]; then
		echo "building $JAR ..."
		# without target/classes: package leaves files deleted from src/ there (a removed migration
		# once went on into every jar built after it); earlier runs' directories stay
		(cd "$BENCH_ROOT" && rm -rf target/classes && mvn -o -q -DskipTests package)
	fi
}

free_port() {
	$PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

now_s() { date +%s.%N; }

calc() { $PY -c "import math; print($1)"; }

# --- PostgreSQL ---------------------------------------------------------------------------------

# Creates a fresh database and sets DB to its name (not "$(create_db)": a subshell would not
# register it for dropping at exit).
create_db() {
	DB="bench_${RUN_NAME//-/_}_$$_${#_BENCH_DBS[@]}"
	createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$DB"
	_BENCH_DBS+=("$DB")
}

jdbc_url() { # db
	echo "jdbc:postgresql://$PG_HOST:$PG_PORT/$1${JDBC_PARAMS:+?$JDBC_PARAMS}"
}

sql() { # db statement -> unaligned, tuples only
	psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -X -q -tA -v ON_ERROR_STOP=1 -c "$2"
}

# --- smtp-sink ----------------------------------------------------------------------------------

# Starts smtp-sink with running counters (-c) on a free port; sets SINK_PORT, SINK_PID, SINK_OUT.
start_sink() {
	SINK_PORT=$(free_port)
	SINK_OUT="$RUN_DIR/sink-$SINK_PORT.out"
	local user=()
	[ "$(id -u)" = 0 ] && user=(-u nobody)
	# shellcheck disable=SC2086
	smtp-sink "${user[@]}" -c ${SINK_OPTS:-} 127.0.0.1:"$SINK_PORT" 1024 >"$SINK_OUT" 2>&1 &
	SINK_PID=$!
	_BENCH_PIDS+=("$SINK_PID")
	local _
	for _ in $(seq 50); do
		(exec 3<>/dev/tcp/127.0.0.1/"$SINK_PORT") 2>/dev/null && return 0
		sleep 0.1
	done
	echo "smtp-sink did not start" >&2
	return 1
}

# Messages smtp-sink has received so far (its -c counter line: "sess=.. quit=.. mesg=N").
sink_count() {
	local n
	n=$(tr '\r' '\n' <"$SINK_OUT" | grep -o 'mesg=[0-9]*' | tail -1 | cut -d= -f2)
	echo "${n:-0}"
}

# smtp-source into the sink as the ceiling: prints "<messages> <seconds> <msg/s>".
smtp_source_ceiling() { # messages sessions size
	local before start end after
	before=$(sink_count)
	start=$(now_s)
	smtp-source -s "$2" -d -m "$1" -l "$3" -f bench@client.test -t sink@server.test -M client.test \
		127.0.0.1:"$SINK_PORT"
	end=$(now_s)
	sleep 0.2
	after=$(sink_count)
	[ $((after - before)) -eq "$1" ] || echo "warning: sink counted $((after - before)) of $1 smtp-source messages" >&2
	echo "$1 $(calc "round($end-$start,2)") $(calc "round($1/($end-$start))")"
}

# --- mailroom -----------------------------------------------------------------------------------

# start_app label db port delivery(true|false) [more --key=value ...]: launch_app, then await_app.
# Relay: the sink started by start_sink, or 127.0.0.1:9 when there is none (delivery off).
declare -A APP_PIDS APP_READY APP_PORTS
start_app() {
	launch_app "$@"
	await_app "$1"
}

jfr_options() { # label
	if [ "${JFR:-1}" != 0 ]; then
		echo "-XX:FlightRecorderOptions=stackdepth=256 -XX:StartFlightRecording=filename=$RUN_DIR/app-$1.jfr,settings=${JFR_SETTINGS:-default},dumponexit=true"
	fi
}

# With PERF=1 (drain.sh, ingest.sh): frame pointers and a perf map at exit, so a system-wide
# `perf record` resolves the JIT-compiled frames.
perf_jvm_options() {
	if [ "${PERF:-0}" = 1 ]; then
		echo "-XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer"
	fi
}

# With PERF=1: records the whole machine (mailroom, PostgreSQL, load generator, kernel) into
# $RUN_DIR/perf.data until perf_stop, or for the given seconds. Sets PERF_PID.
perf_start() { # [seconds]
	[ "${PERF:-0}" = 1 ] || return 0
	if [ $# -gt 0 ]; then
		perf record -a -g -F 499 -o "$RUN_DIR/perf.data" -- sleep "$1" >"$RUN_DIR/perf.log" 2>&1 &
	else
		perf record -a -g -F 499 -o "$RUN_DIR/perf.data" >"$RUN_DIR/perf.log" 2>&1 &
	fi
	PERF_PID=$!
}

perf_stop() {
	[ "${PERF:-0}" = 1 ] || return 0
	kill -INT "$PERF_PID" 2>/dev/null || true
	wait "$PERF_PID" || true
	echo "perf profile: $RUN_DIR/perf.data (perf report -i … --sort comm,dso,sym)"
}

# Starts an instance in the background; sets APP_PID (and APP_PIDS[label]).
launch_app() {
	local label=$1 db=$2 port=$3 delivery=$4
	shift 4
	local relay_port=${SINK_PORT:-9}
	# shellcheck disable=SC2086
	java -Xms"$HEAP" -Xmx"$HEAP" ${JAVA_EXTRA:-} $(perf_jvm_options) \
		$(jfr_options "$label") \
		-jar "$JAR" \
		--server.port="$port" \
		--spring.datasource.url="$(jdbc_url "$db")" --spring.datasource.username="$PG_USER" \
		--mailroom.api-key="$API_KEY" \
		--mailroom.relay.host=127.0.0.1 --mailroom.relay.port="$relay_port" --mailroom.relay.tls=none \
		--mailroom.delivery.enabled="$delivery" \
		--mailroom.bounce.domain=bench.test --mailroom.sender.default=shop@bench.test \
		--mailroom.rate-limit.enabled=false \
		--logging.level.root=WARN --logging.level.io.mailroom=INFO \
		"$@" ${APP_EXTRA:-} >"$RUN_DIR/app-$label.log" 2>&1 &
	APP_PID=$!
	APP_PIDS[$label]=$APP_PID
	APP_PORTS[$label]=$port
	_BENCH_PIDS+=("$APP_PID")
}

# Waits until the instance is ready (/actuator/health/readiness UP: the database; the relay is not part
# of it, so an instance with delivery off and no relay counts as started). Start-up takes 15-60 s.
await_app() { # label
	local pid=${APP_PIDS[$1]} port=${APP_PORTS[$1]} deadline=$((SECONDS + 300))
	until curl -fsS "http://127.0.0.1:$port/actuator/health/readiness" 2>/dev/null | grep -q "\"status\":\"UP\""; do
		if ! kill -0 "$pid" 2>/dev/null || [ $SECONDS -gt $deadline ]; then
			echo "mailroom ($1) did not start; see $RUN_DIR/app-$1.log" >&2
			tail -30 "$RUN_DIR/app-$1.log" >&2
			return 1
		fi
		sleep 0.5
	done
	APP_READY[$1]=$(date +%s)
}

# Peak resident set (VmHWM) of a running process in MiB.
peak_rss_mib() { # pid
	awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$1/status"
}

# Forget the peak so far, so the next peak_rss_mib covers only what follows (Linux clear_refs 5).
reset_peak_rss() { # pid
	echo 5 >"/proc/$1/clear_refs" 2>/dev/null || echo "note: cannot reset VmHWM of $1" >&2
}

# Stops an instance gracefully (SIGTERM: senders finish, claims are released, JFR is dumped).
stop_app() { # label
	local pid=${APP_PIDS[$1]}
	kill "$pid" 2>/dev/null || true
	local _
	for _ in $(seq 120); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.5
	done
	wait "$pid" 2>/dev/null || true
	if [ "${PROFILE:-0}" = 1 ] && [ "$1" != preload ]; then
		echo "--- JFR profile of $1 ($RUN_DIR/app-$1.jfr) ---"
		# Samples from start-up (class loading, Flyway, JIT of the first requests) are left out.
		{
			$PY "$BENCH_ROOT/bench/lib/jfr_profile.py" "$RUN_DIR/app-$1.jfr" "${PROFILE_TOP:-25}" "${APP_READY[$1]}"
			$PY "$BENCH_ROOT/bench/lib/jfr_profile.py" --waits "$RUN_DIR/app-$1.jfr" "${APP_READY[$1]}"
		} | tee "$RUN_DIR/profile-$1.txt" || true
	fi
}

# Heap after each GC from the instance's JFR recording: "<max MiB> <median MiB> <GCs>".
heap_after_gc() { # label
	if [ -f "$RUN_DIR/app-$1.jfr" ]; then
		$PY "$BENCH_ROOT/bench/lib/jfr_profile.py" --heap "$RUN_DIR/app-$1.jfr"
	else
		echo "n/a n/a 0"
	fi
}

api_post() { # port path body -> status code (the body goes through a pipe: it may be megabytes)
	printf '%s' "$3" | curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$1$2" \
		-H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' --data-binary @-
}

# The message the benchmarks pre-load, for one recipient: MESSAGE=order-confirmation (8.2 KB of
# MIME) or MESSAGE=alert (4.5 KB): bench/load/$MESSAGE.json. ATTACHMENT_KB=n adds a PDF attachment
# of n KB of random bytes (up to 7 MB: large messages for drain.sh and memory checks).
order_json() { # recipient
	local json
	json=$(sed "s/{{to}}/$1/g" "$BENCH_ROOT/bench/load/${MESSAGE:-order-confirmation}.json")
	if [ -n "${ATTACHMENT_KB:-}" ]; then
		json=$(printf '%s' "$json" | $PY -c "
import base64, json, os, sys
m = json.load(sys.stdin)
m['attachments'] = [{'filename': 'report.pdf', 'contentType': 'application/pdf',
                     'content': base64.b64encode(os.urandom($ATTACHMENT_KB * 1024)).decode()}]
print(json.dumps(m))")
	fi
	printf '%s' "$json"
}

# --- CPU accounting (robust on a shared machine: CPU time per message barely depends on load) ---

cpu_ticks() { # pid... -> user+system clock ticks (100 per second) of these processes so far
	local total=0 pid t
	for pid in "$@"; do
		t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || echo 0)
		total=$((total + t))
	done
	echo "$total"
}

db_backends() { # db -> pids of the PostgreSQL backends serving that database
	sql "$1" "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()" | tr '\n' ' '
}

# cpu_start db pid...: remembers the CPU ticks of these processes, of the database's backends and
# of smtp-sink; cpu_since db pid... messages then prints CPU seconds of each since, and per message.
declare -A _CPU0
cpu_start() {
	local db=$1 pid
	shift
	_CPU0=()
	for pid in "$@"; do _CPU0[app$pid]=$(cpu_ticks "$pid"); done
	for pid in $(db_backends "$db"); do _CPU0[pg$pid]=$(cpu_ticks "$pid"); done
	_CPU0[sink]=$(cpu_ticks "${SINK_PID:-0}")
}

cpu_since() { # db pid... messages
	local db=$1 n=${*: -1} pid app=0 pg=0 sink
	set -- "${@:2:$#-2}"
	for pid in "$@"; do app=$((app + $(cpu_ticks "$pid") - ${_CPU0[app$pid]:-0})); done
	# Backends that ended meanwhile are missed; HikariCP keeps its connections, so there are few.
	for pid in $(db_backends "$db"); do pg=$((pg + $(cpu_ticks "$pid") - ${_CPU0[pg$pid]:-0})); done
	sink=$(($(cpu_ticks "${SINK_PID:-0}") - ${_CPU0[sink]:-0}))
	$PY -c "
a, p, s, n = $app / 100, $pg / 100, $sink / 100, max(1, $n)
print(f'mailroom {a:.1f} s ({1000*a/n:.2f} ms/msg), its postgres backends {p:.1f} s ({1000*p/n:.2f} ms/msg), smtp-sink {s:.1f} s ({1000*s/n:.2f} ms/msg)')"
}

# Warm-up until the JIT has settled. On these 2 cores C2 compiles the request path for 70-90 s
# of full load (jstat -compiler: ~120 s of compile time, then flat); figures taken before that
# measure the compiler, not the service (single POST max: ~500 msg/s while compiling, ~1,080
# after). Runs the given load command (one round, ~10 s) again and again until
# a round adds fewer than $JIT_SETTLED compilations, for at least $WARMUP_MIN s and at most
# $WARMUP_MAX s. Prints the rounds to stderr and "<seconds> <compilations>" on stdout.
warm_until_compiled() { # pid command...
	local pid=$1; shift
	local start before after elapsed
	start=$(now_s)
	before=$(jit_compilations "$pid")
	while true; do
		"$@" >/dev/null
		after=$(jit_compilations "$pid")
		elapsed=$(calc "round($(now_s) - $start)")
		echo "  warm-up: ${elapsed} s, $((after - before)) compilations in the last round" >&2
		if { [ "$elapsed" -ge "${WARMUP_MIN:-30}" ] && [ $((after - before)) -lt "${JIT_SETTLED:-100}" ]; } \
			|| [ "$elapsed" -ge "${WARMUP_MAX:-240}" ]; then
			echo "$elapsed $after"
			return 0
		fi
		before=$after
	done
}

jit_compilations() { # pid -> compilations so far (jstat)
	jstat -compiler "$1" | awk 'NR == 2 { print $1 }'
}
