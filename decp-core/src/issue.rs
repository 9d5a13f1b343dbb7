//! Findings about records: stable codes, severities, paths and bilingual messages.
//!
//! Every finding is an [`Issue`]. Its [`IssueCode`] is stable (never renamed) and
//! documented in the [`catalogue`], which is generated from the definitions below,
//! not maintained by hand.

use std::fmt;

pub use crate::message::Lang;
use crate::message::Message;
use crate::position::Position;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// A repair was applied (normalisation).
    Info,
    /// Likely wrong, but allowed by the official schemas and the regulation.
    Warning,
    /// The official schema or the regulation is violated.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The family of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    /// What the official JSON schema or XSD would reject.
    Schema,
    /// Regulatory rules the schemas cannot express.
    Rule,
    /// Data-quality warnings.
    Quality,
    /// Repairs made by the normaliser.
    Repair,
    /// What the v1 → v2 upgrade mapped, dropped or could not supply.
    Upgrade,
    /// What a conversion could not write.
    Convert,
}

impl Family {
    /// `schema`, `rule`, `quality`, `repair`, `upgrade` or `convert`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Schema => "schema",
            Family::Rule => "rule",
            Family::Quality => "quality",
            Family::Repair => "repair",
            Family::Upgrade => "upgrade",
            Family::Convert => "convert",
        }
    }
}

macro_rules! issue_codes {
    ($(
        $(#[$m:meta])*
        $variant:ident = $code:literal, $family:ident, $severity:ident,
            fr: $fr:literal, en: $en:literal;
    )*) => {
        /// A stable finding code. The string form (`schema.enum`) never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum IssueCode {
            $( $(#[$m])* $variant, )*
        }

        impl IssueCode {
            /// Every code, in catalogue order.
            pub const ALL: &'static [IssueCode] = &[$(IssueCode::$variant),*];

            /// The stable dotted code, e.g. `schema.enum`.
            pub fn as_str(self) -> &'static str {
                match self { $(IssueCode::$variant => $code,)* }
            }

            /// The family the code belongs to.
            pub fn family(self) -> Family {
                match self { $(IssueCode::$variant => Family::$family,)* }
            }

            /// The severity of findings with this code.
            pub fn severity(self) -> Severity {
                match self { $(IssueCode::$variant => Severity::$severity,)* }
            }

            /// The message template; `{value}` and `{expected}` are filled in.
            pub fn template(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((IssueCode::$variant, Lang::Fr) => $fr,
                      (IssueCode::$variant, Lang::En) => $en,)*
                }
            }

            /// Looks a code up by its string form.
            pub fn from_code(code: &str) -> Option<IssueCode> {
                match code { $($code => Some(IssueCode::$variant),)* _ => None }
            }
        }
    };
}

