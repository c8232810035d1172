"""One log format for every line a hadath process writes: its own, Faust's and the clients'.

``HADATH_LOG_FORMAT=text`` (default) writes ``TIME LEVEL LOGGER: message``;
``HADATH_LOG_FORMAT=json`` writes one JSON object per line (python-json-logger) with
``time``, ``level``, ``logger``, ``message`` and the record's own fields: a dead letter
carries ``topic``, ``partition``, ``offset``, ``key``, ``reason`` and ``stage``, so a log
pipeline can filter on them without parsing the message. Pass them with ``extra=`` (see
:func:`fields`). Logs go to stderr; the Faust worker's start-up banner (a text table on
stdout) is replaced by one record with the same facts (:func:`worker_started`).
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s"
# Logger attribute -> JSON key; every other attribute given with extra= is a field of its own.
JSON_NAMES = {"asctime": "time", "levelname": "level", "name": "logger", "process": "pid"}
ISO_TIME = "%Y-%m-%dT%H:%M:%S%z"
# Libraries that narrate every connection at INFO.
QUIET_LOGGERS = ("kafka",)


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            rename_fields=JSON_NAMES,
            datefmt=ISO_TIME,
            json_ensure_ascii=False,  # Arabic stays readable
        )
    return logging.Formatter(TEXT_FORMAT)


def configure(level: str | int = "info", log_format: str = "text", stream: IO[str] | None = None) -> None:
    """Route every logger through one stderr handler with the chosen format (idempotent)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter(log_format))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    logging.captureWarnings(True)  # Python warnings in the same format, not raw on stderr
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def configure_from_env() -> None:
    """:func:`configure` from HADATH_LOG_LEVEL/HADATH_LOG_FORMAT; defaults when a setting is
    wrong (the command then reports the bad setting itself, in this format)."""
    from hadath.settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError:
        configure()
        return
    configure(settings.log_level, settings.log_format)


def fields(**values: Any) -> dict[str, Any]:
    """``extra=`` for a log call: the record's coordinates and reasons as fields of their own.
    Bytes (record keys) become text."""
    return {
        name: value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        for name, value in values.items()
    }


def worker_started(worker: Any) -> None:
    """What Faust's banner table says, as one record (the table itself is not printed)."""
    import platform
    import socket

    import aiokafka
    import faust

    app = worker.app
    logging.getLogger("hadath.worker").info(
        "faust worker starting",
        extra=fields(
            app_id=app.conf.id,
            broker=str(app.conf.broker),
            store=str(app.conf.store),
            faust_version=faust.__version__,
            aiokafka_version=aiokafka.__version__,
            python=platform.python_version(),
            hostname=socket.gethostname(),
            datadir=str(app.conf.datadir.absolute()),
        ),
    )
