//! Contract states: a contract as published, then after each of its
//! modifications in order. The one rule the tables (`marches`, `concessions`)
//! and the OCDS export share.
//!
//! Order: modification `id`, then its notification (market) or signature
//! (concession) date, then its place in the list. A modification changes what it
//! carries: a market's `montant`, `dureeMois` and `titulaires` (when it lists at
//! least one valid holder); a concession's `valeurGlobale` and `dureeMois`. The
//! top-level values of a record are its initial values (official schema, v2:
//! "les valeurs initiales ne sont pas modifiées"); the current state is the last.

use chrono::NaiveDate;

use crate::model::{ContratConcession, Marche, ModificationConcession, ModificationMarche};
use crate::raw::{Field, get};

/// A change to a contract: how it orders among its siblings and what it changes.
pub(crate) trait Modification {
    /// The contract it changes.
    type Contract: Clone;
    /// Its order key: `id`, then the notification or signature date.
    fn order_key(&self) -> (Option<i64>, Option<NaiveDate>);
    /// Applies it to a state; `true` when it changed the holders.
    fn apply_to(&self, state: &mut Self::Contract) -> bool;
}

impl Modification for ModificationMarche {
    type Contract = Marche;
    fn order_key(&self) -> (Option<i64>, Option<NaiveDate>) {
        (
            get(&self.id).copied(),
            get(&self.date_notification_modification).copied(),
        )
    }
    fn apply_to(&self, m: &mut Marche) -> bool {
        if let Some(v) = &self.montant {
            m.montant = Some(v.clone());
        }
        if let Some(v) = &self.duree_mois {
            m.duree_mois = Some(v.clone());
        }
        match &self.titulaires {
            Some(t) if nonempty(t) => {
                let changed = m.titulaires.as_ref() != Some(t);
                m.titulaires = Some(t.clone());
                changed
            }
            _ => false,
        }
    }
}

impl Modification for ModificationConcession {
    type Contract = ContratConcession;
    fn order_key(&self) -> (Option<i64>, Option<NaiveDate>) {
        (
            get(&self.id).copied(),
            get(&self.date_signature_modification).copied(),
        )
    }
    fn apply_to(&self, k: &mut ContratConcession) -> bool {
        if let Some(v) = &self.valeur_globale {
            k.valeur_globale = Some(v.clone());
        }
        if let Some(v) = &self.duree_mois {
            k.duree_mois = Some(v.clone());
        }
        false
    }
}

/// Whether a list holds at least one valid item.
fn nonempty<T>(f: &Field<Vec<Field<T>>>) -> bool {
    f.valid().is_some_and(|l| l.iter().any(Field::is_valid))
}

/// The valid items of a list, with their index in it.
pub(crate) fn valid_items<T>(list: &Option<Field<Vec<Field<T>>>>) -> Vec<(usize, &T)> {
    get(list)
        .map(|l| {
            l.iter()
                .enumerate()
                .filter_map(|(i, f)| f.valid().map(|v| (i, v)))
                .collect()
        })
        .unwrap_or_default()
}

/// The valid modifications of a list, with their index, in the order states
/// follow.
pub(crate) fn in_order<M: Modification>(list: &Option<Field<Vec<Field<M>>>>) -> Vec<(usize, &M)> {
    let mut order = valid_items(list);
    order.sort_by_key(|(i, md)| {
        let (id, date) = md.order_key();
        (id, date, *i)
    });
    order
}

/// A market's first state: the record without its lists of events
/// (`modifications`, `actesSousTraitance`, `modificationsActesSousTraitance`).
#[cfg(feature = "arrow")]
pub(crate) fn marche_base(m: &Marche) -> Marche {
    let mut cur = m.clone();
    cur.modifications = None;
    cur.actes_sous_traitance = None;
    cur.modifications_actes_sous_traitance = None;
    cur
}

/// A concession's first state: the record without `modifications` and
/// `donneesExecution`.
#[cfg(feature = "arrow")]
pub(crate) fn concession_base(k: &ContratConcession) -> ContratConcession {
    let mut cur = k.clone();
    cur.modifications = None;
    cur.donnees_execution = None;
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Titulaire;
    use crate::raw::set;
    use rust_decimal::Decimal;

    fn md(id: i64, date: Option<&str>, montant: Option<i64>) -> Field<ModificationMarche> {
        Field::Valid(ModificationMarche {
            id: set(id),
            date_notification_modification: date.map(|d| Field::Valid(d.parse().unwrap())),
            montant: montant.map(|m| Field::Valid(Decimal::from(m))),
            ..Default::default()
        })
    }

    #[test]
    fn modifications_follow_id_then_date_then_place() {
        let list = Some(Field::Valid(vec![
            md(2, Some("2024-01-01"), Some(30)),
            md(1, Some("2024-03-01"), Some(20)),
            md(1, Some("2024-02-01"), Some(10)),
        ]));
        let order: Vec<usize> = in_order(&list).iter().map(|(i, _)| *i).collect();
        assert_eq!(order, [2, 1, 0]);
        let mut m = Marche {
            montant: set(Decimal::from(5)),
            ..Default::default()
        };
        for (_, x) in in_order(&list) {
            x.apply_to(&mut m);
        }
        assert_eq!(get(&m.montant), Some(&Decimal::from(30)));
    }

    #[test]
    fn holders_change_only_when_listed() {
        let t = |id: &str| {
            Field::Valid(Titulaire {
                id: set(id.to_owned()),
                ..Default::default()
            })
        };
        let mut m = Marche {
            titulaires: Some(Field::Valid(vec![t("A")])),
            ..Default::default()
        };
        let same = ModificationMarche {
            titulaires: Some(Field::Valid(vec![t("A")])),
            ..Default::default()
        };
        let empty = ModificationMarche {
            titulaires: Some(Field::Valid(vec![])),
            ..Default::default()
        };
        let other = ModificationMarche {
            titulaires: Some(Field::Valid(vec![t("B")])),
            ..Default::default()
        };
        assert!(!same.apply_to(&mut m));
        assert!(!empty.apply_to(&mut m));
        assert!(other.apply_to(&mut m));
        assert_eq!(m.titulaires, Some(Field::Valid(vec![t("B")])));
    }
}
