//! Flat tables of records as Arrow record batches (feature `arrow`).
//!
//! One row per record with its scalar members, for the tools analysts use
//! (pyarrow, polars, pandas, DuckDB, Spark). A column is named after the official
//! member it holds, nested members joined by `_` as in the community "format
//! tabulaire" (`acheteur_id`, `lieuExecution_code`), so existing notebooks keep
//! working. Lists (holders, modifications, considerations…) are not in these
//! tables: they are link tables of their own, planned with the contract states.
//!
//! Values come from the one walk of a record into a [`Sink`], the walk every
//! writer uses, so a column holds exactly what the JSON output holds. A value kept
//! verbatim because it does not fit its official type is `null` in a typed column
//! (its finding says why); a text column keeps the text of a number given where a
//! string was expected (`id: 123` is `"123"`). v1 records fill the columns whose
//! members they share with v2 (plus `acheteur_nom`); the `version` column tells
//! them apart.
//!
//! Types: identifiers and codes are strings (leading zeros, `2A`/`2B` kept), dates
//! are `date32`, durations and counts `int64`, amounts (euros HT) and rates (in
//! [0, 1]) `decimal128(38, 6)`: exact up to the micro-euro, a value with more
//! decimals is rounded half away from zero at the sixth.

use std::io::Read;
use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Int64Builder, StringBuilder,
    UInt64Builder,
};
use arrow_array::{ArrayRef, RecordBatch, RecordBatchReader};
use arrow_schema::{ArrowError, DataType, Field as ArrowField, Schema, SchemaRef};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::read::{RawRecord, Reader};
use crate::record::RecordKind;
use crate::record::{Record, Version};
use crate::sink::Sink;
use crate::workflow::Checked;

/// The scale of decimal columns: six digits after the point.
pub const DECIMAL_SCALE: i8 = 6;
/// The precision of decimal columns.
pub const DECIMAL_PRECISION: u8 = 38;

/// A flat table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Table {
    /// One row per public contract (`marche`), v1 or v2.
    Marches,
    /// One row per concession contract (`contrat-concession`), v1 or v2.
    Concessions,
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Text,
    Date,
    Int,
    Dec,
    Bool,
}

const MARCHES: &[(&str, Col)] = &[
    ("uid", Col::Text),
    ("id", Col::Text),
    ("acheteur_id", Col::Text),
    ("acheteur_nom", Col::Text),
    ("nature", Col::Text),
    ("objet", Col::Text),
    ("codeCPV", Col::Text),
    ("procedure", Col::Text),
    ("lieuExecution_code", Col::Text),
    ("lieuExecution_typeCode", Col::Text),
    ("dureeMois", Col::Int),
    ("dateNotification", Col::Date),
    ("datePublicationDonnees", Col::Date),
    ("montant", Col::Dec),
    ("formePrix", Col::Text),
    ("idAccordCadre", Col::Text),
    ("marcheInnovant", Col::Bool),
    ("ccag", Col::Text),
    ("offresRecues", Col::Int),
    ("attributionAvance", Col::Bool),
    ("tauxAvance", Col::Dec),
    ("typeGroupementOperateurs", Col::Text),
    ("origineUE", Col::Dec),
    ("origineFrance", Col::Dec),
    ("sousTraitanceDeclaree", Col::Bool),
];

const CONCESSIONS: &[(&str, Col)] = &[
    ("uid", Col::Text),
    ("id", Col::Text),
    ("autoriteConcedante_id", Col::Text),
    ("autoriteConcedante_nom", Col::Text),
    ("nature", Col::Text),
    ("objet", Col::Text),
    ("procedure", Col::Text),
    ("lieuExecution_code", Col::Text),
    ("lieuExecution_typeCode", Col::Text),
    ("dureeMois", Col::Int),
    ("dateSignature", Col::Date),
    ("datePublicationDonnees", Col::Date),
    ("dateDebutExecution", Col::Date),
    ("valeurGlobale", Col::Dec),
    ("montantSubventionPublique", Col::Dec),
];

/// Columns every table ends with: the record's source version (`"2.0"`, `"1.0"`…)
/// and its index in its document (from 0).
const TRAILER: &[&str] = &["version", "record"];

