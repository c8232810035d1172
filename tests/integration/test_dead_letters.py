"""Issue 4 (a): a mixed stream of good articles and many kinds of bad input, on a real broker.

Every good article yields exactly its events (compared with the offline extractor), every
bad record yields exactly one dead letter with the right reason and its original key,
value and headers, and the worker stays alive and stops cleanly.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from synthetic import articles
from worker_process import TopicNames, WorkerProcess, consume_all, headers_of, produce_raw

from hadath.extractor import extract
from hadath.inputs import read_articles
from hadath.records import DLT_PREFIX
from hadath_schemas import Article, DeadLetter

pytestmark = pytest.mark.kafka

REPO = Path(__file__).resolve().parents[2]
CONTRACT = {f.alias or name for name, f in DeadLetter.model_fields.items()}
AR = "أعلنت وزارة الخارجية"  # some Arabic, so only the defect under test is wrong


def j(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def nested(depth: int) -> bytes:
    return b'{"id":"deep","body":' + b'{"a":' * depth + b"1" + b"}" * depth + b"}"


def bad_inputs(good_dup: dict[str, str]) -> list[tuple[str, bytes | None, str]]:
    """(name, value, expected reason); the name is also the record key."""
    valid = {"id": "x", "title": "عنوان", "body": AR + " أن الوزير التقى نظيره."}
    return [
        ("invalid-json", b'{"id": "x", "body": }', "not_json"),
        ("truncated-json", json.dumps(valid, ensure_ascii=False)[:30].encode(), "not_json"),
        ("truncated-mid-character", j(valid)[:25], "not_utf8"),
        ("empty-value", b"", "not_json"),
        ("utf8-bom", b"\xef\xbb\xbf" + j(valid), "not_json"),
        ("not-utf8", j(valid).decode("utf-8").encode("cp1256"), "not_utf8"),
        ("null-value", None, "null_value"),
        ("empty-object", b"{}", "schema_invalid"),
        ("json-array", j([valid]), "not_object"),
        ("json-string", j("خبر"), "not_object"),
        ("missing-body", j({"id": "x", "title": "عنوان"}), "schema_invalid"),
        ("body-wrong-type", j({"id": "x", "body": 42}), "schema_invalid"),
        ("empty-body", j({"id": "x", "body": ""}), "schema_invalid"),
        ("five-mb-body", j({"id": "x", "body": AR + " " + "خبر " * (5 * 1024 * 1024 // 7)}), "too_large"),
        ("deeply-nested", nested(100_000), "not_json"),
        ("id-10000-chars", j({"id": "a" * 10_000, "body": AR}), "schema_invalid"),
        ("latin-only", j({"id": "x", "body": "The minister met his counterpart."}), "schema_invalid"),
        ("control-and-nul", j({"id": "x", "body": AR + "\x00\x07\x1b"}), "schema_invalid"),
        (
            "rtl-marks-tatweel",
            j({"id": "x", "body": "\u200f\u200e\u061c\u0640\u0640 \u202b\u0640"}),
            "schema_invalid",
        ),
        ("emoji-only", j({"id": "x", "body": "😀🔥🇸🇾 🙏"}), "schema_invalid"),
        ("one-100k-token", j({"id": "x", "body": "ب" * 100_000}), "schema_invalid"),
        ("not-arabic-language", j({**valid, "language": "en"}), "schema_invalid"),
        ("bad-published-at", j({**valid, "published_at": "yesterday"}), "schema_invalid"),
        ("duplicate-id", j({**good_dup, "body": good_dup["body"] + "\nتعديل لاحق."}), "duplicate_id"),
        ("extractor-raises", j({"id": "x-raise", "body": AR + " FAULT-RAISE"}), "extractor_error"),
        ("extractor-hangs", j({"id": "x-hang", "body": AR + " FAULT-HANG"}), "extract_timeout"),
        ("extractor-dies", j({"id": "x-exit", "body": AR + " FAULT-EXIT"}), "extractor_crash"),
    ]


def test_mixed_stream_good_articles_and_every_kind_of_bad_input(kafka_bootstrap: str, tmp_path: Path) -> None:
    good = [raw.record for raw in read_articles(str(REPO / "seeds"))]
    good += list(articles(40, seed=11, prefix="mixed"))
    dup = good[1]
    bad = bad_inputs(dup)
    assert len({name for name, _, _ in bad}) >= 18

    # Interleave: good, bad, good, bad ...; the duplicate comes after its original, and one
    # good article is sent twice unchanged (a redelivery: processed again, never dead-lettered).
    stream: list[tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]] = []
    for i in range(max(len(good), len(bad))):
        if i < len(good):
            stream.append((good[i]["id"].encode(), j(good[i]), [("trace", f"good-{i}".encode())]))
        if i < len(bad):
            name, value, _ = bad[i]
            key = dup["id"].encode() if name == "duplicate-id" else name.encode()
            stream.append((key, value, [("trace", name.encode()), ("x-bin", b"\x00\xff")]))
    stream.append((good[2]["id"].encode(), j(good[2]), [("trace", b"redelivery")]))

    expected_ids: Counter[str] = Counter()
    for record in good:
        expected_ids.update(e.event_id for e in extract(Article.model_validate(record)))
    assert len(expected_ids) > len(good)

    names = TopicNames.unique("dlt")
    env = {"HADATH_EXTRACTOR": "fault_extractor:extract", "HADATH_EXTRACT_TIMEOUT_SECONDS": "3"}
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", env) as worker:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, stream)

        dead = consume_all(kafka_bootstrap, names.dlt, expected=len(bad), timeout=120, idle=4)
        events = consume_all(kafka_bootstrap, names.events, expected=len(expected_ids), timeout=120)
        assert worker.alive, worker.log_tail()
        assert worker.terminate() == 0, worker.log_tail()

    # Every good article's events, nothing else (the redelivered article twice, same ids).
    got = {json.loads(r.value)["event_id"]: json.loads(r.value)["article_id"] for r in events}
    got_ids = Counter(json.loads(r.value)["event_id"] for r in events)
    assert set(got_ids) == set(expected_ids), {got.get(i, i) for i in set(got_ids) ^ set(expected_ids)}
    assert got_ids[next(iter(e.event_id for e in extract(Article.model_validate(good[2]))))] == 2

    # Exactly one dead letter per bad record, with the right reason and the original bytes.
    by_trace = {headers_of(r)["trace"].decode(): r for r in dead}
    assert len(dead) == len(bad), sorted(Counter(headers_of(r)["trace"] for r in dead).items())
    sent = {h[0][1].decode(): (k, v) for k, v, h in stream}
    for name, value, reason in bad:
        record = by_trace[name]
        headers = headers_of(record)
        message = headers[DLT_PREFIX + "exception.message"]
        assert headers[DLT_PREFIX + "reason"].decode() == reason, (name, message)
        assert (record.key, record.value) == sent[name]
        assert record.value == value
        assert headers["x-bin"] == b"\x00\xff"  # original headers unchanged
        assert headers[DLT_PREFIX + "topic"].decode() == names.articles
        meta = {n[len(DLT_PREFIX) :]: v.decode() for n, v in headers.items() if n.startswith(DLT_PREFIX)}
        # the header set follows the documented contract
        DeadLetter.model_validate({k: v for k, v in meta.items() if k in CONTRACT})

    log = worker.log_text()
    assert log.count("dead-lettered ") == len(bad)
    assert "extraction process" in log and "exceeded 3.0 s" in log
