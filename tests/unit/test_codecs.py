"""Every Kafka compression codec is installed for both Kafka clients (pyproject extras).

Producers choose the codec; a worker without its library cannot read their batches
(tests/integration/test_compression.py shows both cases on a real broker).
"""

import pytest
from kafka import codec as kafka_python_codec

from hadath.worker.undecodable import CODECS, missing_codecs


def test_the_worker_decodes_every_codec() -> None:
    assert set(CODECS) == {"gzip", "snappy", "lz4", "zstd"}
    assert missing_codecs() == []


@pytest.mark.parametrize("name", ["gzip", "snappy", "lz4", "zstd"])
def test_the_produce_and_replay_clients_have_every_codec(name: str) -> None:
    assert getattr(kafka_python_codec, f"has_{name}")()


def test_the_failing_batch_is_found_where_aiokafka_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    """undecodable.failed_batch reads aiokafka's record-unpacking frame: pinned here, so an
    aiokafka upgrade that renames it fails this fast test instead of bringing the crash back."""
    from aiokafka import codec as aiokafka_codec
    from aiokafka.consumer.fetcher import PartitionRecords
    from aiokafka.errors import UnsupportedCodecError
    from aiokafka.record.default_records import DefaultRecordBatchBuilder
    from aiokafka.record.memory_records import MemoryRecords
    from aiokafka.structs import TopicPartition

    from hadath.worker.undecodable import failed_batch

    def batch(base: int, compression: int) -> bytes:
        builder = DefaultRecordBatchBuilder(2, compression, 0, -1, -1, -1, 1 << 20)
        for i in range(3):
            builder.append(i, 1_700_000_000_000, f"k{base + i}".encode(), b"v" * 50, [])
        buffer = builder.build()
        buffer[0:8] = base.to_bytes(8, "big")  # the broker assigns the base offset
        return bytes(buffer)

    tp = TopicPartition("articles", 3)
    zstd = 4  # the compression attribute of a zstd batch (Kafka protocol)
    data = MemoryRecords(batch(40, 0) + batch(43, zstd))
    records = PartitionRecords(tp, data, [], 40, None, None, False, 0)
    monkeypatch.setattr(aiokafka_codec, "has_zstd", lambda: False)  # a worker without the library
    with pytest.raises(UnsupportedCodecError) as caught:
        list(records)
    assert failed_batch(caught.value) == (tp, 43)
