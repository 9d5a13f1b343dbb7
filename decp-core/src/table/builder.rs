//! The Arrow builders of a table's columns, and of a whole table.

use std::sync::Arc;

use arrow_array::builder::{
    ArrayBuilder, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder,
    ListBuilder, StringBuilder, StringDictionaryBuilder, UInt64Builder,
};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::flat::Value;
use super::rows::Row;
use super::schema::{self, Col, DECIMAL_PRECISION, DECIMAL_SCALE, Table};

/// A decimal as the integer of a `decimal128(38, 10)` column; `None` when it has
/// more than ten decimals or does not fit (it is then null, with a finding).
pub(crate) fn decimal_units(d: &Decimal) -> Option<i128> {
    let scale = d.scale();
    if scale > DECIMAL_SCALE as u32 {
        // Trailing zeros beyond the tenth decimal are not a loss.
        let n = d.normalize();
        if n.scale() > DECIMAL_SCALE as u32 {
            return None;
        }
        return decimal_units(&n);
    }
    d.mantissa()
        .checked_mul(10i128.checked_pow(DECIMAL_SCALE as u32 - scale)?)
}

/// A column of codes, dictionary-encoded ([`Table::schema_with`]).
type Dict = StringDictionaryBuilder<Int32Type>;

pub(super) enum Builder {
    Text(StringBuilder),
    Code(Dict),
    Date(Date32Builder),
    Int(Int64Builder),
    Dec(Decimal128Builder),
    Float(Float64Builder),
    Bool(BooleanBuilder),
    List(ListBuilder<StringBuilder>),
    Codes(ListBuilder<Dict>),
    Index(UInt64Builder),
}

/// What a column's builder held: rows, list items, bytes of text. A builder
/// made to hold the size of the batch before it from the start does not grow by
/// doubling, copying its buffers each time and leaving them behind as holes the
/// allocator cannot give back (aligned buffers do not fit the holes of their own
/// size: a table kept whole held a third more memory than its columns).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Size {
    rows: usize,
    items: usize,
    bytes: usize,
}

/// The size hints behind `m`, even when a thread panicked holding them (they
/// are only hints: the worst a half-written one does is a builder that grows).
pub(super) fn hints<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Size {
    /// This size, column by column no larger than `cap`.
    #[cfg_attr(not(feature = "parquet"), allow(dead_code))]
    pub(super) fn at_most(self, cap: Size) -> Size {
        Size {
            rows: self.rows.min(cap.rows),
            items: self.items.min(cap.items),
            bytes: self.bytes.min(cap.bytes),
        }
    }

    /// This size, of a batch of `of` records, for one of `n`, with a sixteenth
    /// more (batches of the same number of records differ a little).
    pub(super) fn scaled(self, n: usize, of: usize) -> Size {
        let f = |x: usize| {
            let x = x as u128 * n as u128 / of.max(1) as u128;
            usize::try_from(x + x / 16).unwrap_or(usize::MAX)
        };
        Size {
            rows: f(self.rows),
            items: f(self.items),
            bytes: f(self.bytes),
        }
    }
}

impl Builder {
    /// A builder of a column of type `col` (of codes when `code`) made to hold
    /// `cap` without growing.
    pub(super) fn new(col: Col, float: bool, code: bool, cap: Size) -> Builder {
        let Size { rows, items, bytes } = cap;
        match col {
            Col::Text if code => Builder::Code(Dict::with_capacity(rows, 0, 0)),
            Col::Text => Builder::Text(StringBuilder::with_capacity(rows, bytes)),
            Col::List if code => Builder::Codes(ListBuilder::with_capacity(
                Dict::with_capacity(items, 0, 0),
                rows,
            )),
            Col::Date => Builder::Date(Date32Builder::with_capacity(rows)),
            Col::Int => Builder::Int(Int64Builder::with_capacity(rows)),
            Col::Dec if float => Builder::Float(Float64Builder::with_capacity(rows)),
            Col::Dec => Builder::Dec(Decimal128Builder::with_capacity(rows)),
            Col::Bool => Builder::Bool(BooleanBuilder::with_capacity(rows)),
            Col::List => Builder::List(ListBuilder::with_capacity(
                StringBuilder::with_capacity(items, bytes),
                rows,
            )),
            Col::Index => Builder::Index(UInt64Builder::with_capacity(rows)),
        }
    }

