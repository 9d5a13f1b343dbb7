//! proptest strategies producing arbitrary *valid* records (every present field is
//! [`Field::Valid`]), for round-trip property tests.

use chrono::NaiveDate;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use rust_decimal::Decimal;

use decp_core::model::*;
use decp_core::{Field, Record};

fn f<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<Field<T>>> {
    option::of(s.prop_map(Field::Valid))
}

/// Any text XML 1.0 can carry (no control characters but tab, newline and return).
pub fn text() -> impl Strategy<Value = String> {
    "[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\u{FFFE}\u{FFFF}]{0,20}"
}

/// Exact decimals: any 64-bit mantissa with 0 to 10 decimal places.
pub fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=10).prop_map(|(m, s)| Decimal::new(m, s))
}

/// Real calendar dates with a four-digit year.
pub fn date() -> impl Strategy<Value = NaiveDate> {
    (1000i32..=9999, 1u32..=12, 1u32..=31).prop_map(|(y, m, d)| {
        NaiveDate::from_ymd_opt(y, m, d)
            .or_else(|| NaiveDate::from_ymd_opt(y, m, 28))
            .unwrap_or_default()
    })
}

fn label<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn labels<T: Copy + std::fmt::Debug + 'static>(
    all: &'static [T],
) -> impl Strategy<Value = Option<Field<Vec<Field<T>>>>> {
    f(vec(label(all).prop_map(Field::Valid), 0..3))
}