issue_codes! {
    /// A value has the wrong type (a string where a number is expected, an amount
    /// that is not a decimal number, an integer with a fraction…).
    Type = "schema.type", Schema, Error,
        fr: "type invalide : trouvé « {value} », attendu : {expected}",
        en: "wrong type: expected {expected}, found “{value}”";
    /// A label is not one of the official values of its enumeration.
    Enum = "schema.enum", Schema, Error,
        fr: "valeur « {value} » hors de la liste officielle ({expected})",
        en: "value “{value}” is not in the official list ({expected})";
    /// A date is not a real calendar date written `YYYY-MM-DD`.
    Date = "schema.date", Schema, Error,
        fr: "date invalide « {value} » : une date AAAA-MM-JJ est attendue",
        en: "invalid date “{value}”: expected a YYYY-MM-DD date";
    /// A member the official schema does not define.
    AdditionalProperty = "schema.additional_property", Schema, Error,
        fr: "champ inconnu du schéma officiel : « {value} »",
        en: "field not defined by the official schema: “{value}”";
    /// The same member appears twice in one object or element.
    DuplicateField = "schema.duplicate_field", Schema, Error,
        fr: "champ « {value} » présent plusieurs fois",
        en: "field “{value}” appears more than once";
    /// The input is JSON but not a DECP document: its root has no `marches` member
    /// (a JSON schema, an export of something else). `value` lists the members
    /// the root has.
    NotDecp = "schema.not_decp", Schema, Error,
        fr: "pas un document DECP : la racine n'a pas de membre « marches » (membres trouvés : {value})",
        en: "not a DECP document: the root has no “marches” member (members found: {value})";
    /// An XML document type declaration (`<!DOCTYPE …>`): DECP has none, and its
    /// declarations (entities, default attributes) are not applied — a record that
    /// uses a declared entity is unreadable. Reading goes on.
    Doctype = "schema.doctype", Schema, Warning,
        fr: "déclaration DOCTYPE ignorée : DECP n'en a pas, ses entités et valeurs par défaut ne sont pas appliquées",
        en: "DOCTYPE declaration ignored: DECP has none, and its entities and default values are not applied";
    /// A record that cannot be read (broken syntax inside it, or a value refused in
    /// strict mode); reading went on with the next record.
    Syntax = "schema.syntax", Schema, Error,
        fr: "enregistrement illisible : {value}",
        en: "unreadable record: {value}";
    /// A required member is missing.
    Required = "schema.required", Schema, Error,
        fr: "champ obligatoire absent : {expected}",
        en: "required field missing: {expected}";
    /// A string is shorter than the schema allows.
    MinLength = "schema.min_length", Schema, Error,
        fr: "« {value} » est trop court (au moins {expected} caractères)",
        en: "“{value}” is too short (at least {expected} characters)";
    /// A string is longer than the schema allows.
    MaxLength = "schema.max_length", Schema, Error,
        fr: "valeur trop longue (au plus {expected} caractères) : « {value} »",
        en: "value too long (at most {expected} characters): “{value}”";
    /// A string does not match the schema's pattern (SIRET of the buyer, CPV code).
    Pattern = "schema.pattern", Schema, Error,
        fr: "« {value} » ne respecte pas le format attendu ({expected})",
        en: "“{value}” does not have the expected format ({expected})";
    /// A number is below the schema's minimum.
    Minimum = "schema.minimum", Schema, Error,
        fr: "{value} est inférieur au minimum autorisé ({expected})",
        en: "{value} is below the allowed minimum ({expected})";
    /// A number is above the schema's maximum.
    Maximum = "schema.maximum", Schema, Error,
        fr: "{value} est supérieur au maximum autorisé ({expected})",
        en: "{value} is above the allowed maximum ({expected})";
    /// A list has fewer items than required. An empty `donneesExecution` is accepted
    /// by the JSON schema 2.0.2+ but not by the XSD, so it is reported here.
    MinItems = "schema.min_items", Schema, Error,
        fr: "liste vide : au moins {expected} élément attendu",
        en: "empty list: at least {expected} item expected";
    /// A list holds the same item twice (JSON schema `uniqueItems`).
    UniqueItems = "schema.unique_items", Schema, Error,
        fr: "élément en double dans la liste : « {value} »",
        en: "duplicate item in the list: “{value}”";
    /// A SIRET whose check digit (Luhn) is wrong; La Poste's SIRETs (SIREN 356000000)
    /// follow their own rule (sum of digits divisible by 5).
    SiretChecksum = "rule.siret_checksum", Rule, Error,
        fr: "SIRET invalide « {value} » : la clé de contrôle (Luhn) est fausse",
        en: "invalid SIRET “{value}”: wrong check digit (Luhn)";
    /// The SIREN part (first 9 digits) of a SIRET fails its own Luhn check.
    SirenChecksum = "rule.siren_checksum", Rule, Error,
        fr: "SIREN invalide dans « {value} » : la clé de contrôle (Luhn) des 9 premiers chiffres est fausse",
        en: "invalid SIREN in “{value}”: the first 9 digits fail their check (Luhn)";
    /// An identifier does not have the format of its `typeIdentifiant`.
    IdentifierFormat = "rule.identifier_format", Rule, Error,
        fr: "identifiant « {value} » au format incorrect pour le type {expected}",
        en: "identifier “{value}” does not have the format of type {expected}";
    /// The CPV code is not in the CPV 2008 list.
    CpvUnknown = "rule.cpv_unknown", Rule, Error,
        fr: "code CPV « {value} » absent de la nomenclature CPV 2008",
        en: "CPV code “{value}” is not in the CPV 2008 list";
    /// The CPV code's check digit is not the official one.
    CpvCheckDigit = "rule.cpv_check_digit", Rule, Error,
        fr: "clé de contrôle du code CPV « {value} » incorrecte (attendu {expected})",
        en: "wrong check digit in CPV code “{value}” (expected {expected})";
    /// `origineUE` is below `origineFrance` (French products are European too).
    OrigineUeBelowFrance = "rule.origine_ue_below_france", Rule, Error,
        fr: "origineUE ({value}) est inférieure à origineFrance ({expected})",
        en: "origineUE ({value}) is below origineFrance ({expected})";
    /// A modification or subcontracting act id is used twice.
    IdNotUnique = "rule.id_not_unique", Rule, Error,
        fr: "numéro {value} utilisé plusieurs fois dans la liste",
        en: "number {value} is used more than once in the list";
    /// Ids are not increasing in the order of notification (or signature).
    IdNotIncreasing = "rule.id_not_increasing", Rule, Error,
        fr: "les numéros ne croissent pas dans l'ordre des dates de notification ({value})",
        en: "numbers do not increase in notification-date order ({value})";
    /// A modification or act dated before the contract itself.
    DateBeforeContract = "rule.date_before_contract", Rule, Error,
        fr: "date {value} antérieure à celle du contrat ({expected})",
        en: "date {value} is before the contract's date ({expected})";
    /// Data published before the contract (or modification) was notified.
    PublicationBeforeNotification = "rule.publication_before_notification", Rule, Error,
        fr: "publication le {value}, avant la notification ou la signature du {expected}",
        en: "published on {value}, before notification or signature on {expected}";
    /// A date after today.
    DateInFuture = "rule.date_in_future", Rule, Error,
        fr: "date {value} dans le futur (aujourd'hui : {expected})",
        en: "date {value} is in the future (today: {expected})";
    /// `lieuExecution.code` does not have the format its `typeCode` announces. A
    /// warning: neither the official schemas nor the regulation define these
    /// formats, so the check (INSEE geographic codes, overseas collectivities
    /// included) is a heuristic.
    LieuCodeFormat = "rule.lieu_code_format", Rule, Warning,
        fr: "code « {value} » incohérent avec le type de code {expected}",
        en: "code “{value}” does not fit the code type {expected}";
    /// A change to a subcontracting act that names no existing act.
    ModificationActeUnknown = "rule.modification_acte_unknown", Rule, Error,
        fr: "la modification d'acte de sous-traitance vise l'acte {value}, absent de actesSousTraitance",
        en: "the subcontracting-act modification refers to act {value}, which is not in actesSousTraitance";
    /// `tauxAvance` contradicts `attributionAvance` (a rate without an advance).
    TauxAvanceInconsistent = "rule.taux_avance_inconsistent", Rule, Warning,
        fr: "tauxAvance {value} alors qu'aucune avance n'est attribuée (attributionAvance = false)",
        en: "tauxAvance {value} although no advance is granted (attributionAvance = false)";
    /// A "none" label (`Sans objet`, `Pas de …`) listed with other labels.
    ExclusiveLabel = "rule.exclusive_label", Rule, Warning,
        fr: "« {value} » ne peut pas être combiné avec d'autres valeurs",
        en: "“{value}” cannot be combined with other values";
    /// A subsequent market (`Marchés subséquents`) without `idAccordCadre`.
    AccordCadreExpected = "rule.accord_cadre_expected", Rule, Warning,
        fr: "marché subséquent sans idAccordCadre",
        en: "subsequent market without idAccordCadre";
    /// Amount below the 40 000 € HT publication threshold.
    BelowThreshold = "rule.below_threshold", Rule, Warning,
        fr: "montant {value} € HT sous le seuil de publication en vigueur à la notification ({expected} € HT ; 25 000 € jusqu'au 31 décembre 2019, 40 000 € depuis le 1er janvier 2020)",
        en: "amount {value} € excl. VAT is below the publication threshold in force at notification ({expected} € excl. VAT; 25,000 € until 31 December 2019, 40,000 € since 1 January 2020)";
    /// Subcontracting acts present while `sousTraitanceDeclaree` is false.
    SousTraitanceInconsistent = "rule.sous_traitance_inconsistent", Rule, Warning,
        fr: "actes de sous-traitance présents alors que sousTraitanceDeclaree vaut false",
        en: "subcontracting acts present while sousTraitanceDeclaree is false";
    /// An amount that is very unlikely (≤ 1 €, repeated digits, over 3 billion €).
    AmountImplausible = "quality.amount_implausible", Quality, Warning,
        fr: "montant peu plausible : {value} ({expected})",
        en: "implausible amount: {value} ({expected})";
    /// A duration over 180 months.
    DurationImplausible = "quality.duration_implausible", Quality, Warning,
        fr: "durée peu plausible : {value} mois (plus de {expected})",
        en: "implausible duration: {value} months (more than {expected})";
    /// The buyer is also a holder.
    BuyerIsHolder = "quality.buyer_is_holder", Quality, Warning,
        fr: "l'acheteur {value} est aussi titulaire",
        en: "the buyer {value} is also a holder";
    /// Published more than two months after notification.
    PublicationDelay = "quality.publication_delay", Quality, Warning,
        fr: "données publiées le {value}, plus de deux mois après la notification ({expected})",
        en: "data published on {value}, more than two months after notification ({expected})";
    /// A modification that changes nothing the data can carry (no amount or value,
    /// duration or holders): a contract state identical to the one before.
    ModificationNoChange = "quality.modification_no_change", Quality, Warning,
        fr: "modification {value} sans changement de montant, de durée ni de titulaires",
        en: "modification {value} changes neither the amount, the duration nor the holders";
    /// An `objet` too short to say anything.
    ObjetTooShort = "quality.objet_too_short", Quality, Warning,
        fr: "objet trop court pour être informatif : « {value} »",
        en: "objet too short to be meaningful: “{value}”";
    /// A placeholder for "no value" (`NC`, `""`, `nan`, `null`, NaN, a blank XML
    /// element) where a value of another type is expected: the member is left out.
    RepairPlaceholder = "repair.placeholder", Repair, Info,
        fr: "valeur de remplissage « {value} » lue comme une absence de valeur",
        en: "placeholder “{value}” read as no value";
    /// A date with a time-zone suffix, a time, or one-digit month or day.
    RepairDate = "repair.date", Repair, Info,
        fr: "date « {value} » lue comme {expected}",
        en: "date “{value}” read as {expected}";
    /// A number written as a string, with spaces or a decimal comma; an id written as a number.
    RepairNumber = "repair.number", Repair, Info,
        fr: "« {value} » lu comme {expected}",
        en: "“{value}” read as {expected}";
    /// A boolean written as a string (`oui`, `1`, `True`…).
    RepairBoolean = "repair.boolean", Repair, Info,
        fr: "booléen « {value} » lu comme {expected}",
        en: "boolean “{value}” read as {expected}";
    /// A label in another case, without accents, with a typographic apostrophe, or
    /// renamed since (1.4 procedures, identifier types).
    RepairLabel = "repair.label", Repair, Info,
        fr: "libellé « {value} » remplacé par le libellé officiel « {expected} »",
        en: "label “{value}” replaced by the official label “{expected}”";
    /// A SIRET or SIREN written with spaces, dots or dashes.
    RepairIdentifier = "repair.identifier", Repair, Info,
        fr: "identifiant « {value} » lu comme {expected}",
        en: "identifier “{value}” read as {expected}";
    /// A CPV code that lost its leading zero or the dash before its check digit.
    RepairCpv = "repair.cpv", Repair, Info,
        fr: "code CPV « {value} » lu comme {expected}",
        en: "CPV code “{value}” read as {expected}";
    /// A list given as a single value or object, a list of lists, or in the other
    /// version's wrapper shape.
    RepairListShape = "repair.list_shape", Repair, Info,
        fr: "liste de forme non officielle ({value}) lue comme {expected}",
        en: "list in an unofficial shape ({value}) read as {expected}";
    /// A flat dotted key (`"acheteur.id"`) read as a nested member.
    RepairDottedKey = "repair.dotted_key", Repair, Info,
        fr: "clé à plat « {value} » lue comme {expected}",
        en: "flat key “{value}” read as {expected}";
    /// A v1 member left in a v2 record (`acheteur.nom`, `denominationSociale`,
    /// `lieuExecution.nom`, `uid`, `_type`, `objetModification`): taken out, its
    /// value kept in the finding.
    RepairV1Field = "repair.v1_field", Repair, Info,
        fr: "champ v1 « {expected} » retiré d'un enregistrement v2 (valeur : « {value} »)",
        en: "v1 field “{expected}” taken out of a v2 record (value: “{value}”)";
    /// A character XML 1.0 forbids (a control character but tab, line feed and
    /// carriage return; U+FFFE, U+FFFF) in a text: no XML document can hold it.
    XmlCharacter = "schema.xml_character", Schema, Error,
        fr: "caractère interdit par XML 1.0 ({expected}) dans « {value} »",
        en: "character forbidden by XML 1.0 ({expected}) in “{value}”";
    /// A C1 control character (U+0080–U+009F) in a text: legal, but what remains of
    /// Windows-1252 text read as ISO-8859-1 (`’` read as U+0092).
    ControlCharacter = "quality.control_character", Quality, Warning,
        fr: "caractère de contrôle {expected} dans « {value} » (texte Windows-1252 lu comme ISO-8859-1 ?)",
        en: "control character {expected} in “{value}” (Windows-1252 text read as ISO-8859-1?)";
    /// A character XML 1.0 forbids dropped, or C1 control characters read as the
    /// Windows-1252 characters they stand for.
    RepairCharacter = "repair.character", Repair, Info,
        fr: "caractères de contrôle corrigés : « {value} » lu comme « {expected} »",
        en: "control characters fixed: “{value}” read as “{expected}”";
    /// An XML declaration's encoding label read as another encoding, as the WHATWG
    /// encoding standard reads it: `ISO-8859-1`, `latin1` and `us-ascii` mean
    /// Windows-1252, whose bytes 0x80–0x9F are characters (`’`, `œ`, `€`…).
    EncodingRelabelled = "repair.encoding_label", Repair, Info,
        fr: "encodage déclaré « {value} » lu comme {expected} (norme WHATWG de l'encodage : les octets 0x80–0x9F y sont des caractères)",
        en: "declared encoding “{value}” read as {expected} (WHATWG encoding standard: bytes 0x80–0x9F are characters there)";
    /// A record the output format cannot carry (a character XML 1.0 forbids, a v1
    /// record in a v2 document): not written, the conversion goes on without it.
    NotWritten = "convert.not_written", Convert, Error,
        fr: "enregistrement non écrit : le format de sortie ne peut pas le porter ({value})",
        en: "record not written: the output format cannot carry it ({value})";
    /// A record left out by deduplication: the same contract (same key: buyer,
    /// id, notification date, holders, amount) is kept from another record,
    /// `expected` (`source#n`, records counted from 1); `value` names the
    /// criterion that chose it (`datePublicationDonnees`, `findings`, `fields`,
    /// `prefer`, `content`, `identical`).
    Duplicate = "convert.duplicate", Convert, Info,
        fr: "doublon laissé de côté : le même contrat est gardé depuis {expected} (critère : {value})",
        en: "duplicate left out: the same contract is kept from {expected} (criterion: {value})";
    /// A record identical to one already written to an output that cannot hold
    /// it twice (an OCDS package: release ids are unique within an `ocid`): not
    /// repeated.
    Repeated = "convert.repeated", Convert, Info,
        fr: "enregistrement identique à un enregistrement déjà écrit : non répété",
        en: "record identical to one already written: not repeated";
    /// A near duplicate: same buyer, id and notification date as `expected`, but
    /// `value` (`montant`, `titulaires`) differs; both are kept.
    NearDuplicate = "convert.near_duplicate", Convert, Warning,
        fr: "quasi-doublon de {expected} : même acheteur, même id, même date, mais {value} diffère ; les deux sont gardés",
        en: "near duplicate of {expected}: same buyer, id and date, but {value} differs; both are kept";
    /// A value that a flat table's column type cannot hold exactly (an amount with
    /// more than ten decimals): null in the table, kept here.
    TableValue = "convert.table_value", Convert, Warning,
        fr: "valeur « {value} » non représentable exactement dans la colonne {expected} : laissée vide",
        en: "value “{value}” cannot be held exactly by column {expected}: left empty";
    /// A record that is not UTF-8, read as Windows-1252 (a superset of ISO-8859-1).
    RepairEncoding = "repair.encoding", Repair, Info,
        fr: "enregistrement non UTF-8 lu en {expected}",
        en: "record that is not UTF-8 read as {expected}";
    /// A v1 procedure label of schema 1.4, which 1.5 renamed (accepted).
    V14Label = "rule.v1_4_label", Rule, Warning,
        fr: "libellé de la version 1.4 « {value} », remplacé en 1.5 par « {expected} »",
        en: "schema 1.4 label “{value}”, replaced in 1.5 by “{expected}”";
    /// A v1 field that v2 has no place for; its value is kept in the finding.
    UpgradeDropped = "upgrade.field_dropped", Upgrade, Warning,
        fr: "champ v1 sans équivalent en v2, non repris : « {value} »",
        en: "v1 field with no v2 equivalent, not carried over: “{value}”";
    /// A field v2 requires that v1 data cannot supply; left absent, not invented.
    UpgradeNoSource = "upgrade.no_source", Upgrade, Warning,
        fr: "champ obligatoire en v2 sans source en v1, à compléter : {expected}",
        en: "field required by v2 with no v1 source, to be supplied: {expected}";
    /// A v1 value carried to a different v2 place or label.
    UpgradeMapped = "upgrade.mapped", Upgrade, Info,
        fr: "valeur v1 « {value} » reprise en v2 : {expected}",
        en: "v1 value “{value}” carried over to v2 as {expected}";
}

