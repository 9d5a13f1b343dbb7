//! The tables' columns: names, types and meanings, in one place. The Arrow
//! schemas, the CSV headers and the Frictionless Table Schema (`decp flatten
//! --schema`) are all made from these lists.

use std::sync::Arc;

use arrow_schema::{DataType, Field as ArrowField, Schema, SchemaRef};

/// A flat table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Table {
    /// One row per public contract × holder × state (`marche`), v1 or v2.
    Marches,
    /// One row per concession contract × concessionnaire × state.
    Concessions,
    /// One row per modification of a contract or concession.
    Modifications,
    /// One row per subcontracting act, and per modification of an act.
    ActesSousTraitance,
    /// One row per tariff of a concession's annual execution data (one row for
    /// annual data without tariffs).
    DonneesExecution,
    /// One row per finding, with the record's key.
    Findings,
}

use super::names::NameMap;
pub(crate) use super::names::Names;

/// A table's columns by name, and by parent object then member name.
type Lookup = (Names, NameMap<Names>);

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Col {
    /// Text (`utf8`): identifiers and codes too, so leading zeros and `2A` stay.
    Text,
    /// A date (`date32`).
    Date,
    /// An integer (`int64`).
    Int,
    /// An exact decimal (`decimal128(38, 10)`, or `float64` with `float`).
    Dec,
    /// A boolean.
    Bool,
    /// A list of texts (`list<utf8>`; a JSON array in CSV).
    List,
    /// A count or index (`uint64`).
    Index,
}

/// One column: its name, type and meaning.
pub(crate) type Column = (&'static str, Col, &'static str);

/// The text columns whose values come from a closed code list of the format
/// (`nature`, `procedure`, `ccag`…, the schema's `enum`s: see the DECP 2.0
/// schema), or repeat from row to row (`sourceFile`, `version`, a finding's
/// `code`): dictionary-encoded in Arrow when asked
/// ([`Table::schema_with`]). A name means the same in every table.
pub(crate) const CODES: &[&str] = &[
    "nature",
    "procedure",
    "techniques",
    "formePrix",
    "typesPrix",
    "modalitesExecution",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "ccag",
    "typeGroupementOperateurs",
    "titulaire_typeIdentifiant",
    "concessionnaire_typeIdentifiant",
    "sousTraitant_typeIdentifiant",
    "lieuExecution_typeCode",
    "variationPrix",
    "type",
    "kind",
    "code",
    "severity",
    "family",
    "version",
    "sourceFile",
    "duplicate_of_sourceFile",
];

/// The text columns whose least and greatest can skip a row group: those the
/// input comes grouped by (a buyer's contracts come together, in a file of
/// their own or in a run, and `uid` begins with the buyer's id) and the input
/// file. The Parquet files keep no statistics for the other texts: codes (nearly
/// every row group holds every code), identifiers in no order (a contract's or a
/// holder's id, a CPV code) and free prose give a least and a greatest no
/// filter uses, at two comparisons per value (4 % of `flatten`'s instructions
/// on `gen-corpus json 20`). Numbers, dates and flags keep theirs.
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
pub(crate) const PRUNING_TEXTS: &[&str] = &[
    "uid",
    "acheteur_id",
    "autoriteConcedante_id",
    "sourceFile",
    "duplicate_of_sourceFile",
];

/// The scale of decimal columns: ten digits after the point.
pub const DECIMAL_SCALE: i8 = 10;
/// The precision of decimal columns.
pub const DECIMAL_PRECISION: u8 = 38;

use Col::*;

