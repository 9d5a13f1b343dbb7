//! The typed DECP v1 model (schemas 1.4 and 1.5, arrêté du 22 mars 2019), used for
//! data notified until 31 December 2023.
//!
//! v1 differs from v2 in shape more than in content: one heterogeneous array of
//! records (`{"marches": [ … ]}`, told apart by `_type` or by their fields), bare
//! lists (`"titulaires": [{…}]`), names next to identifiers (`acheteur.nom`,
//! `denominationSociale`), modifications described in prose (`objetModification`)
//! and dates that may carry a time-zone offset (`2018-07-10+02:00`). Every field is an
//! `Option<Field<T>>` as in the [v2 model](crate::model). The 1.4 procedure labels
//! are variants of [`ProcedureMarche`] (accepted, with a warning, by the validator).
//!
//! [`upgrade`](crate::upgrade) maps a v1 record to v2.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::codec::{Codec, Cx, decp_enum, decp_struct};
use crate::issue::IssueCode;
use crate::lexical::{format_date, parse_date, xs_trim};
use crate::raw::{Field, Raw};
use crate::sink::Sink;
use crate::tree::{Node, V};
use crate::write_out::XmlOut;

pub use crate::model::{NatureConcession, ProcedureConcession, TypeCode};

decp_enum! {
    /// Nature of a market in v1 (`nature`).
    pub enum NatureMarche {
        Marche = "Marché",
        MarcheDePartenariat = "Marché de partenariat",
        AccordCadre = "Accord-cadre",
        MarcheSubsequent = "Marché subséquent",
    }
}

decp_enum! {
    /// Award procedure of a market in v1: the six 1.5 labels, then the three
    /// 1.4 labels that 1.5 renamed.
    pub enum ProcedureMarche {
        ProcedureAdaptee = "Procédure adaptée",
        AppelDOffresOuvert = "Appel d'offres ouvert",
        AppelDOffresRestreint = "Appel d'offres restreint",
        SansPubliciteNiMiseEnConcurrence = "Marché passé sans publicité ni mise en concurrence préalable",
        DialogueCompetitif = "Dialogue compétitif",
        ProcedureAvecNegociation = "Procédure avec négociation",
        /// 1.4 only; 1.5 calls it `Procédure avec négociation`.
        ConcurrentielleAvecNegociation = "Procédure concurrentielle avec négociation",
        /// 1.4 only; 1.5 calls it `Procédure avec négociation`.
        NegocieeAvecMiseEnConcurrence = "Procédure négociée avec mise en concurrence préalable",
        /// 1.4 only; 1.5 calls it `Marché passé sans publicité ni mise en concurrence préalable`.
        NegocieSansPublicite = "Marché négocié sans publicité ni mise en concurrence préalable",
    }
}

impl ProcedureMarche {
    /// For a 1.4 label, the 1.5 label that replaced it (schema 1.5 README).
    pub fn v1_5(self) -> ProcedureMarche {
        match self {
            ProcedureMarche::ConcurrentielleAvecNegociation
            | ProcedureMarche::NegocieeAvecMiseEnConcurrence => {
                ProcedureMarche::ProcedureAvecNegociation
            }
            ProcedureMarche::NegocieSansPublicite => {
                ProcedureMarche::SansPubliciteNiMiseEnConcurrence
            }
            p => p,
        }
    }

    /// `true` for the three labels of 1.4 that 1.5 renamed.
    pub fn is_v1_4(self) -> bool {
        self.v1_5() != self
    }
}

decp_enum! {
    /// Form of the price in v1 (`formePrix`): about price variation, unlike v2's
    /// `formePrix`.
    pub enum FormePrix {
        Ferme = "Ferme",
        FermeEtActualisable = "Ferme et actualisable",
        Revisable = "Révisable",
    }
}

decp_enum! {
    /// Kind of identifier in v1 and 2.0.0 (`typeIdentifiant`); `UE` has no v2 value.
    pub enum TypeIdentifiant {
        Siret = "SIRET",
        Tva = "TVA",
        Tahiti = "TAHITI",
        Ridet = "RIDET",
        Frwf = "FRWF",
        Irep = "IREP",
        Ue = "UE",
        HorsUe = "HORS-UE",
    }
}

decp_enum! {
    /// The JSON-only record discriminator `_type`.
    pub enum Type {
        Marche = "Marché",
        ContratDeConcession = "Contrat de concession",
    }
}

/// A v1 date: a calendar date with the optional time-zone suffix that v1 allows and
/// many producers wrote (`2018-07-10+02:00`). The suffix is kept so that data is
/// written back as read; it says nothing about the date itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date {
    /// The calendar date, as written (the offset is not applied).
    pub date: NaiveDate,
    /// The suffix after the date, exactly: `Z`, `+02:00`, `-05:00`, `+02:00Z`.
    pub offset: Option<String>,
}

