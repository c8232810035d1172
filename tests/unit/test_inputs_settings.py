from pathlib import Path

import pytest

from hadath.inputs import read_articles, seed_record
from hadath.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


def test_seed_file_is_title_body_outlet():
    [seed] = sorted((ROOT / "seeds").glob("*.txt"))
    record = seed_record(seed)
    assert record["id"] == f"seed-{seed.stem}"
    assert record["title"].startswith("ريابكوف")
    assert record["source"] == "سيريانيوز"
    assert "\n" in record["body"] and not record["body"].endswith("سيريانيوز")


def test_jsonl_reports_bad_lines_with_their_line_number(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": "a", "body": "نص"}\n\n{broken\n[1]\n', encoding="utf-8")
    raws = list(read_articles(str(path)))
    assert [raw.origin.rsplit(":", 1)[1] for raw in raws] == ["1", "3", "4"]
    assert raws[0].error is None and raws[0].record["id"] == "a"
    assert raws[1].error.startswith("invalid JSON")
    assert raws[2].record == [1]


def test_settings_from_env_with_prefix_and_types():
    settings = Settings.from_env(
        {"KAFKA_BOOTSTRAP_SERVERS": "h1:1, h2:2", "HADATH_PARTITIONS": "8", "HADATH_ARTICLES_TOPIC": "in"}
    )
    assert settings.bootstrap_list == ["h1:1", "h2:2"]
    assert settings.partitions == 8
    assert settings.dlt_topic == "in.DLT"
    with pytest.raises(ValueError, match="HADATH_PARTITIONS"):
        Settings.from_env({"HADATH_PARTITIONS": "many"})


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"HADATH_PARTITIONS": "0"}, "HADATH_PARTITIONS=0 must be at least 1"),
        ({"HADATH_MAX_IN_FLIGHT": "-1"}, "HADATH_MAX_IN_FLIGHT=-1 must be at least 1"),
        ({"HADATH_EXTRACT_TIMEOUT_SECONDS": "0"}, "HADATH_EXTRACT_TIMEOUT_SECONDS=0.0 must be more than 0"),
        ({"HADATH_METRICS_PORT": "70000"}, "HADATH_METRICS_PORT=70000 is not a port"),
        ({"HADATH_DUPLICATE_IDS": "-5"}, "HADATH_DUPLICATE_IDS=-5 must be 0 (off) or more"),
        ({"HADATH_LOG_LEVEL": "verbose"}, "HADATH_LOG_LEVEL='verbose' is not one of debug, info"),
        ({"HADATH_PRODUCER_COMPRESSION": "brotli"}, "HADATH_PRODUCER_COMPRESSION='brotli' is not one of"),
        ({"KAFKA_SSL_CHECK_HOSTNAME": "maybe"}, "KAFKA_SSL_CHECK_HOSTNAME='maybe' is not a valid bool"),
    ],
)
def test_impossible_values_fail_at_startup_naming_the_variable(env, message):
    with pytest.raises(SettingsError) as info:
        Settings.from_env(env)
    assert message in str(info.value)


def test_edge_values_that_mean_something_are_accepted():
    settings = Settings.from_env(
        {"HADATH_METRICS_PORT": "0", "HADATH_DUPLICATE_IDS": "0", "HADATH_LOG_LEVEL": "WARNING"}
    )
    assert (settings.metrics_port, settings.duplicate_ids) == (0, 0)  # any free port; check off
