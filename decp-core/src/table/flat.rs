//! The walk of a record into a table's columns: its scalars at depth 1 and 2 and
//! its lists of labels, typed by column.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::schema::{Col, Column, Names, Table};
use crate::codec::Codec;
use crate::sink::Sink;

/// A cell's value, typed by its column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Inline up to 23 bytes, shared beyond: a contract's texts repeat on each
    /// of its holders' and states' rows.
    Text(smol_str::SmolStr),
    Int(i64),
    Dec(Decimal),
    Date(NaiveDate),
    Bool(bool),
    /// Labels: inline up to 23 bytes (every official label), as texts are.
    List(Arc<Vec<smol_str::SmolStr>>),
    Index(u64),
}

/// A scalar in a column of type `col`: `None` when it is of another type, but a
/// number where a text is expected keeps its text.
pub(crate) fn fit(col: Col, v: Value) -> Option<Value> {
    match (col, v) {
        (Col::Text, Value::Int(i)) => Some(Value::Text(i.to_string().into())),
        (Col::Text, Value::Dec(d)) => Some(Value::Text(d.to_string().into())),
        (Col::Text, v @ Value::Text(_)) => Some(v),
        (Col::Int, v @ Value::Int(_))
        | (Col::Dec, v @ Value::Dec(_))
        | (Col::Date, v @ Value::Date(_))
        | (Col::Bool, v @ Value::Bool(_)) => Some(v),
        _ => None,
    }
}

/// A record's scalars at depth 1 and 2 (`montant`, `acheteur/id` as
/// `acheteur_id`) and its lists of labels (`techniques: {technique: [...]}`), by
/// the column names of a table; other lists are skipped. Values are typed by
/// their column: a value of the wrong type (kept verbatim by tolerant reading) is
/// null, but a number where a text is expected keeps its text.
pub(crate) struct Flat {
    table: Table,
    cols: &'static [Column],
    /// The columns of the members of the object being walked at depth 2.
    children: Option<&'static Names>,
    /// The last key at depth 1, and the column it names.
    parent: String,
    parent_col: Option<usize>,
    key: Option<usize>,
    /// The list column being filled, and the depth of arrays inside it.
    list: Option<usize>,
    in_array: usize,
    objects: usize,
    pub(crate) values: Vec<Option<Value>>,
}

impl Flat {
    pub(crate) fn new(table: Table) -> Flat {
        let cols = table.columns();
        Flat {
            table,
            cols,
            children: None,
            parent: String::new(),
            parent_col: None,
            key: None,
            list: None,
            in_array: 0,
            objects: 0,
            values: vec![None; cols.len()],
        }
    }

    pub(crate) fn of<T: Codec>(table: Table, v: &T) -> Flat {
        let mut f = Flat::new(table);
        v.write_json(&mut f);
        f
    }

    fn put(&mut self, v: Value) {
        if let Some(k) = self.key.take()
            && self.in_array == 0
            && (1..=2).contains(&self.objects)
        {
            self.values[k] = fit(self.cols[k].1, v);
        }
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Value> {
        self.values[self.table.index(name)?].as_ref()
    }
}

impl Sink for Flat {
    fn begin_object(&mut self) {
        if self.in_array == 0 {
            if self.objects == 1 {
                self.children = self.table.children(&self.parent);
                // `techniques: {technique: [...]}`: a list column's wrapper.
                self.list = self.parent_col.filter(|&i| self.cols[i].1 == Col::List);
            }
            self.objects += 1;
        }
        self.key = None;
    }
    fn key(&mut self, key: &str) {
        if self.in_array > 0 || !(1..=2).contains(&self.objects) {
            return;
        }
        if self.objects == 2 {
            self.key = self.children.and_then(|c| c.get(key).copied());
        } else {
            self.key = self.table.index(key);
            // The parent of the members to come, if this key opens an object.
            self.parent.clear();
            self.parent.push_str(key);
            self.parent_col = self.key;
        }
    }
    fn end_object(&mut self) {
        if self.in_array == 0 {
            self.objects -= 1;
            if self.objects == 1 {
                self.list = None;
            }
        }
    }
    fn begin_array(&mut self) {
        if self.in_array == 0
            && self.objects == 2
            && let Some(l) = self.list
        {
            self.values[l] = Some(Value::List(Arc::new(Vec::new())));
        }
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
        self.put(Value::Bool(value));
    }
    fn number(&mut self, text: &str) {
        if self.key.is_some() {
            // A number kept verbatim: only a text column takes it.
            self.put(Value::Text(text.into()));
        }
    }
    fn string(&mut self, value: &str) {
        if self.in_array == 1
            && self.objects == 2
            && let Some(l) = self.list
        {
            if let Some(Value::List(items)) = &mut self.values[l]
                && let Some(items) = Arc::get_mut(items)
            {
                items.push(value.into());
            }
            return;
        }
        if self.key.is_some() {
            self.put(Value::Text(value.into()));
        }
    }
    fn integer(&mut self, value: i64) {
        self.put(Value::Int(value));
    }
    fn decimal(&mut self, value: &Decimal) {
        self.put(Value::Dec(*value));
    }
    fn date(&mut self, value: NaiveDate) {
        self.put(Value::Date(value));
    }
}
