"""Run a real Prometheus (the binary, no systemd, no Docker) with hadath's config and rules.

    python deploy/local/local_prometheus.py --target 127.0.0.1:9464            # foreground, Ctrl-C stops
    python deploy/local/local_prometheus.py --target 127.0.0.1:9464 --port 9090 --scrape-interval 5s

The config is generated from deploy/prometheus/prometheus.yml: same job name (``hadath``),
same rule files (deploy/prometheus/rules/*.yml, absolute paths), with the compose DNS
discovery replaced by static targets. Storage goes to a temp dir removed on exit.
Ctrl-C, SIGTERM and SIGHUP stop the Prometheus child before this process exits (the child
runs in its own session, so nothing else would). Tests use :class:`LocalPrometheus`
directly (tests/integration/test_monitoring.py).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = REPO_ROOT / "deploy" / "prometheus"
CONFIG = PROMETHEUS_DIR / "prometheus.yml"
HOST = "127.0.0.1"
INSTALL_HINT = "install the Debian package `prometheus` (apt-get install -y prometheus; it ships promtool)"

_LIVE: set[LocalPrometheus] = set()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def find_binary(name: str) -> str:
    """``prometheus`` or ``promtool`` from $PROMETHEUS_BIN_DIR or PATH; a clear error if missing."""
    directory = os.environ.get("PROMETHEUS_BIN_DIR")
    found = shutil.which(name, path=directory) if directory else shutil.which(name)
    if not found:
        raise FileNotFoundError(f"`{name}` not found: {INSTALL_HINT}")
    return found


def rule_files() -> list[Path]:
    """The rule files deploy/prometheus/prometheus.yml loads (globs resolved against its folder)."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    files: list[Path] = []
    for pattern in config.get("rule_files") or []:
        files.extend(sorted(PROMETHEUS_DIR.glob(pattern)))
    return files


def local_config(targets: list[str], listen: str, scrape_interval: str, evaluation_interval: str) -> dict:
    """deploy/prometheus/prometheus.yml with static targets and absolute rule paths."""
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    config.setdefault("global", {})
    config["global"]["scrape_interval"] = scrape_interval
    config["global"]["evaluation_interval"] = evaluation_interval
    config["global"]["scrape_timeout"] = scrape_interval  # must not exceed the interval
    config["rule_files"] = [str(PROMETHEUS_DIR / pattern) for pattern in config.get("rule_files") or []]
    jobs = []
    for job in config.get("scrape_configs") or []:
        job = {k: v for k, v in job.items() if not k.endswith("_sd_configs") and k != "static_configs"}
        job["static_configs"] = [{"targets": list(targets) if job["job_name"] == "hadath" else [listen]}]
        jobs.append(job)
    config["scrape_configs"] = jobs
    return config


class PrometheusNotReady(RuntimeError):
    pass


class LocalPrometheus:
    """One Prometheus process on a free port with its own temp storage."""

    def __init__(
        self,
        targets: list[str],
        *,
        port: int | None = None,
        scrape_interval: str = "1s",
        evaluation_interval: str = "1s",
        workdir: str | os.PathLike[str] | None = None,
    ) -> None:
        self.targets = list(targets)
        self.port = port or free_port()
        self.scrape_interval = scrape_interval
        self.evaluation_interval = evaluation_interval
        self._own_workdir = workdir is None
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="hadath-prometheus-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_file = self.workdir / "prometheus.yml"
        self.log_file = self.workdir / "prometheus.log"
        self._proc: subprocess.Popen[bytes] | None = None
        _LIVE.add(self)

    @property
    def listen(self) -> str:
        return f"{HOST}:{self.port}"

    @property
    def url(self) -> str:
        return f"http://{self.listen}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self, timeout: float = 60.0) -> LocalPrometheus:
        binary = find_binary("prometheus")
        config = local_config(self.targets, self.listen, self.scrape_interval, self.evaluation_interval)
        self.config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        (self.workdir / "data").mkdir(parents=True, exist_ok=True)
        with open(self.log_file, "ab") as log:
            self._proc = subprocess.Popen(
                [
                    binary,
                    f"--config.file={self.config_file}",
                    f"--storage.tsdb.path={self.workdir / 'data'}",
                    f"--web.listen-address={self.listen}",
                    "--storage.tsdb.retention.time=1d",
                    "--web.enable-lifecycle",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C in a terminal goes to the caller, which stops us
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise PrometheusNotReady(f"prometheus exited:\n{self.log_tail()}")
            probe = f"{self.url}/-/ready"
            with contextlib.suppress(OSError), urllib.request.urlopen(probe, timeout=2) as ready:
                if ready.status == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise PrometheusNotReady(f"prometheus not ready in {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    def close(self) -> None:
        self.stop()
        if self._own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)
        _LIVE.discard(self)

    def __enter__(self) -> LocalPrometheus:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_file.exists():
            return ""
        return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])

    # ---------------------------------------------------------------- HTTP API
    def api(self, path: str, **params: Any) -> Any:
        """GET /api/v1/<path>; returns ``data``, raises with Prometheus' error otherwise."""
        return api_get(self.url, path, **params)

    def query(self, expr: str, at: float | None = None) -> Any:
        params: dict[str, Any] = {"query": expr}
        if at is not None:
            params["time"] = at
        return self.api("query", **params)


def api_get(base_url: str, path: str, **params: Any) -> Any:
    url = f"{base_url.rstrip('/')}/api/v1/{path}?{urllib.parse.urlencode(params)}"
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = json.load(response)
    except urllib.error.HTTPError as exc:  # 400/422: a bad expression; the body says why
        body = json.load(exc)
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
    return body["data"]


@atexit.register
def _stop_leftovers() -> None:
    for prom in list(_LIVE):
        with contextlib.suppress(Exception):
            prom.close()


class Stop(Exception):
    """A termination signal arrived: leave the ``with`` block so the child is stopped."""


def _stop_on_signal(signum: int, _frame: object) -> None:
    for number in (signal.SIGTERM, signal.SIGHUP):  # once: a second signal must not cut the cleanup short
        signal.signal(number, signal.SIG_IGN)
    raise Stop(signal.Signals(signum).name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", action="append", required=True, help="worker HOST:PORT (repeatable)")
    parser.add_argument("--port", type=int, default=9090, help="web port on 127.0.0.1 (0: any)")
    parser.add_argument("--scrape-interval", default="5s")
    parser.add_argument("--data", help="storage folder to keep (default: a temp dir removed on exit)")
    args = parser.parse_args(argv)
    prom = LocalPrometheus(
        args.target,
        port=args.port or None,
        scrape_interval=args.scrape_interval,
        evaluation_interval=args.scrape_interval,
        workdir=args.data,
    )
    # Python's default SIGTERM/SIGHUP action exits at once, skipping `with` and atexit: the
    # Prometheus child (its own session) would be orphaned. Turn them into an exception.
    for number in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, _stop_on_signal)
    with contextlib.suppress(KeyboardInterrupt, Stop), prom:
        print(
            f"prometheus (pid {prom.pid}) on {prom.url} scraping {', '.join(args.target)} (Ctrl-C stops it)",
            flush=True,
        )
        while prom.running:
            time.sleep(1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