    /// What this builder holds.
    pub(super) fn size(&self) -> Size {
        let rows = self.len();
        match self {
            Builder::Text(b) => Size {
                rows,
                items: 0,
                bytes: b.values_slice().len(),
            },
            Builder::List(b) => Size {
                rows,
                items: b.values_ref().len(),
                bytes: b.values_ref().values_slice().len(),
            },
            Builder::Codes(b) => Size {
                rows,
                items: b.values_ref().len(),
                bytes: 0,
            },
            _ => Size {
                rows,
                ..Size::default()
            },
        }
    }

    /// Whether this is a column of texts.
    pub(super) fn is_text(&self) -> bool {
        matches!(self, Builder::Text(_) | Builder::Code(_))
    }

    /// Appends a text to a column of texts (see [`Builder::is_text`]).
    pub(super) fn append_text(&mut self, t: &str) {
        match self {
            Builder::Text(b) => b.append_value(t),
            Builder::Code(b) => {
                b.append_value(t);
            }
            b => {
                debug_assert!(false, "a text in a column of another type");
                b.append_null()
            }
        }
    }

    /// Appends a null: [`Builder::append`] of `None`, without a value to match
    /// and drop (most cells appended are null: the columns a row leaves empty).
    pub(super) fn append_null(&mut self) {
        match self {
            Builder::Text(b) => b.append_null(),
            Builder::Code(b) => b.append_null(),
            Builder::Date(b) => b.append_null(),
            Builder::Int(b) => b.append_null(),
            Builder::Dec(b) => b.append_null(),
            Builder::Float(b) => b.append_null(),
            Builder::Bool(b) => b.append_null(),
            Builder::List(b) => b.append(false),
            Builder::Codes(b) => b.append(false),
            Builder::Index(b) => b.append_null(),
        }
    }

    pub(super) fn append(&mut self, v: Option<Value>) {
        let Some(v) = v else {
            return self.append_null();
        };
        match (self, v) {
            (Builder::Text(b), Value::Text(t)) => b.append_value(&*t),
            (Builder::Code(b), Value::Text(t)) => {
                b.append_value(&*t);
            }
            (Builder::Date(b), Value::Date(d)) => b.append_value(crate::lexical::epoch_days(d)),
            (Builder::Int(b), Value::Int(i)) => b.append_value(i),
            (Builder::Dec(b), Value::Dec(d)) => b.append_option(decimal_units(&d)),
            (Builder::Float(b), Value::Dec(d)) => b.append_option(d.to_f64()),
            (Builder::Bool(b), Value::Bool(x)) => b.append_value(x),
            (Builder::List(b), Value::List(items)) => {
                append_list(b, &items, |b, i| b.append_value(i))
            }
            (Builder::Codes(b), Value::List(items)) => append_list(b, &items, |b, i| {
                b.append_value(i);
            }),
            (Builder::Index(b), Value::Index(i)) => b.append_value(i),
            // A value of another type than its column's: null.
            (b, _) => b.append_null(),
        }
    }

    /// The column built, its buffers shrunk to their contents when they hold
    /// more than an eighth beyond them (builders grow by doubling: up to half of each
    /// buffer would otherwise stay reserved for as long as the batch lives; a
    /// builder made to its size is not copied again).
    pub(super) fn finish(&mut self) -> ArrayRef {
        use arrow_array::Array;
        let mut a = self.finish_grown();
        let held = a.get_buffer_memory_size();
        let used = a.to_data().get_slice_memory_size().unwrap_or(0);
        if held - held.min(used) > used / 8 {
            a.shrink_to_fit();
        }
        a
    }

    pub(super) fn finish_grown(&mut self) -> ArrayRef {
        match self {
            Builder::Text(b) => Arc::new(b.finish()),
            Builder::Code(b) => Arc::new(b.finish()),
            Builder::Date(b) => Arc::new(b.finish()),
            Builder::Int(b) => Arc::new(b.finish()),
            Builder::Dec(b) => Arc::new(
                b.finish()
                    .with_precision_and_scale(DECIMAL_PRECISION, DECIMAL_SCALE)
                    .expect("38, 10 is a valid decimal128 type"),
            ),
            Builder::Float(b) => Arc::new(b.finish()),
            Builder::Bool(b) => Arc::new(b.finish()),
            Builder::List(b) => Arc::new(b.finish()),
            Builder::Codes(b) => Arc::new(b.finish()),
            Builder::Index(b) => Arc::new(b.finish()),
        }
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Builder::Text(b) => b.len(),
            Builder::Code(b) => b.len(),
            Builder::Date(b) => b.len(),
            Builder::Int(b) => b.len(),
            Builder::Dec(b) => b.len(),
            Builder::Float(b) => b.len(),
            Builder::Bool(b) => b.len(),
            Builder::List(b) => b.len(),
            Builder::Codes(b) => b.len(),
            Builder::Index(b) => b.len(),
        }
    }
}

