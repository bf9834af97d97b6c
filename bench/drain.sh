#!/usr/bin/env bash
# Drain: how fast mailroom empties a backlog into an SMTP relay, against Postfix's own client.
#
#   bench/drain.sh [recipients=100000]
#
# Pre-loads N queued recipients (one real order confirmation accepted through the API, cloned in
# SQL: bench/lib/preload.sql), starts smtp-sink, measures `smtp-source -s $SESSIONS -d -m N -l
# $SIZE` into it as the ceiling (and, with MATCHED=1, smtp-source with messages as large as
# mailroom's), then starts mailroom (delivery on, $CONNECTIONS SMTP connections) against the same
# sink. The backlog is held back until mailroom is up and then released in one transaction, so
# start-up is not part of the figure; the rate is messages/s from the first attempt's start to the
# last recipient's final_at (stored timestamps). smtp-source runs again once mailroom has stopped
# (the machine's speed drifts); prints the rates and the ratio to the ceiling's mean (target >= 50 %),
# the sink's count, CPU time of mailroom, its PostgreSQL backends and smtp-sink per message, peak
# RSS and heap after GC.
#
# Before the measured backlog, mailroom drains rounds of WARMUP_N more (not measured) until a
# round adds fewer than JIT_SETTLED (100) compilations, at most WARMUP_ROUNDS (5) rounds, as a
# service that has been running has its delivery path compiled: after one round of 20,000, C2 was
# still 13 % of the machine during the measured drain (perf), after 100,000 3 %. WARMUP_N=0
# measures a cold start.
#
# Environment: CONNECTIONS=20 SESSIONS=20 SIZE=2000 (smtp-source message size) MATCHED=1
# MESSAGE=order-confirmation (or alert: a smaller mail, bench/load/*.json) ATTACHMENT_KB=n (a PDF of n KB)
# TIMEOUT=1200 WARMUP_N=20000 WARMUP_ROUNDS=5 JIT_SETTLED=100 PERF=1 (a system-wide `perf record` of the measured drain; the JVM
# gets -XX:+PreserveFramePointer and a perf map at exit), and those of bench/lib/common.sh.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/preload.sh"
N=${1:-100000}
CONNECTIONS=${CONNECTIONS:-20}
SESSIONS=${SESSIONS:-20}
SIZE=${SIZE:-2000}
TIMEOUT=${TIMEOUT:-1200}
MATCHED=${MATCHED:-1}
WARMUP_N=${WARMUP_N:-20000}
WARMUP_ROUNDS=${WARMUP_ROUNDS:-5}

bench_init drain
create_db
db=$DB
preload "$db" $((N + WARMUP_N * WARMUP_ROUNDS))
mime_bytes=$(sql "$db" "select octet_length(mime) from message limit 1")
hold_recipients "$db"
start_sink

# The ceiling: smtp-source into the same sink, 2 KB messages and (MATCHED=1) messages of mailroom's
# size. Measured again once mailroom has stopped: on this shared machine smtp-source alone varied
# from 9,000 to 13,400 msg/s within minutes, so the ratios are taken to the mean of the two.
source_rates=() source_seconds=() matched_rates=() matched_seconds=()
measure_ceilings() { # label
	local seconds rate
	echo "== ceiling$1: smtp-source -s $SESSIONS -d -m $N -l $SIZE"
	read -r _ seconds rate < <(smtp_source_ceiling "$N" "$SESSIONS" "$SIZE")
	echo "smtp-source: $N messages in $seconds s = $rate msg/s"
	source_rates+=("$rate") source_seconds+=("$seconds")
	if [ "$MATCHED" = 1 ]; then
		echo "== same size as mailroom's$1: smtp-source -s $SESSIONS -d -m $N -l $mime_bytes"
		read -r _ seconds rate < <(smtp_source_ceiling "$N" "$SESSIONS" "$mime_bytes")
		matched_rates+=("$rate") matched_seconds+=("$seconds")
	fi
}
measure_ceilings ""

