//! The v1 → v2 upgrade: maps every v1 field to its v2 place (the v1.5 and
//! v2 schemas are in `tests/data/official/schemas/`), carries what v2 has no place for into findings, and marks the
//! fields v2 requires that v1 cannot supply, without inventing values.
//!
//! Findings (family `upgrade`), with paths relative to the record:
//! - [`IssueCode::UpgradeDropped`] (warning): a v1 value with no v2 place
//!   (`acheteur.nom`, `denominationSociale`, `lieuExecution.nom`, `uid`,
//!   `objetModification`, a concession's `lieuExecution`); the path is the v1 one
//!   and the value is kept in the finding.
//! - [`IssueCode::UpgradeMapped`] (info): a value carried to another place or label
//!   (`nature` `Accord-cadre` → `techniques`, `formePrix` → `typesPrix`, a 1.4
//!   procedure label, a date's time-zone suffix removed, modification ids numbered).
//! - [`IssueCode::UpgradeNoSource`] (warning): a field v2 requires that v1 has no
//!   source for; the path is the v2 one and the field stays absent, so that
//!   validation reports it too (`schema.required`).
//!
//! A value that did not fit its v1 type stays verbatim ([`Field::Invalid`]) in its v2
//! place; a `typeIdentifiant` of `UE`, which has no v2 value, is kept verbatim too,
//! so that v2 validation reports it (`schema.enum`). Members unknown to v1 are kept.

use crate::issue::{Issue, IssueCode};
use crate::model::{self as v2};
use crate::path::PathWalk;
use crate::raw::{Field, Raw, get, set};
use crate::record::Record;
use crate::v1;

/// A record after [`upgrade`], with what the upgrade found.
#[derive(Debug, Clone, PartialEq)]
pub struct Upgraded {
    /// The v2 record.
    pub record: Record,
    /// The upgrade's findings, with paths relative to the record.
    pub findings: Vec<Issue>,
}

/// Upgrades a record to v2; a v2 record is returned unchanged, with no finding.
///
/// ```
/// use decp_core::{Reader, IssueCode, Record, upgrade};
/// let v1 = br#"{"marches": [{"id": "2019AB0100", "acheteur": {"id": "21350238800019", "nom": "Rennes"},
///   "nature": "Accord-cadre", "formePrix": "Ferme", "modifications": []}]}"#;
/// let d = Reader::from_slice(v1)?.records().next().unwrap()?;
/// let up = upgrade(&d.record);
/// let Record::Marche(m) = &up.record else { unreachable!() };
/// assert_eq!(m.nature.as_ref().unwrap().valid().unwrap().as_str(), "Marché");
/// assert!(up.findings.iter().any(|i| i.code == IssueCode::UpgradeDropped && i.path == "/acheteur/nom"));
/// assert!(up.findings.iter().any(|i| i.code == IssueCode::UpgradeNoSource && i.path == "/offresRecues"));
/// # Ok::<(), decp_core::Error>(())
/// ```
pub fn upgrade(record: &Record) -> Upgraded {
    let mut up = Up {
        path: String::new(),
        out: Vec::new(),
    };
    let record = match record {
        Record::MarcheV1(m) => Record::Marche(up.marche(m)),
        Record::ConcessionV1(c) => Record::Concession(up.concession(c)),
        other => other.clone(),
    };
    Upgraded {
        record,
        findings: up.out,
    }
}

struct Up {
    path: String,
    out: Vec<Issue>,
}

/// Copies a field of the same type.
fn same<T: Clone>(f: &Option<Field<T>>) -> Option<Field<T>> {
    f.clone()
}

/// Converts a valid value with `g`; an invalid one stays verbatim.
fn conv<A, B>(f: &Option<Field<A>>, g: impl FnOnce(&A) -> Field<B>) -> Option<Field<B>> {
    Some(match f.as_ref()? {
        Field::Valid(a) => g(a),
        Field::Invalid(r) => Field::Invalid(r.clone()),
    })
}

fn label<A: std::fmt::Display, B>(a: &A, from: impl Fn(&str) -> Option<B>) -> Field<B> {
    let s = a.to_string();
    match from(&s) {
        Some(b) => Field::Valid(b),
        None => Field::Invalid(Raw::String(s)),
    }
}