impl IssueCode {
    /// Whether the check applies to v1 records (1.4, 1.5): every check that does
    /// not depend on a field only v2 has, the 1.4-label check and the upgrade's.
    pub fn applies_to_v1(self) -> bool {
        !matches!(
            self,
            IssueCode::OrigineUeBelowFrance
                | IssueCode::IdNotUnique
                | IssueCode::IdNotIncreasing
                | IssueCode::ModificationActeUnknown
                | IssueCode::TauxAvanceInconsistent
                | IssueCode::ExclusiveLabel
                | IssueCode::AccordCadreExpected
                | IssueCode::SousTraitanceInconsistent
                | IssueCode::ModificationNoChange
                | IssueCode::RepairV1Field
        )
    }

    /// Whether the check applies to v2 records (2.0.x): all but the 1.4-label
    /// check and the upgrade's findings.
    pub fn applies_to_v2(self) -> bool {
        self.family() != Family::Upgrade && self != IssueCode::V14Label
    }
}

impl fmt::Display for IssueCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding about one record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    /// The stable code.
    pub code: IssueCode,
    /// JSON Pointer into the official JSON shape, e.g.
    /// `/marches/marche/12/titulaires/0/titulaire/id`.
    pub path: String,
    /// Where the value is in the input, when it came from an input.
    pub position: Option<Position>,
    /// The offending value, rendered as text (strings as they are, anything else as
    /// compact JSON).
    pub value: Option<String>,
    /// What was expected, for the message, language-neutral: one of the tokens
    /// `string`, `integer`, `number`, `boolean`, `boolean-text` (XML's `oui`,
    /// `non`, `true`, `false`, `1`, `0`), `date` (`YYYY-MM-DD`), `object`, `array`,
    /// `digits-14`, `repeated-digits`, which [`Issue::message`] words in each language; otherwise a
    /// literal (the allowed labels, a bound, a date, a field name), used as it is.
    pub expected: Option<String>,
    /// For a finding about input that could not be read or written
    /// (`schema.syntax`, `convert.not_written`…): what the reader or writer met,
    /// language-neutral. [`Issue::message`] words it in place of `value`.
    pub detail: Option<Box<Message>>,
}