impl From<NaiveDate> for Date {
    fn from(date: NaiveDate) -> Date {
        Date { date, offset: None }
    }
}

fn offset_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let hhmm = |b: &[u8]| {
        b.len() == 6
            && matches!(b[0], b'+' | b'-')
            && b[1..3].iter().all(u8::is_ascii_digit)
            && b[3] == b':'
            && b[4..6].iter().all(u8::is_ascii_digit)
    };
    s == "Z" || hhmm(b) || (b.len() == 7 && b[6] == b'Z' && hhmm(&b[..6]))
}

/// Parses a v1 date: `YYYY-MM-DD` with an optional `Z`, `±hh:mm` or `±hh:mmZ`.
pub fn parse_v1_date(s: &str) -> Option<Date> {
    let (d, rest) = (s.get(..10)?, &s[10..]);
    let date = parse_date(d)?;
    if rest.is_empty() {
        Some(Date { date, offset: None })
    } else if offset_ok(rest) {
        Some(Date {
            date,
            offset: Some(rest.to_owned()),
        })
    } else {
        None
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_date(&self.date))?;
        f.write_str(self.offset.as_deref().unwrap_or(""))
    }
}

impl Codec for Date {
    fn decode(n: &Node<'_>, cx: &mut Cx) -> Field<Date> {
        let parsed = match &n.v {
            V::Str(s) => parse_v1_date(s),
            V::Text(s) => parse_v1_date(xs_trim(s)),
            _ => return cx.invalid(n, IssueCode::Type, "date"),
        };
        match parsed {
            Some(d) => Field::Valid(d),
            None => match NaiveDate::decode(n, cx) {
                // Repaired by the normaliser (a time, a bad offset…).
                Field::Valid(d) => Field::Valid(d.into()),
                Field::Invalid(r) => Field::Invalid(r),
            },
        }
    }
    fn write_json<S: Sink + ?Sized>(&self, out: &mut S) {
        out.string(&self.to_string());
    }
    fn write_xml(&self, out: &mut XmlOut, name: &str) {
        out.leaf(name, &self.to_string());
    }
}

decp_struct! {
    /// The buyer (`acheteur`) or granting authority (`autoriteConcedante`), with its name.
    pub struct Acheteur {
        /// SIRET number: 14 digits (`id`).
        id: String = one("id");
        /// Name (`nom`).
        nom: String = one("nom");
    }
}

decp_struct! {
    /// A holder (`titulaire`) or concession holder (`concessionnaire`), with its name.
    pub struct Titulaire {
        /// Kind of identifier (`typeIdentifiant`).
        type_identifiant: TypeIdentifiant = one("typeIdentifiant");
        /// The identifier (`id`).
        id: String = one("id");
        /// Company name (`denominationSociale`).
        denomination_sociale: String = one("denominationSociale");
    }
}

decp_struct! {
    /// Place of execution (`lieuExecution`), with its name.
    pub struct LieuExecution {
        /// The code (`code`).
        code: String = one("code");
        /// What kind of code `code` is (`typeCode`).
        type_code: TypeCode = one("typeCode");
        /// Name of the place (`nom`).
        nom: String = one("nom");
    }
}

decp_struct! {
    /// A change to a market (`modification`).
    pub struct ModificationMarche {
        /// What changed, in prose, at most 256 characters (`objetModification`).
        objet_modification: String = one("objetModification");
        /// Date the change was notified (`dateNotificationModification`).
        date_notification_modification: Date = one("dateNotificationModification");
        /// Date the change's data was published (`datePublicationDonneesModification`).
        date_publication_donnees_modification: Date = one("datePublicationDonneesModification");
        /// New duration in months (`dureeMois`).
        duree_mois: i64 = one("dureeMois");
        /// New amount excluding VAT (`montant`).
        montant: Decimal = one("montant");
        /// New holders (`titulaires`).
        titulaires: Vec<Field<Titulaire>> = list("titulaires", "titulaire");
    }
}

