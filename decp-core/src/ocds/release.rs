//! One record's OCDS releases: the contract as published, then one per
//! modification, in the order of [`crate::states`], built and handed over one at
//! a time (a record's releases are never all in memory).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;

use super::map::{concession_category, concession_method, cpv_category, marche_method};
use crate::error::{Error, Result};
use crate::message::Message;
use crate::model::{
    Acheteur, ContratConcession, Marche, ModificationConcession, ModificationMarche, Operateur,
};
use crate::raw::{Field, Raw, get};
use crate::record::Record;
use crate::states::{self, Modification};

/// A JSON object under construction, members in insertion order.
#[derive(Default)]
struct Obj(Vec<(String, Raw)>);

impl Obj {
    fn put(&mut self, key: &str, v: Raw) -> &mut Obj {
        self.0.push((key.to_owned(), v));
        self
    }
    fn opt(&mut self, key: &str, v: Option<Raw>) -> &mut Obj {
        if let Some(v) = v {
            self.put(key, v);
        }
        self
    }
    fn done(&mut self) -> Raw {
        Raw::Object(std::mem::take(&mut self.0))
    }
}

fn s(x: impl Into<String>) -> Raw {
    Raw::String(x.into())
}

/// An OCDS date-time: DECP dates are days, given at midnight UTC; `None` past
/// year 9999, which RFC 3339 cannot write.
pub(crate) fn date_time(d: NaiveDate) -> Option<String> {
    (1..=9999)
        .contains(&d.year())
        .then(|| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
}

fn amount(d: &Decimal) -> Raw {
    Obj::default()
        .put("amount", Raw::Number(d.to_string()))
        .put("currency", s("EUR"))
        .done()
}

/// The part of an `ocid` made of a DECP identifier: ASCII letters, digits and
/// `._~` as they are (and `-`, unless `dash` asks it encoded), every other byte
/// percent-encoded (`2024 01/A` → `2024%2001%2FA`). The buyer's part encodes `-`,
/// so the first `-` after the prefix and the buyer ends the buyer: the `ocid` is
/// unambiguous.
pub(crate) fn encode(id: &str, dash: bool) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"._~".contains(&b) || (b == b'-' && !dash) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// An organisation met in a record: buyer, supplier or both.
struct Party {
    id: String,
    scheme: Option<&'static str>,
    ident: String,
    roles: Vec<&'static str>,
}

/// The parties of a release; an organisation in two roles is one party.
#[derive(Default)]
struct Parties {
    list: Vec<Party>,
    by_id: HashMap<String, usize>,
}

impl Parties {
    /// Adds an organisation in a role; returns its party `id`: the identifier
    /// scheme (the DECP `typeIdentifiant`, `SIRET` for a buyer), `-`, the
    /// identifier.
    fn add(&mut self, scheme: Option<&'static str>, ident: &str, role: &'static str) -> String {
        let id = match scheme {
            Some(sc) => format!("{sc}-{ident}"),
            None => ident.to_owned(),
        };
        match self.by_id.get(&id) {
            Some(&k) => {
                let p = &mut self.list[k];
                if !p.roles.contains(&role) {
                    p.roles.push(role);
                }
            }
            None => {
                self.by_id.insert(id.clone(), self.list.len());
                self.list.push(Party {
                    id: id.clone(),
                    scheme,
                    ident: ident.to_owned(),
                    roles: vec![role],
                });
            }
        }
        id
    }

    fn to_raw(&self) -> Raw {
        Raw::Array(
            self.list
                .iter()
                .map(|p| {
                    let mut ident = Obj::default();
                    ident.opt("scheme", p.scheme.map(s)).put("id", s(&*p.ident));
                    Obj::default()
                        .put("id", s(&*p.id))
                        .put("identifier", ident.done())
                        .put("roles", Raw::Array(p.roles.iter().map(|r| s(*r)).collect()))
                        .done()
                })
                .collect(),
        )
    }
}

/// A buyer OCDS carries whole: a valid object with a valid, non-empty `id` and
/// nothing else.
fn plain_buyer(a: &Option<Field<Acheteur>>) -> bool {
    get(a).is_some_and(|a| a.unknown.is_empty() && get(&a.id).is_some_and(|i| !i.is_empty()))
}

/// A holder OCDS carries whole: a valid object with a valid `id`, a valid
/// `typeIdentifiant` or none, and nothing else.
fn plain_holder(o: &Field<Operateur>) -> bool {
    o.valid().is_some_and(|o| {
        o.unknown.is_empty()
            && get(&o.id).is_some_and(|i| !i.is_empty())
            && o.type_identifiant.as_ref().is_none_or(Field::is_valid)
    })
}

/// The holders of a state as supplier references (each listed once); `true`
/// when the list is carried whole (every holder plain, none repeated): it can
/// then leave the `decp` object.
fn suppliers(list: &Option<Field<Vec<Field<Operateur>>>>, parties: &mut Parties) -> (Raw, bool) {
    let mut refs = Vec::new();
    let mut seen = HashSet::new();
    let mut whole = list.as_ref().is_some_and(Field::is_valid);
    for o in get(list).into_iter().flatten() {
        whole &= plain_holder(o);
        let Some((o, id)) = o.valid().and_then(|o| Some((o, get(&o.id)?))) else {
            continue;
        };
        let scheme = get(&o.type_identifiant).map(|t| t.as_str());
        let pid = parties.add(scheme, id, "supplier");
        if seen.insert(pid.clone()) {
            refs.push(Obj::default().put("id", s(pid)).done());
        } else {
            // OCDS lists a supplier once; the repeated list stays in `decp`.
            whole = false;
        }
    }
    (Raw::Array(refs), whole)
}

/// What differs between a market and a concession, for the release builder.
struct Contract<'a> {
    ocid: &'a str,
    /// The DECP contract `id`.
    id: &'a str,
    title: Option<&'a str>,
    /// The OCDS `procurementMethod` (when decidable) and the DECP label.
    method: Option<(Option<&'static str>, &'static str)>,
    category: Option<&'static str>,
    tenderers: Option<i64>,
    cpv: Option<&'a str>,
    /// The award's value: the contract's initial value.
    awarded: Option<&'a Decimal>,
    /// The state's value.
    value: Option<&'a Decimal>,
    signed: Option<NaiveDate>,
    start: Option<NaiveDate>,
    months: Option<i64>,
}

