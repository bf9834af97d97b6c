#!/usr/bin/env bash
# Ingest: how fast mailroom accepts messages through the API.
#
#   bench/ingest.sh
#
# One mailroom instance on a fresh database (delivery off unless DELIVERY=true, which relays to
# smtp-sink), then:
#   1. POST /messages at maximum throughput: wrk -t$THREADS -c$CONNECTIONS for $DURATION s after a
#      warm-up that lasts until the JIT has settled (warm_until_compiled in lib/common.sh: rounds
#      of $WARMUP_ROUND s, $WARMUP_MIN-$WARMUP_MAX s); one recipient, template order-confirmation (8.2 KB of MIME: HTML with inlined CSS and a text part);
#   2. POST /messages at a fixed $RATE msg/s for $RATE_SECONDS s after a lead-in of $LEAD_IN s at that
#      rate whose requests are not counted (new connections, the client's own JIT) (bench/load/FixedRateLoad.java:
#      latency measured from each request's scheduled time, so stalls are not hidden);
#   3. POST /messages/batch with $BATCH messages per call (when the build has the endpoint).
# Prints accepted msg/s, p50/p99 latency and errors (non-2xx, socket errors) for each, the
# messages stored, peak RSS and heap after GC. Targets (issue 9): >= 2,000 msg/s single,
# >= 15,000 msg/s batch, 0 errors, p99 < 50 ms at 1,000 msg/s offered.
#
# Environment: DURATION=30 WARMUP_ROUND=10 WARMUP_MIN=30 WARMUP_MAX=240 JIT_SETTLED=100 THREADS=2 CONNECTIONS=32 RATE=1000 RATE_SECONDS=30 LEAD_IN=5
# BATCH=500 BATCH_CONNECTIONS=4 DELIVERY=false MESSAGE=order-confirmation (or alert: 4.5 KB of MIME,
# rendering 0.06 ms instead of 0.16) PERF=1 (a system-wide `perf record` of the single run, into
# the run directory), and those of bench/lib/common.sh (HEAP, JDBC_PARAMS...).
source "$(dirname "$0")/lib/common.sh"
DURATION=${DURATION:-30}
WARMUP_ROUND=${WARMUP_ROUND:-10}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
RATE=${RATE:-1000}
RATE_SECONDS=${RATE_SECONDS:-30}
LEAD_IN=${LEAD_IN:-5}
BATCH=${BATCH:-500}
BATCH_CONNECTIONS=${BATCH_CONNECTIONS:-4}
DELIVERY=${DELIVERY:-false}
BODY="$BENCH_ROOT/bench/load/${MESSAGE:-order-confirmation}.json"
LUA="$BENCH_ROOT/bench/load/post-messages.lua"
command -v wrk >/dev/null || { echo "wrk missing (apt-get install -y wrk)" >&2; exit 2; }

bench_init ingest
create_db
db=$DB
[ "$DELIVERY" = true ] && start_sink
port=$(free_port)
start_app main "$db" "$port" "$DELIVERY"
pid=$APP_PID
url="http://127.0.0.1:$port"

code=$(api_post "$port" /messages "$(order_json probe@bench.test)")
[ "$code" = 202 ] || { echo "probe POST /messages answered $code" >&2; exit 1; }
mime_bytes=$(sql "$db" "select octet_length(mime) from message limit 1")
echo "probe message accepted; rendered MIME $mime_bytes bytes"

stored() { sql "$db" "select count(*) from message"; }
field() { sed -nE "s/.*[ ^]$1=([0-9.,-]+).*/\1/p" <<<" $2" | head -1; }

echo "== warm-up until the JIT settles: wrk -t$THREADS -c$CONNECTIONS in rounds of ${WARMUP_ROUND}s"
read -r warm_seconds _ < <(warm_until_compiled "$pid" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_ROUND}s" -s "$LUA" \
	"$url/messages" -- "$BODY" "$API_KEY")

echo "== single: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s --latency POST /messages"
before=$(stored)
cpu_start "$db" "$pid"
perf_start "$DURATION"
single=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$LUA" "$url/messages" -- "$BODY" "$API_KEY" \
	| tee "$RUN_DIR/wrk-single.txt" | grep '^RESULT')
perf_stop
non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$RUN_DIR/wrk-single.txt" | grep -o '[0-9]*$' || echo 0)
sleep 1
single_stored=$(($(stored) - before))
single_cpu=$(cpu_since "$db" "$pid" "$single_stored")
single_rate=$(calc "round($(field messages "$single")/$(field seconds "$single"))")
echo "$single non2xx=${non2xx:-0} stored=$single_stored"

