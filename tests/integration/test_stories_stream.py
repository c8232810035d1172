"""Issue 12 item 3 against the real broker: the same event from several articles gets one
story_id, the compacted stories topic carries the rollup, and the story table survives a
worker killed with SIGKILL (it is rebuilt from its changelog topic)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from worker_process import TopicNames, WorkerProcess, committed_lag, consume_all, produce_raw

pytestmark = pytest.mark.kafka

# Written for this test: three reports of one meeting (Thursday 12 April 2018), one attack.
MEETING = [
    ("story-a", "Outlet A", "التقى وزير الخارجية الروسي نظيره الأمريكي في جنيف يوم الخميس."),
    (
        "story-b",
        "Outlet B",
        "اجتمع وزير الخارجية الروسي مع نظيره الأمريكي في جنيف يوم الخميس لبحث الأزمة السورية.",
    ),
    ("story-c", "Outlet C", "وكان وزير الخارجية الروسي قد التقى نظيره الأمريكي في جنيف الخميس الماضي."),
]
ATTACK = ("story-d", "Outlet A", "قصفت طائرات روسية مدينة إدلب يوم الخميس.")


def _article(article_id: str, outlet: str, body: str, hour: int) -> tuple[bytes, bytes]:
    record = {
        "id": article_id,
        "title": "",
        "body": body,
        "source": outlet,
        "url": f"https://example.invalid/{article_id}",
        "published_at": f"2018-04-13T{hour:02d}:00:00Z",
    }
    return article_id.encode(), json.dumps(record, ensure_ascii=False).encode()


def _events(bootstrap: str, names: TopicNames, expected: int) -> dict[str, dict]:
    records = consume_all(bootstrap, names.events, expected=expected, timeout=120)
    return {json.loads(r.value)["article_id"]: json.loads(r.value) for r in records}


def _latest_stories(bootstrap: str, names: TopicNames) -> dict[str, dict]:
    latest: dict[str, dict] = {}
    for record in consume_all(bootstrap, names.stories, timeout=60, idle=3.0):
        latest[record.key.decode()] = json.loads(record.value)  # compacted: the last one counts
    return latest


def test_one_story_across_articles_and_a_restart(kafka_bootstrap: str, tmp_path: Path) -> None:
    names = TopicNames.unique("stories")
    first = [_article(*MEETING[0], 9), _article(*MEETING[1], 11), _article(*ATTACK, 12)]
    grouping = {"HADATH_STORIES": "true"}
    with WorkerProcess(kafka_bootstrap, names, tmp_path / "worker.log", grouping) as worker:
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, first)
        events = _events(kafka_bootstrap, names, expected=3)
        assert worker.alive, worker.log_tail()
        assert set(events) == {"story-a", "story-b", "story-d"}
        meeting = events["story-a"]["story_id"]
        assert meeting and events["story-b"]["story_id"] == meeting
        assert events["story-d"]["story_id"] not in (None, meeting)

        stories = _latest_stories(kafka_bootstrap, names)
        rollup = stories[meeting]
        assert rollup["type"] == "MEET" and rollup["article_count"] == 2 and rollup["outlet_count"] == 2
        assert sorted(rollup["article_ids"]) == ["story-a", "story-b"]
        assert (
            rollup["first_seen"] == "2018-04-13T09:00:00Z" and rollup["last_seen"] == "2018-04-13T11:00:00Z"
        )
        assert stories[events["story-d"]["story_id"]]["article_count"] == 1

        # every grouped event committed: after the kill nothing is replayed, so what the new
        # worker knows of the story can only come from the tables' changelog topics
        grouping_input = f"{names.app_id}-story-input"
        deadline = time.monotonic() + 60
        while committed_lag(kafka_bootstrap, names.app_id, grouping_input) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert committed_lag(kafka_bootstrap, names.app_id, grouping_input) == 0
        worker.kill()  # SIGKILL: the in-memory tables are gone, their changelogs are not
        worker.start()
        worker.wait_ready()
        produce_raw(kafka_bootstrap, names.articles, [_article(*MEETING[2], 14)])
        events = _events(kafka_bootstrap, names, expected=4)
        assert worker.alive, worker.log_tail()
        assert events["story-c"]["story_id"] == meeting  # the table knew the story after the restart
        rollup = _latest_stories(kafka_bootstrap, names)[meeting]
        assert rollup["article_count"] == 3 and rollup["outlet_count"] == 3 and rollup["event_count"] == 3
        assert rollup["last_seen"] == "2018-04-13T14:00:00Z"
