"""decp.to_ocds: the package is the CLI's (`decp convert --to ocds`), as Python objects."""

from __future__ import annotations

import decimal
import json
import pathlib
import subprocess
import warnings

import pytest

import decp
from conftest import OFFICIAL, cli

MODS = OFFICIAL / "v2" / "json" / "marches_avec_modifications.json"


@pytest.mark.parametrize(
    "path",
    sorted(p for p in OFFICIAL.glob("v*/*/*") if p.suffix in (".json", ".xml")),
    ids=lambda p: p.name,
)
def test_same_package_as_the_cli(path: pathlib.Path) -> None:
    ours = decp.to_ocds(path, ocid_prefix="ocds-abc123", jobs=1)
    out = subprocess.run(
        [cli(), "convert", "--to", "ocds", "--ocid-prefix", "ocds-abc123", "-q", str(path)],
        capture_output=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr
    assert ours == json.loads(out.stdout, parse_float=decimal.Decimal)
    assert ours["version"] == "1.1"
    assert ours["releases"]


def test_states_amounts_and_metadata() -> None:
    p = decp.to_ocds(
        MODS.read_bytes(), ocid_prefix="ocds-abc123", uri="https://example.org/p.json", publisher="Ville"
    )
    assert p["uri"] == "https://example.org/p.json"
    assert p["publisher"] == {"name": "Ville"}
    rel = p["releases"]
    assert len({r["ocid"] for r in rel}) < len(rel)  # states share their ocid
    amount = rel[0]["contracts"][0]["value"]["amount"]
    assert isinstance(amount, (int, decimal.Decimal))  # exact, never float
    assert not any(isinstance(r['contracts'][0]['value']['amount'], float) for r in rel)
    assert rel[0]["tag"] == ["award", "contract"]
    assert any("contractAmendment" in r["tag"] for r in rel)


def test_records_not_exported_warn_in_the_language_asked() -> None:
    doc = b'{"marches": {"marche": [{"id": "A1", "dateNotification": "2024-03-01"}]}}'
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        p = decp.to_ocds(doc, ocid_prefix="ocds-abc123", lang="en")
    assert p["releases"] == []
    assert len(w) == 1 and issubclass(w[0].category, decp.OcdsWarning)
    assert "/marches/marche/0" in str(w[0].message) and "acheteur/id" in str(w[0].message)


def test_errors() -> None:
    with pytest.raises(ValueError):
        decp.to_ocds(MODS, ocid_prefix=" ")
    with pytest.raises(decp.ParseError):
        decp.to_ocds(b'{"marches": ', ocid_prefix="ocds-abc123")
