"""The vendor's path: build a record as dicts, validate it, read the findings, write it."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import decp
import pytest


def marche(**over: Any) -> dict[str, Any]:
    m: dict[str, Any] = {
        "id": "2024-0001",
        "acheteur": {"id": "21690123100011"},
        "nature": "Marché",
        "objet": "Entretien des espaces verts de la commune",
        "codeCPV": "77310000-6",
        "procedure": "Procédure adaptée",
        "lieuExecution": {"code": "69001", "typeCode": "Code postal"},
        "dureeMois": 12,
        "dateNotification": datetime.date(2024, 3, 1),
        "datePublicationDonnees": datetime.date(2024, 3, 15),
        "montant": Decimal("45000.50"),
        "formePrix": "Forfaitaire",
        "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44306184100047"}}],
        "techniques": {"technique": ["Sans objet"]},
        "modalitesExecution": {"modaliteExecution": ["Bons de commande"]},
        "marcheInnovant": False,
        "ccag": "Fournitures courantes et services",
        "offresRecues": 3,
        "attributionAvance": False,
        "tauxAvance": Decimal("0"),
        "typeGroupementOperateurs": "Pas de groupement",
        "typesPrix": {"typePrix": ["Définitif ferme"]},
        "sousTraitanceDeclaree": False,
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
    }
    m.update(over)
    return {"marches": {"marche": [m]}}


def test_a_complete_marche_is_valid() -> None:
    r = decp.validate(marche())
    assert r.issues == [] and r.valid and r.records == 1
    assert decp.dumps(marche(), check=True)


def test_a_mistake_gives_its_finding_with_loc() -> None:
    doc = marche(nature="Marche de travaux")
    r = decp.validate(doc)
    (i,) = r.issues
    assert i.code == "schema.enum"
    assert i.loc == ("marches", "marche", 0, "nature")
    assert i.path == "/marches/marche/0/nature"
    assert i.value == "Marche de travaux"
    assert i.line is None and i.column is None
    assert "liste officielle" in i.message
    assert not r.valid
    assert decp.validate(doc, lang="en").issues[0].message != i.message


def test_nested_loc_has_indexes() -> None:
    doc = marche(titulaires=[{"titulaire": {"typeIdentifiant": "SIRET", "id": "123"}}])
    locs = [i.loc for i in decp.validate(doc).issues]
    assert ("marches", "marche", 0, "titulaires", 0, "titulaire", "id") in locs


def test_dumps_writes_xml_and_check_refuses_errors() -> None:
    doc = marche()
    xml = decp.dumps(doc, format="xml")
    assert xml.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<montant>45000.50</montant>" in xml
    assert "<dateNotification>2024-03-01</dateNotification>" in xml
    bad = marche(dureeMois=0)
    # Written as given without check…
    assert '"dureeMois":0' in decp.dumps(bad)
    # …refused with its findings with check=True.
    with pytest.raises(decp.ValidationError) as e:
        decp.dumps(bad, check=True)
    assert any(i.loc[-1] == "dureeMois" for i in e.value.issues)
    assert isinstance(e.value, ValueError)


def test_dump_to_text_and_binary_files() -> None:
    t = io.StringIO()
    decp.dump(marche(), t, indent=2)
    b = io.BytesIO()
    decp.dump(marche(), b, indent=2)
    assert b.getvalue().decode() == t.getvalue()
    assert decp.loads(t.getvalue()) == decp.loads(decp.dumps(marche()))


def test_exact_decimals_and_floats() -> None:
    doc = marche(montant=Decimal("12345678901234567890.123456789"))
    assert decp.loads(decp.dumps(doc))["marches"]["marche"][0]["montant"] == Decimal("12345678901234567890.123456789")
    doc = marche(montant=0.1)
    assert decp.loads(decp.dumps(doc))["marches"]["marche"][0]["montant"] == Decimal("0.1")
    with pytest.raises(ValueError):
        decp.dumps(marche(montant=float("nan")))
    with pytest.raises(ValueError):
        decp.dumps(marche(montant=Decimal("Infinity")))


def test_wrong_python_types() -> None:
    with pytest.raises(TypeError):
        decp.dumps(marche(montant=object()))
    with pytest.raises(TypeError):
        decp.dumps({"marches": {1: []}})
    with pytest.raises(TypeError):
        decp.loads(123)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        decp.validate(marche(), lang="de")  # type: ignore[arg-type]
    deep: Any = []
    for _ in range(1000):
        deep = [deep]
    with pytest.raises(ValueError):
        decp.dumps({"marches": deep})


def test_integer_ids_are_reported_not_converted() -> None:
    doc = marche(id=2024001)
    r = decp.validate(doc)
    assert [i.code for i in r.issues if i.loc[-1] == "id"] == ["schema.type"]
    # Kept as written, so nothing is lost.
    assert decp.loads(decp.dumps(doc))["marches"]["marche"][0]["id"] == 2024001
