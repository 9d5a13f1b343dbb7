//! The documented tables of the OCDS export: procedure → `procurementMethod`,
//! CPV division or concession nature → `mainProcurementCategory`.

use crate::model::{NatureConcession, ProcedureConcession, ProcedureMarche};

/// A market's procedure as an OCDS `procurementMethod` (codelist `method`:
/// open, selective, limited, direct); `None` where the procedure does not decide
/// it. The DECP label is kept in `procurementMethodDetails` in every case.
///
/// | `procedure` (DECP v2) | `procurementMethod` | why |
/// |---|---|---|
/// | Appel d'offres ouvert | `open` | every interested operator may tender |
/// | Appel d'offres restreint | `selective` | only candidates selected after a call may tender |
/// | Procédure avec négociation | `selective` | published call, then negotiation with selected candidates |
/// | Dialogue compétitif | `selective` | published call, then dialogue with selected candidates |
/// | Marché passé sans publicité ni mise en concurrence préalable | `limited` | the buyer contacts operators of its choice (one or more: `direct` cannot be told from the data) |
/// | Procédure adaptée | — | the buyer sets its own rules: open, selective or limited |
pub(crate) fn marche_method(p: ProcedureMarche) -> Option<&'static str> {
    match p {
        ProcedureMarche::AppelDOffresOuvert => Some("open"),
        ProcedureMarche::AppelDOffresRestreint
        | ProcedureMarche::ProcedureAvecNegociation
        | ProcedureMarche::DialogueCompetitif => Some("selective"),
        ProcedureMarche::SansPubliciteNiMiseEnConcurrence => Some("limited"),
        ProcedureMarche::ProcedureAdaptee => None,
    }
}

/// A concession's procedure as an OCDS `procurementMethod`.
///
/// | `procedure` (DECP v2) | `procurementMethod` |
/// |---|---|
/// | Procédure négociée ouverte | `open` |
/// | Procédure non négociée ouverte | `open` |
/// | Procédure négociée restreinte | `selective` |
/// | Procédure non négociée restreinte | `selective` |
pub(crate) fn concession_method(p: ProcedureConcession) -> Option<&'static str> {
    match p {
        ProcedureConcession::NegocieeOuverte | ProcedureConcession::NonNegocieeOuverte => {
            Some("open")
        }
        ProcedureConcession::NegocieeRestreinte | ProcedureConcession::NonNegocieeRestreinte => {
            Some("selective")
        }
    }
}

/// `mainProcurementCategory` from a CPV code's division (its first two digits):
/// 45 is works; 03 to 44 and 48 are goods (supplies, software packages); 50 to 98
/// are services (CPV 2008, Regulation (EC) No 213/2008, annex I). `None` when the
/// code does not start with a known division.
pub(crate) fn cpv_category(code: &str) -> Option<&'static str> {
    let two = code.get(..2)?;
    if !two.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d: u8 = two.parse().ok()?;
    match d {
        45 => Some("works"),
        3..=44 | 48 => Some("goods"),
        50..=98 => Some("services"),
        _ => None,
    }
}

/// `mainProcurementCategory` of a concession, from its nature: works for a
/// "Concession de travaux", services for the others.
pub(crate) fn concession_category(n: NatureConcession) -> &'static str {
    match n {
        NatureConcession::ConcessionDeTravaux => "works",
        NatureConcession::ConcessionDeService
        | NatureConcession::ConcessionDeServicePublic
        | NatureConcession::DelegationDeServicePublic => "services",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mapping table, value by value, over every value of the enumerations.
    #[test]
    fn procedures_map_value_by_value() {
        let expected = [
            ("Procédure adaptée", None),
            ("Appel d'offres ouvert", Some("open")),
            ("Appel d'offres restreint", Some("selective")),
            (
                "Marché passé sans publicité ni mise en concurrence préalable",
                Some("limited"),
            ),
            ("Dialogue compétitif", Some("selective")),
            ("Procédure avec négociation", Some("selective")),
        ];
        assert_eq!(ProcedureMarche::ALL.len(), expected.len());
        for (label, method) in expected {
            let p = ProcedureMarche::from_label(label).unwrap();
            assert_eq!(marche_method(p), method, "{label}");
        }
        let expected = [
            ("Procédure négociée ouverte", "open"),
            ("Procédure non négociée ouverte", "open"),
            ("Procédure négociée restreinte", "selective"),
            ("Procédure non négociée restreinte", "selective"),
        ];
        assert_eq!(ProcedureConcession::ALL.len(), expected.len());
        for (label, method) in expected {
            let p = ProcedureConcession::from_label(label).unwrap();
            assert_eq!(concession_method(p), Some(method), "{label}");
        }
    }

    #[test]
    fn categories_follow_the_cpv_division() {
        for (code, cat) in [
            ("45000000-7", Some("works")),
            ("45233140", Some("works")),
            ("03111000-2", Some("goods")),
            ("30192000-1", Some("goods")),
            ("48000000-8", Some("goods")),
            ("50000000-5", Some("services")),
            ("71000000-8", Some("services")),
            ("98000000-3", Some("services")),
            ("99000000", None),
            ("00000000", None),
            ("4", None),
            ("-1000000", None),
            ("+5000000", None),
            ("", None),
        ] {
            assert_eq!(cpv_category(code), cat, "{code}");
        }
        assert_eq!(
            concession_category(NatureConcession::ConcessionDeTravaux),
            "works"
        );
        assert_eq!(
            concession_category(NatureConcession::DelegationDeServicePublic),
            "services"
        );
    }
}
