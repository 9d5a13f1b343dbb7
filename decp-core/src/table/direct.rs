//! A state's rows appended straight to the Arrow builders of its table, from the
//! typed contract: no [`Value`] per cell, no row to take apart again. What a
//! state gives is the rows' (`rows.rs`): the same cells (tested on the generated
//! corpora and every test file, `tests/tables.rs`), and a state of a shape only
//! the walk handles still goes through the rows.

use arrow_array::builder::{ArrayBuilder, ListBuilder};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use super::cells::{CellOut, Cells, Outside, Probe, ScalarOut, Walk, each_label};
use super::flat::Value;
use super::rows::{COMMON, Ctx, Made, StateCols, slot};
use super::schema::{Col, Table};
use super::{Builder, TableBuilder, decimal_units};
use crate::codec::Codec;
use crate::raw::Field;

/// Where the rows of a record's states go instead of its [`RowSet`](super::RowSet): straight
/// into an Arrow builder of `marches` or of `concessions` (`out`: none, or a
/// table it has no builder for, keeps the rows in the set), marked as duplicates
/// of the record kept (`duplicate_of`: its source file and record index), as
/// [`RowSet::mark_duplicate_of`](super::RowSet::mark_duplicate_of) marks them.
#[derive(Default)]
pub(crate) struct StateBuilders<'a> {
    pub(crate) out: Option<&'a mut dyn StateOut>,
    pub(crate) duplicate_of: Option<(&'a str, u64)>,
}

/// The builders the state rows of a record go to: one per table, or one per
/// partition chosen by a cell of the rows (their date, by year).
pub(crate) trait StateOut {
    /// The column of `t` whose cell chooses the builder (`None`: one builder
    /// takes every state row of `t`).
    fn key_column(&self, t: Table) -> Option<usize>;
    /// The builder for the state rows of `t` whose key cell is `key` (`None`:
    /// they stay in the set).
    fn builder(&mut self, t: Table, key: Option<&Value>) -> Option<&mut super::TableBuilder>;
}

/// The builder a record's state rows go to, and the decimals they could not hold.
pub(super) struct StateSink<'a> {
    pub(super) builder: &'a mut super::TableBuilder,
    pub(super) duplicate_of: Option<(&'a str, u64)>,
    pub(super) unfit: Vec<(usize, String)>,
    /// The column choosing the builder and the cell that chose it: a row with
    /// another cell there goes to the set, to be put in its own partition.
    pub(super) key: Option<(usize, Option<Value>)>,
    /// The builder's length when the record began.
    pub(super) start: usize,
}

/// Where the state rows of `rec` (a record, of table `t`) go: the builder `out`
/// gives for the key cell of its states (one for all of them: what changes from
/// a state to the next is not a key), or none when the record is left to the
/// walk before its key is known.
pub(super) fn sink_for<'a, T: Cells>(
    out: Option<&'a mut dyn StateOut>,
    t: Table,
    rec: &T,
    duplicate_of: Option<(&'a str, u64)>,
) -> Option<StateSink<'a>> {
    let out = out?;
    let key = match out.key_column(t) {
        Some(i) => Some((i, super::cells::cell_at(rec, i).ok()?)),
        None => None,
    };
    let builder = out.builder(t, key.as_ref().and_then(|(_, v)| v.as_ref()))?;
    Some(StateSink {
        start: builder.len(),
        builder,
        duplicate_of,
        unfit: Vec::new(),
        key,
    })
}

/// The cells of one row being appended: each column given once, the others null
/// at the end.
struct Direct<'a> {
    builders: &'a mut [Builder],
    /// Bit `i`: column `i` was given.
    given: u64,
    /// The decimals a `decimal128(38, 10)` column could not hold: column, value.
    unfit: &'a mut Vec<(usize, String)>,
}

/// Column `i`'s builder, when it was not given yet (a column given twice would
/// make a row longer than the others: it is a bug, caught in debug builds).
fn take<'a>(builders: &'a mut [Builder], given: &mut u64, i: usize) -> Option<&'a mut Builder> {
    let bit = 1u64 << i;
    debug_assert!(*given & bit == 0, "column {i} given twice");
    if *given & bit != 0 {
        return None;
    }
    *given |= bit;
    builders.get_mut(i)
}

impl Direct<'_> {
    fn text(&mut self, i: usize, v: Option<&str>) {
        match (take(self.builders, &mut self.given, i), v) {
            (Some(b), Some(s)) if b.is_text() => b.append_text(s),
            (Some(b), _) => b.append_null(),
            (None, _) => {}
        }
    }

    /// A cell of a type that costs nothing to make as a value.
    fn value(&mut self, i: usize, v: Option<Value>) {
        if let Some(b) = take(self.builders, &mut self.given, i) {
            b.append(v);
        }
    }

    /// Nulls in the columns not given.
    fn end(self) {
        for (i, b) in self.builders.iter_mut().enumerate() {
            if self.given & (1u64 << i) == 0 {
                b.append_null();
            }
        }
    }
}

impl CellOut for Direct<'_> {
    fn scalar<T: Codec>(&mut self, i: usize, _: Col, f: &Option<Field<T>>) {
        let Some(b) = take(self.builders, &mut self.given, i) else {
            return;
        };
        let mut put = Outside::new(Put {
            b,
            i,
            done: false,
            unfit: self.unfit,
        });
        if let Some(f) = f
            && !f.json_omit()
        {
            f.write_json(&mut put);
        }
        if !put.out.done {
            put.out.b.append_null();
        }
    }

    fn list<T: Codec>(&mut self, i: usize, f: &Option<Field<Vec<Field<T>>>>) -> Result<(), Walk> {
        match take(self.builders, &mut self.given, i) {
            Some(Builder::List(b)) => labels_into(b, f, |b, t| b.append_value(t)),
            Some(Builder::Codes(b)) => labels_into(b, f, |b, t| {
                b.append_value(t);
            }),
            Some(b) => b.append_null(),
            None => {}
        }
        Ok(())
    }
}

