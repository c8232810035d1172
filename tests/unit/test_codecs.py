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