pub(crate) const MARCHES: &[Column] = &[
    (
        "uid",
        Text,
        "the community tables' key: acheteur_id then id",
    ),
    ("id", Text, "the buyer's identifier of the contract (id)"),
    ("nature", Text, "nature"),
    ("acheteur_id", Text, "the buyer's SIRET (acheteur.id)"),
    (
        "acheteur_nom",
        Text,
        "the buyer's name (v1 acheteur.nom; null in v2)",
    ),
    (
        "titulaire_id",
        Text,
        "the holder's identifier (titulaires[].titulaire.id) in this state",
    ),
    (
        "titulaire_typeIdentifiant",
        Text,
        "the holder's identifier type",
    ),
    (
        "titulaire_rang",
        Int,
        "the holder's rank in the state's list of holders, from 1",
    ),
    ("objet", Text, "objet"),
    (
        "montant",
        Dec,
        "amount in euros HT; the state's value: as last modified",
    ),
    ("codeCPV", Text, "CPV code"),
    ("procedure", Text, "procedure"),
    ("techniques", List, "techniques"),
    (
        "dureeMois",
        Int,
        "duration in months; the state's value: as last modified",
    ),
    ("offresRecues", Int, "number of offers received"),
    ("dateNotification", Date, "the contract's notification date"),
    (
        "datePublicationDonnees",
        Date,
        "the contract's publication date (modifications do not change it)",
    ),
    ("formePrix", Text, "formePrix"),
    ("typesPrix", List, "typesPrix"),
    ("attributionAvance", Bool, "attributionAvance"),
    ("tauxAvance", Dec, "advance rate, in [0, 1]"),
    ("marcheInnovant", Bool, "marcheInnovant"),
    ("modalitesExecution", List, "modalitesExecution"),
    ("considerationsSociales", List, "considerationsSociales"),
    (
        "considerationsEnvironnementales",
        List,
        "considerationsEnvironnementales",
    ),
    ("ccag", Text, "ccag"),
    ("sousTraitanceDeclaree", Bool, "sousTraitanceDeclaree"),
    ("typeGroupementOperateurs", Text, "typeGroupementOperateurs"),
    (
        "origineUE",
        Dec,
        "share of products of EU origin, in [0, 1]",
    ),
    (
        "origineFrance",
        Dec,
        "share of products of French origin, in [0, 1]",
    ),
    ("lieuExecution_code", Text, "lieuExecution.code"),
    ("lieuExecution_typeCode", Text, "lieuExecution.typeCode"),
    ("idAccordCadre", Text, "idAccordCadre"),
    (
        "modification_id",
        Int,
        "id of the last modification applied in this state; null in the initial state",
    ),
    (
        "dateNotificationModification",
        Date,
        "notification date of that modification",
    ),
    (
        "datePublicationDonneesModification",
        Date,
        "publication date of that modification",
    ),
    (
        "donneesActuelles",
        Bool,
        "true for the contract's current state (its last)",
    ),
    ("sourceFile", Text, "the input the record was read from"),
    ("version", Text, "the record's source version (2, 1.5…)"),
    ("record", Index, "the record's index in its input, from 0"),
    (
        "duplicate_of_sourceFile",
        Text,
        "with flatten --dedup, when the record is a duplicate left out: the sourceFile of the record kept (null otherwise)",
    ),
    (
        "duplicate_of_record",
        Index,
        "with flatten --dedup, when the record is a duplicate left out: the record (from 0) of the record kept",
    ),
];