impl Issue {
    /// A finding with no position.
    pub fn new(code: IssueCode, path: impl Into<String>) -> Issue {
        Issue {
            code,
            path: path.into(),
            position: None,
            value: None,
            expected: None,
            detail: None,
        }
    }

    /// The severity (from the code).
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }

    /// The family (from the code).
    pub fn family(&self) -> Family {
        self.code.family()
    }

    /// The message in the given language.
    ///
    /// ```
    /// use decp_core::{Issue, IssueCode, Lang};
    /// let mut i = Issue::new(IssueCode::Date, "/marches/marche/0/dateNotification");
    /// i.value = Some("2024-13-45".into());
    /// assert_eq!(i.message(Lang::En), "invalid date “2024-13-45”: expected a YYYY-MM-DD date");
    /// ```
    pub fn message(&self, lang: Lang) -> String {
        let expected = expected_text(self.expected.as_deref().unwrap_or(""), lang);
        let detail = self.detail.as_ref().map(|d| d.text(lang));
        let value = detail.as_deref().or(self.value.as_deref()).unwrap_or("");
        self.code
            .template(lang)
            .replace("{value}", value)
            .replace("{expected}", expected)
    }
}

/// One step of a finding's path: a member name or a list index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A member of an object (`titulaires`), unescaped (`~1` is `/`, `~0` is `~`).
    Key(String),
    /// An item of a list.
    Index(u64),
}

