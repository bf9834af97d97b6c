#!/usr/bin/env bash
# Latency under load: accept -> delivered at a steady offered rate.
#
#   bench/latency.sh [rate=500] [seconds=60]
#
# One mailroom instance (delivery on, $CONNECTIONS SMTP connections) relaying to smtp-sink. The
# open-model client bench/load/FixedRateLoad.java POSTs order confirmations at a fixed rate; a
# sampler records the queue depth (recipients queued, deferred or sending) every $SAMPLE s. When
# everything is delivered, prints p50/p95/p99/max of final_at - message.created_at from the
# stored timestamps, the API's own latency, and the maximum queue depth. Target p99 <= 250 ms.
#
# Before the measured load, the same load runs in rounds of $WARMUP_ROUND s until the JIT has
# settled (warm_until_compiled in lib/common.sh), and the queue is drained.
#
# Environment: CONNECTIONS=20 SAMPLE=0.5 WORKERS=64 WARMUP_ROUND=10 WARMUP_MIN=30 WARMUP_MAX=240
# JIT_SETTLED=100 WARMUP_RATE=rate, and those of bench/lib/common.sh.
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/preload.sh"
RATE=${1:-500}
SECONDS_=${2:-60}
CONNECTIONS=${CONNECTIONS:-20}
SAMPLE=${SAMPLE:-0.5}
WORKERS=${WORKERS:-64}
WARMUP_ROUND=${WARMUP_ROUND:-10}
WARMUP_RATE=${WARMUP_RATE:-$RATE}
BODY="$BENCH_ROOT/bench/load/order-confirmation.json"

bench_init latency
create_db
db=$DB
start_sink
port=$(free_port)
start_app main "$db" "$port" true --mailroom.relay.max-connections="$CONNECTIONS"
pid=$APP_PID

# Warm-up (JIT: C2 compiles the request and delivery paths for over a minute on 2 cores;
# connection pools); the measured load starts from what is stored after it.
echo "== warm-up until the JIT settles: $WARMUP_RATE msg/s in rounds of $WARMUP_ROUND s"
read -r WARMUP _ < <(warm_until_compiled "$pid" java "$BENCH_ROOT/bench/load/FixedRateLoad.java" "$port" /messages \
	"$API_KEY" "$WARMUP_RATE" "$WARMUP_ROUND" "$BODY" "$WORKERS" warm)
await_drained "$db" "warm-up" 120 >/dev/null
warm_until=$(sql "$db" "select max(created_at) from message")

depth_file="$RUN_DIR/queue-depth.txt"
# One psql session for all samples (a psql started per sample was a few per cent of the machine),
# counting through the partial indexes of due and leased recipients (UNFINISHED_COUNT, lib/preload.sh).
(
	while [ ! -e "$RUN_DIR/sampler.stop" ] && kill -0 $$ 2>/dev/null; do # ($$: this script, also if it exits early)
		echo "$UNFINISHED_COUNT;"
		sleep "$SAMPLE"
	done | psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$db" -X -q -tA 2>/dev/null
) >"$depth_file" &
sampler=$!
_BENCH_PIDS+=("$sampler")

echo "== load: $RATE msg/s for $SECONDS_ s"
load=$(java "$BENCH_ROOT/bench/load/FixedRateLoad.java" "$port" /messages "$API_KEY" "$RATE" "$SECONDS_" "$BODY" "$WORKERS" run | tr '\n' ' ')
echo "$load"
drained=ok
await_drained "$db" "$(calc "round($RATE*$SECONDS_)")" 300 || drained="TIMED OUT"
touch "$RUN_DIR/sampler.stop"
wait "$sampler" 2>/dev/null || true
rss=$(peak_rss_mib "$pid")
stop_app main
field() { sed -nE "s/.*[ ^]$1=([0-9.]+).*/\1/p" <<<" $2" | head -1; }

read -r n p50 p95 p99 max undelivered < <(sql "$db" "
	select count(*) filter (where r.status = 'delivered'),
	       round(1000 * percentile_cont(0.50) within group (order by extract(epoch from r.final_at - m.created_at))::numeric, 1),
	       round(1000 * percentile_cont(0.95) within group (order by extract(epoch from r.final_at - m.created_at))::numeric, 1),
	       round(1000 * percentile_cont(0.99) within group (order by extract(epoch from r.final_at - m.created_at))::numeric, 1),
	       round(1000 * max(extract(epoch from r.final_at - m.created_at))::numeric, 1),
	       count(*) filter (where r.status <> 'delivered')
	from recipient r join message m on m.id = r.message_id
	where m.created_at > '$warm_until'" | tr '|' ' ')
max_depth=$(grep -E '^[0-9]+$' "$depth_file" | sort -n | tail -1)

cat <<SUMMARY

==== latency summary ($(date -u +%FT%TZ), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), -Xmx$HEAP, JDBC ?$JDBC_PARAMS)
offered:        $RATE msg/s for $SECONDS_ s (after a $WARMUP s warm-up at $WARMUP_RATE msg/s); API accepted $(field ok "$load") at $(field rate "$load") msg/s, errors $(field errors "$load")
API latency:    p50 $(field p50_ms "$load") ms, p99 $(field p99_ms "$load") ms, max $(field max_ms "$load") ms (from each request's scheduled time)
accept->delivered (message.created_at -> recipient.final_at, $n delivered, $undelivered not delivered; drain $drained):
                p50 $p50 ms, p95 $p95 ms, p99 $p99 ms, max $max ms (target p99 <= 250 ms)
queue depth:    max $max_depth recipients queued/deferred/sending (sampled every $SAMPLE s)
memory:         peak RSS $rss MiB
SUMMARY