echo "== mailroom: $CONNECTIONS connections"
port=$(free_port)
start_app main "$db" "$port" true --mailroom.relay.max-connections="$CONNECTIONS"
pid=$APP_PID
warmed=0
if [ "$WARMUP_N" -gt 0 ]; then
	# a running service has compiled its delivery path; a cold JVM spends the first 20-30 s of
	# a drain compiling it (C2 was a third of mailroom's CPU in a cold 36 s drain)
	echo "== warm-up until the JIT settles: rounds of $WARMUP_N recipients (not measured)"
	compiled=$(jit_compilations "$pid")
	for round in $(seq "$WARMUP_ROUNDS"); do
		release_some "$db" "$WARMUP_N"
		await_drained "$db" "$WARMUP_N" "$TIMEOUT" >/dev/null
		warmed=$((warmed + WARMUP_N))
		now_compiled=$(jit_compilations "$pid")
		echo "  warm-up round $round: $((now_compiled - compiled)) compilations"
		[ $((now_compiled - compiled)) -lt "${JIT_SETTLED:-100}" ] && break
		compiled=$now_compiled
	done
fi
# the rounds not needed for the warm-up are not part of the measured backlog
sql "$db" "delete from held_recipient h using (select id from held_recipient order by id offset $N) x where h.id = x.id" >/dev/null
since=$(sql "$db" "select coalesce(max(final_at), '-infinity') from recipient")
sink_before=$(sink_count)
cpu_start "$db" "$pid"
perf_start
release_held "$db"
drained=ok
await_drained "$db" "$N" "$TIMEOUT" || drained="TIMED OUT"
perf_stop
cpu=$(cpu_since "$db" "$pid" "$N")
rss=$(peak_rss_mib "$pid")
sleep 0.5
sent=$(($(sink_count) - sink_before))
stop_app main
measure_ceilings " again"
source_mean=$(calc "round((${source_rates[0]} + ${source_rates[1]}) / 2)")
matched_line="not measured (MATCHED=0)"
if [ "$MATCHED" = 1 ]; then
	matched_mean=$(calc "round((${matched_rates[0]} + ${matched_rates[1]}) / 2)")
	matched_line="${matched_rates[0]} and ${matched_rates[1]} msg/s (mean $matched_mean) with $mime_bytes-byte messages (${matched_seconds[0]} and ${matched_seconds[1]} s)"
fi
read -r delivered other seconds rate < <(drain_figures "$db" "$since")
read -r dup attempts recipients < <(duplicate_figures "$db")
read -r heap_max heap_median gcs < <(heap_after_gc main)

cat <<SUMMARY

==== drain summary ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), -Xmx$HEAP, JDBC ?$JDBC_PARAMS)
backlog:        $N recipients, $mime_bytes bytes of MIME each, after a warm-up of $warmed; drain $drained
mailroom:       $rate msg/s ($delivered delivered, $other other final, in $seconds s from first attempt to last final_at; $CONNECTIONS connections)
smtp-source:    ${source_rates[0]} msg/s before, ${source_rates[1]} after, mean $source_mean ($N x $SIZE bytes, $SESSIONS sessions, ${source_seconds[0]} and ${source_seconds[1]} s)
ratio:          $(calc "f'{100*${rate:-0}/$source_mean:.0f} %'") of smtp-source's mean (target >= 50 %)
same size:      smtp-source $matched_line$( [ "$MATCHED" = 1 ] && calc "f'; mailroom = {100*${rate:-0}/$matched_mean:.0f} %'")
CPU:            $cpu
sink:           counted $sent messages from mailroom; recipients with more than one attempt: $dup ($attempts attempts for $recipients recipients)
memory:         peak RSS $rss MiB; heap after GC max $heap_max MiB, median $heap_median MiB ($gcs GCs)
SUMMARY