/// One state as a release.
#[allow(clippy::too_many_arguments)]
fn release(
    c: &Contract<'_>,
    release_id: &str,
    date: &str,
    tags: &[&str],
    parties: &Parties,
    buyer: &str,
    suppliers: Raw,
    amendment: Option<Raw>,
    decp: Raw,
) -> Raw {
    let day = |d: Option<NaiveDate>| d.and_then(date_time).map(s);
    let items = c.cpv.map(|code| {
        let mut class = Obj::default();
        class.put("scheme", s("CPV")).put("id", s(code));
        class.opt("description", crate::cpv::lookup(code).map(|x| s(x.label)));
        let mut item = Obj::default();
        item.put("id", s("1")).put("classification", class.done());
        Raw::Array(vec![item.done()])
    });
    let mut tender = Obj::default();
    tender.put("id", s(c.id)).opt("title", c.title.map(s));
    if let Some((method, label)) = c.method {
        tender.opt("procurementMethod", method.map(s));
        tender.put("procurementMethodDetails", s(label));
    }
    tender
        .opt("mainProcurementCategory", c.category.map(s))
        .opt(
            "numberOfTenderers",
            c.tenderers.map(|n| Raw::Number(n.to_string())),
        )
        .opt("items", items.clone());
    let mut award = Obj::default();
    award
        .put("id", s(c.id))
        .opt("title", c.title.map(s))
        .put("status", s("active"))
        .opt("date", day(c.signed))
        .opt("value", c.awarded.map(amount))
        .put("suppliers", suppliers);
    let mut period = Obj::default();
    period.opt("startDate", day(c.start));
    let end = c
        .start
        .zip(c.months)
        .and_then(|(d, m)| d.checked_add_months(Months::new(u32::try_from(m).ok()?)));
    period.opt("endDate", day(end));
    let mut contract = Obj::default();
    contract
        .put("id", s(c.id))
        .put("awardID", s(c.id))
        .opt("title", c.title.map(s))
        .opt("value", c.value.map(amount))
        .opt("dateSigned", day(c.signed))
        .opt("items", items);
    if !period.0.is_empty() {
        contract.put("period", period.done());
    }
    // Arrays of objects with an `id` merge by `id` when releases are compiled:
    // each amendment is in the release it made.
    contract.opt("amendments", amendment.map(|a| Raw::Array(vec![a])));
    Obj::default()
        .put("ocid", s(c.ocid))
        .put("id", s(release_id))
        .put("date", s(date))
        .put("tag", Raw::Array(tags.iter().map(|t| s(*t)).collect()))
        .put("initiationType", s("tender"))
        .put("language", s("fr"))
        .put("parties", parties.to_raw())
        .put("buyer", Obj::default().put("id", s(buyer)).done())
        .put("tender", tender.done())
        .put("awards", Raw::Array(vec![award.done()]))
        .put("contracts", Raw::Array(vec![contract.done()]))
        .put("decp", decp)
        .done()
}