pub(crate) const CONCESSIONS: &[Column] = &[
    ("uid", Text, "autoriteConcedante_id then id"),
    (
        "id",
        Text,
        "the authority's identifier of the contract (id)",
    ),
    ("nature", Text, "nature"),
    (
        "autoriteConcedante_id",
        Text,
        "the granting authority's SIRET",
    ),
    (
        "autoriteConcedante_nom",
        Text,
        "its name (v1 autoriteConcedante.nom; null in v2)",
    ),
    (
        "concessionnaire_id",
        Text,
        "the concessionnaire's identifier in this state",
    ),
    (
        "concessionnaire_typeIdentifiant",
        Text,
        "its identifier type",
    ),
    ("concessionnaire_rang", Int, "its rank in the list, from 1"),
    ("objet", Text, "objet"),
    ("procedure", Text, "procedure"),
    (
        "dureeMois",
        Int,
        "duration in months; the state's value: as last modified",
    ),
    ("dateSignature", Date, "the contract's signature date"),
    (
        "datePublicationDonnees",
        Date,
        "the contract's publication date (modifications do not change it)",
    ),
    ("dateDebutExecution", Date, "dateDebutExecution"),
    (
        "valeurGlobale",
        Dec,
        "global value in euros HT; the state's value: as last modified",
    ),
    ("montantSubventionPublique", Dec, "public subsidy in euros"),
    ("considerationsSociales", List, "considerationsSociales"),
    (
        "considerationsEnvironnementales",
        List,
        "considerationsEnvironnementales",
    ),
    (
        "modification_id",
        Int,
        "id of the last modification applied in this state; null in the initial state",
    ),
    (
        "dateSignatureModification",
        Date,
        "signature date of that modification",
    ),
    (
        "datePublicationDonneesModification",
        Date,
        "publication date of that modification",
    ),
    (
        "donneesActuelles",
        Bool,
        "true for the contract's current state (its last)",
    ),
    ("sourceFile", Text, "the input the record was read from"),
    ("version", Text, "the record's source version"),
    ("record", Index, "the record's index in its input, from 0"),
    (
        "duplicate_of_sourceFile",
        Text,
        "with flatten --dedup, when the record is a duplicate left out: the sourceFile of the record kept (null otherwise)",
    ),
    (
        "duplicate_of_record",
        Index,
        "with flatten --dedup, when the record is a duplicate left out: the record (from 0) of the record kept",
    ),
];

pub(crate) const MODIFICATIONS: &[Column] = &[
    (
        "uid",
        Text,
        "the contract's key (marches.uid or concessions.uid)",
    ),
    ("kind", Text, "marche or contrat-concession"),
    ("modification_id", Int, "the modification's id"),
    (
        "modification_rang",
        Int,
        "its rank in the list as published, from 1",
    ),
    (
        "dateNotificationModification",
        Date,
        "notification date (marchés)",
    ),
    (
        "dateSignatureModification",
        Date,
        "signature date (concessions)",
    ),
    (
        "datePublicationDonneesModification",
        Date,
        "publication date",
    ),
    ("dureeMois", Int, "new duration in months, when changed"),
    (
        "montant",
        Dec,
        "new amount in euros HT, when changed (marchés)",
    ),
    (
        "valeurGlobale",
        Dec,
        "new global value in euros HT, when changed (concessions)",
    ),
    (
        "titulaires",
        List,
        "identifiers of the new holders, when changed (marchés)",
    ),
    ("sourceFile", Text, "the input the record was read from"),
    ("record", Index, "the record's index in its input, from 0"),
];

pub(crate) const ACTES_SOUS_TRAITANCE: &[Column] = &[
    ("uid", Text, "the contract's key (marches.uid)"),
    (
        "type",
        Text,
        "acte (an act) or modification (a modification of an act)",
    ),
    (
        "acte_id",
        Int,
        "the act's id (for a modification, the id it carries)",
    ),
    ("rang", Int, "rank in its list as published, from 1"),
    (
        "sousTraitant_id",
        Text,
        "the subcontractor's identifier (acts)",
    ),
    ("sousTraitant_typeIdentifiant", Text, "its identifier type"),
    ("dureeMois", Int, "duration in months"),
    (
        "dateNotification",
        Date,
        "notification date (of the act, or of its modification)",
    ),
    ("montant", Dec, "amount in euros HT"),
    ("variationPrix", Text, "variationPrix (acts)"),
    ("datePublicationDonnees", Date, "publication date"),
    ("sourceFile", Text, "the input the record was read from"),
    ("record", Index, "the record's index in its input, from 0"),
];

