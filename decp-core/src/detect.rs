//! Telling the version of a record from its shape (the format has no version
//! marker): the keys only one version has decide, record by record, since real files mix shapes (a
//! v2 envelope holding v1-style records is common).

use crate::record::RecordKind;
use crate::tree::{Node, V};

/// Where a record was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Envelope {
    /// `{"marches": {"marche": [ … ], "contrat-concession": [ … ]}}` (v2).
    #[default]
    Object,
    /// `{"marches": [ … ]}` (v1 and 2.0.0).
    Array,
    /// `<marches>` or a record as the root element (every version).
    Xml,
    /// NDJSON, as [`WriterBuilder::ndjson`](crate::WriterBuilder::ndjson) writes it:
    /// one record object per line, its first member `"kind"` (`marche` or
    /// `contrat-concession`), paths as in the v2 object envelope.
    Lines,
}

/// The shape a record is decoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    V1,
    V2_0_0,
    V2,
}

fn members<'n, 'a>(n: &'n Node<'a>) -> &'n [crate::tree::Member<'a>] {
    match &n.v {
        V::Obj(m) => m,
        _ => &[],
    }
}

fn member<'n, 'a>(n: &'n Node<'a>, key: &str) -> Option<&'n Node<'a>> {
    members(n).iter().find(|(k, _)| *k == key).map(|(_, v)| v)
}

fn text<'n>(n: &'n Node<'_>) -> Option<&'n str> {
    match &n.v {
        V::Str(s) | V::Text(s) => Some(s),
        _ => None,
    }
}