impl Issue {
    /// The path as its segments, as Python's `loc` tuples or a C caller's walk
    /// want it: digits are list indexes (no DECP member name is a number).
    ///
    /// ```
    /// use decp_core::{Issue, IssueCode, PathSegment};
    /// let i = Issue::new(IssueCode::Required, "/marches/marche/3/titulaires/0/titulaire/id");
    /// let segs = i.path_segments();
    /// assert_eq!(segs[2], PathSegment::Index(3));
    /// assert_eq!(segs[6], PathSegment::Key("id".into()));
    /// ```
    pub fn path_segments(&self) -> Vec<PathSegment> {
        self.path
            .split('/')
            .skip(1)
            .filter(|s| !s.is_empty())
            .map(|s| match s.parse::<u64>() {
                Ok(i) if !s.starts_with('+') => PathSegment::Index(i),
                _ => PathSegment::Key(s.replace("~1", "/").replace("~0", "~")),
            })
            .collect()
    }
}

impl Issue {
    /// The finding as one JSON object: `code`, `family`, `severity`, `path`, `line`,
    /// `column`, `record`, `value`, `message` (in `lang`).
    pub fn to_json(&self, lang: Lang) -> String {
        self.to_json_with(lang, &[])
    }

    /// Like [`Issue::to_json`], with extra string members first (e.g. the file name
    /// in an NDJSON stream of findings).
    ///
    /// ```
    /// use decp_core::{Issue, IssueCode, Lang};
    /// let j = Issue::new(IssueCode::Required, "/marches/marche/0/id").to_json_with(Lang::En, &[("file", "a.json")]);
    /// assert!(j.starts_with(r#"{"file":"a.json","code":"schema.required""#));
    /// ```
    pub fn to_json_with(&self, lang: Lang, extra: &[(&str, &str)]) -> String {
        let mut out = crate::write_out::JsonOut::new(false);
        self.write_json(&mut out, lang, extra);
        String::from_utf8(out.into_inner()).unwrap_or_default()
    }

