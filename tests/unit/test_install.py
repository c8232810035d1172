"""A reproducible install: lock files with hashes, in step with pyproject.toml, used by the
Makefile, the Dockerfile and the documented install; one version number.

`make install-check` (part of `make test`) runs the documented install in a fresh virtualenv;
these checks need no network.
"""

from __future__ import annotations

import ast
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from hadath import EXTRACTOR_VERSION, __version__

ROOT = Path(__file__).resolve().parents[2]
REQUIREMENTS = ROOT / "requirements"
LOCKS = {"runtime": REQUIREMENTS / "runtime.lock", "dev": REQUIREMENTS / "dev.lock"}
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


@cache
def pins(lock: str) -> dict[str, str]:
    """{normalised name: version} of a lock file."""
    found = {}
    for line in LOCKS[lock].read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match.group(1))] = match.group(2)
    return found


def left_out() -> list[str]:
    """The packages requirements/overrides.txt keeps out of the locks."""
    lines = (REQUIREMENTS / "overrides.txt").read_text(encoding="utf-8").splitlines()
    return [Requirement(line).name for line in lines if line.strip() and not line.startswith("#")]


def wanted(lock: str) -> list[Requirement]:
    requirements = [Requirement(text) for text in PYPROJECT["project"]["dependencies"]]
    if lock == "dev":
        requirements += [Requirement(text) for text in PYPROJECT["project"]["optional-dependencies"]["test"]]
    build = (REQUIREMENTS / "build.in").read_text(encoding="utf-8").splitlines()
    return requirements + [Requirement(line) for line in build if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_declared_dependency_is_locked_at_a_version_it_allows(lock: str) -> None:
    locked = pins(lock)
    stale = [
        f"{requirement} (locked: {locked.get(canonicalize_name(requirement.name), 'missing')})"
        for requirement in wanted(lock)
        if locked.get(canonicalize_name(requirement.name)) is None
        or not requirement.specifier.contains(locked[canonicalize_name(requirement.name)], prereleases=True)
    ]
    assert not stale, f"{LOCKS[lock].name} is out of step with pyproject.toml, run `make lock`: {stale}"


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_every_locked_package_has_a_hash(lock: str) -> None:
    blocks = re.split(r"\n(?=\S)", LOCKS[lock].read_text(encoding="utf-8"))
    unhashed = [block.split()[0] for block in blocks if PIN.match(block) and "--hash=sha256:" not in block]
    assert pins(lock) and not unhashed


@pytest.mark.parametrize("lock", sorted(LOCKS))
def test_what_camel_tools_requires_but_hadath_never_imports_stays_out(lock: str) -> None:
    assert {"torch", "transformers"} <= set(left_out())
    assert not set(left_out()) & set(pins(lock))
    assert "camel-tools" in pins(lock)


IMPORT_NAMES = {"scikit-learn": "sklearn", "camel-kenlm": "kenlm"}


def test_hadath_never_imports_what_the_lock_leaves_out() -> None:
    modules = {IMPORT_NAMES.get(name, name.replace("-", "_")) for name in left_out()}
    found = []
    for folder in ("services", "schemas", "deploy", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in modules]
    assert not found


def test_the_makefile_installs_the_lock_with_hashes_and_no_resolution() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("$(BIN)/.installed:", 1)[1].split("\n\n", 1)[0]
    assert "pip install -q --no-deps --require-hashes --no-build-isolation -r $(DEV_LOCK)" in recipe
    assert re.search(r"^DEV_LOCK := requirements/dev\.lock$", makefile, re.M)
    assert "install-check" in makefile.split("\ntest:", 1)[1].split("\n", 1)[0]


def test_the_documented_install_is_the_one_install_check_runs() -> None:
    script = (ROOT / "deploy" / "local" / "install_check.sh").read_text(encoding="utf-8")
    docs = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    for command in (
        "pip install --no-deps --require-hashes -r requirements/runtime.lock",
        "pip install --no-deps --no-build-isolation .",
    ):
        assert command in docs
        assert (
            command.replace("pip install", '"$BIN/pip" install -q').replace(
                "requirements/runtime.lock", '"$LOCK"'
            )
            in script
        )


def test_one_version_number() -> None:
    assert PYPROJECT["project"]["dynamic"] == ["version"]
    assert "version" not in PYPROJECT["project"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "hadath.__version__"}
    assert f"hadath/{__version__}" == EXTRACTOR_VERSION
    # the image tags the deployment files and docs use (test_deploy_files checks the manifests)
    for path in ("deploy/docker/Dockerfile", "docs/deployment.md", "deploy/k8s/kustomization.yaml"):
        text = (ROOT / path).read_text(encoding="utf-8")
        versions = set(
            re.findall(r"hadath:(\d+\.\d+\.\d+)|HADATH_VERSION=(\d+\.\d+\.\d+)|newTag: \"(\S+)\"", text)
        )
        assert {v for group in versions for v in group if v} == {__version__}, path
