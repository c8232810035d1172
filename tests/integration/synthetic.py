"""Short synthetic Arabic news articles for stream tests and benchmarks.

Written for these tests (no corpus text in the repo): a few sentence templates that the
extractor recognises, filled with varying actors, so most articles yield one to a few
events and different articles yield different events.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator

COUNTRIES = [
    ("روسيا", "الروسي", "الروسية"),
    ("الولايات المتحدة", "الأمريكي", "الأمريكية"),
    ("فرنسا", "الفرنسي", "الفرنسية"),
    ("تركيا", "التركي", "التركية"),
    ("إيران", "الإيراني", "الإيرانية"),
    ("الصين", "الصيني", "الصينية"),
    ("ألمانيا", "الألماني", "الألمانية"),
    ("مصر", "المصري", "المصرية"),
]

TEMPLATES = [
    "التقى وزير الخارجية {a_m} نظيره {b_m} في جنيف يوم الخميس لبحث الأزمة السورية.",
    "نفت وزارة الدفاع {a_f} صحة التقارير التي تحدثت عن قصف مواقع في شمال العراق.",
    "اتهمت {a} {b} بالتدخل في شؤونها الداخلية.",
    "طالبت {a} {b} بوقف بناء المستوطنات في الضفة الغربية.",
    "اقترحت {a} عقد مؤتمر دولي حول اللاجئين.",
    "أدانت جامعة الدول العربية الهجوم الذي استهدف السفارة {a_f} في طرابلس.",
    "هدد الرئيس {a_m} بضرب القواعد {b_f} في المنطقة.",
]

FILLER = "وأشار المراقبون إلى أن الوضع في المنطقة ما زال متوترا منذ أشهر."


def article(index: int, rng: random.Random, prefix: str = "syn") -> dict[str, str]:
    a, b = rng.sample(COUNTRIES, 2)
    values = {"a": a[0], "a_m": a[1], "a_f": a[2], "b": b[0], "b_m": b[1], "b_f": b[2]}
    sentences = [t.format(**values) for t in rng.sample(TEMPLATES, 2)]
    sentences.insert(1, FILLER)
    return {
        "id": f"{prefix}-{index:06d}",
        "title": sentences[0].rstrip("."),
        "body": "\n".join(sentences),
        "source": "وكالة اختبار",
        "published_at": "2016-09-08T10:00:00Z",
    }


def articles(n: int, seed: int = 7, prefix: str = "syn") -> Iterator[dict[str, str]]:
    rng = random.Random(seed)
    for i in range(n):
        yield article(i, rng, prefix)


def records(n: int, seed: int = 7, prefix: str = "syn") -> list[tuple[bytes, bytes]]:
    """(key, value) pairs ready for a producer: key = article id, value = JSON."""
    return [
        (a["id"].encode(), json.dumps(a, ensure_ascii=False).encode("utf-8"))
        for a in articles(n, seed, prefix)
    ]
