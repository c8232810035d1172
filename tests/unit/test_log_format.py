"""hadath.logs: one handler, text or JSON, record fields as JSON keys (the real worker,
Faust's lines included: tests/integration/test_logs.py)."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from hadath import logs


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_the_record_fields(restore_logging: None) -> None:
    out = io.StringIO()
    logs.configure("info", "json", stream=out)
    logging.getLogger("hadath.worker").warning(
        "dead-lettered %s",
        "x",
        extra=logs.fields(topic="t", partition=3, offset=17, key=b"k\xff", reason="r"),
    )
    logging.getLogger("faust.worker").info("[^Worker]: Starting...")
    logging.getLogger("hadath.worker").debug("not at info")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["message"] == "dead-lettered x" and first["level"] == "WARNING"
    assert (first["topic"], first["partition"], first["offset"], first["reason"]) == ("t", 3, 17, "r")
    assert first["key"] == "k\ufffd"  # bytes as text
    assert {"time", "logger", "pid"} <= set(first)
    assert second["logger"] == "faust.worker"  # every logger, one shape


def test_arabic_stays_readable_in_json(restore_logging: None) -> None:
    out = io.StringIO()
    logs.configure("info", "json", stream=out)
    logging.getLogger("hadath").info("حدث")
    assert "حدث" in out.getvalue()


def test_text_is_one_line_per_record(restore_logging: None) -> None:
    out = io.StringIO()
    logs.configure("warning", "text", stream=out)
    logging.getLogger("hadath.worker").warning("w", extra=logs.fields(topic="t"))
    logging.getLogger("hadath.worker").info("hidden")
    [line] = out.getvalue().splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING hadath\.worker\[\d+\]: w", line)


def test_client_chatter_is_held_back(restore_logging: None) -> None:
    logs.configure("info", "text", stream=io.StringIO())
    assert logging.getLogger("kafka").level == logging.WARNING


def test_a_bad_setting_still_gives_a_format(monkeypatch: pytest.MonkeyPatch, restore_logging: None) -> None:
    monkeypatch.setenv("HADATH_LOG_FORMAT", "xml")
    logs.configure_from_env()  # no exception: the command reports the bad setting itself
    assert logging.getLogger().handlers


def test_the_setting_is_validated() -> None:
    from hadath.settings import Settings, SettingsError

    assert Settings.from_env({"HADATH_LOG_FORMAT": "JSON"}).log_format == "json"
    with pytest.raises(SettingsError, match="HADATH_LOG_FORMAT='xml'"):
        Settings.from_env({"HADATH_LOG_FORMAT": "xml"})
