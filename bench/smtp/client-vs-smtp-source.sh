#!/usr/bin/env bash
# Throughput of mailroom's SMTP client beside Postfix's smtp-source, against one smtp-sink.
#
#   bench/smtp/client-vs-smtp-source.sh [messages=50000] [sessions=20] [payload-bytes=2048]
#
# Starts smtp-sink on a free loopback port, runs `smtp-source -s K -d` (K reused sessions), then our
# client (K threads over an SmtpConnectionPool of K sessions, after a 10 % warm-up that is not
# timed), and prints both rates and their ratio. Target: ours >= 80 % of smtp-source.
# SINK_OPTS=-p makes the sink hide PIPELINING, so that our client works in lock-step as
# smtp-source always does (smtp-source does not pipeline).
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-50000}
K=${2:-20}
PAYLOAD=${3:-2048}

BENCH_CLASS=target/test-classes/io/mailroom/smtp/SmtpClientBenchmark.class
if [ ! -f "$BENCH_CLASS" ] || [ -n "$(find src/main/java/io/mailroom/smtp src/test/java/io/mailroom/smtp -newer "$BENCH_CLASS" | head -1)" ]; then
  mvn -q -o test-compile
fi
CP_FILE=target/bench-classpath.txt
[ -s "$CP_FILE" ] || mvn -q -o dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"

PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
SINK_USER=()
[ "$(id -u)" = 0 ] && SINK_USER=(-u nobody)
# shellcheck disable=SC2086
smtp-sink "${SINK_USER[@]}" ${SINK_OPTS:-} 127.0.0.1:"$PORT" 1024 &
SINK=$!
trap 'kill $SINK 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
  sleep 0.1
done

echo "smtp-sink ${SINK_OPTS:-} on 127.0.0.1:$PORT; $N messages, $K sessions, ${PAYLOAD}-byte payload; $(nproc) CPUs"

start=$(date +%s.%N)
smtp-source -s "$K" -d -m "$N" -l "$PAYLOAD" -f bench@client.test -t sink@server.test -M client.test 127.0.0.1:"$PORT"
end=$(date +%s.%N)
SOURCE_RATE=$(/usr/bin/python3 -c "print(round($N/($end-$start)))")
echo "smtp-source:     $N messages in $(/usr/bin/python3 -c "print(round($end-$start,2))") s = $SOURCE_RATE msg/s"

OURS=$(java -XX:+UseParallelGC -cp "$CP" io.mailroom.smtp.SmtpClientBenchmark 127.0.0.1 "$PORT" "$N" "$K" "$PAYLOAD")
echo "$OURS"
OUR_RATE=$(echo "$OURS" | sed -E 's/.*= ([0-9]+) msg\/s.*/\1/')
echo "ratio: $(/usr/bin/python3 -c "print(f'{100*$OUR_RATE/$SOURCE_RATE:.0f} %')") of smtp-source (target >= 80 %)"