/// An empty list is left out: v2 says "none" that way.
fn non_empty<T>(f: Option<Field<Vec<T>>>) -> Option<Field<Vec<T>>> {
    match f {
        Some(Field::Valid(v)) if v.is_empty() => None,
        f => f,
    }
}

impl PathWalk for Up {
    fn path_mut(&mut self) -> &mut String {
        &mut self.path
    }
}

impl Up {
    fn emit(
        &mut self,
        code: IssueCode,
        key: &str,
        value: Option<String>,
        expected: Option<String>,
    ) {
        let mut i = Issue::new(code, format!("{}/{key}", self.path));
        i.value = value;
        i.expected = expected;
        self.out.push(i);
    }

    /// Maps a list item by item under `key`: each valid item with `map` (given its
    /// index), an invalid one verbatim.
    fn list<A, B>(
        &mut self,
        f: &Option<Field<Vec<Field<A>>>>,
        key: &str,
        mut map: impl FnMut(&mut Self, usize, &A) -> B,
    ) -> Option<Field<Vec<Field<B>>>> {
        self.at(key, |up| {
            conv(f, |items| {
                Field::Valid(
                    items
                        .iter()
                        .enumerate()
                        .map(|(i, x)| match x {
                            Field::Valid(x) => up.at_index(i, |up| Field::Valid(map(up, i, x))),
                            Field::Invalid(r) => Field::Invalid(r.clone()),
                        })
                        .collect(),
                )
            })
        })
    }

    /// Modifications: ids 1…n in the order of their dates, `objetModification`
    /// dropped, each item mapped by `map` (given its id); none is said by leaving the
    /// list out.
    fn modifications<A, B>(
        &mut self,
        f: &Option<Field<Vec<Field<A>>>>,
        date_key: &str,
        parts: impl Fn(&A) -> (Option<&v1::Date>, &Option<Field<String>>),
        map: impl Fn(&mut Self, &A, i64) -> B,
    ) -> Option<Field<Vec<Field<B>>>> {
        let dates: Vec<_> = get(f)
            .into_iter()
            .flatten()
            .map(|x| x.valid().and_then(|x| parts(x).0).cloned())
            .collect();
        let ids = self.numbering(&dates, date_key);
        let out = self.list(f, "modifications", |up, i, x| {
            up.dropped(parts(x).1, "objetModification");
            map(up, x, ids[i])
        });
        non_empty(out)
    }

    fn dropped<T: std::fmt::Display>(&mut self, f: &Option<Field<T>>, key: &str) {
        let value = match f {
            None => return,
            Some(Field::Valid(v)) => v.to_string(),
            Some(Field::Invalid(r)) => r.display_value(),
        };
        self.emit(IssueCode::UpgradeDropped, key, Some(value), None);
    }

    fn no_source(&mut self, keys: &[&str]) {
        for k in keys {
            self.emit(IssueCode::UpgradeNoSource, k, None, Some((*k).to_owned()));
        }
    }

    fn date(&mut self, f: &Option<Field<v1::Date>>, key: &str) -> Option<Field<chrono::NaiveDate>> {
        if let Some(d) = get(f)
            && d.offset.is_some()
        {
            self.emit(
                IssueCode::UpgradeMapped,
                key,
                Some(d.to_string()),
                Some(format!("{key} = {}", crate::lexical::format_date(&d.date))),
            );
        }
        conv(f, |d| Field::Valid(d.date))
    }

    fn buyer(&mut self, f: &Option<Field<v1::Acheteur>>, key: &str) -> Option<Field<v2::Acheteur>> {
        self.at(key, |up| {
            conv(f, |a| {
                up.dropped(&a.nom, "nom");
                Field::Valid(v2::Acheteur {
                    id: same(&a.id),
                    unknown: a.unknown.clone(),
                })
            })
        })
    }

    /// `titulaires` / `concessionnaires`: wrapped, names dropped.
    fn holders(
        &mut self,
        f: &Option<Field<Vec<Field<v1::Titulaire>>>>,
        key: &str,
    ) -> Option<Field<Vec<Field<v2::Operateur>>>> {
        self.list(f, key, |up, _, t| {
            up.dropped(&t.denomination_sociale, "denominationSociale");
            v2::Operateur {
                type_identifiant: conv(&t.type_identifiant, |ty| {
                    label(ty, v2::TypeIdentifiant::from_label)
                }),
                id: same(&t.id),
                unknown: t.unknown.clone(),
            }
        })
    }

