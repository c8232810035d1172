#!/usr/bin/env bash
# `make run`: the main job end to end on the local broker. Starts PostgreSQL, a worker and the
# sink, produces seeds/, prints the events the worker publishes and the rows the sink stored,
# then stops the sink, the worker, PostgreSQL and the broker.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
RUN=.run
mkdir -p "$RUN"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export HADATH_SESSION_TIMEOUT_SECONDS="${HADATH_SESSION_TIMEOUT_SECONDS:-6}"

worker_pid=""
sink_pid=""
tail_pid=""
stop() {  # SIGTERM, then SIGKILL after 30 s
  local pid="$1"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
}
cleanup() {
  [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null || true
  stop "$worker_pid"
  stop "$sink_pid"
  bash deploy/postgres/postgres.sh down 2>/dev/null || true
  bash deploy/kafka/kafka.sh down >/dev/null || true
}
trap cleanup EXIT

echo "== PostgreSQL (state: $RUN/postgres)"
bash deploy/postgres/postgres.sh up >/dev/null
eval "$(bash deploy/postgres/postgres.sh env)"  # HADATH_POSTGRES_DSN, HADATH_POSTGRES_PASSWORD

"$BIN/python" -c "from hadath.kafka_admin import ensure_topics; from hadath.settings import Settings; ensure_topics(Settings.from_env())"
echo "== worker (log: $RUN/worker.log)"
# run from .run/: Faust writes its <app id>-data folder into the working directory
(cd "$RUN" && exec "../$BIN/hadath" worker >worker.log 2>&1) &
worker_pid=$!

echo "== sink (log: $RUN/sink.log)"
"$BIN/hadath" sink >"$RUN/sink.log" 2>&1 &
sink_pid=$!

rm -f "$RUN/tail.ready"
"$BIN/hadath" tail --new-only --idle-timeout "${RUN_IDLE_SECONDS:-10}" --ready-file "$RUN/tail.ready" >"$RUN/events.jsonl" &
tail_pid=$!
for _ in $(seq 1 60); do [ -f "$RUN/tail.ready" ] && break; sleep 0.5; done

echo "== produce seeds/"
"$BIN/hadath" produce seeds/
echo "== events (waiting until none arrive for ${RUN_IDLE_SECONDS:-10} s)"
wait "$tail_pid" || true
tail_pid=""
"$BIN/python" - "$RUN/events.jsonl" <<'PY'
import json, sys
events = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
for e in events:
    actors = lambda xs: ",".join(a["code"] for a in xs) or "-"
    date = (e.get("date") or {}).get("value") or "-"
    print(f'{e["type"]:9} {e["mode"]:9} {actors(e["source"]):>14} -> {actors(e["target"]):<14} {date:10} {e["trigger"]["text"]}')
print(f"{len(events)} events (full records in .run/events.jsonl)")
sys.exit(0 if events else 1)
PY
echo "== rows in PostgreSQL (table events, docs/analysts.md)"
"$BIN/python" - "$RUN/events.jsonl" <<'PY'
import json, os, sys, time
import psycopg
ids = [json.loads(line)["event_id"] for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
query = """SELECT e.type, e.mode, array_to_string(e.source_codes, ',') AS source,
                  array_to_string(e.target_codes, ',') AS target, coalesce(e.place_name, '-'),
                  t.quad_class, e.goldstein, to_char(e.event_time, 'YYYY-MM-DD'), coalesce(e.outlet, '-')
           FROM events e LEFT JOIN event_types t USING (type)
           WHERE e.event_id = ANY(%s) ORDER BY e.event_time, e.type"""
with psycopg.connect(os.environ["HADATH_POSTGRES_DSN"], password=os.environ["HADATH_POSTGRES_PASSWORD"]) as conn:
    deadline = time.monotonic() + 60  # the sink stores a batch within a poll or two
    while True:
        rows = conn.execute(query, (ids,)).fetchall()
        if len(rows) == len(set(ids)) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
for type_, mode, source, target, place, quad, goldstein, day, outlet in rows:
    print(f"{type_:9} {mode:9} {source or '-':>14} -> {target or '-':<14} {place:12} {quad:18} {goldstein:+5.1f} {day} {outlet}")
print(f"{len(rows)} of this run's {len(set(ids))} events are rows in PostgreSQL ({total} rows in all)")
sys.exit(0 if len(rows) == len(set(ids)) else 1)
PY
