"""The real extractor plus faults on demand, for the dead-letter tests.

Loaded by the worker's extraction process via ``HADATH_EXTRACTOR=fault_extractor:extract``.
An article whose body contains one of the markers misbehaves; every other article goes
to :func:`hadath.extractor.extract` unchanged.
"""

from __future__ import annotations

import os
import time

from hadath.extractor import extract as real_extract
from hadath_schemas import Article, Event

RAISE = "FAULT-RAISE"  # the extractor raises
HANG = "FAULT-HANG"  # the extractor spins for ever, holding the GIL (a pathological regex)
EXIT = "FAULT-EXIT"  # the extraction process dies
UNSERIALIZABLE = "FAULT-UNSERIALIZABLE"  # returns an event that cannot be written as JSON
# FAULT_EXTRACT_DELAY_MS=5 makes every extraction 5 ms slower: a stream that is still
# in progress when a test kills or stops something.
DELAY = float(os.environ.get("FAULT_EXTRACT_DELAY_MS", "0")) / 1000


def extract(article: Article) -> list[Event]:
    body = article.body
    if RAISE in body:
        raise ValueError("injected extractor failure")
    if HANG in body:
        while True:
            pass
    if EXIT in body:
        os._exit(3)
    if UNSERIALIZABLE in body:
        [event, *_] = real_extract(article)
        return [event.model_copy(update={"goldstein": object()})]
    if DELAY:
        time.sleep(DELAY)
    return real_extract(article)


def nothing(article: Article) -> list[Event]:
    """No extraction: one constant minimal event per article, so the bench can time what
    the extraction process round trip costs (compare with the pass-through agent)."""
    span = {"text": "x", "start": 0, "end": 1}
    return [
        Event(
            event_id=article.id,
            article_id=article.id,
            type="MEET",
            cameo="040",
            plover="CONSULT",
            goldstein=1.0,
            mode="asserted",
            trigger=span,
            mentions=[span],
            sentence="x",
            confidence=0.1,
            extractor="null",
        )
    ]