impl Table {
    /// The table's name: `marches` or `concessions`.
    pub fn name(self) -> &'static str {
        match self {
            Table::Marches => "marches",
            Table::Concessions => "concessions",
        }
    }

    /// The table named `name` (`marches`, `concessions`).
    pub fn from_name(name: &str) -> Option<Table> {
        match name {
            "marches" => Some(Table::Marches),
            "concessions" => Some(Table::Concessions),
            _ => None,
        }
    }

    /// The kind of record the table holds.
    pub fn kind(self) -> RecordKind {
        match self {
            Table::Marches => RecordKind::Marche,
            Table::Concessions => RecordKind::Concession,
        }
    }

    fn columns(self) -> &'static [(&'static str, Col)] {
        match self {
            Table::Marches => MARCHES,
            Table::Concessions => CONCESSIONS,
        }
    }

    /// The table's Arrow schema (every column nullable).
    ///
    /// ```
    /// use decp_core::table::Table;
    /// let s = Table::Marches.schema();
    /// assert_eq!(s.field(0).name(), "uid");
    /// assert!(s.field_with_name("dateNotification").is_ok());
    /// ```
    pub fn schema(self) -> SchemaRef {
        let mut fields: Vec<ArrowField> = self
            .columns()
            .iter()
            .map(|&(name, col)| {
                let t = match col {
                    Col::Text => DataType::Utf8,
                    Col::Date => DataType::Date32,
                    Col::Int => DataType::Int64,
                    Col::Dec => DataType::Decimal128(DECIMAL_PRECISION, DECIMAL_SCALE),
                    Col::Bool => DataType::Boolean,
                };
                ArrowField::new(name, t, true)
            })
            .collect();
        fields.push(ArrowField::new(TRAILER[0], DataType::Utf8, true));
        fields.push(ArrowField::new(TRAILER[1], DataType::UInt64, true));
        Arc::new(Schema::new(fields))
    }
}

/// A scalar met by the walk, typed where the model knows its type.
#[derive(Debug, Clone)]
enum Scalar {
    Text(String),
    Number(String),
    Int(i64),
    Dec(Decimal),
    Date(NaiveDate),
    Bool(bool),
}

/// A [`Sink`] that keeps, of a record's scalars at depth 1 and 2 (`montant`,
/// `acheteur/id`), those named by a column (`montant`, `acheteur_id`) in that
/// column's slot; lists are skipped. Nothing is allocated but the slots' text.
struct Flat {
    columns: &'static [(&'static str, Col)],
    /// The member holding the current depth-2 object (`acheteur`).
    parent: String,
    /// The next member's name, when it is a column's (its index) or a parent.
    key: Option<usize>,
    name: String,
    /// Depth of arrays entered (values inside are skipped).
    in_array: usize,
    objects: usize,
    slots: Vec<Option<Scalar>>,
}

impl Flat {
    fn new(columns: &'static [(&'static str, Col)]) -> Flat {
        Flat {
            columns,
            parent: String::new(),
            key: None,
            name: String::new(),
            in_array: 0,
            objects: 0,
            slots: vec![None; columns.len()],
        }
    }

    fn put(&mut self, v: Scalar) {
        if let Some(k) = self.key.take()
            && self.in_array == 0
            && (1..=2).contains(&self.objects)
        {
            self.slots[k] = Some(v);
        }
    }

    fn get(&self, name: &str) -> Option<&Scalar> {
        let i = self.columns.iter().position(|(n, _)| *n == name)?;
        self.slots[i].as_ref()
    }
}

impl Sink for Flat {
    fn begin_object(&mut self) {
        if self.in_array == 0 {
            if self.objects == 1 {
                // `name` holds the member's name (`acheteur`).
                self.parent.clone_from(&self.name);
            }
            self.objects += 1;
        }
        self.key = None;
    }
    fn key(&mut self, key: &str) {
        if self.in_array > 0 || !(1..=2).contains(&self.objects) {
            return;
        }
        self.name.clear();
        if self.objects == 2 {
            self.name.push_str(&self.parent);
            self.name.push('_');
        }
        self.name.push_str(key);
        self.key = self.columns.iter().position(|(n, _)| *n == self.name);
    }
    fn end_object(&mut self) {
        if self.in_array == 0 {
            self.objects -= 1;
        }
    }
    fn begin_array(&mut self) {
        self.in_array += 1;
        self.key = None;
    }
    fn end_array(&mut self) {
        self.in_array -= 1;
    }
    fn null(&mut self) {
        self.key = None;
    }
    fn bool(&mut self, value: bool) {
        self.put(Scalar::Bool(value));
    }
    fn number(&mut self, text: &str) {
        if self.key.is_some() {
            self.put(Scalar::Number(text.to_owned()));
        }
    }
    fn string(&mut self, value: &str) {
        if self.key.is_some() {
            self.put(Scalar::Text(value.to_owned()));
        }
    }
    fn integer(&mut self, value: i64) {
        self.put(Scalar::Int(value));
    }
    fn decimal(&mut self, value: &Decimal) {
        self.put(Scalar::Dec(*value));
    }
    fn date(&mut self, value: NaiveDate) {
        self.put(Scalar::Date(value));
    }
}