/// The `ocid` of a v2 record, or what it lacks: a valid, non-empty buyer
/// (authority) id and contract id.
pub(crate) fn ocid(record: &Record, prefix: &str) -> std::result::Result<String, Message> {
    let (owner, id, owner_name) = match record {
        Record::Marche(m) => (
            get(&m.acheteur).and_then(|a| get(&a.id)),
            get(&m.id),
            "acheteur/id",
        ),
        Record::Concession(k) => (
            get(&k.autorite_concedante).and_then(|a| get(&a.id)),
            get(&k.id),
            "autoriteConcedante/id",
        ),
        _ => return Err(Message::OcdsMissing { field: "id" }),
    };
    let owner = owner
        .filter(|o| !o.is_empty())
        .ok_or(Message::OcdsMissing { field: owner_name })?;
    let id = id
        .filter(|i| !i.is_empty())
        .ok_or(Message::OcdsMissing { field: "id" })?;
    Ok(format!(
        "{prefix}-{}-{}",
        encode(owner, true),
        encode(id, false)
    ))
}

/// The date of the first release: the publication date, else the notification
/// (signature) date; what it lacks otherwise.
pub(crate) fn first_date(record: &Record) -> std::result::Result<String, Message> {
    let d = match record {
        Record::Marche(m) => get(&m.date_publication_donnees).or(get(&m.date_notification)),
        Record::Concession(k) => get(&k.date_publication_donnees).or(get(&k.date_signature)),
        _ => None,
    };
    d.copied().and_then(date_time).ok_or(Message::OcdsMissing {
        field: "datePublicationDonnees",
    })
}

/// Hands the releases of one v2 record, in order, to `emit`; `ocid` and `date`
/// from [`ocid`] and [`first_date`]. `again` is empty, or the suffix of the
/// release ids of a contract published again with other values under the same
/// `ocid` (`-r2`, `-r3`…).
pub(crate) fn each_release(
    record: &Record,
    ocid: &str,
    date: String,
    again: &str,
    emit: &mut dyn FnMut(Raw) -> Result<()>,
) -> Result<()> {
    match record {
        Record::Marche(m) => marche(m, ocid, date, again, emit),
        Record::Concession(k) => concession(k, ocid, date, again, emit),
        _ => Err(Error::write(Message::OcdsMissing { field: "id" })),
    }
}

/// What the export needs of a modification, beyond the states' rule.
trait Amends: Modification {
    /// Its `id`.
    fn id(&self) -> Option<i64>;
    /// Its notification (market) or signature (concession) date.
    fn made(&self) -> Option<NaiveDate>;
    /// Its publication date.
    fn published(&self) -> Option<NaiveDate>;
    /// Whether the releases carry it whole (the state it makes and the
    /// amendment): valid members only, none unknown.
    fn whole(&self) -> bool;
}

