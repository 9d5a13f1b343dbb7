//! Findings about records: stable codes, severities, paths and bilingual messages.
//!
//! Every finding is an [`Issue`]. Its [`IssueCode`] is stable (never renamed) and
//! documented in the [`catalogue`], which is generated from the definitions below,
//! not maintained by hand.

use std::fmt;

use crate::error::Position;

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

/// The family of a finding (DESIGN §5).
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
}

impl Family {
    /// `schema`, `rule`, `quality` or `repair`.
    pub fn as_str(self) -> &'static str {
        match self {
            Family::Schema => "schema",
            Family::Rule => "rule",
            Family::Quality => "quality",
            Family::Repair => "repair",
        }
    }
}

/// The language of messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// French (the default: the format and its users are French).
    #[default]
    Fr,
    /// English.
    En,
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
        fr: "type invalide : {expected} attendu, trouvé « {value} »",
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
    /// What was expected, for the message (a type, or the list of allowed labels).
    pub expected: Option<String>,
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
        self.code
            .template(lang)
            .replace("{value}", self.value.as_deref().unwrap_or(""))
            .replace("{expected}", self.expected.as_deref().unwrap_or(""))
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
    })
}
