//! The link tables of a contract: its modifications and its subcontracting acts
//! (and their modifications), keyed by the contract's `uid`.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

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
    ctx: &Ctx,
    opts: &RowOptions,
    set: &mut RowSet,
) {
    let mods = if opts.wants(Table::Modifications) {
        mods
    } else {
        &[]
    };
    for (i, md) in mods {
        let mut r = modification_row(
            ctx,
            RecordKind::Marche,
            *i,
            get(&md.id).copied(),
            (
                col!(Table::Modifications, "dateNotificationModification"),
                get(&md.date_notification_modification).copied(),
            ),
            get(&md.date_publication_donnees_modification).copied(),
            get(&md.duree_mois).copied(),
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
        let mut r = acte_row(
            ctx,
            "acte",
            i,
            [get(&a.id).copied(), get(&a.duree_mois).copied()],
            get(&a.date_notification).copied(),
            get(&a.montant).copied(),
            get(&a.date_publication_donnees).copied(),
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
        r.text(
            col!(Table::ActesSousTraitance, "variationPrix"),
            get(&a.variation_prix).map(|t| t.as_str()),
        );
        set.push(Table::ActesSousTraitance, r.done());
    }
    for (i, a) in get(&m.modifications_actes_sous_traitance)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(a) = a.valid() else { continue };
        let r = acte_row(
            ctx,
            "modification",
            i,
            [get(&a.id).copied(), get(&a.duree_mois).copied()],
            get(&a.date_notification_modification_sous_traitance).copied(),
            get(&a.montant).copied(),
            get(&a.date_publication_donnees).copied(),
        );
        set.push(Table::ActesSousTraitance, r.done());
    }
}

/// A row of `modifications`: what a contract's and a concession's modifications
/// share (`date`: the notification or signature date's column and value).
pub(super) fn modification_row(
    ctx: &Ctx,
    kind: RecordKind,
    rang: usize,
    id: Option<i64>,
    date: (usize, Option<NaiveDate>),
    published: Option<NaiveDate>,
    duree_mois: Option<i64>,
) -> RowBuf {
    const T: Table = Table::Modifications;
    let mut r = RowBuf::new(T);
    ctx.fill(&mut r);
    r.text(col!(T, "kind"), Some(kind.name()));
    r.set(col!(T, "modification_id"), id.map(Value::Int));
    r.set(
        col!(T, "modification_rang"),
        Some(Value::Int(rang as i64 + 1)),
    );
    r.set(date.0, date.1.map(Value::Date));
    r.set(
        col!(T, "datePublicationDonneesModification"),
        published.map(Value::Date),
    );
    r.set(col!(T, "dureeMois"), duree_mois.map(Value::Int));
    r
}

/// A row of `actes_sous_traitance`: what an act and a modification of an act
/// share (`ids`: the act's id and duration in months).
fn acte_row(
    ctx: &Ctx,
    kind: &str,
    rang: usize,
    [id, duree_mois]: [Option<i64>; 2],
    notified: Option<NaiveDate>,
    montant: Option<Decimal>,
    published: Option<NaiveDate>,
) -> RowBuf {
    const T: Table = Table::ActesSousTraitance;
    let mut r = RowBuf::new(T);
    ctx.fill(&mut r);
    r.text(col!(T, "type"), Some(kind));
    r.set(col!(T, "acte_id"), id.map(Value::Int));
    r.set(col!(T, "rang"), Some(Value::Int(rang as i64 + 1)));
    r.set(col!(T, "dureeMois"), duree_mois.map(Value::Int));
    r.set(col!(T, "dateNotification"), notified.map(Value::Date));
    r.set(col!(T, "montant"), montant.map(Value::Dec));
    r.set(
        col!(T, "datePublicationDonnees"),
        published.map(Value::Date),
    );
    r
}