/// A decimal as the integer of a `decimal128(38, 6)` column.
fn decimal_units(d: &Decimal) -> Option<i128> {
    let d = if d.scale() > DECIMAL_SCALE as u32 {
        d.round_dp_with_strategy(
            DECIMAL_SCALE as u32,
            rust_decimal::RoundingStrategy::MidpointAwayFromZero,
        )
    } else {
        *d
    };
    let up = DECIMAL_SCALE as u32 - d.scale();
    d.mantissa().checked_mul(10i128.checked_pow(up)?)
}

enum Builder {
    Text(StringBuilder),
    Date(Date32Builder),
    Int(Int64Builder),
    Dec(Decimal128Builder),
    Bool(BooleanBuilder),
    Index(UInt64Builder),
}

impl Builder {
    fn finish(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Dec(b) => Arc::new(
                b.finish()
                    .with_precision_and_scale(DECIMAL_PRECISION, DECIMAL_SCALE)
                    .expect("38, 6 is a valid decimal128 type"),
            ),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::Index(b) => Arc::new(b.finish()),
        }
    }

    fn len(&self) -> usize {
        match self {
            Builder::Text(b) => b.len(),
            Builder::Date(b) => b.len(),
            Builder::Int(b) => b.len(),
            Builder::Dec(b) => b.len(),
            Builder::Bool(b) => b.len(),
            Builder::Index(b) => b.len(),
        }
    }
}

/// One row of a table, its values typed by column: what [`TableBuilder::push_row`]
/// appends. Made apart from the builder, so that rows can be made on several
/// threads and appended in order on one.
#[derive(Debug, Clone)]
pub struct Row {
    values: Vec<Option<Scalar>>,
    version: Option<Version>,
    record: Option<u64>,
}

impl Row {
    /// The row of `record` in `table`, or `None` when the record is of the other
    /// kind. `version` is the record's source version, `index` its index in its
    /// document.
    pub fn new(
        table: Table,
        record: &Record,
        version: Option<Version>,
        index: Option<u64>,
    ) -> Option<Row> {
        if record.kind() != table.kind() {
            return None;
        }
        let cols = table.columns();
        let mut flat = Flat::new(cols);
        record.emit(&mut flat);
        let owner = match table {
            Table::Marches => "acheteur_id",
            Table::Concessions => "autoriteConcedante_id",
        };
        let text = |s: Option<&Scalar>| match s {
            Some(Scalar::Text(t) | Scalar::Number(t)) => Some(t.clone()),
            Some(Scalar::Int(i)) => Some(i.to_string()),
            Some(Scalar::Dec(d)) => Some(d.to_string()),
            _ => None,
        };
        // The community tables' key: the buyer's identifier then the id.
        let uid = match (text(flat.get(owner)), text(flat.get("id"))) {
            (Some(o), Some(i)) => Some(Scalar::Text(o + &i)),
            _ => None,
        };
        let values = cols
            .iter()
            .zip(std::mem::take(&mut flat.slots))
            .map(|(&(name, col), v)| {
                if name == "uid" {
                    return uid.clone();
                }
                match (col, v) {
                    // A text column keeps the text of a number given for a string.
                    (Col::Text, v) => text(v.as_ref()).map(Scalar::Text),
                    (_, v) => v,
                }
            })
            .collect();
        Some(Row {
            values,
            version,
            record: index,
        })
    }
}

/// Builds the rows of one [`Table`] into Arrow record batches.
///
/// ```
/// use decp_core::{Checker, DecodeOptions, Reader, table::{Table, TableBuilder}};
/// let json = br#"{"marches": {"marche": [{"id": "A", "acheteur": {"id": "21690123100011"}, "montant": 12.5}]}}"#;
/// let checker = Checker::new(DecodeOptions::default());
/// let mut t = TableBuilder::new(Table::Marches);
/// let mut reader = Reader::from_slice(json)?;
/// let mut raw = decp_core::RawRecord::default();
/// while reader.read_raw(&mut raw)? {
///     t.push(&checker.check_raw(&raw));
/// }
/// let batch = t.finish();
/// assert_eq!(batch.num_rows(), 1);
/// let uid = batch.column_by_name("uid").unwrap();
/// assert_eq!(format!("{uid:?}"), "StringArray\n[\n  \"21690123100011A\",\n]");
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct TableBuilder {
    table: Table,
    builders: Vec<Builder>,
}

