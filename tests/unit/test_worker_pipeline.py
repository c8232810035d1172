"""The worker's building blocks without a broker: in-order acks, the duplicate-id memory,
and the extraction processes' deadline (real child processes)."""

from __future__ import annotations

import asyncio
import json
import os
import random
from pathlib import Path

import pytest

from hadath.records import DuplicateIds, RecordRejected
from hadath.worker.extraction import ExtractorPool
from hadath.worker.pipeline import InOrderPipeline
from hadath_schemas import Article

INTEGRATION = Path(__file__).resolve().parents[1] / "integration"


def art(id_: str, body: str = "التقى الوزير نظيره") -> Article:
    return Article(id=id_, body=body)


def test_acks_follow_read_order_whatever_order_the_work_finishes_in() -> None:
    async def scenario() -> list[int]:
        acked: list[int] = []

        async def ack(token: int) -> None:
            acked.append(token)

        pipeline = InOrderPipeline(8, ack)
        runner = asyncio.ensure_future(pipeline.run())
        rng = random.Random(3)
        for i in range(50):
            await pipeline.submit(i, asyncio.sleep(rng.random() / 100))
        await pipeline.drain()
        runner.cancel()
        return acked

    assert asyncio.run(scenario()) == list(range(50))


def test_in_flight_is_bounded_and_a_failure_stops_the_pipeline() -> None:
    async def scenario() -> tuple[int, BaseException | None]:
        peak = 0
        running = 0

        async def work(fail: bool) -> None:
            nonlocal peak, running
            running += 1
            peak = max(peak, running)
            await asyncio.sleep(0.001)
            running -= 1
            if fail:
                raise RuntimeError("cannot deliver")

        async def ack(token: int) -> None:
            pass

        pipeline = InOrderPipeline(4, ack)
        runner = asyncio.ensure_future(pipeline.run())
        for i in range(20):
            await pipeline.submit(i, work(False))
        await pipeline.drain()
        await pipeline.submit(99, work(True))
        with pytest.raises(RuntimeError):
            await runner
        return peak, pipeline.failure

    peak, failure = asyncio.run(scenario())
    assert peak == 4  # the window fills (work runs concurrently) and never overflows
    assert isinstance(failure, RuntimeError)


def test_duplicate_ids_same_content_passes_different_content_is_rejected() -> None:
    seen = DuplicateIds(capacity=2)
    assert seen.check(art("a")) is None
    assert seen.check(art("a")) is None  # a redelivery: same content
    rejected = seen.check(art("a", "نفت الوزارة الخبر"))
    assert isinstance(rejected, RecordRejected) and rejected.reason == "duplicate_id"
    assert seen.check(art("b")) is None
    assert seen.check(art("c")) is None  # capacity 2: "a" is forgotten
    assert len(seen) == 2
    assert seen.check(art("a", "نفت الوزارة الخبر")) is None
    seen.forget("a")
    assert seen.check(art("a", "نص ثالث")) is None
    assert DuplicateIds(0).check(art("a")) is None


def test_extraction_processes_turn_faults_into_reasons_and_recover(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(INTEGRATION), os.environ.get("PYTHONPATH", "")]))

    def value(body: str) -> bytes:
        return json.dumps({"id": "t", "body": body}, ensure_ascii=False).encode()

    async def scenario() -> list[str]:
        pool = ExtractorPool("fault_extractor:extract", size=1, timeout=2.0)
        await pool.start()
        outcomes = []
        try:
            for body in [
                "التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف.",
                "خبر FAULT-RAISE",
                "خبر FAULT-HANG",
                "خبر FAULT-EXIT",
                "التقى وزير الخارجية الروسي نظيره الأمريكي.",
            ]:
                try:
                    events = await pool.extract(value(body))
                    outcomes.append(f"ok:{len(events)}")
                except RecordRejected as error:
                    outcomes.append(error.reason)
        finally:
            await pool.close()
        assert pool.restarts == 2
        return outcomes

    outcomes = asyncio.run(scenario())
    assert outcomes[1:4] == ["extractor_error", "extract_timeout", "extractor_crash"]
    assert outcomes[0].startswith("ok:") and outcomes[4].startswith("ok:")
