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
# One record each, from the official XML examples (the first of each file).
for f in "$data"/official/*/xml/*.xml "$data"/cases/*.xml; do
    python3 - "$f" "corpus/xml_differential/$n" <<'PY' || true
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.search(r"<(marche|contrat-concession)\b.*?</\1>", t, re.S)
if m:
    open(sys.argv[2], "w", encoding="utf-8").write(m.group(0))
PY
    n=$((n + 1))
done
# One record each, as JSON and XML.
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