fn ok<T>(f: &Option<Field<T>>) -> bool {
    f.as_ref().is_none_or(Field::is_valid)
}

impl Amends for ModificationMarche {
    fn id(&self) -> Option<i64> {
        get(&self.id).copied()
    }
    fn made(&self) -> Option<NaiveDate> {
        get(&self.date_notification_modification).copied()
    }
    fn published(&self) -> Option<NaiveDate> {
        get(&self.date_publication_donnees_modification).copied()
    }
    fn whole(&self) -> bool {
        self.unknown.is_empty()
            && ok(&self.id)
            && ok(&self.date_notification_modification)
            && ok(&self.date_publication_donnees_modification)
            && ok(&self.duree_mois)
            && ok(&self.montant)
            && self
                .titulaires
                .as_ref()
                .is_none_or(|t| t.valid().is_some_and(|t| t.iter().all(plain_holder)))
    }
}

impl Amends for ModificationConcession {
    fn id(&self) -> Option<i64> {
        get(&self.id).copied()
    }
    fn made(&self) -> Option<NaiveDate> {
        get(&self.date_signature_modification).copied()
    }
    fn published(&self) -> Option<NaiveDate> {
        get(&self.date_publication_donnees_modification).copied()
    }
    fn whole(&self) -> bool {
        self.unknown.is_empty()
            && ok(&self.id)
            && ok(&self.date_signature_modification)
            && ok(&self.date_publication_donnees_modification)
            && ok(&self.duree_mois)
            && ok(&self.valeur_globale)
    }
}

/// Whether every modification of a list is carried whole (then the list leaves
/// the `decp` object).
fn all_whole<M: Amends>(list: &Option<Field<Vec<Field<M>>>>) -> bool {
    get(list).is_some_and(|l| l.iter().all(|x| x.valid().is_some_and(Amends::whole)))
}

/// The k-th state's release id, tags and amendment (none for the first), the
/// modification applied to `state` and the release `date` moved to its
/// publication (else its notification or signature) date; `awardUpdate` when it
/// changed the holders.
#[allow(clippy::too_many_arguments)]
fn step<M: Amends>(
    k: usize,
    mods: &[(usize, &M)],
    state: &mut M::Contract,
    ocid: &str,
    again: &str,
    prev: &str,
    date: &mut String,
) -> (String, &'static [&'static str], Option<Raw>) {
    if k == 0 {
        return (
            format!("{ocid}-initial{again}"),
            &["award", "contract"],
            None,
        );
    }
    let md = mods[k - 1].1;
    let holders = md.apply_to(state);
    if let Some(d) = md.published().or(md.made()).and_then(date_time) {
        *date = d;
    }
    let rid = format!("{ocid}-modification-{k}{again}");
    let mut a = Obj::default();
    a.opt("id", md.id().map(|i| s(i.to_string())))
        .opt("date", md.made().and_then(date_time).map(s))
        .put("amendsReleaseID", s(prev))
        .put("releaseID", s(&*rid));
    let tags: &[&str] = if holders {
        &["contractAmendment", "awardUpdate"]
    } else {
        &["contractAmendment"]
    };
    (rid, tags, Some(a.done()))
}

