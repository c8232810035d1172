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
        (
            {"HADATH_PARTITIONS": "0"},
            "HADATH_PARTITIONS='0' is not valid: input should be greater than or equal to 1",
        ),
        (
            {"HADATH_MAX_IN_FLIGHT": "-1"},
            "HADATH_MAX_IN_FLIGHT='-1' is not valid: input should be greater than or",
        ),
        (
            {"HADATH_EXTRACT_TIMEOUT_SECONDS": "0"},
            "HADATH_EXTRACT_TIMEOUT_SECONDS='0' is not valid: input should be",
        ),
        (
            {"HADATH_METRICS_PORT": "70000"},
            "HADATH_METRICS_PORT='70000' is not valid: input should be less than",
        ),
        (
            {"HADATH_DUPLICATE_IDS": "-5"},
            "HADATH_DUPLICATE_IDS='-5' is not valid: input should be greater than or",
        ),
        (
            {"HADATH_LOG_LEVEL": "verbose"},
            "HADATH_LOG_LEVEL='verbose' is not valid: input should be 'debug', 'info'",
        ),
        (
            {"HADATH_PRODUCER_COMPRESSION": "brotli"},
            "HADATH_PRODUCER_COMPRESSION='brotli' is not valid: input should",
        ),
        (
            {"KAFKA_SSL_CHECK_HOSTNAME": "maybe"},
            "KAFKA_SSL_CHECK_HOSTNAME='maybe' is not valid: input should be a valid",
        ),
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
    assert settings.log_level == "warning"  # Faust and logging take the lower-case name


def test_two_problems_are_both_reported() -> None:
    with pytest.raises(SettingsError) as info:
        Settings.from_env({"HADATH_PARTITIONS": "0", "KAFKA_SECURITY_PROTOCOL": "TLS"})
    assert "HADATH_PARTITIONS='0'" in str(info.value) and "KAFKA_SECURITY_PROTOCOL='TLS'" in str(info.value)


def test_an_explicit_environment_is_the_whole_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HADATH_PARTITIONS", "9")
    assert Settings.from_env({}).partitions == 4  # the mapping given, not os.environ
    assert Settings.from_env().partitions == 9  # no mapping: the process environment


def test_only_the_documented_names_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("hadath_partitions", "9")  # not the documented spelling
    monkeypatch.setenv("HADATH_BOOTSTRAP_SERVERS", "h:1")  # the broker address is KAFKA_BOOTSTRAP_SERVERS
    settings = Settings.from_env()
    assert (settings.partitions, settings.bootstrap_servers) == (4, "127.0.0.1:9092")


def test_overrides_beat_the_environment_and_are_validated() -> None:
    env = {"KAFKA_BOOTSTRAP_SERVERS": "env:1", "HADATH_ARTICLES_TOPIC": "from-env"}
    settings = Settings.from_env(env, bootstrap_servers="flag:2", articles_topic="from-flag")
    assert (settings.bootstrap_servers, settings.articles_topic) == ("flag:2", "from-flag")
    assert settings.dlt_topic == "from-flag.DLT"
    with pytest.raises(SettingsError, match="HADATH_PARTITIONS="):
        Settings.from_env(env, partitions=0)


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.partitions = 2  # type: ignore[misc]


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ('{"id": "a", "body": "خبر", "n": ' + "9" * 5000 + "}", "4300 digits"),
        ('{"id": "a", "body": "خبر", "score": NaN}', "RFC 8259"),
        ("[" * 100_000 + "]" * 100_000, "recursion"),
    ],
)
def test_produce_input_that_is_not_json_is_reported_not_raised(tmp_path, line, why):
    path = tmp_path / "articles.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    [raw] = read_articles(str(path))
    assert raw.record is None
    assert raw.error.startswith("invalid JSON: ") and why in raw.error
