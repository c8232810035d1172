"""The worker's one per-record path (ArticleHandler) without a broker: whatever goes wrong at
any stage, the record ends as its events or as exactly one dead letter, and the only
exception that leaves is the one that must stop the worker (no dead letter could be written).

The producer and the extraction pool are small fakes here; the same faults against a real
broker and a real worker process are in tests/integration/test_internal_errors.py.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hadath.records import DLT_PREFIX, Consumed, RecordRejected, decode_article
from hadath.settings import Settings
from hadath.worker.app import ArticleHandler, FatalDeliveryError
from hadath_schemas import Article
from hadath_schemas.models import DEAD_LETTER_REASONS

BODY = "نفت موسكو التقارير"


@dataclass
class FakeProducer:
    fail: dict[str, BaseException] = field(default_factory=dict)  # topic -> what send raises
    sent: list[tuple[str, bytes | None, bytes | None, list]] = field(default_factory=list)

    async def send(self, topic, key, value, *, partition, timestamp, headers):
        if topic in self.fail:
            raise self.fail[topic]
        self.sent.append((topic, key, value, headers))
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


@dataclass
class FakeApp:
    producer: FakeProducer


class FakePool:
    def __init__(self, outcome: Any) -> None:
        self.outcome = outcome

    async def extract(self, value: bytes) -> list[tuple[str, str, bytes]]:
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


def handle(value: bytes | None, pool_outcome: Any = None, fail: dict[str, BaseException] | None = None):
    producer = FakeProducer(fail or {})
    settings = Settings(events_topic="events", dead_letter_topic="dlt", app_id="t")
    pool = FakePool([("e1", "a1", b'{"event_id": "e1"}')] if pool_outcome is None else pool_outcome)
    handler = ArticleHandler(FakeApp(producer), settings, pool)  # type: ignore[arg-type]
    consumed = Consumed("articles", 0, 7, None, b"k", value, [("trace", b"t")])

    async def run() -> None:
        await handler.prepare(consumed)

    asyncio.run(run())
    return producer.sent


def dead_letter(sent) -> dict[str, bytes]:
    [(topic, key, _value, headers)] = sent
    assert (topic, key) == ("dlt", b"k")
    return {name[len(DLT_PREFIX) :]: v for name, v in headers if name.startswith(DLT_PREFIX)}


GOOD = json.dumps({"id": "a1", "body": BODY}).encode()


def test_a_good_article_gives_its_events() -> None:
    [(topic, key, value, _)] = handle(GOOD)
    assert (topic, key, value) == ("events", b"e1", b'{"event_id": "e1"}')


def test_a_huge_integer_is_not_json_not_a_crash() -> None:
    value = b'{"id": "a1", "body": "' + BODY.encode() + b'", "n": ' + b"9" * 5000 + b"}"
    assert dead_letter(handle(value))["reason"] == b"not_json"


@pytest.mark.parametrize(
    ("pool_outcome", "stage"),
    [
        (KeyError("bug in the pool"), b"extract"),  # the parent's extraction code raised
        ([("e1", "a1", None, "one too many")], b"produce"),  # output records cannot be built
    ],
)
def test_an_unexpected_exception_is_an_internal_error_with_its_traceback(pool_outcome, stage) -> None:
    headers = dead_letter(handle(GOOD, pool_outcome))
    assert headers["reason"] == b"internal_error"
    assert headers["stage"] == stage
    assert b"Traceback" in headers["exception.stacktrace"]
    assert headers["exception.message"].startswith(b"unexpected ")


def test_a_known_rejection_from_extraction_keeps_its_reason() -> None:
    headers = dead_letter(handle(GOOD, RecordRejected("extract_timeout", "extract", "too slow")))
    assert headers["reason"] == b"extract_timeout"


def test_an_unexpected_exception_while_sending_events_is_an_internal_error() -> None:
    headers = dead_letter(handle(GOOD, fail={"events": ZeroDivisionError("in send")}))
    assert (headers["reason"], headers["stage"]) == (b"internal_error", b"produce")
    assert headers["exception.class.name"] == b"ZeroDivisionError"


def test_a_kafka_error_while_sending_events_is_produce_failed_after_retries() -> None:
    headers = dead_letter(handle(GOOD, fail={"events": KafkaTimeoutError("no broker")}))
    assert (headers["reason"], headers["stage"]) == (b"produce_failed", b"produce")


def test_when_not_even_the_dead_letter_can_be_written_the_worker_must_stop() -> None:
    with pytest.raises(FatalDeliveryError):
        handle(b"{not json", fail={"dlt": RuntimeError("dlt gone")})


@pytest.mark.parametrize(
    "published_at",
    [None, "2016-09-08", "2016-09-08T10:00:00", "2016-09-08T10:00:00.123+03:00", 1_700_000_000_123, 1.5e9],
)
def test_the_extraction_child_parses_exactly_what_the_parent_validated(published_at) -> None:
    """The parent sends the validated article re-serialised; the child's parser must agree."""
    value = {"id": "a1", "title": "عنوان", "body": BODY, "extra": [1, {"x": None}]}
    if published_at is not None:
        value["published_at"] = published_at
    article = decode_article(json.dumps(value).encode(), 1 << 20)
    assert Article.model_validate_json(article.model_dump_json().encode()) == article


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
article_like = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.text(max_size=20), json_values),
        "body": st.one_of(st.just(BODY), st.text(max_size=30), json_values),
        "title": st.one_of(st.text(max_size=10), json_values),
        "published_at": st.one_of(st.integers(), st.floats(), st.text(max_size=25), json_values),
        "language": st.one_of(st.just("ar"), json_values),
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.one_of(
        st.binary(max_size=60),
        article_like.map(lambda d: json.dumps(d).encode()),
        json_values.map(lambda v: json.dumps(v).encode()),
    )
)
def test_any_value_ends_as_events_or_exactly_one_dead_letter(value: bytes) -> None:
    sent = handle(value)
    topics = {topic for topic, *_ in sent}
    assert topics in ({"events"}, {"dlt"}), sent
    if topics == {"dlt"}:
        reason = dead_letter(sent)["reason"].decode()
        assert reason in DEAD_LETTER_REASONS and reason != "internal_error", value
