"""Synthetic traffic for the monitoring proof and the dashboard picture.

:func:`synthetic_articles` writes short Arabic wire-style articles from templates (actors x
verbs x places, deterministic for a given seed): enough variety to fill the per-type,
per-mode and per-country panels. :func:`bad_records` are records the worker must
dead-letter, one known reason each. :func:`demo_stack` runs a throwaway pipeline (a
LocalKafka broker, one `hadath worker`, a LocalPrometheus) fed with the repository's seed
articles and those records: what ``make dashboard-snapshot`` draws when no Prometheus is given.
"""

from __future__ import annotations

import contextlib
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# (subject, its country code) — subjects written as an Arabic news sentence would.
ACTORS = [
    ("وزير الخارجية الروسي", "RUS"),
    ("الرئيس الأمريكي", "USA"),
    ("الحكومة السورية", "SYR"),
    ("وزير الخارجية المصري", "EGY"),
    ("الرئيس التركي", "TUR"),
    ("وزير الخارجية الإيراني", "IRN"),
    ("الحكومة العراقية", "IRQ"),
    ("الرئيس الفرنسي", "FRA"),
    ("وزير الخارجية السعودي", "SAU"),
    ("الحكومة الأردنية", "JOR"),
]
OBJECTS = ["نظيره الأمريكي", "نظيره الروسي", "الحكومة السورية", "الرئيس التركي", "الحكومة الإسرائيلية"]
PLACES = ["جنيف", "موسكو", "القاهرة", "أنقرة", "بغداد", "باريس", "عمان"]
# Sentence templates per intended event type: {s} subject, {o} object, {p} place.
TEMPLATES = [
    "التقى {s} {o} في {p} يوم الثلاثاء وبحثا الأوضاع في المنطقة.",
    "اتهم {s} {o} بدعم الإرهاب في المنطقة.",
    "أدان {s} الهجوم الذي استهدف مدنيين في {p}.",
    "نفى {s} صحة الأنباء عن وجود قوات في {p}.",
    "طالب {s} {o} بوقف العمليات العسكرية فورا.",
    "اقترح {s} عقد مؤتمر دولي للسلام في {p}.",
    "هدد {s} بالرد على أي هجوم يستهدف أراضيه.",
    "رفض {s} المقترح الذي قدمه {o}.",
    "سيلتقي {s} {o} في {p} الأسبوع المقبل.",
    "وقع {s} و{o} اتفاقا للتعاون في {p}.",
]


def synthetic_articles(count: int, seed: int = 7) -> list[dict[str, str]]:
    """``count`` valid articles (spec §1), ids ``synthetic-<seed>-<n>``."""
    rng = random.Random(seed)
    articles = []
    for n in range(count):
        subject, _ = rng.choice(ACTORS)
        sentences = [
            rng.choice(TEMPLATES).format(s=subject, o=rng.choice(OBJECTS), p=rng.choice(PLACES))
            for _ in range(rng.randint(1, 3))
        ]
        articles.append(
            {
                "id": f"synthetic-{seed}-{n}",
                "title": sentences[0].rstrip("."),
                "body": " ".join(sentences),
                "source": "hadath-synthetic",
                "language": "ar",
            }
        )
    return articles


# (key, value, the reason the worker must give) — one of each kind the panels show.
BAD_RECORDS: list[tuple[bytes, bytes | None, str]] = [
    (b"bad-json-1", b"{not json", "not_json"),
    (b"bad-json-2", b"\x00\x01 binary junk", "not_json"),
    (b"bad-schema-1", json.dumps({"id": "x1", "title": "عنوان"}).encode(), "schema_invalid"),
    (b"bad-schema-2", json.dumps({"title": "بلا معرف", "body": "نص"}).encode(), "schema_invalid"),
    (b"bad-null", None, "null_value"),
]


def seed_articles() -> list[dict[str, str]]:
    sys.path.insert(0, str(REPO_ROOT / "services"))
    from hadath.inputs import seed_record

    return [seed_record(path) for path in sorted((REPO_ROOT / "seeds").glob("*.txt"))]


def records(synthetic: int = 60, seed: int = 7) -> list[tuple[bytes | None, bytes | None]]:
    """The seed article(s), ``synthetic`` synthetic ones, and the bad records, keyed by id."""
    good = [*seed_articles(), *synthetic_articles(synthetic, seed)]
    out: list[tuple[bytes | None, bytes | None]] = [
        (a["id"].encode(), json.dumps(a, ensure_ascii=False).encode()) for a in good
    ]
    out.extend((key, value) for key, value, _ in BAD_RECORDS)
    return out


@dataclass
class Demo:
    prometheus_url: str
    started: float


@contextlib.contextmanager
def demo_stack(synthetic: int = 120, waves: int = 4, pause: float = 10.0) -> Iterator[Demo]:
    """Broker + worker + Prometheus, fed in ``waves`` so the time series have a shape."""
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    sys.path.insert(0, str(REPO_ROOT / "tests" / "integration"))
    import tempfile

    from kafka_broker import LocalKafka, free_port
    from local_prometheus import LocalPrometheus
    from worker_process import TopicNames, WorkerProcess, produce_raw

    started = time.time()
    names = TopicNames.unique("demo")
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hadath-demo-") as tmp, LocalKafka() as kafka:
        env = {"HADATH_METRICS_PORT": str(port), "HADATH_METRICS_LAG_INTERVAL_SECONDS": "1"}
        with WorkerProcess(kafka.bootstrap, names, Path(tmp) / "worker.log", env=env) as worker:
            worker.wait_ready()
            with LocalPrometheus([f"127.0.0.1:{port}"]) as prometheus:
                batch = records(synthetic)
                size = max(1, len(batch) // waves)
                for i in range(0, len(batch), size):
                    produce_raw(kafka.bootstrap, names.articles, batch[i : i + size])
                    print(f"demo: produced {min(i + size, len(batch))}/{len(batch)} records", flush=True)
                    time.sleep(pause)
                yield Demo(prometheus.url, started)
