"""The worker's pure record rules: bytes in, a valid Article or one dead letter saying why."""

import json

import pytest

from hadath.records import (
    DLT_PREFIX,
    Consumed,
    RecordRejected,
    at_stage,
    dead_letter_record,
    decode_article,
    event_record,
    parse_json,
)
from hadath_schemas import Event

BODY = "نفت موسكو"


def consumed(value, key=b"k1", headers=(("trace", b"t1"),)):
    return Consumed("articles", 2, 41, 1_700_000_000_000, key, value, list(headers))


def rejection(value, max_bytes=1000) -> RecordRejected:
    with pytest.raises(RecordRejected) as caught:
        decode_article(value, max_bytes)
    return caught.value


def test_good_article_is_decoded():
    article = decode_article(json.dumps({"id": "a1", "body": BODY}).encode(), 1000)
    assert (article.id, article.body) == ("a1", BODY)


def test_event_records_are_keyed_with_cloudevents_headers():
    event = Event(
        event_id="a1-e",
        article_id="a1",
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
    record = event_record(event, "events", "/hadath/test")
    assert (record.topic, record.key) == ("events", b"a1-e")
    headers = dict(record.headers)
    assert headers["ce_id"] == b"a1-e"
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_source"] == b"/hadath/test"
    assert b"org.hadath" in headers["ce_type"]
    assert json.loads(record.value)["article_id"] == "a1"


BIG_INT = b"1" * 5000  # json.loads raises a plain ValueError past 4,300 digits


@pytest.mark.parametrize(
    ("value", "reason", "stage"),
    [
        (None, "null_value", "deserialize"),
        (b"\xff\xfe", "not_utf8", "deserialize"),
        (b"{not json", "not_json", "deserialize"),
        (b"[" * 400 + b"]" * 400, "not_object", "validate"),
        (b"[1, 2]", "not_object", "validate"),
        (b"{}", "schema_invalid", "validate"),
        (b"x" * 1001, "too_large", "deserialize"),
        (b"[" * 100000 + b"]" * 100000, "too_large", "deserialize"),
    ],
)
def test_bad_records_are_rejected_with_reason_and_stage(value, reason, stage):
    error = rejection(value)
    assert (error.reason, error.stage) == (reason, stage)


@pytest.mark.parametrize(
    "value",
    [
        b'{"id": "a", "body": "' + BODY.encode() + b'", "extra": ' + BIG_INT + b"}",
        b'{"id": ' + BIG_INT + b', "body": "' + BODY.encode() + b'"}',
        b"-" + BIG_INT,
    ],
)
def test_an_integer_over_4300_digits_anywhere_is_not_json(value):
    error = rejection(value, max_bytes=1 << 20)
    assert error.reason == "not_json"
    assert "4300 digits" in error.message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_json(constant):
    value = f'{{"id": "a", "body": "{BODY}", "score": {constant}}}'.encode()
    error = rejection(value)
    assert error.reason == "not_json"
    assert constant.lstrip("-") in error.message and "RFC 8259" in error.message


def test_parse_json_is_plain_json_otherwise():
    assert parse_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


def test_deeply_nested_json_within_size_is_rejected_not_raised():
    error = rejection(b"[" * 50000 + b"]" * 50000, max_bytes=1 << 20)
    assert error.reason in {"not_json", "not_object"}


@pytest.mark.parametrize(
    ("published_at", "ok"),
    [
        ("2016-09-08T10:00:00Z", True),
        (1_700_000_000, True),  # Unix seconds
        (1_700_000_000_000, True),  # Unix milliseconds
        (99_999_999_999_999, False),  # the year 5138
        ("99999999999999", False),  # the same as a string
        (-3_000_000_000, False),  # 1874
        (1e20, False),
    ],
)
def test_numeric_published_at_must_be_a_sane_date(published_at, ok):
    value = json.dumps({"id": "a", "body": BODY, "published_at": published_at}).encode()
    if ok:
        assert decode_article(value, 1000).published_at.year in range(1900, 2100)
    else:
        error = rejection(value)
        assert error.reason == "schema_invalid"
        assert error.message.startswith("published_at:")


def test_at_stage_turns_an_unexpected_exception_into_internal_error():
    with pytest.raises(RecordRejected) as caught, at_stage("extract"):
        {}["missing"]
    error = caught.value
    assert (error.reason, error.stage, error.error_class) == ("internal_error", "extract", "KeyError")
    assert "KeyError" in error.stacktrace and "test_records.py" in error.stacktrace


def test_at_stage_lets_known_rejections_through():
    known = RecordRejected("schema_invalid", "validate", "no")
    with pytest.raises(RecordRejected) as caught, at_stage("extract"):
        raise known
    assert caught.value is known


def test_dead_letter_keeps_the_original_record_and_adds_the_error_headers():
    value = b"\xff\xfe"
    record = dead_letter_record(consumed(value), rejection(value), "articles.DLT")
    assert (record.topic, record.key, record.value) == ("articles.DLT", b"k1", value)
    headers = dict(record.headers)
    assert headers["trace"] == b"t1"  # original headers kept
    assert headers[DLT_PREFIX + "reason"] == b"not_utf8"
    assert headers[DLT_PREFIX + "topic"] == b"articles"
    assert headers[DLT_PREFIX + "partition"] == b"2"
    assert headers[DLT_PREFIX + "offset"] == b"41"


def test_dead_letter_headers_survive_text_that_is_not_encodable():
    try:
        raise ValueError("bad \ud800 input")
    except ValueError as exc:
        error = RecordRejected("internal_error", "extract", "quoted \udcff", exc)
    headers = dict(dead_letter_record(consumed(b"{}"), error, "dlt").headers)
    assert headers[DLT_PREFIX + "exception.message"] == b"quoted \\udcff"
    assert b"bad \\ud800 input" in headers[DLT_PREFIX + "exception.stacktrace"]
