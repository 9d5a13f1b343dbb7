//! The rules of a market (`marche`).

use std::collections::HashSet;

use chrono::NaiveDate;

use super::Ck;
use crate::issue::IssueCode;
use crate::model::*;
use crate::path::PathWalk;
use crate::raw::{Field, get};

impl Ck<'_> {
    pub(super) fn marche(&mut self, m: &Marche) {
        self.marche_schema(m);
        let notif = get(&m.date_notification);
        let acte_ids = self.marche_actes(m, notif);
        self.marche_actes_modifications(m, notif, &acte_ids);
        self.marche_modifications(m, notif);
        self.marche_rules(m);
        self.marche_quality(m, notif);
    }

    /// The official schemas' constraints on a market's own members, and the dates.
    fn marche_schema(&mut self, m: &Marche) {
        for (f, k) in [
            (m.id.is_none(), "id"),
            (m.nature.is_none(), "nature"),
            (m.objet.is_none(), "objet"),
            (m.code_cpv.is_none(), "codeCPV"),
            (m.techniques.is_none(), "techniques"),
            (m.modalites_execution.is_none(), "modalitesExecution"),
            (m.marche_innovant.is_none(), "marcheInnovant"),
            (m.ccag.is_none(), "ccag"),
            (m.offres_recues.is_none(), "offresRecues"),
            (m.attribution_avance.is_none(), "attributionAvance"),
            (
                m.type_groupement_operateurs.is_none(),
                "typeGroupementOperateurs",
            ),
            (m.procedure.is_none(), "procedure"),
            (m.lieu_execution.is_none(), "lieuExecution"),
            (m.duree_mois.is_none(), "dureeMois"),
            (m.date_notification.is_none(), "dateNotification"),
            (
                m.date_publication_donnees.is_none(),
                "datePublicationDonnees",
            ),
            (m.montant.is_none(), "montant"),
            (m.types_prix.is_none(), "typesPrix"),
            (m.forme_prix.is_none(), "formePrix"),
            (m.sous_traitance_declaree.is_none(), "sousTraitanceDeclaree"),
            (m.titulaires.is_none(), "titulaires"),
            (
                m.considerations_sociales.is_none(),
                "considerationsSociales",
            ),
            (
                m.considerations_environnementales.is_none(),
                "considerationsEnvironnementales",
            ),
        ] {
            if f {
                self.emit_at(k, IssueCode::Required, None, Some(k.to_owned()));
            }
        }
        // schema: lengths, patterns, bounds, lists
        self.text(&m.id, "id", 1, 16);
        self.text(&m.id_accord_cadre, "idAccordCadre", 1, 16);
        self.buyer(&m.acheteur, "acheteur");
        self.objet(&m.objet);
        self.cpv(&m.code_cpv);
        self.min_int(&m.duree_mois, "dureeMois", 1);
        self.min_int(&m.offres_recues, "offresRecues", 1);
        self.dec(&m.montant, "montant", 1, None);
        self.dec(&m.taux_avance, "tauxAvance", 0, Some(1));
        let ue = get(&m.origine_ue).copied().flatten();
        let fr = get(&m.origine_france).copied().flatten();
        self.range_dec(ue.as_ref(), "origineUE", 0, Some(1));
        self.range_dec(fr.as_ref(), "origineFrance", 0, Some(1));
        if let Some(l) = get(&m.lieu_execution) {
            self.at("lieuExecution", |c| {
                c.required(&l.code, "code");
                c.required(&l.type_code, "typeCode");
                c.lieu_code(&l.code, &l.type_code);
            });
        }
        self.operateurs(&m.titulaires, "titulaires", "titulaire");
        self.labels(
            &m.techniques,
            "techniques",
            "technique",
            Some(Technique::SansObjet),
        );
        self.labels(
            &m.modalites_execution,
            "modalitesExecution",
            "modaliteExecution",
            Some(ModaliteExecution::SansObjet),
        );
        // No exclusive label: `Provisoire` may be combined with a definitive kind.
        self.labels(&m.types_prix, "typesPrix", "typePrix", None);
        self.labels(
            &m.considerations_sociales,
            "considerationsSociales",
            "considerationSociale",
            Some(ConsiderationSociale::PasDeConsiderationSociale),
        );
        self.labels(
            &m.considerations_environnementales,
            "considerationsEnvironnementales",
            "considerationEnvironnementale",
            Some(ConsiderationEnvironnementale::PasDeConsiderationEnvironnementale),
        );

        let notif = get(&m.date_notification);
        for (f, k) in [
            (&m.date_notification, "dateNotification"),
            (&m.date_publication_donnees, "datePublicationDonnees"),
        ] {
            self.future(f, k);
        }
        self.published_after(
            get(&m.date_publication_donnees),
            "datePublicationDonnees",
            notif,
        );
    }

    /// Subcontracting acts; returns their ids.
    fn marche_actes(&mut self, m: &Marche, notif: Option<&NaiveDate>) -> HashSet<i64> {
        // Subcontracting acts.
        self.list(&m.actes_sous_traitance, "actesSousTraitance", 1, |a| {
            format!("{a:?}")
        });
        let mut acte_ids = HashSet::new();
        if let Some(actes) = m.actes_sous_traitance.as_ref().and_then(Field::valid) {
            let mut seq = Vec::new();
            self.at("actesSousTraitance", |c| {
                for (i, a) in actes.iter().enumerate() {
                    let Field::Valid(a) = a else { continue };
                    c.at_index(i, |c| {
                        c.at("acteSousTraitance", |c| {
                            for (f, k) in [
                                (a.id.is_none(), "id"),
                                (a.duree_mois.is_none(), "dureeMois"),
                                (a.montant.is_none(), "montant"),
                            ] {
                                if f {
                                    c.emit_at(k, IssueCode::Required, None, Some(k.to_owned()));
                                }
                            }
                            c.required(&a.sous_traitant, "sousTraitant");
                            c.required(&a.date_notification, "dateNotification");
                            c.required(&a.date_publication_donnees, "datePublicationDonnees");
                            c.required(&a.variation_prix, "variationPrix");
                            c.min_int(&a.id, "id", 1);
                            c.min_int(&a.duree_mois, "dureeMois", 1);
                            c.dec(&a.montant, "montant", 1, None);
                            if let Some(st) = get(&a.sous_traitant) {
                                c.at("sousTraitant", |c| c.operateur(st));
                            }
                            c.not_before(get(&a.date_notification), "dateNotification", notif);
                            c.published_after(
                                get(&a.date_publication_donnees),
                                "datePublicationDonnees",
                                get(&a.date_notification),
                            );
                            c.future(&a.date_notification, "dateNotification");
                            c.future(&a.date_publication_donnees, "datePublicationDonnees");
                        })
                    });
                    if let Some(&id) = get(&a.id) {
                        acte_ids.insert(id);
                    }
                    seq.push((i, get(&a.id).copied(), get(&a.date_notification).copied()));
                }
            });
            self.sequence("actesSousTraitance", "acteSousTraitance", &seq);
        }
        if m.actes_sous_traitance
            .as_ref()
            .and_then(Field::valid)
            .is_some_and(|a| a.iter().any(Field::is_valid))
            && get(&m.sous_traitance_declaree) == Some(&false)
        {
            self.emit_at(
                "sousTraitanceDeclaree",
                IssueCode::SousTraitanceInconsistent,
                Some("false".into()),
                None,
            );
        }
        acte_ids
    }

    /// Changes to subcontracting acts, which must name a known act.
    fn marche_actes_modifications(
        &mut self,
        m: &Marche,
        notif: Option<&NaiveDate>,
        acte_ids: &HashSet<i64>,
    ) {
        // Changes to subcontracting acts.
        self.list(
            &m.modifications_actes_sous_traitance,
            "modificationsActesSousTraitance",
            1,
            |a| format!("{a:?}"),
        );
        if let Some(mods) = m
            .modifications_actes_sous_traitance
            .as_ref()
            .and_then(Field::valid)
        {
            self.at("modificationsActesSousTraitance", |c| {
                for (i, a) in mods.iter().enumerate() {
                    let Field::Valid(a) = a else { continue };
                    c.at_index(i, |c| {
                        c.at("modificationActeSousTraitance", |c| {
                            c.required(&a.id, "id");
                            c.required(
                                &a.date_notification_modification_sous_traitance,
                                "dateNotificationModificationSousTraitance",
                            );
                            c.required(&a.date_publication_donnees, "datePublicationDonnees");
                            c.min_int(&a.id, "id", 1);
                            c.min_int(&a.duree_mois, "dureeMois", 1);
                            c.dec(&a.montant, "montant", 1, None);
                            let d = &a.date_notification_modification_sous_traitance;
                            c.not_before(
                                get(d),
                                "dateNotificationModificationSousTraitance",
                                notif,
                            );
                            c.published_after(
                                get(&a.date_publication_donnees),
                                "datePublicationDonnees",
                                get(d),
                            );
                            c.future(d, "dateNotificationModificationSousTraitance");
                            c.future(&a.date_publication_donnees, "datePublicationDonnees");
                            if let Some(id) = get(&a.id)
                                && (m.actes_sous_traitance.is_none() || !acte_ids.contains(id))
                            {
                                c.emit_at(
                                    "id",
                                    IssueCode::ModificationActeUnknown,
                                    Some(id.to_string()),
                                    None,
                                );
                            }
                        })
                    });
                }
            });
        }
    }

    /// Modifications of the market.
    fn marche_modifications(&mut self, m: &Marche, notif: Option<&NaiveDate>) {
        // Modifications.
        self.list(&m.modifications, "modifications", 1, |a| format!("{a:?}"));
        if let Some(mods) = m.modifications.as_ref().and_then(Field::valid) {
            let mut seq = Vec::new();
            self.at("modifications", |c| {
                for (i, md) in mods.iter().enumerate() {
                    let Field::Valid(md) = md else { continue };
                    c.at_index(i, |c| {
                        c.at("modification", |c| {
                            c.required(&md.id, "id");
                            c.required(
                                &md.date_notification_modification,
                                "dateNotificationModification",
                            );
                            c.required(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            c.min_int(&md.id, "id", 1);
                            c.min_int(&md.duree_mois, "dureeMois", 1);
                            c.dec(&md.montant, "montant", 1, None);
                            c.operateurs(&md.titulaires, "titulaires", "titulaire");
                            let d = &md.date_notification_modification;
                            c.not_before(get(d), "dateNotificationModification", notif);
                            c.published_after(
                                get(&md.date_publication_donnees_modification),
                                "datePublicationDonneesModification",
                                get(d),
                            );
                            c.future(d, "dateNotificationModification");
                            c.future(
                                &md.date_publication_donnees_modification,
                                "datePublicationDonneesModification",
                            );
                            c.duration_quality(&md.duree_mois, "dureeMois");
                            c.amount_quality(get(&md.montant), "montant");
                            if md.montant.is_none()
                                && md.duree_mois.is_none()
                                && md.titulaires.is_none()
                            {
                                c.emit(
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
                        get(&md.date_notification_modification).copied(),
                    ));
                }
            });
            self.sequence("modifications", "modification", &seq);
        }
    }

    /// Regulatory rules across fields.
    fn marche_rules(&mut self, m: &Marche) {
        let ue = get(&m.origine_ue).copied().flatten();
        let fr = get(&m.origine_france).copied().flatten();
        // Rules across fields.
        if let (Some(u), Some(f)) = (ue, fr)
            && u < f
        {
            self.emit_at(
                "origineUE",
                IssueCode::OrigineUeBelowFrance,
                Some(u.to_string()),
                Some(f.to_string()),
            );
        }
        if let (Some(false), Some(t)) = (get(&m.attribution_avance), get(&m.taux_avance))
            && !t.is_zero()
        {
            self.emit_at(
                "tauxAvance",
                IssueCode::TauxAvanceInconsistent,
                Some(t.to_string()),
                None,
            );
        }
        let subsequent = get(&m.modalites_execution)
            .is_some_and(|l| l.contains(&Field::Valid(ModaliteExecution::MarchesSubsequents)));
        if subsequent && m.id_accord_cadre.is_none() {
            self.emit(IssueCode::AccordCadreExpected, None, None);
        }
        self.below_threshold(get(&m.montant), get(&m.date_notification).copied());
    }

    /// Data-quality warnings.
    fn marche_quality(&mut self, m: &Marche, notif: Option<&NaiveDate>) {
        // Quality.
        self.amount_quality(get(&m.montant), "montant");
        self.duration_quality(&m.duree_mois, "dureeMois");
        self.publication_delay(notif, get(&m.date_publication_donnees));
        let buyer = get(&m.acheteur).and_then(|a| get(&a.id));
        self.buyer_is_holder(buyer, &m.titulaires, |t| get(&t.id), "titulaires");
    }
}
