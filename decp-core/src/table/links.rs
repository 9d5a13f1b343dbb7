//! The link tables of a contract: its modifications and its subcontracting acts
//! (and their modifications), keyed by the contract's `uid`.

use std::sync::Arc;

use super::flat::Value;
use super::rows::{Ctx, RowBuf, RowOptions, RowSet, operators};
use super::schema::{Table, col};
use crate::model::Marche;
use crate::raw::get;
use crate::record::RecordKind;

/// The `modifications` and `actes_sous_traitance` rows of a contract.
pub(super) fn marche_links(
    m: &Marche,
    mods: &[(usize, &crate::model::ModificationMarche)],
    ctx: &Ctx<'_>,
    opts: &RowOptions,
    set: &mut RowSet,
) {
    let mods = if opts.wants(Table::Modifications) {
        mods
    } else {
        &[]
    };
    for (i, md) in mods {
        let mut r = RowBuf::new(Table::Modifications);
        ctx.fill(&mut r);
        r.text(
            col!(Table::Modifications, "kind"),
            Some(RecordKind::Marche.name()),
        );
        r.set(
            col!(Table::Modifications, "modification_id"),
            get(&md.id).map(|v| Value::Int(*v)),
        );
        r.set(
            col!(Table::Modifications, "modification_rang"),
            Some(Value::Int(*i as i64 + 1)),
        );
        r.set(
            col!(Table::Modifications, "dateNotificationModification"),
            get(&md.date_notification_modification).map(|d| Value::Date(*d)),
        );
        r.set(
            col!(Table::Modifications, "datePublicationDonneesModification"),
            get(&md.date_publication_donnees_modification).map(|d| Value::Date(*d)),
        );
        r.set(
            col!(Table::Modifications, "dureeMois"),
            get(&md.duree_mois).map(|v| Value::Int(*v)),
        );
        r.set(
            col!(Table::Modifications, "montant"),
            get(&md.montant).map(|v| Value::Dec(*v)),
        );
        if md.titulaires.is_some() {
            let ids = operators(&md.titulaires)
                .into_iter()
                .filter_map(|(id, _)| id.map(Into::into))
                .collect();
            r.set(
                col!(Table::Modifications, "titulaires"),
                Some(Value::List(Arc::new(ids))),
            );
        }
        set.push(Table::Modifications, r.done());
    }
    for (i, a) in get(&m.actes_sous_traitance)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(a) = a.valid() else { continue };
        let mut r = RowBuf::new(Table::ActesSousTraitance);
        ctx.fill(&mut r);
        r.text(col!(Table::ActesSousTraitance, "type"), Some("acte"));
        r.set(
            col!(Table::ActesSousTraitance, "acte_id"),
            get(&a.id).map(|v| Value::Int(*v)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "rang"),
            Some(Value::Int(i as i64 + 1)),
        );
        if let Some(st) = get(&a.sous_traitant) {
            r.text(
                col!(Table::ActesSousTraitance, "sousTraitant_id"),
                get(&st.id).map(String::as_str),
            );
            r.text(
                col!(Table::ActesSousTraitance, "sousTraitant_typeIdentifiant"),
                get(&st.type_identifiant).map(|t| t.as_str()),
            );
        }
        r.set(
            col!(Table::ActesSousTraitance, "dureeMois"),
            get(&a.duree_mois).map(|v| Value::Int(*v)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "dateNotification"),
            get(&a.date_notification).map(|d| Value::Date(*d)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "montant"),
            get(&a.montant).map(|v| Value::Dec(*v)),
        );
        r.text(
            col!(Table::ActesSousTraitance, "variationPrix"),
            get(&a.variation_prix).map(|t| t.as_str()),
        );
        r.set(
            col!(Table::ActesSousTraitance, "datePublicationDonnees"),
            get(&a.date_publication_donnees).map(|d| Value::Date(*d)),
        );
        set.push(Table::ActesSousTraitance, r.done());
    }
    for (i, a) in get(&m.modifications_actes_sous_traitance)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(a) = a.valid() else { continue };
        let mut r = RowBuf::new(Table::ActesSousTraitance);
        ctx.fill(&mut r);
        r.text(
            col!(Table::ActesSousTraitance, "type"),
            Some("modification"),
        );
        r.set(
            col!(Table::ActesSousTraitance, "acte_id"),
            get(&a.id).map(|v| Value::Int(*v)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "rang"),
            Some(Value::Int(i as i64 + 1)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "dureeMois"),
            get(&a.duree_mois).map(|v| Value::Int(*v)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "dateNotification"),
            get(&a.date_notification_modification_sous_traitance).map(|d| Value::Date(*d)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "montant"),
            get(&a.montant).map(|v| Value::Dec(*v)),
        );
        r.set(
            col!(Table::ActesSousTraitance, "datePublicationDonnees"),
            get(&a.date_publication_donnees).map(|d| Value::Date(*d)),
        );
        set.push(Table::ActesSousTraitance, r.done());
    }
}
