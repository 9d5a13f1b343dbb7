//! The rules for v1 records (schema 1.5, with the 1.4 labels accepted with a
//! warning): the official 1.5 JSON schema and XSD's constraints, and every rule and
//! quality check that does not depend on a v2-only field (SIRET and CPV, dates in
//! order and not in the future, the publication threshold of the date, implausible
//! amounts and durations, publication delay, the buyer as its own holder), through
//! the same checks as v2.
//!
//! Where the 1.5 JSON schema and XSD disagree (the concession `objet`,
//! `intituleTarif` and `lieuExecution.code` lengths are limited in JSON only), the
//! stricter JSON limits apply, as they would for a JSON file.

use rust_decimal::Decimal;

use super::Ck;
use super::ids::{check_siret, digits, identifier_ok};
use crate::issue::IssueCode;
use crate::model::TypeIdentifiant as T2;
use crate::path::PathWalk;
use crate::raw::{Field, get};
use crate::v1::*;

/// The calendar date of a v1 date (its time-zone suffix aside).
fn date_of(f: &Option<Field<Date>>) -> Option<chrono::NaiveDate> {
    get(f).map(|d| d.date)
}

impl Ck<'_> {
    /// Runs `g` on each valid item of a list, under `key/i`.
    fn each<T>(
        &mut self,
        f: &Option<Field<Vec<Field<T>>>>,
        key: &str,
        mut g: impl FnMut(&mut Self, &T),
    ) {
        let Some(items) = f.as_ref().and_then(Field::valid) else {
            return;
        };
        self.at(key, |c| {
            for (i, x) in items.iter().enumerate() {
                if let Field::Valid(x) = x {
                    c.at_index(i, |c| g(c, x));
                }
            }
        });
    }

    fn date_v1(&mut self, f: &Option<Field<Date>>, key: &str) {
        self.required(f, key);
        if let Some(d) = get(f)
            && d.date > self.v.today
        {
            self.emit_at(
                key,
                IssueCode::DateInFuture,
                Some(d.to_string()),
                Some(self.v.today.to_string()),
            );
        }
    }

    fn min_dec(&mut self, f: &Option<Field<Decimal>>, key: &str, min: i64) {
        self.dec(f, key, min, None);
    }

    fn named_buyer(&mut self, f: &Option<Field<Acheteur>>, key: &str) {
        self.required(f, key);
        let Some(a) = get(f) else { return };
        self.at(key, |c| {
            c.required(&a.id, "id");
            c.required(&a.nom, "nom");
            if let Some(id) = get(&a.id) {
                match check_siret(id) {
                    Ok(()) => {}
                    Err(IssueCode::Pattern) => c.emit_at(
                        "id",
                        IssueCode::Pattern,
                        Some(id.clone()),
                        Some("digits-14".into()),
                    ),
                    Err(code) => c.emit_at("id", code, Some(id.clone()), None),
                }
            }
        });
    }

    fn titulaire_v1(&mut self, t: &Titulaire) {
        self.required(&t.type_identifiant, "typeIdentifiant");
        self.required(&t.id, "id");
        self.required(&t.denomination_sociale, "denominationSociale");
        let (Some(&ty), Some(id)) = (get(&t.type_identifiant), get(&t.id)) else {
            return;
        };
        let code = match ty {
            TypeIdentifiant::Siret => match check_siret(id) {
                Ok(()) => None,
                Err(IssueCode::Pattern) => Some(IssueCode::IdentifierFormat),
                Err(c) => Some(c),
            },
            // `UE` (an EU identifier) has no defined format.
            TypeIdentifiant::Ue => None,
            other => T2::from_label(other.as_str())
                .filter(|&t2| !identifier_ok(t2, id))
                .map(|_| IssueCode::IdentifierFormat),
        };
        if let Some(code) = code {
            self.emit_at("id", code, Some(id.clone()), Some(ty.to_string()));
        }
    }

    fn titulaires_v1(&mut self, f: &Option<Field<Vec<Field<Titulaire>>>>, key: &str) {
        self.list(f, key, 1, |t| {
            format!("{:?}", t.valid().map(|t| get(&t.id)))
        });
        self.each(f, key, |c, t| c.titulaire_v1(t));
    }

    fn lieu_v1(&mut self, f: &Option<Field<LieuExecution>>, max_code: Option<usize>) {
        self.required(f, "lieuExecution");
        let Some(l) = get(f) else { return };
        self.at("lieuExecution", |c| {
            c.required(&l.code, "code");
            c.required(&l.type_code, "typeCode");
            c.required(&l.nom, "nom");
            if let Some(max) = max_code {
                c.text(&l.code, "code", 0, max);
            }
            c.lieu_code(&l.code, &l.type_code);
        });
    }

    fn id_v1(&mut self, id: &Option<Field<String>>, uid: &Option<Field<String>>) {
        self.required(id, "id");
        self.text(id, "id", 7, 16);
        if let Some(u) = get(uid) {
            let n = u.chars().count();
            let ok = u.len() >= 14
                && u.is_char_boundary(14)
                && digits(&u[..14])
                && (21..=30).contains(&n);
            if !ok {
                self.emit_at(
                    "uid",
                    IssueCode::Pattern,
                    Some(u.clone()),
                    Some("^[0-9]{14}.{7,16}$".into()),
                );
            }
        }
    }

    pub(super) fn marche_v1(&mut self, m: &Marche) {
        self.id_v1(&m.id, &m.uid);
        self.named_buyer(&m.acheteur, "acheteur");
        self.required(&m.nature, "nature");
        self.required(&m.objet, "objet");
        self.text(&m.objet, "objet", 0, 256);
        self.objet_quality(&m.objet);
        self.required(&m.code_cpv, "codeCPV");
        self.cpv(&m.code_cpv);
        self.required(&m.procedure, "procedure");
        if let Some(&p) = get(&m.procedure)
            && p.is_v1_4()
        {
            self.emit_at(
                "procedure",
                IssueCode::V14Label,
                Some(p.to_string()),
                Some(p.v1_5().to_string()),
            );
        }
        self.lieu_v1(&m.lieu_execution, None);
        self.required(&m.duree_mois, "dureeMois");
        self.min_int(&m.duree_mois, "dureeMois", 1);
        self.date_v1(&m.date_notification, "dateNotification");
        self.date_v1(&m.date_publication_donnees, "datePublicationDonnees");
        self.required(&m.montant, "montant");
        self.min_dec(&m.montant, "montant", 0);
        self.required(&m.forme_prix, "formePrix");
        self.required(&m.titulaires, "titulaires");
        self.titulaires_v1(&m.titulaires, "titulaires");
        self.required(&m.modifications, "modifications");
        self.list(&m.modifications, "modifications", 0, |_| {
            "(doublon)".to_owned()
        });
        let notif = date_of(&m.date_notification);
        self.each(&m.modifications, "modifications", |c, x| {
            c.required(&x.objet_modification, "objetModification");
            c.text(&x.objet_modification, "objetModification", 0, 256);
            c.date_v1(
                &x.date_notification_modification,
                "dateNotificationModification",
            );
            c.date_v1(
                &x.date_publication_donnees_modification,
                "datePublicationDonneesModification",
            );
            if x.titulaires.is_some() {
                c.titulaires_v1(&x.titulaires, "titulaires");
            }
            // The rules that do not depend on a v2-only field, as for v2.
            let d = date_of(&x.date_notification_modification);
            c.not_before(d.as_ref(), "dateNotificationModification", notif.as_ref());
            c.published_after(
                date_of(&x.date_publication_donnees_modification).as_ref(),
                "datePublicationDonneesModification",
                d.as_ref(),
            );
            c.duration_quality(&x.duree_mois, "dureeMois");
            c.amount_quality(get(&x.montant), "montant");
        });
        // Regulatory rules and quality warnings shared with v2.
        let publ = date_of(&m.date_publication_donnees);
        self.published_after(publ.as_ref(), "datePublicationDonnees", notif.as_ref());
        self.below_threshold(get(&m.montant), notif);
        self.amount_quality(get(&m.montant), "montant");
        self.duration_quality(&m.duree_mois, "dureeMois");
        self.publication_delay(notif.as_ref(), publ.as_ref());
        let buyer = get(&m.acheteur).and_then(|a| get(&a.id));
        self.buyer_is_holder(buyer, &m.titulaires, |t| get(&t.id), "titulaires");
    }

    pub(super) fn concession_v1(&mut self, k: &ContratConcession) {
        self.id_v1(&k.id, &k.uid);
        self.named_buyer(&k.autorite_concedante, "autoriteConcedante");
        self.required(&k.nature, "nature");
        self.required(&k.objet, "objet");
        self.text(&k.objet, "objet", 0, 256);
        self.objet_quality(&k.objet);
        self.required(&k.procedure, "procedure");
        self.lieu_v1(&k.lieu_execution, Some(6));
        self.required(&k.duree_mois, "dureeMois");
        self.min_int(&k.duree_mois, "dureeMois", 1);
        self.date_v1(&k.date_signature, "dateSignature");
        self.date_v1(&k.date_publication_donnees, "datePublicationDonnees");
        self.date_v1(&k.date_debut_execution, "dateDebutExecution");
        self.required(&k.valeur_globale, "valeurGlobale");
        self.required(&k.montant_subvention_publique, "montantSubventionPublique");
        self.min_dec(
            &k.montant_subvention_publique,
            "montantSubventionPublique",
            0,
        );
        self.required(&k.donnees_execution, "donneesExecution");
        self.list(&k.donnees_execution, "donneesExecution", 0, |_| {
            "(doublon)".to_owned()
        });
        self.each(&k.donnees_execution, "donneesExecution", |c, d| {
            c.date_v1(
                &d.date_publication_donnees_execution,
                "datePublicationDonneesExecution",
            );
            c.required(&d.depenses_investissement, "depensesInvestissement");
            c.min_dec(&d.depenses_investissement, "depensesInvestissement", 0);
            c.required(&d.tarifs, "tarifs");
            c.list(&d.tarifs, "tarifs", 1, |t| format!("{t:?}"));
            c.each(&d.tarifs, "tarifs", |c, t| {
                c.required(&t.intitule_tarif, "intituleTarif");
                c.text(&t.intitule_tarif, "intituleTarif", 0, 256);
                c.required(&t.tarif, "tarif");
                c.min_dec(&t.tarif, "tarif", 0);
            });
        });
        self.required(&k.concessionnaires, "concessionnaires");
        self.titulaires_v1(&k.concessionnaires, "concessionnaires");
        self.required(&k.modifications, "modifications");
        self.list(&k.modifications, "modifications", 0, |_| {
            "(doublon)".to_owned()
        });
        let sig = date_of(&k.date_signature);
        self.each(&k.modifications, "modifications", |c, x| {
            c.required(&x.objet_modification, "objetModification");
            c.text(&x.objet_modification, "objetModification", 0, 256);
            c.date_v1(&x.date_signature_modification, "dateSignatureModification");
            c.date_v1(
                &x.date_publication_donnees_modification,
                "datePublicationDonneesModification",
            );
            c.min_int(&x.duree_mois, "dureeMois", 1);
            c.min_dec(&x.valeur_globale, "valeurGlobale", 0);
            // The rules that do not depend on a v2-only field, as for v2.
            let d = date_of(&x.date_signature_modification);
            c.not_before(d.as_ref(), "dateSignatureModification", sig.as_ref());
            c.published_after(
                date_of(&x.date_publication_donnees_modification).as_ref(),
                "datePublicationDonneesModification",
                d.as_ref(),
            );
            c.duration_quality(&x.duree_mois, "dureeMois");
            c.amount_quality(get(&x.valeur_globale), "valeurGlobale");
        });
        // Regulatory rules and quality warnings shared with v2.
        let publ = date_of(&k.date_publication_donnees);
        self.published_after(publ.as_ref(), "datePublicationDonnees", sig.as_ref());
        self.amount_quality(get(&k.valeur_globale), "valeurGlobale");
        self.duration_quality(&k.duree_mois, "dureeMois");
        self.publication_delay(sig.as_ref(), publ.as_ref());
        let buyer = get(&k.autorite_concedante).and_then(|a| get(&a.id));
        self.buyer_is_holder(
            buyer,
            &k.concessionnaires,
            |t| get(&t.id),
            "concessionnaires",
        );
    }
}