pub(crate) const DONNEES_EXECUTION: &[Column] = &[
    ("uid", Text, "the concession's key (concessions.uid)"),
    ("rang", Int, "rank of the annual data in its list, from 1"),
    (
        "datePublicationDonneesExecution",
        Date,
        "publication date of the annual data",
    ),
    (
        "depensesInvestissement",
        Dec,
        "investment spending in euros",
    ),
    (
        "tarif_rang",
        Int,
        "rank of the tariff, from 1; null when the annual data has none",
    ),
    ("intituleTarif", Text, "the tariff's label"),
    ("tarif", Dec, "the tariff in euros"),
    ("sourceFile", Text, "the input the record was read from"),
    ("record", Index, "the record's index in its input, from 0"),
];

pub(crate) const FINDINGS: &[Column] = &[
    ("uid", Text, "the record's key, when it could be read"),
    ("id", Text, "the record's id, when valid"),
    (
        "kind",
        Text,
        "marche or contrat-concession (null for a finding about the document)",
    ),
    ("code", Text, "the stable finding code (decp rules)"),
    ("severity", Text, "error, warning or info"),
    (
        "family",
        Text,
        "schema, rule, quality, repair, upgrade or convert",
    ),
    (
        "path",
        Text,
        "JSON Pointer of the value in the input's official JSON shape",
    ),
    ("line", Index, "line of the value, from 1"),
    ("column", Index, "column of the value, from 1 (characters)"),
    ("value", Text, "the value concerned, as it was"),
    ("message", Text, "the message, in the language asked"),
    ("sourceFile", Text, "the input the record was read from"),
    ("record", Index, "the record's index in its input, from 0"),
];

impl Table {
    /// Every table, in the order they are documented and written.
    pub const ALL: [Table; 6] = [
        Table::Marches,
        Table::Concessions,
        Table::Modifications,
        Table::ActesSousTraitance,
        Table::DonneesExecution,
        Table::Findings,
    ];

