# Pre-loading queued work (sourced by drain.sh and scale-out.sh after common.sh).

# preload db n: starts mailroom once with delivery off so Flyway creates the schema and one real
# order confirmation is accepted through the API, then clones that message in SQL into n queued
# messages of one recipient each (bench/lib/preload.sql) and analyses the tables. Prints the time.
preload() { # db n
	local db=$1 n=$2 port start
	port=$(free_port)
	start_app preload "$db" "$port" false
	[ "$(api_post "$port" /messages "$(order_json seed@bench.test)")" = 202 ] || { echo "seed POST failed" >&2; return 1; }
	stop_app preload
	start=$(now_s)
	psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$db" -X -q -v n="$n" -f "$BENCH_ROOT/bench/lib/preload.sql"
	sql "$db" "delete from message_event where message_id = (select id from message order by created_at limit 1);
	           delete from message where id = (select id from message order by created_at limit 1)" >/dev/null
	# As autovacuum would have done by the time a real backlog is drained: planner statistics and
	# a visibility map for the freshly loaded tables.
	local table
	for table in message recipient message_event; do
		sql "$db" "vacuum analyze $table"
	done
	echo "preloaded $(sql "$db" "select count(*) from recipient where status = 'queued'") queued recipients in $(calc "round($(now_s)-$start,1)") s" \
		"($(sql "$db" "select octet_length(mime) from message limit 1") bytes of MIME each)"
}

# Recipients not final yet (scheduled, queued, deferred or being sent), counted through the partial
# indexes of due and leased recipients where the planner finds that cheaper than the table.
UNFINISHED_COUNT="select (select count(*) from recipient where status in ('queued', 'deferred', 'scheduled'))
                         + (select count(*) from recipient where status = 'sending')"

# Waits until no recipient is waiting or being sent, or the timeout passes; prints progress.
# The check every 3 s reads only the partial indexes of due and leased recipients (an empty index
# scan once drained); the count for the progress line may read the whole table (~170 ms of
# PostgreSQL CPU at 100,000 rows, 4 % of the machine when it ran every 2 s of a drain), so it runs
# every 10 s.
# (psql itself, started each second, was 3 % of the machine in a perf profile.) The figures come
# from stored timestamps, not from when this notices the end.
await_drained() { # db total timeout-seconds
	local db=$1 total=$2 deadline=$((SECONDS + $3)) left next_count=$SECONDS last=-1
	while true; do
		# (in the due index's order, or the planner scans the table while its statistics say most
		# rows are due; not as EXISTS, which drops the ORDER BY)
		[ "$(sql "$db" "select (select 1 from recipient where status in ('queued', 'deferred', 'scheduled')
		                        order by priority, next_attempt_at limit 1) is null
		                   and (select 1 from recipient where status = 'sending' limit 1) is null")" = t ] && return 0
		if [ $SECONDS -gt $deadline ] || [ $SECONDS -ge $next_count ]; then
			left=$(sql "$db" "$UNFINISHED_COUNT")
			if [ $SECONDS -gt $deadline ]; then
				echo "timeout: $left of $total recipients not final" >&2
				return 1
			fi
			if [ "$left" != "$last" ]; then
				printf '  %s: %s of %s left\n' "$(date +%T)" "$left" "$total"
				last=$left
			fi
			next_count=$((SECONDS + 10))
		fi
		sleep 3
	done
}

# Delivery figures from the stored timestamps: first attempt's start to last final state.
# Prints "<delivered> <other final> <seconds> <msg/s>".
# With a timestamp, only recipients finished after it and attempts started after it count (the
# warm-up before it is left out).
drain_figures() { # db [since]
	local db=$1 since=${2:--infinity}
	sql "$db" "select count(*) filter (where r.status = 'delivered'), count(*) filter (where r.status <> 'delivered'),
	             round(extract(epoch from max(r.final_at) - (select min(started_at) from delivery_attempt where started_at > '$since'))::numeric, 2),
	             round(count(*) filter (where r.status = 'delivered')
	                   / nullif(extract(epoch from max(r.final_at) - (select min(started_at) from delivery_attempt where started_at > '$since')), 0))
	           from recipient r where r.final_at > '$since'" | tr '|' ' '
}

# Recipients with more than one attempt, and attempts in all (proof that nothing was sent twice).
duplicate_figures() { # db -> "<recipients with >1 attempt> <attempts> <recipients>"
	sql "$db" "select (select count(*) from (select recipient_id from delivery_attempt group by recipient_id having count(*) > 1) d),
	                  (select count(*) from delivery_attempt), (select count(*) from recipient)" | tr '|' ' '
}

# Moves the queued recipients aside (held_recipient) so instances can start up idle; release_held
# puts them back in one transaction and NOTIFYs, so all instances start on the backlog together.
hold_recipients() { # db
	sql "$1" "create table held_recipient as select * from recipient; truncate recipient cascade" >/dev/null
}

# Puts back only n of the held recipients (a warm-up ahead of the measured backlog).
release_some() { # db n
	sql "$1" "begin;
	          insert into recipient select * from held_recipient order by id limit $2;
	          delete from held_recipient h using recipient r where h.id = r.id;
	          notify mailroom_work; commit" >/dev/null
}

release_held() { # db
	sql "$1" "begin; insert into recipient select * from held_recipient; notify mailroom_work; commit" >/dev/null
	sql "$1" "analyze recipient" >/dev/null
}

copy_db() { # source -> sets DB (a new database copied from source, dropped at exit)
	DB="bench_${RUN_NAME//-/_}_$$_${#_BENCH_DBS[@]}"
	createdb -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -T "$1" "$DB"
	_BENCH_DBS+=("$DB")
}

delivered_by() { # port -> mailroom_deliveries_total{outcome="delivered"} of that instance
	curl -fsS "http://127.0.0.1:$1/actuator/prometheus" | awk '/^mailroom_deliveries_total\{.*outcome="delivered"/ { printf "%d", $NF }'
}
