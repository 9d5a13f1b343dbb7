"""Property tests: load/dump round trips keep every value, decimals exactly."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import decp
from hypothesis import given, settings
from hypothesis import strategies as st

# Text XML 1.0 can carry (no control characters but tab/newline, no surrogates, no U+FFFE/U+FFFF).
xml_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\ufffe\uffff",
    ),
    max_size=40,
)
# Exact decimals, as amounts are written: up to 20 integer digits and 10 decimals
# (the model's decimals hold 28 significant digits; beyond, a value is kept verbatim).
amounts = st.integers(0, 10).flatmap(
    lambda p: st.decimals(allow_nan=False, allow_infinity=False, places=p, min_value=-(10**17), max_value=10**17)
)
dates = st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2099, 12, 31))


@st.composite
def marches(draw: st.DrawFn) -> dict[str, Any]:
    m: dict[str, Any] = {}
    if draw(st.booleans()):
        m["id"] = draw(xml_text)
    if draw(st.booleans()):
        m["acheteur"] = {"id": draw(st.text(alphabet="0123456789", min_size=1, max_size=14))}
    if draw(st.booleans()):
        m["objet"] = draw(xml_text)
    if draw(st.booleans()):
        m["montant"] = draw(amounts)
    if draw(st.booleans()):
        m["dureeMois"] = draw(st.integers(min_value=-(2**40), max_value=2**40))
    if draw(st.booleans()):
        m["dateNotification"] = draw(dates)
    if draw(st.booleans()):
        m["tauxAvance"] = draw(st.decimals(min_value=0, max_value=1, places=4))
    if draw(st.booleans()):
        m["marcheInnovant"] = draw(st.booleans())
    if draw(st.booleans()):
        m["titulaires"] = [
            {"titulaire": {"typeIdentifiant": "SIRET", "id": draw(st.text(alphabet="0123456789", max_size=14))}}
            for _ in range(draw(st.integers(0, 3)))
        ]
    return m


def same(a: Any, b: Any) -> bool:
    """Equal, decimals compared by value and exponent-insensitive text (1E+2 == 100)."""
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@settings(max_examples=150, deadline=None)
@given(st.lists(marches(), max_size=4))
def test_json_round_trip(ms: list[dict[str, Any]]) -> None:
    doc = {"marches": {"marche": ms}}
    back = decp.loads(decp.dumps(doc))
    assert same(back, doc), (doc, back)
    # Writing again gives the same text: dumps ∘ loads is the identity on its output.
    assert decp.dumps(back) == decp.dumps(doc)


@settings(max_examples=150, deadline=None)
@given(st.lists(marches(), max_size=4))
def test_xml_round_trip(ms: list[dict[str, Any]]) -> None:
    doc = {"marches": {"marche": ms}}
    xml = decp.dumps(doc, format="xml")
    back = decp.loads(xml)
    # The same document as through JSON: every value, type and list kept.
    want = decp.loads(decp.dumps(doc))
    assert same(back, want), (xml, back, want)
    assert decp.loads(decp.dumps(back, format="xml")) == back


@settings(max_examples=100, deadline=None)
@given(amounts)
def test_exact_amounts(x: Decimal) -> None:
    doc = {"marches": {"marche": [{"id": "A", "montant": x}]}}
    for fmt in ("json", "xml"):
        got = decp.loads(decp.dumps(doc, format=fmt))["marches"]["marche"][0]["montant"]
        # Every digit kept: the same value, and the same number of decimals.
        assert got == x
        assert got.as_tuple().exponent == x.as_tuple().exponent or x == 0
