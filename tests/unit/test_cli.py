"""The command line's contract with its user: exit statuses and one-line errors, no tracebacks.

Everything here runs without a broker: the cases either fail before connecting or point
at a port where nothing listens (refused at once, no waiting).
"""

from __future__ import annotations

import argparse
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from hadath import cli
from hadath.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No HADATH_*/KAFKA_* variable from the caller's shell leaks into a case."""
    for variable, _default in Settings.documented():
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on (bound to learn a free number, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["extract", "--input", "no/such/file.jsonl"],
        ["produce", "no/such/file.jsonl"],
        ["produce", "--check", "no/such/folder"],
    ],
)
def test_a_missing_input_is_one_line_and_exit_2(
    argv: list[str], clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(argv) == cli.EXIT_CONFIG
    line = one_line(capsys.readouterr().err)
    assert line == f"hadath {argv[0]}: {argv[-1]}: no such file or folder"


def test_a_bad_setting_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HADATH_MAX_IN_FLIGHT", "0")
    assert cli.main(["produce", "--check", str(ROOT / "seeds")]) == cli.EXIT_CONFIG
    assert one_line(capsys.readouterr().err) == (
        "hadath produce: bad setting: HADATH_MAX_IN_FLIGHT='0' is not valid: "
        "input should be greater than or equal to 1"
    )


@pytest.mark.parametrize("command", [["produce", str(ROOT / "seeds")], ["tail"], ["replay-dlt", "--dry-run"]])
def test_an_unreachable_broker_is_one_line_and_exit_3(
    command: list[str],
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", f"127.0.0.1:{closed_port}")
    monkeypatch.setenv("HADATH_CONNECT_TIMEOUT_SECONDS", "1")
    assert cli.main(command) == cli.EXIT_NOT_DELIVERED
    assert one_line(capsys.readouterr().err) == (
        f"hadath {command[0]}: cannot use the Kafka cluster: "
        f"nothing listens at 127.0.0.1:{closed_port} (KAFKA_BOOTSTRAP_SERVERS)"
    )


def test_a_taken_metrics_port_is_one_line_and_exit_2(
    taken_port: int, clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["extract", "--input", str(ROOT / "seeds"), "--metrics-port", str(taken_port)]
    assert cli.main(argv) == cli.EXIT_CONFIG
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"hadath extract: bad setting: cannot serve /metrics on 127.0.0.1:{taken_port}: ")
    assert "HADATH_METRICS_PORT" in line


def test_an_impossible_port_is_refused_by_the_parser(clean_env: None) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["extract", "--input", str(ROOT / "seeds"), "--metrics-port", "70000"])
    assert exit_info.value.code == 2


def test_settings_lists_every_variable_with_its_value(
    monkeypatch: pytest.MonkeyPatch, clean_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HADATH_PARTITIONS", "8")
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "alice")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "hunter2")
    assert cli.main(["settings"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert [line.split("=", 1)[0] for line in lines] == [name for name, _ in Settings.documented()]
    assert "HADATH_PARTITIONS=8  # default: 4" in lines
    assert "HADATH_APP_ID=hadath-worker" in lines  # at its default: no note
    assert "KAFKA_SASL_PASSWORD=***  # default: (empty)" in lines
    assert "hunter2" not in out


@pytest.mark.parametrize(
    ("command", "flags"),
    [
        (["produce", str(ROOT / "seeds")], []),
        (["tail"], ["--topic", "some.events"]),
        (["replay-dlt", "--dry-run"], ["--topic", "some.DLT"]),
    ],
)
def test_bootstrap_server_flag_overrides_the_variable(
    command: list[str],
    flags: list[str],
    closed_port: int,
    monkeypatch: pytest.MonkeyPatch,
    clean_env: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The variable points at a host that does not exist: only the flag's address is tried.
    monkeypatch.setenv("KAFKA_BOOTSTRAP_SERVERS", "no-such-host.invalid:9092")
    monkeypatch.setenv("HADATH_CONNECT_TIMEOUT_SECONDS", "1")
    argv = [*command, "--bootstrap-server", f"127.0.0.1:{closed_port}", *flags]
    assert cli.main(argv) == cli.EXIT_NOT_DELIVERED
    assert f"nothing listens at 127.0.0.1:{closed_port}" in one_line(capsys.readouterr().err)


@pytest.mark.parametrize(
    ("argv", "setting", "expected"),
    [
        (["produce", "x", "--topic", "in.t"], "articles_topic", "in.t"),
        (["tail", "--topic", "out.t"], "events_topic", "out.t"),
        (["replay-dlt", "--topic", "in.t.DLT"], "dlt_topic", "in.t.DLT"),
        (["worker", "--bootstrap-server", "k1:9092,k2:9092"], "bootstrap_list", ["k1:9092", "k2:9092"]),
    ],
)
def test_topic_flags_set_the_topic_each_command_uses(
    argv: list[str], setting: str, expected: object, clean_env: None
) -> None:
    settings = cli._settings(cli.build_parser().parse_args(argv))
    assert getattr(settings, setting) == expected


def test_version_is_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    from hadath import __version__

    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"hadath {__version__}"


def test_every_command_says_what_it_does(capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    [sub] = [action for action in parser._actions if isinstance(action, argparse._SubParsersAction)]
    listed = {choice.dest: choice.help for choice in sub._choices_actions}
    assert set(listed) == set(sub.choices)
    for name, command in sub.choices.items():
        assert listed[name] and len(listed[name]) > 20, name  # a summary in `hadath --help`
        assert command.description, name  # and at the top of `hadath NAME --help`
        for action in command._actions:
            assert action.help, f"hadath {name} {action.option_strings or action.dest}: no help"
