"""iter_records: lazy data, positions, findings, constant memory."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

import decp

from conftest import OFFICIAL


def test_records_in_document_order() -> None:
    p = OFFICIAL / "v2/json/marches_concessions.json"
    recs = list(decp.iter_records(p))
    assert [r.kind for r in recs] == ["contrat-concession", "contrat-concession", "marche", "marche"]
    assert [r.index for r in recs] == [0, 1, 2, 3]
    assert all(r.version == "2" for r in recs)
    doc = decp.load(p)
    assert [r.data for r in recs if r.kind == "marche"] == doc["marches"]["marche"]
    text = p.read_bytes()
    for r in recs:
        assert r.offset is not None and text[r.offset : r.offset + 1] == b"{"
        assert r.line == text[: r.offset].count(b"\n") + 1


def test_validate_adds_the_rules_findings() -> None:
    p = OFFICIAL / "v2/json/marches_concessions.json"
    plain = [len(r.issues) for r in decp.iter_records(p)]
    checked = [r.issues for r in decp.iter_records(p, validate=True)]
    assert sum(len(i) for i in checked) == len(decp.validate(p).issues)
    assert sum(plain) < sum(len(i) for i in checked)


def test_a_broken_record_is_yielded_with_its_finding() -> None:
    text = '{"marches": {"marche": [{"id": "A"}, {"id": "B",, }, {"id": "C"}]}}'
    recs = list(decp.iter_records(text))
    assert [r.id for r in recs] == ["A", None, "C"]
    assert recs[1].data is None
    assert recs[1].issues[0].code == "schema.syntax"


def test_upgrade_v1_records() -> None:
    p = next((OFFICIAL / "v1.5/json").glob("*.json"))
    recs = list(decp.iter_records(p, upgrade=True))
    assert recs and all(r.version and r.version.startswith("1") for r in recs)
    assert any(i.family == "upgrade" for r in recs for i in r.issues) or all(r.data for r in recs)


def test_constant_memory_on_a_200_mb_file(tmp_path: pathlib.Path) -> None:
    # Generated at test time: one official record repeated to 200 MB.
    doc = decp.load(OFFICIAL / "v2/json/marches_avec_modifications.json")
    rec = decp.dumps({"marches": {"marche": [doc["marches"]["marche"][0]]}})
    body = rec[rec.index("[") + 1 : rec.rindex("]")]
    path = tmp_path / "big.json"
    n = 0
    with open(path, "w") as f:
        f.write('{"marches": {"marche": [')
        size = 0
        while size < 200 * 1024 * 1024:
            if n:
                f.write(",\n")
            f.write(body)
            size += len(body) + 2
            n += 1
        f.write("]}}")
    # In a subprocess, so that this process's memory does not count.
    script = textwrap.dedent(
        f"""
        import resource, decp
        def rss():
            with open("/proc/self/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) * 1024
        it = decp.iter_records({str(path)!r})
        first = next(it)
        _ = first.data
        base = rss()
        count, peak = 1, base
        for r in it:
            count += 1
            if r.data is None:
                raise SystemExit("unreadable record")
            if count % 5000 == 0:
                peak = max(peak, rss())
        peak = max(peak, rss())
        print(count, peak - base)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    count, growth = map(int, out.stdout.split())
    assert count == n
    assert growth < 50 * 1024 * 1024, f"RSS grew by {growth / 1e6:.1f} MB"
