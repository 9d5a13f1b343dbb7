"""A buyer-profile vendor's path: build a marché as dicts, validate it, print the
findings in French, fix them, and write the XML to publish.

    python examples/python/vendor.py [OUT.xml]
"""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal
from typing import Any

import decp

marche: dict[str, Any] = {
    "id": "2024-0042",
    "acheteur": {"id": "21690123100011"},
    "nature": "Marché",
    "objet": "Entretien des espaces verts de la commune",
    "codeCPV": "77310000-6",
    "procedure": "Procédure adaptée",
    "lieuExecution": {"code": "69001", "typeCode": "Code postal"},
    "dureeMois": 12,
    "dateNotification": datetime.date(2024, 3, 1),
    "datePublicationDonnees": datetime.date(2024, 3, 15),
    "montant": Decimal("45000.50"),  # euros HT, exact
    "formePrix": "Forfaitaire",
    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "4430618410004"}}],
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
document = {"marches": {"marche": [marche]}}

# 1. Validate before publishing: the holder's SIRET has 13 digits.
report = decp.validate(document, lang="fr")
print(f"conforme : {report.valid}")
for issue in report.issues:
    print(f"  {issue.severity} {issue.code} {'/'.join(map(str, issue.loc))} : {issue.message}")
assert not report.valid and report.issues[0].loc[-1] == "id"

# 2. Fix it, check again, and write the XML (check=True refuses a non-conforming document).
marche["titulaires"][0]["titulaire"]["id"] = "44306184100047"
xml = decp.dumps(document, format="xml", indent=2, check=True)
print(f"conforme après correction : {decp.validate(document).valid}")
if len(sys.argv) > 1:
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write(xml)
else:
    print(xml)