fn list<T: std::fmt::Debug + Clone>(
    s: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<Field<Vec<Field<T>>>>> {
    f(vec(s.prop_map(Field::Valid), 0..3))
}

/// An operator (holder, subcontractor, concession holder).
pub fn operateur() -> impl Strategy<Value = Operateur> {
    (f(label(TypeIdentifiant::ALL)), f(text())).prop_map(|(type_identifiant, id)| Operateur {
        type_identifiant,
        id,
        unknown: Vec::new(),
    })
}

fn acheteur() -> impl Strategy<Value = Acheteur> {
    f(text()).prop_map(|id| Acheteur {
        id,
        unknown: Vec::new(),
    })
}

fn acte() -> impl Strategy<Value = ActeSousTraitance> {
    (
        f(any::<i64>()),
        f(operateur()),
        f(any::<i64>()),
        f(date()),
        f(decimal()),
        f(label(VariationPrix::ALL)),
        f(date()),
    )
        .prop_map(|(id, st, d, dn, m, v, dp)| ActeSousTraitance {
            id,
            sous_traitant: st,
            duree_mois: d,
            date_notification: dn,
            montant: m,
            variation_prix: v,
            date_publication_donnees: dp,
            unknown: Vec::new(),
        })
}

fn modif_acte() -> impl Strategy<Value = ModificationActeSousTraitance> {
    (
        f(any::<i64>()),
        f(any::<i64>()),
        f(date()),
        f(decimal()),
        f(date()),
    )
        .prop_map(|(id, d, dn, m, dp)| ModificationActeSousTraitance {
            id,
            duree_mois: d,
            date_notification_modification_sous_traitance: dn,
            montant: m,
            date_publication_donnees: dp,
            unknown: Vec::new(),
        })
}

fn modif_marche() -> impl Strategy<Value = ModificationMarche> {
    (
        f(any::<i64>()),
        list(operateur()),
        f(date()),
        f(date()),
        f(any::<i64>()),
        f(decimal()),
    )
        .prop_map(|(id, t, dn, dp, d, m)| ModificationMarche {
            id,
            titulaires: t,
            date_notification_modification: dn,
            date_publication_donnees_modification: dp,
            duree_mois: d,
            montant: m,
            unknown: Vec::new(),
        })
}

/// A share in [0, 1] with up to 4 decimals, as `origineUE` / `origineFrance`
/// (never the empty XML value: JSON cannot carry it, see the model's docs).
fn share() -> impl Strategy<Value = Option<Decimal>> {
    (0i64..=10_000).prop_map(|n| Some(Decimal::new(n, 4)))
}

/// A valid market.
pub fn marche() -> impl Strategy<Value = Marche> {
    let a = (
        f(text()),
        f(acheteur()),
        f(label(NatureMarche::ALL)),
        f(text()),
        f(text()),
        f(label(ProcedureMarche::ALL)),
        f(
            (f(text()), f(label(TypeCode::ALL))).prop_map(|(code, type_code)| LieuExecution {
                code,
                type_code,
                unknown: Vec::new(),
            }),
        ),
        f(any::<i64>()),
        f(date()),
        f(date()),
    );
    let b = (
        f(decimal()),
        f(label(FormePrix::ALL)),
        list(operateur()),
        labels(ConsiderationSociale::ALL),
        labels(ConsiderationEnvironnementale::ALL),
        labels(Technique::ALL),
        labels(ModaliteExecution::ALL),
        f(text()),
        labels(TypePrix::ALL),
        f(any::<bool>()),
    );
    let c = (
        f(label(Ccag::ALL)),
        f(any::<i64>()),
        f(any::<bool>()),
        f(decimal()),
        f(label(TypeGroupementOperateurs::ALL)),
        f(share()),
        f(share()),
        f(any::<bool>()),
        list(acte()),
        list(modif_acte()),
        list(modif_marche()),
    );
    (a, b, c).prop_map(|(a, b, c)| Marche {
        id: a.0,
        acheteur: a.1,
        nature: a.2,
        objet: a.3,
        code_cpv: a.4,
        procedure: a.5,
        lieu_execution: a.6,
        duree_mois: a.7,
        date_notification: a.8,
        date_publication_donnees: a.9,
        montant: b.0,
        forme_prix: b.1,
        titulaires: b.2,
        considerations_sociales: b.3,
        considerations_environnementales: b.4,
        techniques: b.5,
        modalites_execution: b.6,
        id_accord_cadre: b.7,
        types_prix: b.8,
        marche_innovant: b.9,
        ccag: c.0,
        offres_recues: c.1,
        attribution_avance: c.2,
        taux_avance: c.3,
        type_groupement_operateurs: c.4,
        origine_ue: c.5,
        origine_france: c.6,
        sous_traitance_declaree: c.7,
        actes_sous_traitance: c.8,
        modifications_actes_sous_traitance: c.9,
        modifications: c.10,
        unknown: Vec::new(),
    })
}

/// A valid concession contract.
pub fn concession() -> impl Strategy<Value = ContratConcession> {
    let donnees = (
        f(date()),
        f(decimal()),
        list((f(text()), f(decimal())).prop_map(|(i, t)| Tarif {
            intitule_tarif: i,
            tarif: t,
            unknown: Vec::new(),
        })),
    )
        .prop_map(|(d, dep, t)| DonneesAnnuelles {
            date_publication_donnees_execution: d,
            depenses_investissement: dep,
            tarifs: t,
            unknown: Vec::new(),
        });
    let modif = (
        f(any::<i64>()),
        f(date()),
        f(date()),
        f(any::<i64>()),
        f(decimal()),
    )
        .prop_map(|(id, ds, dp, d, v)| ModificationConcession {
            id,
            date_signature_modification: ds,
            date_publication_donnees_modification: dp,
            duree_mois: d,
            valeur_globale: v,
            unknown: Vec::new(),
        });
    let a = (
        f(text()),
        f(acheteur()),
        f(label(NatureConcession::ALL)),
        f(text()),
        f(label(ProcedureConcession::ALL)),
        f(any::<i64>()),
        f(date()),
        f(date()),
    );
    let b = (
        f(date()),
        f(decimal()),
        f(decimal()),
        list(donnees),
        list(operateur()),
        labels(ConsiderationSocialeConcession::ALL),
        labels(ConsiderationEnvironnementale::ALL),
        list(modif),
    );
    (a, b).prop_map(|(a, b)| ContratConcession {
        id: a.0,
        autorite_concedante: a.1,
        nature: a.2,
        objet: a.3,
        procedure: a.4,
        duree_mois: a.5,
        date_signature: a.6,
        date_publication_donnees: a.7,
        date_debut_execution: b.0,
        valeur_globale: b.1,
        montant_subvention_publique: b.2,
        donnees_execution: b.3,
        concessionnaires: b.4,
        considerations_sociales: b.5,
        considerations_environnementales: b.6,
        modifications: b.7,
        unknown: Vec::new(),
    })
}

/// A valid record of either kind.
pub fn record() -> impl Strategy<Value = Record> {
    prop_oneof![
        marche().prop_map(Record::Marche),
        concession().prop_map(Record::Concession)
    ]
}

/// v1 strategies: arbitrary valid v1 records.
pub mod v1 {
    use proptest::prelude::*;

    use super::{decimal, f, label, list, text};
    use decp_core::Field;
    use decp_core::Record;
    use decp_core::v1::*;

    /// A v1 date, with or without one of the suffixes v1 allows.
    pub fn date() -> impl Strategy<Value = Date> {
        (
            super::date(),
            proptest::sample::select(
                &[
                    None,
                    Some("Z"),
                    Some("+02:00"),
                    Some("-05:30"),
                    Some("+01:00Z"),
                ][..],
            ),
        )
            .prop_map(|(date, o)| Date {
                date,
                offset: o.map(str::to_owned),
            })
    }

    fn titulaire() -> impl Strategy<Value = Titulaire> {
        (f(label(TypeIdentifiant::ALL)), f(text()), f(text())).prop_map(|(t, id, d)| Titulaire {
            type_identifiant: t,
            id,
            denomination_sociale: d,
            unknown: Vec::new(),
        })
    }

    /// The buyer always has its name: a v1-only member, without which a record
    /// is indistinguishable from v2 (and an XML one is read as v2).
    fn acheteur() -> impl Strategy<Value = Acheteur> {
        (f(text()), text()).prop_map(|(id, nom)| Acheteur {
            id,
            nom: Some(Field::Valid(nom)),
            unknown: Vec::new(),
        })
    }

    fn lieu() -> impl Strategy<Value = LieuExecution> {
        (f(text()), f(label(TypeCode::ALL)), f(text())).prop_map(|(code, t, nom)| LieuExecution {
            code,
            type_code: t,
            nom,
            unknown: Vec::new(),
        })
    }

    /// A v1 market (`_type` left out: XML cannot carry it).
    pub fn marche() -> impl Strategy<Value = Marche> {
        let modif = (
            f(text()),
            f(date()),
            f(date()),
            f(any::<i64>()),
            f(decimal()),
            list(titulaire()),
        )
            .prop_map(|(o, dn, dp, d, m, t)| ModificationMarche {
                objet_modification: o,
                date_notification_modification: dn,
                date_publication_donnees_modification: dp,
                duree_mois: d,
                montant: m,
                titulaires: t,
                unknown: Vec::new(),
            });
        let a = (
            f(text()),
            f(text()),
            acheteur(),
            f(label(NatureMarche::ALL)),
            f(text()),
            f(text()),
            f(label(ProcedureMarche::ALL)),
            f(lieu()),
        );
        let b = (
            f(any::<i64>()),
            f(date()),
            f(date()),
            f(decimal()),
            f(label(FormePrix::ALL)),
            list(titulaire()),
            list(modif),
        );
        (a, b).prop_map(|(a, b)| Marche {
            id: a.0,
            uid: a.1,
            type_: None,
            acheteur: Some(Field::Valid(a.2)),
            nature: a.3,
            objet: a.4,
            code_cpv: a.5,
            procedure: a.6,
            lieu_execution: a.7,
            duree_mois: b.0,
            date_notification: b.1,
            date_publication_donnees: b.2,
            montant: b.3,
            forme_prix: b.4,
            titulaires: b.5,
            modifications: b.6,
            unknown: Vec::new(),
        })
    }

    /// A v1 concession (`_type` left out).
    pub fn concession() -> impl Strategy<Value = ContratConcession> {
        let donnees = (
            f(date()),
            f(decimal()),
            list((f(text()), f(decimal())).prop_map(|(i, t)| Tarif {
                intitule_tarif: i,
                tarif: t,
                unknown: Vec::new(),
            })),
        )
            .prop_map(|(d, dep, t)| DonneesAnnuelles {
                date_publication_donnees_execution: d,
                depenses_investissement: dep,
                tarifs: t,
                unknown: Vec::new(),
            });
        let modif = (
            f(text()),
            f(date()),
            f(date()),
            f(any::<i64>()),
            f(decimal()),
        )
            .prop_map(|(o, ds, dp, d, v)| ModificationConcession {
                objet_modification: o,
                date_signature_modification: ds,
                date_publication_donnees_modification: dp,
                duree_mois: d,
                valeur_globale: v,
                unknown: Vec::new(),
            });
        let a = (
            f(text()),
            f(text()),
            acheteur(),
            f(label(NatureConcession::ALL)),
            f(text()),
            f(label(ProcedureConcession::ALL)),
            f(lieu()),
            f(any::<i64>()),
        );
        let b = (
            f(date()),
            f(date()),
            f(date()),
            f(decimal()),
            f(decimal()),
            list(donnees),
            list(titulaire()),
            list(modif),
        );
        (a, b).prop_map(|(a, b)| ContratConcession {
            id: a.0,
            uid: a.1,
            type_: None,
            autorite_concedante: Some(Field::Valid(a.2)),
            nature: a.3,
            objet: a.4,
            procedure: a.5,
            lieu_execution: a.6,
            duree_mois: a.7,
            date_signature: b.0,
            date_publication_donnees: b.1,
            date_debut_execution: b.2,
            valeur_globale: b.3,
            montant_subvention_publique: b.4,
            donnees_execution: b.5,
            concessionnaires: b.6,
            modifications: b.7,
            unknown: Vec::new(),
        })
    }

    /// A valid v1 record of either kind.
    pub fn record() -> impl Strategy<Value = Record> {
        prop_oneof![
            marche().prop_map(Record::MarcheV1),
            concession().prop_map(Record::ConcessionV1)
        ]
    }
}
