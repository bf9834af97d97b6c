#!/usr/bin/env bash
# Memory: peak RSS and heap of one mailroom instance while it ingests and while it drains.
#
#   bench/memory.sh [recipients=100000]
#
# One instance with -Xms/-Xmx$HEAP (default 512m), delivery on, relaying to smtp-sink:
#   ingest: wrk -t2 -c32 POST /messages for $DURATION s (it delivers what it accepts meanwhile);
#   drain:  peak reset (/proc/PID/clear_refs), then N queued recipients are cloned in SQL in one
#           transaction (bench/lib/preload.sql) and drained.
# Prints peak RSS (VmHWM) of each phase, heap used sampled with `jcmd GC.heap_info` every 2 s
# during the drain, and heap after GC from the JFR recording (the steady-state live heap).
# Target: steady-state heap <= 512 MiB during the drain.
#
# Environment: DURATION=30 CONNECTIONS=20, and those of bench/lib/common.sh.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/preload.sh"
N=${1:-100000}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-20}
command -v wrk >/dev/null || { echo "wrk missing (apt-get install -y wrk)" >&2; exit 2; }

bench_init memory
create_db
db=$DB
start_sink
port=$(free_port)
start_app main "$db" "$port" true --mailroom.relay.max-connections="$CONNECTIONS"
pid=$APP_PID
rss_idle=$(peak_rss_mib "$pid")

echo "== ingest: wrk -t2 -c32 -d${DURATION}s POST /messages"
wrk -t2 -c32 -d"${DURATION}s" -s "$BENCH_ROOT/bench/load/post-messages.lua" "http://127.0.0.1:$port/messages" \
	-- "$BENCH_ROOT/bench/load/order-confirmation.json" "$API_KEY" | grep '^RESULT'
await_drained "$db" ingested 300 >/dev/null || true
rss_ingest=$(peak_rss_mib "$pid")
heap_ingest=$(jcmd "$pid" GC.heap_info | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+')

echo "== drain: $N recipients"
reset_peak_rss "$pid"
heap_file="$RUN_DIR/heap-used.txt"
(
	while true; do
		jcmd "$pid" GC.heap_info 2>/dev/null | grep -oE 'used [0-9]+K' | head -1 | grep -oE '[0-9]+' || true
		sleep 2
	done
) >"$heap_file" &
sampler=$!
_BENCH_PIDS+=("$sampler")
psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$db" -X -q -v n="$N" -f "$BENCH_ROOT/bench/lib/preload.sql"
sql "$db" "notify mailroom_work" >/dev/null
drained=ok
await_drained "$db" "$N" 1200 || drained="TIMED OUT"
kill "$sampler" 2>/dev/null || true
rss_drain=$(peak_rss_mib "$pid")
read -r heap_used_max heap_used_median samples < <(sort -n "$heap_file" | awk '{ v[NR] = $1 } END { printf "%d %d %d\n", v[NR] / 1024, v[int((NR + 1) / 2)] / 1024, NR }')
stop_app main
read -r heap_max heap_median gcs < <(heap_after_gc main)

cat <<SUMMARY

==== memory summary ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), java -Xms$HEAP -Xmx$HEAP ${JAVA_EXTRA:-}(G1 unless set), JDBC ?$JDBC_PARAMS)
idle:           RSS $rss_idle MiB after start-up
ingest:         peak RSS $rss_ingest MiB (wrk -c32, $DURATION s, delivering meanwhile); heap used at the end $((heap_ingest / 1024)) MiB
drain:          peak RSS $rss_drain MiB ($N recipients; $drained); heap used (jcmd GC.heap_info, $samples samples) max $heap_used_max MiB, median $heap_used_median MiB
heap after GC:  max $heap_max MiB, median $heap_median MiB over the whole run ($gcs GCs, JFR jdk.GCHeapSummary) (target <= 512 MiB)
SUMMARY