impl std::fmt::Debug for TableBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableBuilder")
            .field("table", &self.table)
            .field("rows", &self.len())
            .finish()
    }
}

impl TableBuilder {
    /// An empty table.
    pub fn new(table: Table) -> TableBuilder {
        let mut builders: Vec<Builder> = table
            .columns()
            .iter()
            .map(|&(_, col)| match col {
                Col::Text => Builder::Text(StringBuilder::new()),
                Col::Date => Builder::Date(Date32Builder::new()),
                Col::Int => Builder::Int(Int64Builder::new()),
                Col::Dec => Builder::Dec(Decimal128Builder::new()),
                Col::Bool => Builder::Bool(BooleanBuilder::new()),
            })
            .collect();
        builders.push(Builder::Text(StringBuilder::new()));
        builders.push(Builder::Index(UInt64Builder::new()));
        TableBuilder { table, builders }
    }

    /// The table built.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The number of rows pushed since the last [`TableBuilder::finish`].
    pub fn len(&self) -> usize {
        self.builders.first().map_or(0, Builder::len)
    }

    /// `true` when no row was pushed since the last [`TableBuilder::finish`].
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds the row of a checked record when it is of the table's kind; returns
    /// whether a row was added (a record that could not be read gives none: its
    /// finding says why).
    pub fn push(&mut self, checked: &Checked) -> bool {
        let Some(record) = &checked.record else {
            return false;
        };
        let index = checked.position.and_then(|p| p.record);
        match Row::new(self.table, record, checked.version, index) {
            Some(row) => {
                self.push_row(row);
                true
            }
            None => false,
        }
    }

    /// Adds a row made by [`Row::new`] for this table.
    pub fn push_row(&mut self, row: Row) {
        for (b, v) in self.builders.iter_mut().zip(row.values) {
            match b {
                Builder::Text(b) => b.append_option(match v {
                    Some(Scalar::Text(t)) => Some(t),
                    _ => None,
                }),
                Builder::Date(b) => b.append_option(match v {
                    Some(Scalar::Date(d)) => Some((d - NaiveDate::default()).num_days() as i32),
                    _ => None,
                }),
                Builder::Int(b) => b.append_option(match v {
                    Some(Scalar::Int(i)) => Some(i),
                    _ => None,
                }),
                Builder::Dec(b) => b.append_option(match v {
                    Some(Scalar::Dec(d)) => decimal_units(&d),
                    _ => None,
                }),
                Builder::Bool(b) => b.append_option(match v {
                    Some(Scalar::Bool(x)) => Some(x),
                    _ => None,
                }),
                Builder::Index(_) => {}
            }
        }
        let n = self.table.columns().len();
        if let Builder::Text(b) = &mut self.builders[n] {
            b.append_option(row.version.map(|v| v.as_str()));
        }
        if let Builder::Index(b) = &mut self.builders[n + 1] {
            b.append_option(row.record);
        }
    }

    /// The rows pushed so far as one record batch; the builder starts empty again.
    pub fn finish(&mut self) -> RecordBatch {
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        RecordBatch::try_new(self.table.schema(), columns)
            .expect("every column has the schema's type and the same length")
    }
}

/// Records read ahead and checked together (on `jobs` threads) while a batch fills.
const READ_AHEAD: usize = 2048;

/// Reads a table from an input, batch by batch: an Arrow [`RecordBatchReader`]
/// (what Arrow's C stream interface exports). Records are decoded with the
/// reader's options (tolerant or strict, normaliser); findings are not computed
/// (a table holds data; [`Checker::validate`](crate::Checker::validate) reports).
/// With one job, records are decoded in place in the reader's buffer; with more,
/// the calling thread cuts records and `jobs` threads decode them and make their
/// rows, appended in document order.
///
/// A fatal read error ends the stream with an [`ArrowError::ExternalError`]
/// holding the [`Error`](crate::Error); a record that cannot be read gives no row.
///
/// ```
/// use decp_core::{Reader, table::{Table, TableReader}};
/// let json = br#"{"marches": {"marche": [{"id": "A"}, {"id": "B"}]}}"#;
/// let r = TableReader::new(Reader::from_slice(json)?, Table::Marches).batch_size(1);
/// let rows: Vec<usize> = r.map(|b| b.unwrap().num_rows()).collect();
/// assert_eq!(rows, [1, 1]);
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct TableReader<R> {
    reader: Reader<R>,
    upgrade: bool,
    builder: TableBuilder,
    batch_size: usize,
    jobs: usize,
    done: bool,
}