/// A list cell appended to `b`, its items by `push`.
fn append_list<B: ArrayBuilder>(
    b: &mut ListBuilder<B>,
    items: &[smol_str::SmolStr],
    push: impl Fn(&mut B, &str),
) {
    for i in items {
        push(b.values(), i);
    }
    b.append(true);
}

/// Builds the rows of one [`Table`] into Arrow record batches.
///
/// ```
/// use decp_core::{Checker, DecodeOptions, Reader, table::{RowOptions, Table, TableBuilder, rows_of}};
/// let json = br#"{"marches": {"marche": [{"id": "A", "acheteur": {"id": "21690123100011"}, "montant": 12.5,
///     "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "1"}}, {"titulaire": {"typeIdentifiant": "SIRET", "id": "2"}}]}]}}"#;
/// let checker = Checker::new(DecodeOptions::default());
/// let mut t = TableBuilder::new(Table::Marches, false);
/// let mut reader = Reader::from_slice(json)?;
/// let mut raw = decp_core::RawRecord::default();
/// while reader.read_raw(&mut raw)? {
///     let rows = rows_of(&checker.check_raw(&raw), "a.json", &RowOptions::default());
///     t.extend(rows.rows(Table::Marches));
/// }
/// let batch = t.finish();
/// assert_eq!(batch.num_rows(), 2);  // one row per holder
/// # Ok::<(), decp_core::Error>(())
/// ```
pub struct TableBuilder {
    pub(super) table: Table,
    pub(super) float: bool,
    pub(super) dictionary: bool,
    pub(super) builders: Vec<Builder>,
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
    /// An empty table of the schema [`Table::schema`] gives; decimals as
    /// `float64` when `float`.
    pub fn new(table: Table, float: bool) -> TableBuilder {
        TableBuilder::with(table, float, false)
    }

    /// The same builder, emptied, of the schema [`Table::schema_with`] gives:
    /// the columns of codes dictionary-encoded when `yes`.
    ///
    /// ```
    /// use decp_core::table::{Table, TableBuilder};
    /// let mut t = TableBuilder::new(Table::Marches, false).dictionary(true);
    /// assert_eq!(t.finish().schema(), Table::Marches.schema_with(false, true));
    /// ```
    pub fn dictionary(self, yes: bool) -> TableBuilder {
        TableBuilder::with(self.table, self.float, yes)
    }

    pub(super) fn with(table: Table, float: bool, dictionary: bool) -> TableBuilder {
        TableBuilder::sized(table, float, dictionary, &[])
    }

    /// An empty table whose builders hold `sizes` (one per column; none: they
    /// grow) without growing.
    pub(super) fn sized(
        table: Table,
        float: bool,
        dictionary: bool,
        sizes: &[Size],
    ) -> TableBuilder {
        let builders = table
            .columns()
            .iter()
            .enumerate()
            .map(|(i, &(name, col, _))| {
                let cap = sizes.get(i).copied().unwrap_or_default();
                Builder::new(col, float, dictionary && schema::is_code(name), cap)
            })
            .collect();
        TableBuilder {
            table,
            float,
            dictionary,
            builders,
        }
    }

    /// What each column holds.
    pub(super) fn sizes(&self) -> Vec<Size> {
        self.builders.iter().map(Builder::size).collect()
    }

    /// [`TableBuilder::finish`], then builders made to hold as much again (the
    /// next batch of a reader).
    pub(super) fn finish_and_size(&mut self) -> RecordBatch {
        let sizes: Vec<Size> = self.sizes().into_iter().map(|s| s.scaled(1, 1)).collect();
        let b = self.finish();
        *self = TableBuilder::sized(self.table, self.float, self.dictionary, &sizes);
        b
    }

    /// The table built.
    pub fn table(&self) -> Table {
        self.table
    }

    /// The number of rows appended since the last [`TableBuilder::finish`].
    pub fn len(&self) -> usize {
        self.builders.first().map_or(0, Builder::len)
    }

    /// `true` when no row was appended since the last [`TableBuilder::finish`].
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends rows of this table (made by [`rows_of`](super::rows_of)).
    pub fn extend(&mut self, rows: &[Row]) {
        for row in rows {
            for (b, v) in self.builders.iter_mut().zip(&row.0) {
                b.append(v.clone());
            }
        }
    }

    /// Appends one row, taking it.
    pub(crate) fn push(&mut self, row: Row) {
        for (b, v) in self.builders.iter_mut().zip(row.0) {
            b.append(v);
        }
    }