    /// The table's name, also its file's: `marches`, `concessions`,
    /// `modifications`, `actes_sous_traitance`, `donnees_execution`, `findings`.
    pub fn name(self) -> &'static str {
        match self {
            Table::Marches => "marches",
            Table::Concessions => "concessions",
            Table::Modifications => "modifications",
            Table::ActesSousTraitance => "actes_sous_traitance",
            Table::DonneesExecution => "donnees_execution",
            Table::Findings => "findings",
        }
    }

    /// The table named `name`.
    pub fn from_name(name: &str) -> Option<Table> {
        Table::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What one row is.
    pub fn description(self) -> &'static str {
        match self {
            Table::Marches => {
                "one row per public contract × holder × state (initial, then after each modification)"
            }
            Table::Concessions => "one row per concession contract × concessionnaire × state",
            Table::Modifications => "one row per modification of a contract or concession",
            Table::ActesSousTraitance => {
                "one row per subcontracting act and per modification of an act"
            }
            Table::DonneesExecution => "one row per tariff of a concession's annual execution data",
            Table::Findings => {
                "one row per finding (validation, repairs, upgrade, table conversion)"
            }
        }
    }

    /// The index of the column `name` (rows are filled by name).
    pub(crate) fn index(self, name: &str) -> Option<usize> {
        self.lookup().0.get(name).copied()
    }

    /// The columns named `{parent}_{name}`, by `name`: the members of the
    /// object `parent` that have a column (`acheteur` → `id` → `acheteur_id`).
    pub(crate) fn children(self, parent: &str) -> Option<&'static Names> {
        self.lookup().1.get(parent)
    }

    fn lookup(self) -> &'static Lookup {
        static MAPS: std::sync::OnceLock<Vec<Lookup>> = std::sync::OnceLock::new();
        let maps = MAPS.get_or_init(|| {
            Table::ALL
                .iter()
                .map(|t| {
                    let mut names = Vec::new();
                    let mut children: Vec<(&'static str, Vec<(&'static str, usize)>)> = Vec::new();
                    for (i, c) in t.columns().iter().enumerate() {
                        names.push((c.0, i));
                        // Every split at a `_`, as a record's walk would join them.
                        for (at, _) in c.0.match_indices('_') {
                            let (parent, member) = (&c.0[..at], &c.0[at + 1..]);
                            match children.iter_mut().find(|(p, _)| *p == parent) {
                                Some((_, m)) => m.push((member, i)),
                                None => children.push((parent, vec![(member, i)])),
                            }
                        }
                    }
                    let children = children
                        .into_iter()
                        .map(|(p, m)| (p, Names::new(m)))
                        .collect();
                    (Names::new(names), NameMap::new(children))
                })
                .collect()
        });
        &maps[self as usize]
    }

    pub(crate) const fn columns(self) -> &'static [Column] {
        match self {
            Table::Marches => MARCHES,
            Table::Concessions => CONCESSIONS,
            Table::Modifications => MODIFICATIONS,
            Table::ActesSousTraitance => ACTES_SOUS_TRAITANCE,
            Table::DonneesExecution => DONNEES_EXECUTION,
            Table::Findings => FINDINGS,
        }
    }

    /// The column names, in order.
    pub fn column_names(self) -> Vec<&'static str> {
        self.columns().iter().map(|c| c.0).collect()
    }

    /// The table's Arrow schema (every column nullable); decimals are
    /// `decimal128(38, 10)`, or `float64` with `float`.
    ///
    /// ```
    /// use decp_core::table::Table;
    /// let s = Table::Marches.schema(false);
    /// assert_eq!(s.field(0).name(), "uid");
    /// assert!(s.field_with_name("titulaire_id").is_ok());
    /// ```
    pub fn schema(self, float: bool) -> SchemaRef {
        self.schema_with(float, false)
    }

    /// The table's Arrow schema, with the columns of codes (`nature`,
    /// `procedure`, `ccag`, `techniques`' items…, and `sourceFile`, `version`)
    /// dictionary-encoded when `dictionary`: `dictionary<int32, utf8>` (pandas
    /// `category`, polars `Categorical`, DuckDB `VARCHAR`), and
    /// `list<dictionary<int32, utf8>>` for lists of codes. The values are the
    /// same texts, each held once per batch (`marches` takes about 40 % less
    /// memory). Parquet and CSV files hold plain texts.
    ///
    /// ```
    /// use arrow_schema::DataType;
    /// use decp_core::table::Table;
    /// let s = Table::Marches.schema_with(false, true);
    /// let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    /// assert_eq!(s.field_with_name("procedure").unwrap().data_type(), &dict);
    /// assert_eq!(s.field_with_name("objet").unwrap().data_type(), &DataType::Utf8);
    /// ```
    pub fn schema_with(self, float: bool, dictionary: bool) -> SchemaRef {
        let fields: Vec<ArrowField> = self
            .columns()
            .iter()
            .map(|&(name, col, _)| {
                ArrowField::new(
                    name,
                    data_type(col, float, dictionary && is_code(name)),
                    true,
                )
            })
            .collect();
        Arc::new(Schema::new(fields))
    }
}

/// Whether column `name` holds codes ([`CODES`]).
pub(crate) fn is_code(name: &str) -> bool {
    CODES.contains(&name)
}

/// Whether text column `name` keeps statistics ([`PRUNING_TEXTS`]).
#[cfg_attr(not(feature = "parquet"), allow(dead_code))]
pub(crate) fn is_pruning_text(name: &str) -> bool {
    PRUNING_TEXTS.contains(&name)
}

/// The Arrow type of a column; texts (and list items) dictionary-encoded when
/// `code`.
pub(crate) fn data_type(col: Col, float: bool, code: bool) -> DataType {
    let text = || match code {
        true => DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
        false => DataType::Utf8,
    };
    match col {
        Text => text(),
        Date => DataType::Date32,
        Int => DataType::Int64,
        Dec if float => DataType::Float64,
        Dec => DataType::Decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
        Bool => DataType::Boolean,
        List => DataType::List(Arc::new(ArrowField::new("item", text(), true))),
        Index => DataType::UInt64,
    }
}