impl<R> std::fmt::Debug for TableReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TableReader")
            .field("table", &self.builder.table)
            .field("batch_size", &self.batch_size)
            .field("jobs", &self.jobs)
            .finish()
    }
}

/// The row of a decoded record (upgraded to v2 first when asked).
fn row_of(table: Table, d: crate::Decoded, upgrade: bool) -> Option<Row> {
    let version = d.version;
    let index = d.position.record;
    let d = if upgrade { d.upgrade() } else { d };
    Row::new(table, &d.record, Some(version), index)
}

impl<R: Read> TableReader<R> {
    /// A reader of `table` from `reader`; batches of 65 536 rows, one job, no upgrade.
    pub fn new(reader: Reader<R>, table: Table) -> TableReader<R> {
        TableReader {
            reader,
            upgrade: false,
            builder: TableBuilder::new(table),
            batch_size: 65_536,
            jobs: 1,
            done: false,
        }
    }

    /// Upgrades v1 records to v2 before making their rows (the `version` column
    /// still gives the source version).
    pub fn upgrade(mut self, yes: bool) -> TableReader<R> {
        self.upgrade = yes;
        self
    }

    /// At most `n` rows per batch (at least 1).
    pub fn batch_size(mut self, n: usize) -> TableReader<R> {
        self.batch_size = n.max(1);
        self
    }

    /// Decodes on `n` threads (`0` or `1`: in place, on the calling thread).
    pub fn jobs(mut self, n: usize) -> TableReader<R> {
        self.jobs = n.max(1);
        self
    }

    fn next_batch(&mut self) -> Result<Option<RecordBatch>, crate::Error> {
        let table = self.builder.table;
        let upgrade = self.upgrade;
        if self.jobs <= 1 {
            while !self.done && self.builder.len() < self.batch_size {
                match self.reader.next_record() {
                    None => self.done = true,
                    Some(Ok(d)) => {
                        if let Some(row) = row_of(table, d, upgrade) {
                            self.builder.push_row(row);
                        }
                    }
                    Some(Err(e)) if e.is_fatal() => {
                        self.done = true;
                        return Err(e);
                    }
                    // A record that cannot be read, an envelope finding: no row.
                    Some(Err(_)) => {}
                }
            }
            return Ok((!self.builder.is_empty()).then(|| self.builder.finish()));
        }
        let opts = self.reader.decode_options();
        let mut raws: Vec<RawRecord> = Vec::new();
        while !self.done && self.builder.len() < self.batch_size {
            // At most a few thousand records in memory at once, whatever the batch
            // size (records of the other kind give no row, so this may loop).
            let want = (self.batch_size - self.builder.len()).min(READ_AHEAD);
            raws.resize_with(want, RawRecord::default);
            let mut got = 0;
            while got < want {
                match self.reader.read_raw(&mut raws[got]) {
                    Ok(true) => got += 1,
                    Ok(false) => {
                        self.done = true;
                        break;
                    }
                    Err(e) if e.is_fatal() => {
                        self.done = true;
                        return Err(e);
                    }
                    // An envelope finding between records: no row.
                    Err(_) => {}
                }
            }
            let chunk = got.div_ceil(self.jobs).max(1);
            let rows: Vec<Vec<Option<Row>>> = std::thread::scope(|s| {
                let handles: Vec<_> = raws[..got]
                    .chunks(chunk)
                    .map(|c| {
                        s.spawn(move || {
                            c.iter()
                                .map(|r| {
                                    r.decode_with(&opts)
                                        .ok()
                                        .and_then(|d| row_of(table, d, upgrade))
                                })
                                .collect()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect()
            });
            for row in rows.into_iter().flatten().flatten() {
                self.builder.push_row(row);
            }
        }
        Ok((!self.builder.is_empty()).then(|| self.builder.finish()))
    }
}

impl<R: Read> Iterator for TableReader<R> {
    type Item = Result<RecordBatch, ArrowError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch()
            .map_err(|e| ArrowError::ExternalError(Box::new(e)))
            .transpose()
    }
}

impl<R: Read> RecordBatchReader for TableReader<R> {
    fn schema(&self) -> SchemaRef {
        self.builder.table.schema()
    }
}