/// The items of a list in either format: a JSON array, or an XML container's children.
fn items<'n, 'a>(n: &'n Node<'a>) -> impl Iterator<Item = &'n Node<'a>> {
    let (a, m): (&[Node<'a>], &[_]) = match &n.v {
        V::Arr(a) => (a, &[]),
        V::Obj(m) => (&[], m),
        _ => (&[], &[]),
    };
    a.iter().chain(m.iter().map(|(_, v)| v))
}

/// The shape of one record, given where it was found.
pub(crate) fn shape(n: &Node<'_>, envelope: Envelope) -> Shape {
    let mut v1 = 0;
    let mut v2 = 0;
    for (k, v) in members(n) {
        // One match of literals (not lists searched in turn): each arm is a
        // length test and an inline comparison.
        match *k {
            // Keys of 2.0.0 that 2.0.1 renamed.
            "technique" | "modaliteExecution" | "typePrix" => return Shape::V2_0_0,
            "uid" => v1 += 1,
            "acheteur" | "autoriteConcedante" | "lieuExecution" if member(v, "nom").is_some() => {
                v1 += 1
            }
            "titulaires" | "concessionnaires" => {
                for it in items(v) {
                    if member(it, "denominationSociale").is_some() {
                        v1 += 1;
                    }
                    if member(it, "titulaire").is_some() || member(it, "concessionnaire").is_some()
                    {
                        v2 += 1;
                    }
                }
            }
            "modifications" => {
                for it in items(v) {
                    if member(it, "objetModification").is_some() {
                        v1 += 1;
                    }
                    if member(it, "modification").is_some() {
                        v2 += 1;
                    }
                }
            }
            "formePrix" => match text(v) {
                Some("Ferme" | "Ferme et actualisable" | "Révisable") => v1 += 1,
                Some("Unitaire" | "Forfaitaire" | "Mixte") => v2 += 1,
                _ => {}
            },
            "nature" if matches!(text(v), Some("Accord-cadre" | "Marché subséquent")) => v1 += 1,
            // Keys found only in v2 (2.0.1+) records.
            "techniques"
            | "modalitesExecution"
            | "typesPrix"
            | "offresRecues"
            | "marcheInnovant"
            | "ccag"
            | "attributionAvance"
            | "tauxAvance"
            | "sousTraitanceDeclaree"
            | "typeGroupementOperateurs"
            | "origineUE"
            | "origineFrance"
            | "actesSousTraitance"
            | "modificationsActesSousTraitance"
            | "idAccordCadre"
            | "considerationsSociales"
            | "considerationsEnvironnementales" => v2 += 1,
            _ => {}
        }
    }
    match envelope {
        // In a v1-style array, records with v2 fields are 2.0.0.
        Envelope::Array if v2 > v1 => Shape::V2_0_0,
        Envelope::Array => Shape::V1,
        Envelope::Object | Envelope::Xml | Envelope::Lines if v1 > v2 => Shape::V1,
        Envelope::Object | Envelope::Xml | Envelope::Lines => Shape::V2,
    }
}

/// The kind of a record of a v1 array (`{"marches": [ … ]}`): `_type` when it is one
/// of the two official values, else the buyer's member name, else the nature.
pub(crate) fn v1_kind(n: &Node<'_>) -> RecordKind {
    if let Some(t) = member(n, "_type").and_then(text) {
        match t {
            "Marché" => return RecordKind::Marche,
            "Contrat de concession" => return RecordKind::Concession,
            _ => {}
        }
    }
    if member(n, "autoriteConcedante").is_some() || member(n, "concessionnaires").is_some() {
        return RecordKind::Concession;
    }
    if member(n, "acheteur").is_some() || member(n, "titulaires").is_some() {
        return RecordKind::Marche;
    }
    match member(n, "nature").and_then(text) {
        Some(s) if s.to_lowercase().contains("concession") || s.contains("service public") => {
            RecordKind::Concession
        }
        _ => RecordKind::Marche,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape_of(json: &str, envelope: Envelope) -> Shape {
        let bump = bumpalo::Bump::new();
        let n = crate::tree::parse_json(json, crate::limits::Limits::default(), false, &bump)
            .expect("test JSON");
        shape(&n, envelope)
    }

    /// Each key that 2.0.1 renamed makes a record 2.0.0 on its own, whatever
    /// the envelope; each key only v2 has counts as one sign of v2 (with
    /// another, it ties two v1 signs, and a tie is v2 in an object) and makes a
    /// record of a v1 array 2.0.0.
    #[test]
    fn each_version_key_counts_on_its_own() {
        for k in ["technique", "modaliteExecution", "typePrix"] {
            for e in [Envelope::Object, Envelope::Array, Envelope::Xml] {
                let json = format!(r#"{{"uid": "1", "{k}": {{}}}}"#);
                assert_eq!(shape_of(&json, e), Shape::V2_0_0, "{k}");
            }
        }
        let v2_keys = [
            "techniques",
            "modalitesExecution",
            "typesPrix",
            "offresRecues",
            "marcheInnovant",
            "ccag",
            "attributionAvance",
            "tauxAvance",
            "sousTraitanceDeclaree",
            "typeGroupementOperateurs",
            "origineUE",
            "origineFrance",
            "actesSousTraitance",
            "modificationsActesSousTraitance",
            "idAccordCadre",
            "considerationsSociales",
            "considerationsEnvironnementales",
        ];
        for k in v2_keys {
            // With another v2 key against two v1 signs (`uid`, the buyer's
            // `nom`), a tie, which v2 wins; alone against them, v1.
            let other = if k == "ccag" { "origineUE" } else { "ccag" };
            let json =
                format!(r#"{{"uid": "1", "{k}": 1, "{other}": 1, "acheteur": {{"nom": "A"}}}}"#);
            assert_eq!(shape_of(&json, Envelope::Object), Shape::V2, "{k}");
            let json = format!(r#"{{"uid": "1", "{k}": 1, "acheteur": {{"nom": "A"}}}}"#);
            assert_eq!(shape_of(&json, Envelope::Object), Shape::V1, "{k}");
            let json = format!(r#"{{"{k}": 1}}"#);
            assert_eq!(shape_of(&json, Envelope::Array), Shape::V2_0_0, "{k}");
        }
        // Neither kind of key: v1 in an array, v2 in an object.
        assert_eq!(shape_of(r#"{"id": "1"}"#, Envelope::Array), Shape::V1);
        assert_eq!(shape_of(r#"{"id": "1"}"#, Envelope::Object), Shape::V2);
        assert_eq!(shape_of(r#"{"uid": "1"}"#, Envelope::Object), Shape::V1);
    }
}
