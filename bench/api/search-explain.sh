#!/usr/bin/env bash
# Query plans and times of GET /messages on a large table.
#
#   bench/api/search-explain.sh [messages=600000]
#
# Needs psql and a PostgreSQL you may write to (PGHOST, PGPORT, PGDATABASE, PGUSER as usual). Creates
# the schema mailroom_search_bench there from the migrations (dropping an earlier one), fills it with
# generated mail spread over 90 days (70 % order confirmations tagged checkout, 25 % alerts to one
# address, 5 % password resets; 95 % delivered, 2 % bounced, 1 % deferred/queued, …; a cc on every
# fifth message), then runs EXPLAIN ANALYZE on the exact SQL MessageSearch builds for a set of
# filters (printed by SearchPlanQueries) twice, and prints the second run's plans and times.
# Drop the schema afterwards with: psql -c 'drop schema mailroom_search_bench cascade'
set -euo pipefail
cd "$(dirname "$0")/../.."

N=${1:-600000}
SCHEMA=mailroom_search_bench

CLASS=target/test-classes/io/mailroom/message/SearchPlanQueries.class
if [ ! -f "$CLASS" ] || [ -n "$(find src/main/java/io/mailroom/message src/test/java/io/mailroom/message -newer "$CLASS" | head -1)" ]; then
  mvn -q -o test-compile
fi
CP_FILE=target/bench-classpath.txt
[ -s "$CP_FILE" ] || mvn -q -o dependency:build-classpath -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
CP="target/classes:target/test-classes:$(cat "$CP_FILE")"

echo "schema $SCHEMA on $(psql -Atc "select current_database() || ' @ ' || version()" 2>/dev/null || echo '?'); $N messages"
{
  echo "drop schema if exists $SCHEMA cascade; create schema $SCHEMA; set search_path = $SCHEMA;"
  # In Flyway's order (V1 before V10_1), which is not the shell's.
  for f in $(ls src/main/resources/db/migration/V*.sql | sort -V); do cat "$f"; echo; done
} | psql -q -v ON_ERROR_STOP=1 >/dev/null

start=$(date +%s)
psql -q -v ON_ERROR_STOP=1 -v n="$N" <<SQL
set search_path = $SCHEMA;
set synchronous_commit = off;
create temporary table gen as
select g, gen_random_uuid() as id,
       now() - interval '90 days' + (g * interval '90 days' / :n) as created_at,
       case when g % 20 < 14 then 'order-confirmation' when g % 20 < 19 then 'alert' else 'password-reset' end as template
from generate_series(1, :n) g;
insert into message (id, template, from_email, subject, message_id_header, tags, metadata, priority, created_at, text_body)
select id, template, 'shop@example.com', 'Order A-' || g, '<' || id || '@example.com>',
       case when template = 'order-confirmation' then array['checkout'] when template = 'alert' and g % 100 = 15 then array['ops', 'nightly']
            when template = 'alert' then array['ops'] else '{}' end,
       jsonb_build_object('orderId', 'A-' || g, 'shop', 's' || (g % 10)),
       case when template = 'alert' then 0 else 1 end, created_at, 'text'
from gen;
insert into message_tag (tag, created_at, message_id)
select t, m.created_at, m.id from message m, unnest(m.tags) t;
insert into recipient (id, message_id, seq, kind, email, domain, status, priority, next_attempt_at, created_at, updated_at, final_at)
select gen_random_uuid(), id, 0, 'to',
       case when template = 'alert' then 'oncall@example.com' else 'user' || (g % 100000) || '@example.com' end, 'example.com',
       case when g % 1000 < 950 then 'delivered' when g % 1000 < 970 then 'bounced' when g % 1000 < 980 then 'deferred'
            when g % 1000 < 990 then 'queued' when g % 1000 < 995 then 'failed' else 'suppressed' end,
       case when template = 'alert' then 0 else 1 end, created_at, created_at, created_at, created_at
from gen;
insert into recipient (id, message_id, seq, kind, email, domain, status, priority, next_attempt_at, created_at, updated_at, final_at)
select gen_random_uuid(), id, 1, 'cc', 'archive' || (g % 50) || '@example.com', 'example.com',
       case when g % 997 = 0 then 'bounced' else 'delivered' end, 1, created_at, created_at, created_at, created_at
from gen where g % 5 = 0;
vacuum analyze message; vacuum analyze recipient; vacuum analyze message_tag;
SQL
echo "filled in $(( $(date +%s) - start )) s: $(psql -Atc "select (select count(*) from $SCHEMA.message) || ' messages, ' || (select count(*) from $SCHEMA.recipient) || ' recipients'")"

PLANS=$(mktemp)
trap 'rm -f "$PLANS"' EXIT
{ echo "set search_path = $SCHEMA;"; java -cp "$CP" io.mailroom.message.SearchPlanQueries; } > "$PLANS"
psql -q -f "$PLANS" >/dev/null   # warm the cache
psql -q -f "$PLANS" | grep -E '^===|Execution Time|Scan|Sort|Nested Loop|Unique|Limit' \
  | grep -vE 'Index Cond|Filter|Heap Blocks|Recheck'