/// The tables' schemas as a Frictionless Data Package (`profile`
/// `tabular-data-package`): one resource per table, its Table Schema's fields
/// with name, type, format and description. `csv` names the resources' files
/// `NAME.csv`, otherwise `NAME.parquet`.
pub fn frictionless_schema(float: bool, csv: bool) -> String {
    let mut out = String::from("{\n  \"profile\": \"tabular-data-package\",\n  \"resources\": [");
    for (k, t) in Table::ALL.iter().enumerate() {
        let ext = if csv { "csv" } else { "parquet" };
        out.push_str(if k == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {{\n      \"name\": {},\n      \"path\": \"{}.{ext}\",\n      \"description\": {},\n      \"schema\": {{\n        \"fields\": [",
            json_str(t.name()),
            t.name(),
            json_str(t.description())
        ));
        for (i, &(name, col, desc)) in t.columns().iter().enumerate() {
            let (ty, extra) = match col {
                Text => ("string", String::new()),
                Date => ("date", String::new()),
                Int | Index => ("integer", String::new()),
                Dec if float => ("number", String::new()),
                Dec => (
                    "number",
                    ", \"decimalPrecision\": 38, \"decimalScale\": 10".to_string(),
                ),
                Bool => ("boolean", String::new()),
                List => ("array", ", \"format\": \"json\"".to_string()),
            };
            out.push_str(if i == 0 { "\n" } else { ",\n" });
            out.push_str(&format!(
                "          {{\"name\": {}, \"type\": \"{ty}\"{extra}, \"description\": {}}}",
                json_str(name),
                json_str(desc)
            ));
        }
        out.push_str("\n        ]\n      }\n    }");
    }
    out.push_str("\n  ]\n}\n");
    out
}

fn json_str(s: &str) -> String {
    crate::raw::Raw::String(s.to_owned()).to_json()
}

// `Table as usize` is a table's place in `Table::ALL` (lookups index by it).
const _: () = {
    let mut i = 0;
    while i < Table::ALL.len() {
        assert!(Table::ALL[i] as usize == i);
        i += 1;
    }
};

/// The index of column `name` in `cols`, if any (usable in constants).
pub(crate) const fn find(cols: &[Column], name: &str) -> Option<usize> {
    let mut i = 0;
    while i < cols.len() {
        let (a, b) = (cols[i].0.as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut k = 0;
            while k < a.len() && a[k] == b[k] {
                k += 1;
            }
            if k == a.len() {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The index of column `name` in `cols`; in a constant, a compile-time error
/// when there is none.
pub(crate) const fn at(cols: &[Column], name: &str) -> usize {
    match find(cols, name) {
        Some(i) => i,
        None => panic!("no such column"),
    }
}

/// The index of column `$name` of table `$table`, found at compile time.
macro_rules! col {
    ($table:expr, $name:literal) => {{
        const I: usize = $crate::table::schema::at($table.columns(), $name);
        I
    }};
}
pub(crate) use col;

#[cfg(test)]
mod tests {
    use super::*;

    /// The types of the columns named `name`, in every table that has one.
    fn columns_named(name: &str) -> Vec<Col> {
        Table::ALL
            .iter()
            .filter_map(|t| t.columns().iter().find(|c| c.0 == name))
            .map(|c| c.1)
            .collect()
    }

    /// Every name of [`CODES`] is a text or list column of some table (a name
    /// misspelt would leave its column plain, unseen).
    #[test]
    fn every_code_is_a_column_of_texts() {
        for name in CODES {
            let cols = columns_named(name);
            assert!(!cols.is_empty(), "{name}: no such column");
            assert!(cols.iter().all(|c| matches!(c, Text | List)), "{name}");
        }
    }

    /// Every name of [`PRUNING_TEXTS`] is a text column of some table (a name
    /// misspelt would leave its column without statistics, unseen).
    #[test]
    fn every_pruning_text_is_a_column_of_texts() {
        for name in PRUNING_TEXTS {
            let cols = columns_named(name);
            assert!(!cols.is_empty(), "{name}: no such column");
            assert!(cols.iter().all(|c| matches!(c, Text)), "{name}");
        }
    }
}
