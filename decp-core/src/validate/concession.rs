//! The rules of a concession contract (`contrat-concession`).

use super::Ck;
use crate::issue::IssueCode;
use crate::model::*;
use crate::path::PathWalk;
use crate::raw::{Field, get};

impl Ck<'_> {
    pub(super) fn concession(&mut self, c: &ContratConcession) {
        for (f, k) in [
            (c.id.is_none(), "id"),
            (c.nature.is_none(), "nature"),
            (c.objet.is_none(), "objet"),
            (c.procedure.is_none(), "procedure"),
            (c.duree_mois.is_none(), "dureeMois"),
            (c.date_signature.is_none(), "dateSignature"),
            (
                c.date_publication_donnees.is_none(),
                "datePublicationDonnees",
            ),
            (c.date_debut_execution.is_none(), "dateDebutExecution"),
            (c.valeur_globale.is_none(), "valeurGlobale"),
            (
                c.montant_subvention_publique.is_none(),
                "montantSubventionPublique",
            ),
            (c.concessionnaires.is_none(), "concessionnaires"),
            (
                c.considerations_sociales.is_none(),
                "considerationsSociales",
            ),
            (
                c.considerations_environnementales.is_none(),
                "considerationsEnvironnementales",
            ),
        ] {
            if f {
                self.emit_at(k, IssueCode::Required, None, Some(k.to_owned()));
            }
        }
        self.text(&c.id, "id", 1, 16);
        self.buyer(&c.autorite_concedante, "autoriteConcedante");
        self.objet(&c.objet);
        self.min_int(&c.duree_mois, "dureeMois", 1);
        self.dec(&c.valeur_globale, "valeurGlobale", 1, None);
        self.dec(
            &c.montant_subvention_publique,
            "montantSubventionPublique",
            0,
            None,
        );
        self.operateurs(&c.concessionnaires, "concessionnaires", "concessionnaire");
        self.labels(
            &c.considerations_sociales,
            "considerationsSociales",
            "considerationSociale",
            Some(ConsiderationSocialeConcession::PasDeConsiderationSociale),
        );
        self.labels(
            &c.considerations_environnementales,
            "considerationsEnvironnementales",
            "considerationEnvironnementale",
            Some(ConsiderationEnvironnementale::PasDeConsiderationEnvironnementale),
        );
        let sig = get(&c.date_signature);
        for (f, k) in [
            (&c.date_signature, "dateSignature"),
            (&c.date_publication_donnees, "datePublicationDonnees"),
            (&c.date_debut_execution, "dateDebutExecution"),
        ] {
            self.future(f, k);
        }
        self.published_after(
            get(&c.date_publication_donnees),
            "datePublicationDonnees",
            sig,
        );

        // Yearly execution data: JSON 2.0.2+ accepts [], the XSD does not.
        self.list(&c.donnees_execution, "donneesExecution", 1, |a| {
            format!("{a:?}")
        });
        if let Some(de) = c.donnees_execution.as_ref().and_then(Field::valid) {
            self.at("donneesExecution", |ck| {
                for (i, d) in de.iter().enumerate() {
                    let Field::Valid(d) = d else { continue };
                    ck.at_index(i, |ck| {
                        ck.at("donneesAnnuelles", |ck| {
                            ck.required(
                                &d.date_publication_donnees_execution,
                                "datePublicationDonneesExecution",
                            );
                            ck.required(&d.depenses_investissement, "depensesInvestissement");
                            ck.required(&d.tarifs, "tarifs");
                            ck.dec(
                                &d.depenses_investissement,
                                "depensesInvestissement",
                                0,
                                None,
                            );
                            ck.future(
                                &d.date_publication_donnees_execution,
                                "datePublicationDonneesExecution",
                            );
                            ck.not_before(
                                get(&d.date_publication_donnees_execution),
                                "datePublicationDonneesExecution",
                                sig,
                            );
                            ck.list(&d.tarifs, "tarifs", 1, |a| format!("{a:?}"));
                            if let Some(tarifs) = d.tarifs.as_ref().and_then(Field::valid) {
                                ck.at("tarifs", |ck| {
                                    for (j, t) in tarifs.iter().enumerate() {
                                        let Field::Valid(t) = t else { continue };
                                        ck.at_index(j, |ck| {
                                            ck.at("tarif", |ck| {
                                                ck.required(&t.intitule_tarif, "intituleTarif");
                                                ck.required(&t.tarif, "tarif");
                                                ck.text(&t.intitule_tarif, "intituleTarif", 0, 256);
                                                ck.dec(&t.tarif, "tarif", 0, None);
                                            })
                                        });
                                    }
                                });
                            }
                        })
                    });
                }
            });
        }

        self.list(&c.modifications, "modifications", 1, |a| format!("{a:?}"));
        if let Some(mods) = c.modifications.as_ref().and_then(Field::valid) {
            let mut seq = Vec::new();
            self.at("modifications", |ck| {
                for (i, md) in mods.iter().enumerate() {
                    let Field::Valid(md) = md else { continue };
                    ck.at_index(i, |ck| {
                        ck.at("modification", |ck| {
                            ck.required(&md.id, "id");
                            ck.required(
                                &md.date_signature_modification,
                                "dateSignatureModification",
                            );
                            ck.required(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            ck.min_int(&md.id, "id", 1);
                            ck.min_int(&md.duree_mois, "dureeMois", 1);
                            ck.dec(&md.valeur_globale, "valeurGlobale", 1, None);
                            let d = &md.date_signature_modification;
                            ck.not_before(get(d), "dateSignatureModification", sig);
                            ck.published_after(
                                get(&md.date_publication_donnees_modification),
                                "datePublicationDonneesModification",
                                get(d),
                            );
                            ck.future(d, "dateSignatureModification");
                            ck.future(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            ck.amount_quality(get(&md.valeur_globale), "valeurGlobale");
                            if md.valeur_globale.is_none() && md.duree_mois.is_none() {
                                ck.emit(
                                    IssueCode::ModificationNoChange,
                                    get(&md.id).map(ToString::to_string),
                                    None,
                                );
                            }
                        })
                    });
                    seq.push((
                        i,
                        get(&md.id).copied(),
                        get(&md.date_signature_modification).copied(),
                    ));
                }
            });
            self.sequence("modifications", "modification", &seq);
        }

        self.amount_quality(get(&c.valeur_globale), "valeurGlobale");
        self.duration_quality(&c.duree_mois, "dureeMois");
        self.publication_delay(sig, get(&c.date_publication_donnees));
        let buyer = get(&c.autorite_concedante).and_then(|a| get(&a.id));
        self.buyer_is_holder(
            buyer,
            &c.concessionnaires,
            |t| get(&t.id),
            "concessionnaires",
        );
    }
}