echo "== fixed rate: $RATE msg/s for ${RATE_SECONDS}s POST /messages (after a lead-in of ${LEAD_IN}s at that rate)"
before=$(stored)
fixed=$(java "$BENCH_ROOT/bench/load/FixedRateLoad.java" "$port" /messages "$API_KEY" "$RATE" "$RATE_SECONDS" "$BODY" 64 f "$LEAD_IN" | tr '\n' ' ')
sleep 1
fixed_stored=$(($(stored) - before))
echo "$fixed stored=$fixed_stored"

batch_line="not available in this build (POST /messages/batch answered 404/405)"
probe_batch=$(api_post "$port" /messages/batch "{\"messages\":[$(order_json batch-probe@bench.test)]}")
if [ "$probe_batch" = 207 ] || [ "$probe_batch" = 202 ] || [ "$probe_batch" = 200 ]; then
	echo "== batch: wrk -t1 -c$BATCH_CONNECTIONS -d${DURATION}s POST /messages/batch x $BATCH (after a warm-up until the JIT settles)"
	read -r batch_warm_seconds _ < <(warm_until_compiled "$pid" wrk -t1 -c"$BATCH_CONNECTIONS" -d"${WARMUP_ROUND}s" -s "$LUA" \
		"$url/messages/batch" -- "$BODY" "$API_KEY" "$BATCH")
	before=$(stored)
	cpu_start "$db" "$pid"
	batch=$(wrk -t1 -c"$BATCH_CONNECTIONS" -d"${DURATION}s" --latency --timeout 30s -s "$LUA" "$url/messages/batch" -- "$BODY" "$API_KEY" "$BATCH" \
		| tee "$RUN_DIR/wrk-batch.txt" | grep '^RESULT')
	batch_non2xx=$(grep -o 'Non-2xx or 3xx responses: [0-9]*' "$RUN_DIR/wrk-batch.txt" | grep -o '[0-9]*$' || echo 0)
	sleep 1
	batch_stored=$(($(stored) - before))
	batch_cpu="; CPU: $(cpu_since "$db" "$pid" "$batch_stored")"
	batch_rate=$(calc "round($(field messages "$batch")/$(field seconds "$batch"))")
	echo "$batch non2xx=${batch_non2xx:-0} stored=$batch_stored"
	batch_line="$batch_rate msg/s ($(field requests "$batch") calls of $BATCH), p50 $(field p50_ms "$batch") ms, p99 $(field p99_ms "$batch") ms per call (after ${batch_warm_seconds} s of warm-up), errors $(($(field errors "$batch") + ${batch_non2xx:-0})), stored $batch_stored$batch_cpu"
elif [ "$probe_batch" != 404 ] && [ "$probe_batch" != 405 ]; then
	batch_line="probe POST /messages/batch answered $probe_batch"
fi

rss=$(peak_rss_mib "$pid")
stop_app main
read -r heap_max heap_median gcs < <(heap_after_gc main)

cat <<SUMMARY

==== ingest summary ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), -Xmx$HEAP, JDBC ?$JDBC_PARAMS, delivery $DELIVERY)
message:        ${MESSAGE:-order-confirmation}, 1 recipient, $mime_bytes bytes of MIME
single, max:    $single_rate msg/s (wrk -t$THREADS -c$CONNECTIONS ${DURATION}s, after ${warm_seconds} s of warm-up), p50 $(field p50_ms "$single") ms, p99 $(field p99_ms "$single") ms, errors $(($(field errors "$single") + ${non2xx:-0})), stored $single_stored
                CPU: $single_cpu
single, fixed:  offered $RATE msg/s for ${RATE_SECONDS}s: achieved $(field rate "$fixed") msg/s (unsent $(field unsent "$fixed")), p50 $(field p50_ms "$fixed") ms, p99 $(field p99_ms "$fixed") ms, max $(field max_ms "$fixed") ms, errors $(field errors "$fixed"), stored $fixed_stored (with the lead-in)
                p99 of each 5 s (ms): $(field p99_ms_per_5s "$fixed"); the ${LEAD_IN} s lead-in before them (not counted): p99 $(field lead_in_p99_ms "$fixed") ms, errors $(field lead_in_errors "$fixed")
batch:          $batch_line
memory:         peak RSS $rss MiB; heap after GC max $heap_max MiB, median $heap_median MiB ($gcs GCs)
targets:        single >= 2000 msg/s, batch >= 15000 msg/s, 0 errors, p99 < 50 ms at 1000 msg/s offered
SUMMARY
