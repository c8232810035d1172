"""The worker's pure record pipeline: good records become events, bad ones dead letters."""

import json

import pytest

from hadath.records import DLT_PREFIX, Consumed, process_record
from hadath_schemas import Event


def consumed(value, key=b"k1", headers=(("trace", b"t1"),)):
    return Consumed("articles", 2, 41, 1_700_000_000_000, key, value, list(headers))


def one_event(article):
    return [
        Event(
            event_id=f"{article.id}-e",
            article_id=article.id,
            type="DENY",
            cameo="016",
            plover="REJECT",
            goldstein=-2.0,
            mode="asserted",
            trigger={"text": "نفت", "start": 0, "end": 3},
            mentions=[{"text": "نفت", "start": 0, "end": 3}],
            sentence="نفت",
            confidence=0.5,
            extractor="test",
        )
    ]


def run(value, extractor=one_event, **kw):
    return process_record(
        consumed(value, **kw),
        extractor,
        events_topic="events",
        dlt_topic="articles.DLT",
        max_bytes=1000,
        source="/hadath/test",
    )


def test_good_article_yields_keyed_events_with_cloudevents_headers():
    outcome = run(json.dumps({"id": "a1", "body": "نفت موسكو"}).encode())
    assert outcome.rejected is None
    [record] = outcome.records
    assert record.topic == "events"
    assert record.key == b"a1-e"
    headers = dict(record.headers)
    assert headers["ce_id"] == b"a1-e"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_source"] == b"/hadath/test"
    assert b"org.hadath" in headers["ce_type"]
    assert json.loads(record.value)["article_id"] == "a1"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "null_value"),
        (b"\xff\xfe", "not_utf8"),
        (b"{not json", "not_json"),
        (b"[1, 2]", "not_object"),
        (b"{}", "schema_invalid"),
        (b"x" * 1001, "too_large"),
        (b"[" * 100000 + b"]" * 100000, "too_large"),
    ],
)
def test_bad_records_become_one_dead_letter_with_original_bytes(value, reason):
    outcome = run(value)
    assert outcome.rejected is not None and outcome.rejected.reason == reason
    [record] = outcome.records
    assert record.topic == "articles.DLT"
    assert record.key == b"k1"
    assert record.value == value
    headers = dict(record.headers)
    assert headers["trace"] == b"t1"  # original headers kept
    assert headers[DLT_PREFIX + "reason"] == reason.encode()
    assert headers[DLT_PREFIX + "topic"] == b"articles"
    assert headers[DLT_PREFIX + "partition"] == b"2"
    assert headers[DLT_PREFIX + "offset"] == b"41"


def test_deeply_nested_json_within_size_is_dead_lettered_not_raised():
    outcome = process_record(
        consumed(b"[" * 50000 + b"]" * 50000),
        one_event,
        events_topic="events",
        dlt_topic="dlt",
        max_bytes=1 << 20,
        source="s",
    )
    assert outcome.rejected is not None
    assert outcome.rejected.reason in {"not_json", "not_object"}


def test_extractor_exception_is_dead_lettered():
    def broken(article):
        raise RuntimeError("boom")

    outcome = run(json.dumps({"id": "a1", "body": "نفت موسكو"}).encode(), extractor=broken)
    assert outcome.rejected.reason == "extractor_error"
    assert outcome.rejected.stage == "extract"
    assert dict(outcome.records[0].headers)[DLT_PREFIX + "exception.class.name"] == b"RuntimeError"