    /// Writes the finding as a JSON object, with extra leading string members.
    pub(crate) fn write_json(
        &self,
        out: &mut crate::write_out::JsonOut,
        lang: Lang,
        extra: &[(&str, &str)],
    ) {
        out.begin_object();
        for (k, v) in extra {
            out.key(k);
            out.string(v);
        }
        out.key("code");
        out.string(self.code.as_str());
        out.key("family");
        out.string(self.family().as_str());
        out.key("severity");
        out.string(self.severity().as_str());
        out.key("path");
        out.string(&self.path);
        let num = |out: &mut crate::write_out::JsonOut, k: &str, v: Option<u64>| {
            out.key(k);
            match v {
                Some(v) => out.raw_value(&v.to_string()),
                None => out.raw_value("null"),
            }
        };
        num(out, "line", self.position.map(|p| p.line));
        num(out, "column", self.position.map(|p| p.column));
        num(out, "record", self.position.and_then(|p| p.record));
        out.key("value");
        match &self.value {
            Some(v) => out.string(v),
            None => out.raw_value("null"),
        }
        out.key("message");
        out.string(&self.message(lang));
        out.end_object();
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.position {
            write!(f, "{}:{}: ", p.line, p.column)?;
        }
        write!(
            f,
            "[{}] {} ({})",
            self.code,
            self.message(Lang::Fr),
            self.path
        )
    }
}