fn marche(
    m: &Marche,
    ocid: &str,
    mut date: String,
    again: &str,
    emit: &mut dyn FnMut(Raw) -> Result<()>,
) -> Result<()> {
    let buyer_id = get(&m.acheteur)
        .and_then(|a| get(&a.id))
        .map_or("", String::as_str);
    let mut state = m.clone();
    state.modifications = None;
    let mods = states::in_order(&m.modifications);
    let mods_whole = all_whole(&m.modifications);
    let cpv = get(&m.code_cpv).map(String::as_str);
    let mut prev = String::new();
    for k in 0..=mods.len() {
        let (release_id, tags, made) = step(k, &mods, &mut state, ocid, again, &prev, &mut date);
        let mut parties = Parties::default();
        let buyer = parties.add(Some("SIRET"), buyer_id, "buyer");
        let (sup, holders_whole) = suppliers(&state.titulaires, &mut parties);
        let c = Contract {
            ocid,
            id: get(&m.id).map_or("", String::as_str),
            title: get(&state.objet).map(String::as_str),
            method: get(&state.procedure).map(|p| (marche_method(*p), p.as_str())),
            category: cpv.and_then(cpv_category),
            tenderers: get(&state.offres_recues).copied(),
            cpv,
            awarded: get(&m.montant),
            value: get(&state.montant),
            signed: get(&state.date_notification).copied(),
            start: get(&state.date_notification).copied(),
            months: get(&state.duree_mois).copied(),
        };
        // The `decp` object: the state with the members the fields above carry
        // whole taken out; the rest (unknown members, values that do not fit,
        // members OCDS has no place for) stays, with its DECP name.
        let mut ext = state.clone();
        ext.id = None;
        if !mods_whole {
            ext.modifications = m.modifications.clone();
        }
        if plain_buyer(&ext.acheteur) {
            ext.acheteur = None;
        }
        if holders_whole {
            ext.titulaires = None;
        }
        // A field whose value is valid is mapped above; an invalid one stays.
        if c.title.is_some() {
            ext.objet = None;
        }
        if cpv.is_some() {
            ext.code_cpv = None;
        }
        if c.method.is_some() {
            ext.procedure = None;
        }
        if c.signed.is_some() {
            ext.date_notification = None;
        }
        if c.value.is_some() {
            ext.montant = None;
        }
        if c.tenderers.is_some() {
            ext.offres_recues = None;
        }
        let decp = Record::Marche(ext).to_value();
        emit(release(
            &c,
            &release_id,
            &date,
            tags,
            &parties,
            &buyer,
            sup,
            made,
            decp,
        ))?;
        prev = release_id;
    }
    Ok(())
}

fn concession(
    k: &ContratConcession,
    ocid: &str,
    mut date: String,
    again: &str,
    emit: &mut dyn FnMut(Raw) -> Result<()>,
) -> Result<()> {
    let owner = get(&k.autorite_concedante)
        .and_then(|a| get(&a.id))
        .map_or("", String::as_str);
    let mut state = k.clone();
    state.modifications = None;
    let mods = states::in_order(&k.modifications);
    let mods_whole = all_whole(&k.modifications);
    let mut prev = String::new();
    for n in 0..=mods.len() {
        let (release_id, tags, made) = step(n, &mods, &mut state, ocid, again, &prev, &mut date);
        let mut parties = Parties::default();
        let buyer = parties.add(Some("SIRET"), owner, "buyer");
        let (sup, holders_whole) = suppliers(&state.concessionnaires, &mut parties);
        let c = Contract {
            ocid,
            id: get(&k.id).map_or("", String::as_str),
            title: get(&state.objet).map(String::as_str),
            method: get(&state.procedure).map(|p| (concession_method(*p), p.as_str())),
            category: get(&state.nature).map(|n| concession_category(*n)),
            tenderers: None,
            cpv: None,
            awarded: get(&k.valeur_globale),
            value: get(&state.valeur_globale),
            signed: get(&state.date_signature).copied(),
            start: get(&state.date_debut_execution).copied(),
            months: get(&state.duree_mois).copied(),
        };
        let mut ext = state.clone();
        ext.id = None;
        if !mods_whole {
            ext.modifications = k.modifications.clone();
        }
        if plain_buyer(&ext.autorite_concedante) {
            ext.autorite_concedante = None;
        }
        if holders_whole {
            ext.concessionnaires = None;
        }
        if c.title.is_some() {
            ext.objet = None;
        }
        if c.method.is_some() {
            ext.procedure = None;
        }
        if c.signed.is_some() {
            ext.date_signature = None;
        }
        if c.value.is_some() {
            ext.valeur_globale = None;
        }
        let decp = Record::Concession(ext).to_value();
        emit(release(
            &c,
            &release_id,
            &date,
            tags,
            &parties,
            &buyer,
            sup,
            made,
            decp,
        ))?;
        prev = release_id;
    }
    Ok(())
}
