"""Shared fixtures: the project's test data and the CLI that every verdict is compared with."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
from typing import Any

import pytest

# The CLI's language is the tests' to choose (`--lang`), not the environment's:
# the library speaks French unless asked, and so must the CLI it is compared with.
os.environ.pop("DECP_LANG", None)

ROOT = pathlib.Path(__file__).resolve().parents[2]
OFFICIAL = ROOT / "tests" / "data" / "official"
CASES = ROOT / "tests" / "data" / "cases"


def official_files() -> list[pathlib.Path]:
    """Every official example, v2 and v1.5, JSON and XML."""
    return sorted(p for p in OFFICIAL.glob("v*/*/*") if p.suffix in (".json", ".xml"))


def cli() -> str:
    """The `decp` binary: $DECP_CLI, else the workspace's debug or release build."""
    env = os.environ.get("DECP_CLI")
    if env:
        return env
    for p in (ROOT / "target" / "debug" / "decp", ROOT / "target" / "release" / "decp"):
        if p.exists():
            return str(p)
    found = shutil.which("decp")
    if found:
        return found
    pytest.fail("the decp CLI is needed: `cargo build -p decp-cli` or set DECP_CLI")


def cli_report(path: pathlib.Path, *args: str) -> dict[str, Any]:
    """The CLI's JSON report entry for one file."""
    out = subprocess.run(
        [cli(), "validate", "--report", "json", *args, str(path)],
        capture_output=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    files = json.loads(out.stdout)["files"]
    assert len(files) == 1
    entry: dict[str, Any] = files[0]
    return entry


@pytest.fixture(params=official_files(), ids=lambda p: f"{p.parent.parent.name}/{p.name}")
def official(request: pytest.FixtureRequest) -> pathlib.Path:
    path: pathlib.Path = request.param
    return path