/// The words of the neutral `expected` tokens (see [`Issue::expected`]); any
/// other `expected` is a literal value and stays as it is.
fn expected_text(e: &str, lang: Lang) -> &str {
    match (e, lang) {
        ("string", Lang::Fr) => "chaîne de caractères",
        ("integer", Lang::Fr) => "nombre entier",
        ("number", Lang::Fr) => "nombre décimal",
        ("number", Lang::En) => "decimal number",
        ("boolean", Lang::Fr) => "booléen",
        ("boolean-text", Lang::Fr) => "booléen (oui, non, true, false, 1, 0)",
        ("boolean-text", Lang::En) => "boolean (oui, non, true, false, 1, 0)",
        ("date", Lang::Fr) => "date (chaîne AAAA-MM-JJ)",
        ("date", Lang::En) => "date string",
        ("object", Lang::Fr) => "objet",
        ("array", Lang::Fr) => "liste",
        ("digits-14", Lang::Fr) => "14 chiffres",
        ("digits-14", Lang::En) => "14 digits",
        ("repeated-digits", Lang::Fr) => "chiffres répétés",
        ("repeated-digits", Lang::En) => "repeated digits",
        (other, _) => other,
    }
}

/// One entry of the catalogue of finding codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// The code.
    pub code: IssueCode,
    /// Its family.
    pub family: Family,
    /// Its severity.
    pub severity: Severity,
    /// The French message template.
    pub fr: &'static str,
    /// The English message template.
    pub en: &'static str,
    /// Whether the check applies to v1 records ([`IssueCode::applies_to_v1`]).
    pub v1: bool,
    /// Whether the check applies to v2 records ([`IssueCode::applies_to_v2`]).
    pub v2: bool,
}

/// The catalogue of every finding code, generated from the definitions.
///
/// ```
/// let codes: Vec<_> = decp_core::catalogue().map(|e| e.code.as_str()).collect();
/// assert!(codes.contains(&"schema.enum"));
/// ```
pub fn catalogue() -> impl Iterator<Item = CatalogueEntry> {
    IssueCode::ALL.iter().map(|&code| CatalogueEntry {
        code,
        family: code.family(),
        severity: code.severity(),
        fr: code.template(Lang::Fr),
        en: code.template(Lang::En),
        v1: code.applies_to_v1(),
        v2: code.applies_to_v2(),
    })
}
