"""The real `hadath worker`, with an exception injected at one stage for marked records.

Run as ``python -m faulty_worker`` (``WorkerProcess(..., module="faulty_worker")``). It wraps
functions of the worker's own per-record path so that a record carrying one of the
``INJECT`` markers raises an exception nobody anticipated, at that stage, in the real
process talking to the real broker. Every other record goes through unchanged.

``FAULT_HIDE_MODULES=cramjam,...`` instead makes those modules unimportable before the
Kafka client loads: a worker installed without a compression codec.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

# Marker (in the article id, which every stage sees) -> stage and the exception it raises.
INJECT = {
    "INJECT-deserialize": ("deserialize", LookupError),
    "INJECT-validate": ("validate", AttributeError),
    "INJECT-extract": ("extract", ZeroDivisionError),
    "INJECT-serialize": ("serialize", TypeError),
    "INJECT-produce": ("produce", OSError),
}


def _marked(data: Any, stage: str) -> bool:
    text = data if isinstance(data, bytes | str) else repr(data)
    marker = next(m for m, (s, _) in INJECT.items() if s == stage)
    return marker in (text.decode("utf-8", "replace") if isinstance(text, bytes) else text)


def _fault(stage: str) -> BaseException:
    kind = next(k for s, k in INJECT.values() if s == stage)
    return kind(f"injected at {stage}")


def _wrap(owner: Any, name: str, stage: str, pick: Callable[..., Any], is_async: bool = False) -> None:
    original = getattr(owner, name)
    if is_async:

        @functools.wraps(original)
        async def async_wrapper(*args: Any, **kwargs: Any) -> Any:
            if _marked(pick(*args, **kwargs), stage):
                raise _fault(stage)
            return await original(*args, **kwargs)

        setattr(owner, name, async_wrapper)
        return

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if _marked(pick(*args, **kwargs), stage):
            raise _fault(stage)
        return original(*args, **kwargs)

    setattr(owner, name, wrapper)


def inject() -> None:
    from faust.transport.drivers import aiokafka as faust_aiokafka

    from hadath import records
    from hadath.worker import app, extraction

    _wrap(records, "_decode_json", "deserialize", lambda value, max_bytes: value)
    _wrap(records, "_validate", "validate", lambda payload: payload)
    _wrap(extraction.ExtractorPool, "extract", "extract", lambda self, value: value, is_async=True)
    _wrap(app, "serialized_event_record", "serialize", lambda event_id, article_id, *rest: article_id)

    # produce: the events of a marked article (their value names its article_id); the
    # dead letter for it is sent to another topic and goes through.
    def events_of_marked(self: Any, topic: str, key: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
        return value if topic == os.environ["HADATH_EVENTS_TOPIC"] else b""

    _wrap(faust_aiokafka.Producer, "send", "produce", events_of_marked, is_async=True)


def hide_modules(names: str) -> None:
    for name in filter(None, (n.strip() for n in names.split(","))):
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError


if __name__ == "__main__":
    hide_modules(os.environ.get("FAULT_HIDE_MODULES", ""))
    if os.environ.get("FAULT_INJECT") == "1":
        inject()
    from hadath.cli import main

    sys.exit(main(["worker"]))
