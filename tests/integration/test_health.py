"""/livez and /readyz tell the truth about a real worker on a real broker (issue 13 item 3).

The old probes asked /metrics, which another thread serves: green while the event loop hung.
Here the loop is really blocked (blocking_worker.py) and the extraction process really killed.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from worker_process import TopicNames, WorkerProcess, consume_all, produce_raw

pytestmark = pytest.mark.kafka

ARTICLE = json.dumps(
    {"id": "health-1", "title": "", "body": "التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف."},
    ensure_ascii=False,
).encode()


def metrics_port(worker: WorkerProcess, timeout: float = 60.0) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"metrics on http://[^:]+:(\d+)/metrics", worker.log_since_start())
        if match:
            return int(match.group(1))
        time.sleep(0.2)
    raise TimeoutError(worker.log_tail())


def get(port: int, path: str) -> tuple[int, dict | str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            body = response.read().decode()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read().decode(), error.code
    return status, json.loads(body) if path != "/metrics" else body


def wait_for(port: int, path: str, status: int, timeout: float) -> dict:
    deadline = time.monotonic() + timeout
    last: tuple[int, dict | str] = (0, {})
    while time.monotonic() < deadline:
        last = get(port, path)
        if last[0] == status:
            return last[1]  # type: ignore[return-value]
        time.sleep(0.25)
    raise AssertionError(f"{path} stayed {last} for {timeout} s, wanted {status}")


def test_liveness_fails_while_the_event_loop_is_blocked_and_metrics_do_not(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    names = TopicNames.unique("live")
    flag = tmp_path / "block-now"
    env = {
        "HADATH_LIVENESS_TIMEOUT_SECONDS": "3",
        "BLOCK_LOOP_FILE": str(flag),
        "BLOCK_LOOP_SECONDS": "12",
    }
    with WorkerProcess(
        kafka_bootstrap, names, tmp_path / "worker.log", env=env, module="blocking_worker"
    ) as worker:
        worker.wait_ready()
        port = metrics_port(worker)
        live = wait_for(port, "/livez", 200, timeout=10)
        assert live["live"] is True and live["event_loop_silent_seconds"] < 3

        flag.touch()  # the loop now sleeps 12 s in one blocking call
        blocked = wait_for(port, "/livez", 503, timeout=10)
        assert blocked["live"] is False and blocked["event_loop_silent_seconds"] > 3
        # what the probes used to ask: still 200 from the HTTP thread while the loop hangs
        status, exposition = get(port, "/metrics")
        assert status == 200 and "hadath_articles_received_total" in exposition

        recovered = wait_for(port, "/livez", 200, timeout=30)  # the call returns, the loop beats again
        assert recovered["live"] is True
        assert worker.alive, worker.log_tail()


def test_readiness_follows_the_assignment_and_the_extraction_process(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    names = TopicNames.unique("ready")
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log") as worker:
        port = metrics_port(worker)
        worker.wait_ready()
        ready = wait_for(port, "/readyz", 200, timeout=30)
        assert ready["extraction_processes_up"] is True
        assert ready["partitions_assigned"] == [f"{names.articles}[{p}]" for p in range(4)]

        [child] = [pid for pid in worker.process_tree() if pid != worker.pid]
        os.kill(child, signal.SIGKILL)  # the extraction process dies
        unready = wait_for(port, "/readyz", 503, timeout=15)
        assert unready["extraction_processes_up"] is False
        assert get(port, "/livez")[0] == 200  # the loop is fine: no restart wanted

        # the next article makes the pool replace the process; the article is not lost
        produce_raw(kafka_bootstrap, names.articles, [(b"health-1", ARTICLE)])
        assert consume_all(kafka_bootstrap, names.events, expected=1, timeout=120)
        assert wait_for(port, "/readyz", 200, timeout=60)["extraction_processes_up"] is True