decp_struct! {
    /// A v1 public market (`marche`).
    pub struct Marche {
        /// Identifier, 7 to 16 characters: year, internal number, modification count (`id`).
        id: String = one("id");
        /// Buyer SIRET followed by `id` (`uid`).
        uid: String = one("uid");
        /// `Marché` (`_type`, JSON only).
        type_: Type = json_only("_type");
        /// The buyer (`acheteur`).
        acheteur: Acheteur = one("acheteur");
        /// Nature (`nature`).
        nature: NatureMarche = one("nature");
        /// Object, at most 256 characters (`objet`).
        objet: String = one("objet");
        /// CPV code (`codeCPV`).
        code_cpv: String = one("codeCPV");
        /// Award procedure (`procedure`).
        procedure: ProcedureMarche = one("procedure");
        /// Place of execution (`lieuExecution`).
        lieu_execution: LieuExecution = one("lieuExecution");
        /// Duration in months, ≥ 1 (`dureeMois`).
        duree_mois: i64 = one("dureeMois");
        /// Date of notification (`dateNotification`).
        date_notification: Date = one("dateNotification");
        /// Date of publication of the data (`datePublicationDonnees`).
        date_publication_donnees: Date = one("datePublicationDonnees");
        /// Amount excluding VAT, ≥ 0 (`montant`).
        montant: Decimal = one("montant");
        /// Form of the price (`formePrix`).
        forme_prix: FormePrix = one("formePrix");
        /// Holders, at least one (`titulaires`).
        titulaires: Vec<Field<Titulaire>> = list("titulaires", "titulaire");
        /// Changes, possibly none (`modifications`, required).
        modifications: Vec<Field<ModificationMarche>> = list("modifications", "modification");
    }
}

decp_struct! {
    /// A tariff (`tarif`).
    pub struct Tarif {
        /// Label, at most 256 characters (`intituleTarif`).
        intitule_tarif: String = one("intituleTarif");
        /// The tariff, ≥ 0 (`tarif`).
        tarif: Decimal = one("tarif");
    }
}

decp_struct! {
    /// Yearly execution data of a concession (`donneesAnnuelles`).
    pub struct DonneesAnnuelles {
        /// Date this data was published (`datePublicationDonneesExecution`).
        date_publication_donnees_execution: Date = one("datePublicationDonneesExecution");
        /// Investment spending, ≥ 0 (`depensesInvestissement`).
        depenses_investissement: Decimal = one("depensesInvestissement");
        /// Main tariffs, at least one (`tarifs`).
        tarifs: Vec<Field<Tarif>> = list("tarifs", "tarif");
    }
}

decp_struct! {
    /// A change to a concession (`modification`).
    pub struct ModificationConcession {
        /// What changed, in prose, at most 256 characters (`objetModification`).
        objet_modification: String = one("objetModification");
        /// Date the change was signed (`dateSignatureModification`).
        date_signature_modification: Date = one("dateSignatureModification");
        /// Date the change's data was published (`datePublicationDonneesModification`).
        date_publication_donnees_modification: Date = one("datePublicationDonneesModification");
        /// New duration in months, ≥ 1 (`dureeMois`).
        duree_mois: i64 = one("dureeMois");
        /// New global value, ≥ 0 (`valeurGlobale`).
        valeur_globale: Decimal = one("valeurGlobale");
    }
}

decp_struct! {
    /// A v1 concession contract (`contrat-concession`).
    pub struct ContratConcession {
        /// Identifier, 7 to 16 characters (`id`).
        id: String = one("id");
        /// Authority SIRET followed by `id` (`uid`).
        uid: String = one("uid");
        /// `Contrat de concession` (`_type`, JSON only).
        type_: Type = json_only("_type");
        /// The granting authority (`autoriteConcedante`).
        autorite_concedante: Acheteur = one("autoriteConcedante");
        /// Nature (`nature`).
        nature: NatureConcession = one("nature");
        /// Object, at most 256 characters (`objet`).
        objet: String = one("objet");
        /// Award procedure (`procedure`).
        procedure: ProcedureConcession = one("procedure");
        /// Place of execution (`lieuExecution`); v2 concessions have none.
        lieu_execution: LieuExecution = one("lieuExecution");
        /// Duration in months, ≥ 1 (`dureeMois`).
        duree_mois: i64 = one("dureeMois");
        /// Date of signature (`dateSignature`).
        date_signature: Date = one("dateSignature");
        /// Date of publication of the data (`datePublicationDonnees`).
        date_publication_donnees: Date = one("datePublicationDonnees");
        /// Date execution started (`dateDebutExecution`).
        date_debut_execution: Date = one("dateDebutExecution");
        /// Global value (`valeurGlobale`).
        valeur_globale: Decimal = one("valeurGlobale");
        /// Public subsidy, ≥ 0 (`montantSubventionPublique`).
        montant_subvention_publique: Decimal = one("montantSubventionPublique");
        /// Yearly execution data, possibly none (`donneesExecution`, required).
        donnees_execution: Vec<Field<DonneesAnnuelles>> = list("donneesExecution", "donneesAnnuelles");
        /// Holders, at least one (`concessionnaires`).
        concessionnaires: Vec<Field<Titulaire>> = list("concessionnaires", "concessionnaire");
        /// Changes, possibly none (`modifications`, required).
        modifications: Vec<Field<ModificationConcession>> = list("modifications", "modification");
    }
}
