//! One record's OCDS releases: the contract as published, then one per
//! modification, in the order of [`crate::states`].

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::map::{concession_category, concession_method, cpv_category, marche_method};
use crate::message::Message;
use crate::model::{ContratConcession, Marche, Operateur};
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

/// An OCDS date-time: DECP dates are days, given at midnight UTC.
pub(crate) fn date_time(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

fn amount(d: &Decimal) -> Raw {
    let mut o = Obj::default();
    o.put("amount", Raw::Number(d.to_string()))
        .put("currency", s("EUR"))
        .done()
}

/// The part of an `ocid` made of a DECP identifier: ASCII letters, digits and
/// `-._~` as they are, every other byte percent-encoded (`2024 01/A` →
/// `2024%2001%2FA`), so that the `ocid` is stable and unambiguous.
pub(crate) fn encode(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
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
struct Parties(Vec<Party>);

impl Parties {
    /// Adds an organisation in a role; returns its party `id`: the identifier
    /// scheme (the DECP `typeIdentifiant`, `SIRET` for a buyer), `-`, the
    /// identifier.
    fn add(&mut self, scheme: Option<&'static str>, ident: &str, role: &'static str) -> String {
        let id = match scheme {
            Some(sc) => format!("{sc}-{ident}"),
            None => ident.to_owned(),
        };
        match self.0.iter_mut().find(|p| p.id == id) {
            Some(p) if !p.roles.contains(&role) => p.roles.push(role),
            Some(_) => {}
            None => self.0.push(Party {
                id: id.clone(),
                scheme,
                ident: ident.to_owned(),
                roles: vec![role],
            }),
        }
        id
    }

    fn to_raw(&self) -> Raw {
        Raw::Array(
            self.0
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

/// The holders of a state as supplier references; `true` when every listed
/// holder is valid and identified (the list is then fully mapped).
fn suppliers(list: &Option<Field<Vec<Field<Operateur>>>>, parties: &mut Parties) -> (Raw, bool) {
    let mut refs = Vec::new();
    let mut all = list.as_ref().is_some_and(Field::is_valid);
    for o in get(list).into_iter().flatten() {
        match o.valid().and_then(|o| Some((o, get(&o.id)?))) {
            Some((o, id)) => {
                let scheme = get(&o.type_identifiant).map(|t| t.as_str());
                let pid = parties.add(scheme, id, "supplier");
                let r = Obj::default().put("id", s(pid)).done();
                if refs.contains(&r) {
                    // OCDS lists a supplier once; the repeated list stays in `decp`.
                    all = false;
                } else {
                    refs.push(r);
                }
            }
            None => all = false,
        }
    }
    (Raw::Array(refs), all)
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
    date: NaiveDate,
    tags: &[&str],
    parties: &Parties,
    buyer: &str,
    suppliers: Raw,
    amendments: &[Raw],
    decp: Raw,
) -> Raw {
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
        .opt("date", c.signed.map(|d| s(date_time(d))))
        .opt("value", c.value.map(amount))
        .put("suppliers", suppliers);
    let mut period = Obj::default();
    period.opt("startDate", c.start.map(|d| s(date_time(d))));
    let end = c
        .start
        .zip(c.months)
        .and_then(|(d, m)| d.checked_add_months(Months::new(u32::try_from(m).ok()?)));
    period.opt("endDate", end.map(|d| s(date_time(d))));
    let mut contract = Obj::default();
    contract
        .put("id", s(c.id))
        .put("awardID", s(c.id))
        .opt("title", c.title.map(s))
        .opt("value", c.value.map(amount))
        .opt("dateSigned", c.signed.map(|d| s(date_time(d))))
        .opt("items", items);
    if !period.0.is_empty() {
        contract.put("period", period.done());
    }
    if !amendments.is_empty() {
        contract.put("amendments", Raw::Array(amendments.to_vec()));
    }
    Obj::default()
        .put("ocid", s(c.ocid))
        .put("id", s(release_id))
        .put("date", s(date_time(date)))
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

/// The DECP members a state keeps for the `decp` extension object: every member
/// but those mapped to OCDS fields.
fn extension(value: Raw, mapped: &[&str]) -> Raw {
    match value {
        Raw::Object(m) => Raw::Object(
            m.into_iter()
                .filter(|(k, _)| !mapped.contains(&k.as_str()))
                .collect(),
        ),
        other => other,
    }
}

/// The releases of one record (a v1 record is upgraded first), or what it lacks
/// to be exported.
///
/// `again` is empty, or the suffix of the release ids of a contract published
/// again with other values under the same `ocid` (`-r2`, `-r3`…).
pub(crate) fn releases(record: &Record, prefix: &str, again: &str) -> Result<Vec<Raw>, Message> {
    match record {
        Record::Marche(m) => marche(m, prefix, again),
        Record::Concession(k) => concession(k, prefix, again),
        v1 => releases(&crate::upgrade(v1).record, prefix, again),
    }
}

fn ocid(prefix: &str, owner: Option<&String>, id: Option<&String>) -> Result<String, Message> {
    let owner = owner.ok_or(Message::OcdsMissing {
        field: "acheteur/id",
    })?;
    let id = id.ok_or(Message::OcdsMissing { field: "id" })?;
    Ok(format!("{prefix}-{}-{}", encode(owner), encode(id)))
}

fn marche(m: &Marche, prefix: &str, again: &str) -> Result<Vec<Raw>, Message> {
    let buyer_id = get(&m.acheteur).and_then(|a| get(&a.id));
    let ocid = ocid(prefix, buyer_id, get(&m.id))?;
    let buyer_id = buyer_id.expect("checked by ocid");
    let first_date = get(&m.date_publication_donnees)
        .or(get(&m.date_notification))
        .copied()
        .ok_or(Message::OcdsMissing {
            field: "datePublicationDonnees",
        })?;
    let mut state = m.clone();
    state.modifications = None;
    let mods = states::in_order(&m.modifications);
    let all_mods_valid = get(&m.modifications).is_none_or(|l| l.iter().all(Field::is_valid));
    let cpv = get(&m.code_cpv).map(String::as_str);
    let mut out = Vec::with_capacity(mods.len() + 1);
    let mut amendments = Vec::new();
    let mut prev: Option<String> = None;
    let mut date = first_date;
    for k in 0..=mods.len() {
        let (release_id, tags): (String, Vec<&str>) = if k == 0 {
            (format!("{ocid}-initial{again}"), vec!["award", "contract"])
        } else {
            let md = mods[k - 1].1;
            let holders = md.apply_to(&mut state);
            date = get(&md.date_publication_donnees_modification)
                .or(get(&md.date_notification_modification))
                .copied()
                .unwrap_or(date);
            let rid = format!("{ocid}-modification-{k}{again}");
            let mut a = Obj::default();
            a.opt("id", get(&md.id).map(|i| s(i.to_string())))
                .opt(
                    "date",
                    get(&md.date_notification_modification).map(|d| s(date_time(*d))),
                )
                .opt("amendsReleaseID", prev.clone().map(s))
                .put("releaseID", s(&*rid));
            amendments.push(a.done());
            let tags = if holders {
                vec!["contractAmendment", "awardUpdate"]
            } else {
                vec!["contractAmendment"]
            };
            (rid, tags)
        };
        let mut parties = Parties::default();
        let buyer = parties.add(Some("SIRET"), buyer_id, "buyer");
        let (sup, all_holders) = suppliers(&state.titulaires, &mut parties);
        let c = Contract {
            ocid: &ocid,
            id: get(&m.id).expect("checked by ocid"),
            title: get(&state.objet).map(String::as_str),
            method: get(&state.procedure).map(|p| (marche_method(*p), p.as_str())),
            category: cpv.and_then(cpv_category),
            tenderers: get(&state.offres_recues).copied(),
            cpv,
            value: get(&state.montant),
            signed: get(&state.date_notification).copied(),
            start: get(&state.date_notification).copied(),
            months: None,
        };
        // What is mapped leaves the extension object; what is not (or not valid) stays.
        let mut mapped = vec!["id", "acheteur", "modifications"];
        for (name, yes) in [
            ("objet", c.title.is_some()),
            ("codeCPV", c.cpv.is_some()),
            ("procedure", c.method.is_some()),
            ("dateNotification", c.signed.is_some()),
            ("montant", c.value.is_some()),
            ("offresRecues", c.tenderers.is_some()),
            ("titulaires", all_holders),
        ] {
            if yes {
                mapped.push(name);
            }
        }
        if !all_mods_valid {
            mapped.retain(|n| *n != "modifications");
        }
        let mut ext_state = state.clone();
        if !all_mods_valid {
            ext_state.modifications = m.modifications.clone();
        }
        let decp = extension(Record::Marche(ext_state).to_value(), &mapped);
        let months = get(&state.duree_mois).copied();
        let c = Contract { months, ..c };
        out.push(release(
            &c,
            &release_id,
            date,
            &tags,
            &parties,
            &buyer,
            sup,
            &amendments,
            decp,
        ));
        prev = Some(release_id);
    }
    Ok(out)
}

fn concession(k: &ContratConcession, prefix: &str, again: &str) -> Result<Vec<Raw>, Message> {
    let owner = get(&k.autorite_concedante).and_then(|a| get(&a.id));
    let ocid = ocid(prefix, owner, get(&k.id)).map_err(|e| match e {
        Message::OcdsMissing {
            field: "acheteur/id",
        } => Message::OcdsMissing {
            field: "autoriteConcedante/id",
        },
        e => e,
    })?;
    let owner = owner.expect("checked by ocid");
    let first_date = get(&k.date_publication_donnees)
        .or(get(&k.date_signature))
        .copied()
        .ok_or(Message::OcdsMissing {
            field: "datePublicationDonnees",
        })?;
    let mut state = k.clone();
    state.modifications = None;
    let mods = states::in_order(&k.modifications);
    let all_mods_valid = get(&k.modifications).is_none_or(|l| l.iter().all(Field::is_valid));
    let mut out = Vec::with_capacity(mods.len() + 1);
    let mut amendments = Vec::new();
    let mut prev: Option<String> = None;
    let mut date = first_date;
    for n in 0..=mods.len() {
        let (release_id, tags): (String, &[&str]) = if n == 0 {
            (format!("{ocid}-initial{again}"), &["award", "contract"])
        } else {
            let md = mods[n - 1].1;
            md.apply_to(&mut state);
            date = get(&md.date_publication_donnees_modification)
                .or(get(&md.date_signature_modification))
                .copied()
                .unwrap_or(date);
            let rid = format!("{ocid}-modification-{n}{again}");
            let mut a = Obj::default();
            a.opt("id", get(&md.id).map(|i| s(i.to_string())))
                .opt(
                    "date",
                    get(&md.date_signature_modification).map(|d| s(date_time(*d))),
                )
                .opt("amendsReleaseID", prev.clone().map(s))
                .put("releaseID", s(&*rid));
            amendments.push(a.done());
            (rid, &["contractAmendment"])
        };
        let mut parties = Parties::default();
        let buyer = parties.add(Some("SIRET"), owner, "buyer");
        let (sup, all_holders) = suppliers(&state.concessionnaires, &mut parties);
        let c = Contract {
            ocid: &ocid,
            id: get(&k.id).expect("checked by ocid"),
            title: get(&state.objet).map(String::as_str),
            method: get(&state.procedure).map(|p| (concession_method(*p), p.as_str())),
            category: get(&state.nature).map(|n| concession_category(*n)),
            tenderers: None,
            cpv: None,
            value: get(&state.valeur_globale),
            signed: get(&state.date_signature).copied(),
            start: get(&state.date_debut_execution).copied(),
            months: get(&state.duree_mois).copied(),
        };
        let mut mapped = vec!["id", "autoriteConcedante"];
        for (name, yes) in [
            ("objet", c.title.is_some()),
            ("procedure", c.method.is_some()),
            ("dateSignature", c.signed.is_some()),
            ("valeurGlobale", c.value.is_some()),
            ("concessionnaires", all_holders),
            ("modifications", all_mods_valid),
        ] {
            if yes {
                mapped.push(name);
            }
        }
        let mut ext_state = state.clone();
        if !all_mods_valid {
            ext_state.modifications = k.modifications.clone();
        }
        let decp = extension(Record::Concession(ext_state).to_value(), &mapped);
        out.push(release(
            &c,
            &release_id,
            date,
            tags,
            &parties,
            &buyer,
            sup,
            &amendments,
            decp,
        ));
        prev = Some(release_id);
    }
    Ok(out)
}