/// A list field's labels appended to `b` as one cell, each by `push`. The probe
/// found no walk: every label is given.
fn labels_into<B: ArrayBuilder, T: Codec>(
    b: &mut ListBuilder<B>,
    f: &Option<Field<Vec<Field<T>>>>,
    push: impl Fn(&mut B, &str),
) {
    let present = each_label(f, |t| push(b.values(), t));
    debug_assert!(present.is_ok(), "a walk the probe missed");
    b.append(present.unwrap_or(true));
}

/// A scalar field's one value (or none, for an object or an array) into its
/// column, fitted as [`super::flat::fit`] fits it: a number where a text is
/// expected keeps its text, a value of another type is null.
struct Put<'a> {
    b: &'a mut Builder,
    i: usize,
    done: bool,
    unfit: &'a mut Vec<(usize, String)>,
}

impl Put<'_> {
    /// Whether this value is the field's cell (its first scalar: a field gives
    /// one); it is then taken.
    fn takes(&mut self) -> bool {
        let first = !self.done;
        self.done = true;
        first
    }
}

impl ScalarOut for Put<'_> {
    fn bool(&mut self, value: bool) {
        if self.takes() {
            self.b.append(Some(Value::Bool(value)));
        }
    }
    fn number(&mut self, text: &str) {
        self.string(text);
    }
    fn string(&mut self, value: &str) {
        if self.takes() {
            match &mut *self.b {
                b if b.is_text() => b.append_text(value),
                b => b.append_null(),
            }
        }
    }
    fn integer(&mut self, value: i64) {
        if self.takes() {
            match &mut *self.b {
                b if b.is_text() => b.append_text(&value.to_string()),
                b => b.append(Some(Value::Int(value))),
            }
        }
    }
    fn decimal(&mut self, value: &Decimal) {
        if self.takes() {
            match &mut *self.b {
                b if b.is_text() => b.append_text(&value.to_string()),
                Builder::Dec(b) => match decimal_units(value) {
                    Some(units) => b.append_value(units),
                    None => {
                        b.append_null();
                        self.unfit.push((self.i, value.to_string()));
                    }
                },
                Builder::Float(b) => b.append_option(value.to_f64()),
                b => b.append_null(),
            }
        }
    }
    fn date(&mut self, value: NaiveDate) {
        if self.takes() {
            self.b.append(Some(Value::Date(value)));
        }
    }
}

/// A state's rows (one per holder, one with no holder when it has none) appended
/// to `b`, the builder of its table; [`Walk`] (nothing appended) when the state
/// has a shape only the walk handles. Decimals its columns cannot hold are null,
/// pushed to `unfit` (column, value) for their findings.
#[allow(clippy::too_many_arguments)]
pub(super) fn state_rows<T: Cells>(
    b: &mut TableBuilder,
    cols: &StateCols,
    rec: &T,
    holders: &[(Option<&str>, Option<&'static str>)],
    made: Made,
    current: bool,
    ctx: &Ctx,
    nom: Option<&str>,
    duplicate_of: Option<(&str, u64)>,
    unfit: &mut Vec<(usize, String)>,
) -> Result<(), Walk> {
    const { assert!(super::schema::MARCHES.len() <= 64 && super::schema::CONCESSIONS.len() <= 64) };
    rec.put(&mut Probe)?;
    let none = [(None, None)];
    let holders = if holders.is_empty() {
        &none[..]
    } else {
        holders
    };
    let [uid, source, record, version] = COMMON[slot(cols.table)];
    let (id, date, published) = made.unwrap_or_default();
    let [mod_id, mod_published, dup_file, dup_record, actuelles] = cols.made;
    for (rang, (hid, htype)) in holders.iter().enumerate() {
        let first_unfit = unfit.len();
        let mut row = Direct {
            builders: &mut b.builders,
            given: 0,
            unfit,
        };
        let walked = rec.put(&mut row);
        debug_assert!(walked.is_ok(), "a walk the probe missed");
        if let Some(i) = uid {
            row.text(i, ctx.uid.as_deref());
        }
        if let Some(i) = source {
            row.text(i, Some(&ctx.source));
        }
        if let Some(i) = record {
            row.value(i, ctx.record.map(Value::Index));
        }
        if let Some(i) = version {
            row.text(i, ctx.version.map(|v| v.as_str()));
        }
        row.text(cols.nom, nom);
        row.value(mod_id, id.map(Value::Int));
        row.value(cols.date, date.map(Value::Date));
        row.value(mod_published, published.map(Value::Date));
        row.text(dup_file, duplicate_of.map(|d| d.0));
        row.value(dup_record, duplicate_of.map(|d| Value::Index(d.1)));
        row.value(actuelles, Some(Value::Bool(current)));
        row.text(cols.holder_id, *hid);
        row.text(cols.holder_type, *htype);
        let rank = (hid.is_some() || htype.is_some()).then_some(Value::Int(rang as i64 + 1));
        row.value(cols.holder_rang, rank);
        row.end();
        // In column order, as the rows' check reports them (the fields are given
        // in another order).
        unfit[first_unfit..].sort_by_key(|(i, _)| *i);
    }
    Ok(())
}
