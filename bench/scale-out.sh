#!/usr/bin/env bash
# Scale-out: one instance, then two instances on one database, draining the same backlog.
#
#   bench/scale-out.sh [recipients=100000]
#
# Pre-loads N queued recipients (as bench/drain.sh) and copies the database, so both runs start
# from the same backlog. In each run the recipients are held back until every instance is up, then
# released in one transaction (with NOTIFY), so no instance gets a head start. Rate = delivered /
# (last final_at - first attempt start). Then proves that nothing was sent twice: every recipient
# has exactly one attempt and smtp-sink counted exactly N messages for the run. Target: two
# instances >= 1.6 x one (where the database is not the limit), zero duplicates.
#
# Before each measured backlog the instances drain 2 x WARMUP_N more recipients (not measured), as
# running services have their delivery path compiled; cold, two JVMs compiling at once on 2 cores
# was a large part of the figure. WARMUP_N=0 measures cold starts.
#
# On one 2-core machine the default run is CPU-bound: both instances, PostgreSQL and smtp-sink
# share the same cores, so a second instance adds only scheduling. RELAY_DELAY=s makes smtp-sink
# wait s seconds before answering each DATA (`smtp-sink -w`, whole seconds), as a distant relay
# does: then each instance is limited by its connections, not by the CPU or the database, which is
# the case the 1.6 x target names. For example:
#   RELAY_DELAY=1 CONNECTIONS=50 WARMUP_N=100 bash bench/scale-out.sh 4000
#
# Environment: CONNECTIONS=20 (per instance) TIMEOUT=1200 SINGLE=1 (0 skips the one-instance
# run) WARMUP_N=10000 RELAY_DELAY= (seconds), and those of bench/lib/common.sh.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/preload.sh"
N=${1:-100000}
CONNECTIONS=${CONNECTIONS:-20}
TIMEOUT=${TIMEOUT:-1200}
SINGLE=${SINGLE:-1}
WARMUP_N=${WARMUP_N:-10000}
if [ -n "${RELAY_DELAY:-}" ]; then
	SINK_OPTS="${SINK_OPTS:-} -w $RELAY_DELAY"
fi

bench_init scale-out
create_db
db_one=$DB
preload "$db_one" $((N + 2 * WARMUP_N))
hold_recipients "$db_one"
copy_db "$db_one"
db_two=$DB
start_sink

run() { # label db instances...
	local label=$1 db=$2 before
	shift 2
	local i
	for i in "$@"; do
		launch_app "$i" "$db" "$(free_port)" true --mailroom.relay.max-connections="$CONNECTIONS"
	done
	for i in "$@"; do
		await_app "$i"
	done
	if [ "$WARMUP_N" -gt 0 ]; then
		echo "== $label: warm-up of $((2 * WARMUP_N)) recipients (not measured)"
		release_some "$db" $((2 * WARMUP_N))
		await_drained "$db" $((2 * WARMUP_N)) "$TIMEOUT" >/dev/null
	fi
	local since
	since=$(sql "$db" "select coalesce(max(final_at), '-infinity') from recipient")
	declare -A shares_before=()
	for i in "$@"; do
		shares_before[$i]=$(delivered_by "${APP_PORTS[$i]}")
	done
	before=$(sink_count)
	echo "== $label: releasing $N recipients to $# instance(s)"
	release_held "$db"
	RUN_OK=ok
	await_drained "$db" "$N" "$TIMEOUT" || RUN_OK="TIMED OUT"
	sleep 0.5
	RUN_SENT=$(($(sink_count) - before))
	RUN_SHARES=""
	for i in "$@"; do
		RUN_SHARES+="$i $(($(delivered_by "${APP_PORTS[$i]}") - ${shares_before[$i]:-0})), "
	done
	RUN_RSS=""
	for i in "$@"; do
		RUN_RSS+="$i $(peak_rss_mib "${APP_PIDS[$i]}") MiB, "
		stop_app "$i"
	done
	read -r RUN_DELIVERED RUN_OTHER RUN_SECONDS RUN_RATE < <(drain_figures "$db" "$since")
	read -r RUN_DUP RUN_ATTEMPTS RUN_RECIPIENTS < <(duplicate_figures "$db")
}

one_line="skipped (SINGLE=0)"
if [ "$SINGLE" = 1 ]; then
	run "one instance" "$db_one" one
	one_rate=$RUN_RATE
	one_line="$RUN_RATE msg/s ($RUN_DELIVERED delivered in $RUN_SECONDS s; $RUN_OK); sink counted $RUN_SENT; recipients with >1 attempt: $RUN_DUP; peak RSS ${RUN_RSS%, }"
fi
run "two instances" "$db_two" a b
two_line="$RUN_RATE msg/s ($RUN_DELIVERED delivered in $RUN_SECONDS s; $RUN_OK); delivered by ${RUN_SHARES%, }; peak RSS ${RUN_RSS%, }"

cat <<SUMMARY

==== scale-out summary ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), -Xmx$HEAP, JDBC ?$JDBC_PARAMS, $CONNECTIONS connections per instance, relay delay ${RELAY_DELAY:-0} s per DATA)
one instance:   $one_line
two instances:  $two_line
speed-up:       $( [ "$SINGLE" = 1 ] && calc "f'{${RUN_RATE:-0}/${one_rate}:.2f} x'" || echo n/a) (target >= 1.6 x where the database is not the limit)
duplicates:     recipients with more than one attempt: $RUN_DUP; attempts $RUN_ATTEMPTS for $RUN_RECIPIENTS recipients;
                smtp-sink counted $RUN_SENT messages for $N recipients ($( [ "$RUN_SENT" = "$N" ] && [ "$RUN_DUP" = 0 ] && echo "no recipient sent twice" || echo "MISMATCH"))
SUMMARY
