"""A record batch the worker cannot decompress stops its partition, not the worker.

Why: aiokafka raises ``UnsupportedCodecError`` from inside its fetcher when a batch uses a
codec whose library is missing (the worker installs all four: gzip, snappy, lz4, zstd; see
docs/producers.md). Faust lets that exception crash the app, the restarted worker fetches
the same batch and crashes again: a crash loop with every partition blocked and nothing
dead-lettered (the records cannot even be read, so there is nothing to dead-letter).

Here the consumer thread catches it, works out the partition and the batch's offset, logs
that once (CRITICAL, with what to do), seeks the partition back to its last delivered
position and stops fetching it. Nothing is skipped and nothing is committed past the
batch; the other partitions go on. After the codec is installed, a restart resumes there.
"""

from __future__ import annotations

import asyncio
import logging
from types import TracebackType
from typing import Any

from aiokafka import codec
from aiokafka.errors import UnsupportedCodecError
from faust.transport.drivers import aiokafka as faust_aiokafka

log = logging.getLogger("hadath.worker")


CODECS = {"gzip": codec.has_gzip, "snappy": codec.has_snappy, "lz4": codec.has_lz4, "zstd": codec.has_zstd}


def missing_codecs() -> list[str]:
    """Compression codecs this worker could not decompress (their library is not installed)."""
    return [name for name, available in CODECS.items() if not available()]


def failed_batch(exc: BaseException) -> tuple[Any, int] | None:
    """(topic-partition, base offset) of the batch aiokafka was unpacking when ``exc`` was raised."""
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_name == "_unpack_records" and "tp" in frame.f_locals:
            batch = frame.f_locals.get("next_batch")
            return frame.f_locals["tp"], getattr(batch, "base_offset", -1)
        tb = tb.tb_next
    return None


class GuardedConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    """Faust's aiokafka consumer thread, with undecodable batches stopping their partition."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stopped_partitions: dict[Any, int] = {}  # topic-partition -> offset of the batch

    async def _fetch_records(
        self,
        consumer: Any,
        active_partitions: Any,
        timeout: float | None = None,
        max_records: int | None = None,
    ) -> Any:
        if self.stopped_partitions and active_partitions is not None:
            active_partitions = {tp for tp in active_partitions if tp not in self.stopped_partitions}
            if not active_partitions:  # an empty set would mean "every partition" to aiokafka
                await asyncio.sleep(timeout or 0)
                return {}
        try:
            return await super()._fetch_records(
                consumer, active_partitions, timeout=timeout, max_records=max_records
            )
        except UnsupportedCodecError as exc:
            where = failed_batch(exc)
            if where is None:
                raise
            await self._stop_partition(consumer, *where, exc)
            return {}

    async def _stop_partition(self, consumer: Any, tp: Any, offset: int, exc: BaseException) -> None:
        # The records of this fetch before the batch never reached Faust: go back to the
        # last delivered position, so they are read again once the partition resumes.
        position = await consumer.position(tp)
        consumer.seek(tp, position)
        consumer.pause(tp)
        self.stopped_partitions[tp] = offset
        log.critical(
            "cannot decode the record batch at %s[%d]@%d: %s. Partition %s[%d] is stopped at offset %d "
            "(nothing skipped, nothing committed past it); the other partitions go on. Install the "
            "codec (docs/producers.md, 'Compression') and restart the worker.",
            tp.topic,
            tp.partition,
            offset,
            exc,
            tp.topic,
            tp.partition,
            position,
        )


class GuardedConsumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> GuardedConsumerThread:
        return GuardedConsumerThread(self, loop=self.loop, beacon=self.beacon)


class GuardedTransport(faust_aiokafka.Transport):
    """The aiokafka transport with :class:`GuardedConsumer` (HadathApp._new_transport)."""

    Consumer = GuardedConsumer
