#!/usr/bin/env bash
# Seeds the fuzz corpora from the project's test data (official examples, real-world
# cases, normaliser fixtures): the first byte of a reader seed is its flags.
set -euo pipefail
cd "$(dirname "$0")"
data=../tests/data
mkdir -p corpus/json_reader corpus/xml_reader corpus/one_record corpus/json_differential corpus/xml_differential corpus/exports
n=0
for f in "$data"/official/*/json/*.json "$data"/cases/*.json "$data"/normalize/*.json "$data"/legacy-2.0.0/*.json "$data"/valid/*.json; do
    for flags in '\x00' '\x02' '\x05' '\x10' '\x16'; do
        { printf "$flags"; cat "$f"; } > "corpus/json_reader/$n"; n=$((n + 1))
    done
    cp "$f" "corpus/json_differential/$n"
done
for f in "$data"/official/*/xml/*.xml "$data"/cases/*.xml "$data"/normalize/*.xml "$data"/legacy-2.0.0/*.xml; do
    for flags in '\x00' '\x02' '\x05' '\x10' '\x16'; do
        { printf "$flags"; cat "$f"; } > "corpus/xml_reader/$n"; n=$((n + 1))
    done
done
# One record each: every record of the official XML examples and the cases.
for f in "$data"/official/*/xml/*.xml "$data"/cases/*.xml; do
    python3 - "$f" "corpus/xml_differential/$n" <<'PY' || true
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
for k, m in enumerate(re.finditer(r"<(marche|contrat-concession)\b.*?</\1>", t, re.S)):
    open(f"{sys.argv[2]}-{k}", "w", encoding="utf-8").write(m.group(0))
PY
    n=$((n + 1))
done
# One record each, as JSON and XML: every record of the official examples and
# the real-world cases (flags: bit 0 a concession, bit 1 XML; then as read,
# strictly, normalised, and upgraded for v1), and three by hand.
python3 - "$data" corpus/one_record <<'PY'
import glob, json, os, re, sys
data, out = sys.argv[1], sys.argv[2]
n = 0
def seed(flags, body):
    global n
    for extra in (0, 4, 8) + ((16,) if v1 else ()):
        with open(os.path.join(out, f"seed-{n}"), "wb") as f:
            f.write(bytes([flags | extra]) + body)
        n += 1
for path in sorted(glob.glob(f"{data}/official/*/json/*.json") + glob.glob(f"{data}/cases/*.json")):
    v1 = "v1" in path
    try:
        doc = json.load(open(path, encoding="utf-8"))
    except ValueError:
        continue
    m = doc.get("marches") if isinstance(doc, dict) else None
    items = []
    if isinstance(m, dict):
        items += [(0, r) for r in m.get("marche") or []]
        items += [(1, r) for r in m.get("contrat-concession") or []]
    elif isinstance(m, list):
        items += [(1 if "oncession" in str(r.get("_type", "")) else 0, r) for r in m if isinstance(r, dict)]
    for kind, r in items:
        seed(kind, json.dumps(r, ensure_ascii=False).encode())
for path in sorted(glob.glob(f"{data}/official/*/xml/*.xml") + glob.glob(f"{data}/cases/*.xml")):
    v1 = "v1" in path
    text = open(path, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r"<(marche|contrat-concession)\b.*?</\1>", text, re.S):
        seed(2 | (m.group(1) != "marche"), m.group(0).encode())
PY
printf '\x00{"id": "A", "montant": 12.5, "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}}]}' > corpus/one_record/json
printf '\x02<marche><id>A</id><montant>12.5</montant><titulaires><titulaire><typeIdentifiant>SIRET</typeIdentifiant><id>73282932000074</id></titulaire></titulaires></marche>' > corpus/one_record/xml
printf '\x05{"id": "2024-001", "dureeMois": 12, "dateNotification": "2024-02-29"}' > corpus/one_record/strict
# The exports (tables, OCDS, deduplication): the official examples, the tables'
# fixture and the real-world cases; flag bit 0 (value 1) = XML.
for f in "$data"/official/*/json/*.json "$data"/cases/*.json "$data"/tables/*.json; do
    for flags in '\x00' '\x0c' '\x32'; do
        { printf "$flags"; cat "$f"; } > "corpus/exports/$n"; n=$((n + 1))
    done
done
for f in "$data"/official/*/xml/*.xml "$data"/cases/*.xml; do
    for flags in '\x01' '\x3d'; do
        { printf "$flags"; cat "$f"; } > "corpus/exports/$n"; n=$((n + 1))
    done
done
