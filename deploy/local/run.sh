#!/usr/bin/env bash
# `make run`: the main job end to end on the local broker. Starts a worker, produces
# seeds/, prints the events the worker publishes, then stops the worker and the broker.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=.venv/bin
RUN=.run
mkdir -p "$RUN"
export KAFKA_BOOTSTRAP_SERVERS="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:${KAFKA_PORT:-9092}}"
export HADATH_SESSION_TIMEOUT_SECONDS="${HADATH_SESSION_TIMEOUT_SECONDS:-6}"

worker_pid=""
tail_pid=""
cleanup() {
  [ -n "$tail_pid" ] && kill "$tail_pid" 2>/dev/null || true
  if [ -n "$worker_pid" ] && kill -0 "$worker_pid" 2>/dev/null; then
    kill -TERM "$worker_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$worker_pid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$worker_pid" 2>/dev/null || true
  fi
  bash deploy/kafka/kafka.sh down >/dev/null || true
}
trap cleanup EXIT

"$BIN/python" -c "from hadath.kafka_admin import ensure_topics; from hadath.settings import Settings; ensure_topics(Settings.from_env())"
echo "== worker (log: $RUN/worker.log)"
# run from .run/: Faust writes its <app id>-data folder into the working directory
(cd "$RUN" && exec "../$BIN/hadath" worker >worker.log 2>&1) &
worker_pid=$!

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