    /// Sequence numbers 1..n in date order (stable on equal or missing dates).
    fn numbering<D: Ord + Clone>(&mut self, dates: &[Option<D>], date_key: &str) -> Vec<i64> {
        let mut order: Vec<usize> = (0..dates.len()).collect();
        order.sort_by(|&a, &b| match (&dates[a], &dates[b]) {
            (Some(x), Some(y)) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
        let mut ids = vec![0; dates.len()];
        for (n, &i) in order.iter().enumerate() {
            ids[i] = n as i64 + 1;
        }
        if !dates.is_empty() {
            self.emit(
                IssueCode::UpgradeMapped,
                "modifications",
                Some(format!("{} modification(s)", dates.len())),
                Some(format!(
                    "modifications/N/modification/id = 1…{} ({date_key})",
                    dates.len()
                )),
            );
        }
        ids
    }

    fn marche(&mut self, m: &v1::Marche) -> v2::Marche {
        let mut out = v2::Marche {
            id: same(&m.id),
            objet: same(&m.objet),
            code_cpv: same(&m.code_cpv),
            duree_mois: same(&m.duree_mois),
            montant: same(&m.montant),
            unknown: m.unknown.clone(),
            ..Default::default()
        };
        self.dropped(&m.uid, "uid");
        out.acheteur = self.buyer(&m.acheteur, "acheteur");
        let mut techniques = None;
        let mut modalites = None;
        out.nature = conv(&m.nature, |n| {
            let (nature, moved) = match n {
                v1::NatureMarche::Marche => (v2::NatureMarche::Marche, None),
                v1::NatureMarche::MarcheDePartenariat => {
                    (v2::NatureMarche::MarcheDePartenariat, None)
                }
                v1::NatureMarche::AccordCadre => {
                    techniques = set(vec![Field::Valid(v2::Technique::AccordCadre)]);
                    (
                        v2::NatureMarche::Marche,
                        Some("techniques/technique = [Accord-cadre]"),
                    )
                }
                v1::NatureMarche::MarcheSubsequent => {
                    modalites = set(vec![Field::Valid(
                        v2::ModaliteExecution::MarchesSubsequents,
                    )]);
                    (
                        v2::NatureMarche::Marche,
                        Some("modalitesExecution/modaliteExecution = [Marchés subséquents]"),
                    )
                }
            };
            if let Some(moved) = moved {
                self.emit(
                    IssueCode::UpgradeMapped,
                    "nature",
                    Some(n.to_string()),
                    Some(format!("nature = Marché, {moved}")),
                );
            }
            Field::Valid(nature)
        });
        out.procedure = conv(&m.procedure, |p| {
            if p.is_v1_4() {
                self.emit(
                    IssueCode::UpgradeMapped,
                    "procedure",
                    Some(p.to_string()),
                    Some(format!("procedure = {}", p.v1_5())),
                );
            }
            label(&p.v1_5(), v2::ProcedureMarche::from_label)
        });
        out.lieu_execution = self.at("lieuExecution", |up| {
            conv(&m.lieu_execution, |l| {
                up.dropped(&l.nom, "nom");
                Field::Valid(v2::LieuExecution {
                    code: same(&l.code),
                    type_code: same(&l.type_code),
                    unknown: l.unknown.clone(),
                })
            })
        });
        out.date_notification = self.date(&m.date_notification, "dateNotification");
        out.date_publication_donnees =
            self.date(&m.date_publication_donnees, "datePublicationDonnees");
        out.types_prix = conv(&m.forme_prix, |f| {
            let t = match f {
                v1::FormePrix::Ferme => v2::TypePrix::DefinitifFerme,
                v1::FormePrix::FermeEtActualisable => v2::TypePrix::DefinitifActualisable,
                v1::FormePrix::Revisable => v2::TypePrix::DefinitifRevisable,
            };
            self.emit(
                IssueCode::UpgradeMapped,
                "formePrix",
                Some(f.to_string()),
                Some(format!("typesPrix/typePrix = [{t}]")),
            );
            Field::Valid(vec![Field::Valid(t)])
        });
        out.titulaires = self.holders(&m.titulaires, "titulaires");
        out.modifications = self.modifications(
            &m.modifications,
            "dateNotificationModification",
            |x| {
                (
                    get(&x.date_notification_modification),
                    &x.objet_modification,
                )
            },
            |up, x, id| v2::ModificationMarche {
                id: set(id),
                titulaires: up.holders(&x.titulaires, "titulaires"),
                date_notification_modification: up.date(
                    &x.date_notification_modification,
                    "dateNotificationModification",
                ),
                date_publication_donnees_modification: up.date(
                    &x.date_publication_donnees_modification,
                    "datePublicationDonneesModification",
                ),
                duree_mois: same(&x.duree_mois),
                montant: same(&x.montant),
                unknown: x.unknown.clone(),
            },
        );
        out.techniques = techniques;
        out.modalites_execution = modalites;
        let mut missing = Vec::new();
        if out.techniques.is_none() {
            missing.push("techniques");
        }
        if out.modalites_execution.is_none() {
            missing.push("modalitesExecution");
        }
        if out.types_prix.is_none() {
            missing.push("typesPrix");
        }
        missing.extend([
            "formePrix",
            "considerationsSociales",
            "considerationsEnvironnementales",
            "marcheInnovant",
            "ccag",
            "offresRecues",
            "attributionAvance",
            "typeGroupementOperateurs",
            "sousTraitanceDeclaree",
        ]);
        self.no_source(&missing);
        out
    }

    fn concession(&mut self, c: &v1::ContratConcession) -> v2::ContratConcession {
        let mut out = v2::ContratConcession {
            id: same(&c.id),
            nature: same(&c.nature),
            objet: same(&c.objet),
            procedure: same(&c.procedure),
            duree_mois: same(&c.duree_mois),
            valeur_globale: same(&c.valeur_globale),
            montant_subvention_publique: same(&c.montant_subvention_publique),
            unknown: c.unknown.clone(),
            ..Default::default()
        };
        self.dropped(&c.uid, "uid");
        out.autorite_concedante = self.buyer(&c.autorite_concedante, "autoriteConcedante");
        if let Some(l) = &c.lieu_execution {
            // v2 concessions have no place of execution.
            let raw = match l {
                Field::Valid(l) => {
                    let mut o = crate::write_out::JsonOut::new(false);
                    crate::codec::Codec::write_json(l, &mut o);
                    String::from_utf8(o.into_inner()).unwrap_or_default()
                }
                Field::Invalid(r) => r.display_value(),
            };
            self.emit(IssueCode::UpgradeDropped, "lieuExecution", Some(raw), None);
        }
        out.date_signature = self.date(&c.date_signature, "dateSignature");
        out.date_publication_donnees =
            self.date(&c.date_publication_donnees, "datePublicationDonnees");
        out.date_debut_execution = self.date(&c.date_debut_execution, "dateDebutExecution");
        let donnees = self.list(&c.donnees_execution, "donneesExecution", |up, _, d| {
            v2::DonneesAnnuelles {
                date_publication_donnees_execution: up.date(
                    &d.date_publication_donnees_execution,
                    "datePublicationDonneesExecution",
                ),
                depenses_investissement: same(&d.depenses_investissement),
                tarifs: up.list(&d.tarifs, "tarifs", |_, _, t| v2::Tarif {
                    intitule_tarif: same(&t.intitule_tarif),
                    tarif: same(&t.tarif),
                    unknown: t.unknown.clone(),
                }),
                unknown: d.unknown.clone(),
            }
        });
        out.donnees_execution = non_empty(donnees);
        out.concessionnaires = self.holders(&c.concessionnaires, "concessionnaires");
        out.modifications = self.modifications(
            &c.modifications,
            "dateSignatureModification",
            |x| (get(&x.date_signature_modification), &x.objet_modification),
            |up, x, id| v2::ModificationConcession {
                id: set(id),
                date_signature_modification: up
                    .date(&x.date_signature_modification, "dateSignatureModification"),
                date_publication_donnees_modification: up.date(
                    &x.date_publication_donnees_modification,
                    "datePublicationDonneesModification",
                ),
                duree_mois: same(&x.duree_mois),
                valeur_globale: same(&x.valeur_globale),
                unknown: x.unknown.clone(),
            },
        );
        self.no_source(&["considerationsSociales", "considerationsEnvironnementales"]);
        out
    }
}