    /// Appends rows, taking them.
    pub fn extend_owned(&mut self, rows: Vec<Row>) {
        for row in rows {
            for (b, v) in self.builders.iter_mut().zip(row.0) {
                b.append(v);
            }
        }
    }

    /// The rows appended so far as one record batch; the builder starts empty again.
    pub fn finish(&mut self) -> RecordBatch {
        let columns: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        RecordBatch::try_new(self.table.schema_with(self.float, self.dictionary), columns)
            .expect("every column has the schema's type and the same length")
    }
}

#[cfg(test)]
mod tests {
    use arrow_array::Array;

    use super::*;
    use crate::table::{RowOptions, rows_of};
    use crate::{Checker, DecodeOptions, Reader};

    /// The `marches` rows of `n` contracts of two holders each, with texts of
    /// every length and codes.
    fn rows(n: usize) -> Vec<Row> {
        let mut json = String::from(r#"{"marches": {"marche": ["#);
        for i in 0..n {
            let sep = if i > 0 { "," } else { "" };
            json.push_str(&format!(
                r#"{sep}{{"id": "{i:06}", "objet": "{}", "procedure": "Appel d'offres ouvert", "montant": {i}.5,
                "techniques": ["Accord-cadre"], "titulaires": [{{"titulaire": {{"typeIdentifiant": "SIRET", "id": "1"}}}},
                {{"titulaire": {{"typeIdentifiant": "SIRET", "id": "2"}}}}]}}"#,
                "x".repeat(i % 40)
            ));
        }
        json.push_str("]}}");
        let checker = Checker::new(DecodeOptions::default());
        let mut reader = Reader::from_slice(json.as_bytes()).unwrap();
        let mut raw = crate::RawRecord::default();
        let mut out = Vec::new();
        while reader.read_raw(&mut raw).unwrap() {
            let mut set = rows_of(&checker.check_raw(&raw), "a.json", &RowOptions::default());
            out.append(&mut set.rows[crate::table::rows::slot(Table::Marches)]);
        }
        out
    }

    /// The bytes a batch's columns hold beyond their contents.
    fn unused(b: &RecordBatch) -> (usize, usize) {
        b.columns().iter().fold((0, 0), |(held, used), c| {
            let u = c.to_data().get_slice_memory_size().unwrap();
            (held + c.get_buffer_memory_size(), used + u)
        })
    }

    /// A builder made to the size of the batch before holds the next like it
    /// without growing, and its columns are not copied again; a column that
    /// grew is shrunk. Either way, at most an eighth of a batch is unused.
    #[test]
    fn builders_sized_by_the_batch_before_do_not_grow() {
        for dictionary in [false, true] {
            let rows = rows(3000);
            let mut t = TableBuilder::with(Table::Marches, false, dictionary);
            t.extend(&rows);
            let grown = t.finish_and_size();
            let (held, used) = unused(&grown);
            assert!(held <= used + used / 8, "{held} held for {used}");
            let Builder::Dec(montant) =
                &t.builders[crate::table::schema::col!(Table::Marches, "montant")]
            else {
                panic!("montant is a decimal column");
            };
            let cap = montant.capacity();
            assert!(cap >= rows.len(), "made to hold {cap} rows");
            t.extend(&rows);
            let Builder::Dec(montant) =
                &t.builders[crate::table::schema::col!(Table::Marches, "montant")]
            else {
                panic!("montant is a decimal column");
            };
            assert_eq!(montant.capacity(), cap, "the builder did not grow");
            let sized = t.finish_and_size();
            let (held, used) = unused(&sized);
            assert!(held <= used + used / 8, "{held} held for {used}");
            assert_eq!(sized, grown);
        }
    }
}

#[cfg(test)]
mod size_tests {
    use super::Size;

    #[test]
    fn sizes_scale_by_records_with_a_sixteenth_more_and_saturate() {
        let s = Size {
            rows: 1600,
            items: 320,
            bytes: 16_000,
        };
        let half = s.scaled(50, 100);
        assert_eq!((half.rows, half.items, half.bytes), (850, 170, 8500));
        // No record before: as if of one.
        assert_eq!(s.scaled(2, 0).rows, 3400);
        let huge = Size {
            rows: usize::MAX,
            ..s
        };
        assert_eq!(huge.scaled(4, 1).rows, usize::MAX);
        let capped = s.at_most(Size {
            rows: 10,
            items: 1000,
            bytes: 5,
        });
        assert_eq!((capped.rows, capped.items, capped.bytes), (10, 320, 5));
    }
}
