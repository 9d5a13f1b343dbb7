//! A state's cells read straight from the typed contract: what the walk of
//! [`Flat`](super::flat::Flat) gives, field by field, without walking the record's
//! JSON events and looking each member up by name. Records of a shape only the
//! walk handles (members the schema does not define, an object or a list kept
//! verbatim as an object) are left to it: the walk stays the one definition of a
//! row's cells, and this its fast path, checked against it on every state in
//! debug builds (every test) and fuzzing builds (`cfg(fuzzing)`).
//!
//! The cells go to a [`CellOut`]: as values, for the rows (`rows.rs`), or
//! straight into the Arrow builders (`direct.rs`), which take the same fields
//! through the same mapping (one list of columns and fields, here).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::flat::{Value, fit};
use super::schema::{CONCESSIONS, Col, MARCHES, at};
use crate::codec::Codec;
use crate::model::{Acheteur, ContratConcession, LieuExecution, Marche};
use crate::raw::{Field, Raw};
use crate::sink::Sink;

/// A record the fast path leaves to the walk.
pub(crate) struct Walk;

/// Where a state's cells go: the columns of its table, by index.
pub(crate) trait CellOut {
    /// The cell of scalar column `i` (of type `col`) from a field.
    fn scalar<T: Codec>(&mut self, i: usize, col: Col, f: &Option<Field<T>>);
    /// The cell of list column `i` from a list of labels; [`Walk`] when the list
    /// has a shape only the walk handles.
    fn list<T: Codec>(&mut self, i: usize, f: &Option<Field<Vec<Field<T>>>>) -> Result<(), Walk>;
}

/// The contracts whose states have rows.
pub(crate) trait Cells {
    /// The columns of the state's table.
    const COLUMNS: &'static [super::schema::Column];
    /// Gives `out` the cells the state's fields fill (each column once, in no
    /// particular order), or [`Walk`], maybe after some cells: an output that
    /// cannot take a cell back asks [`Probe`] first.
    fn put<O: CellOut>(&self, out: &mut O) -> Result<(), Walk>;
    /// The state's cells in its table's column order (the columns the record
    /// fills; the others `None`), or [`Walk`].
    fn cells(&self) -> Result<Vec<Option<Value>>, Walk> {
        let mut v = Values(vec![None; Self::COLUMNS.len()]);
        self.put(&mut v)?;
        Ok(v.0)
    }
}

/// The cell of column `i` of a state (as [`Cells::cells`] gives it), or
/// [`Walk`] when the state's shape leaves it to the walk before its lists (an
/// object with members of its own, or with no column) or column `i` is a list
/// of such a shape.
pub(crate) fn cell_at<T: Cells>(rec: &T, i: usize) -> Result<Option<Value>, Walk> {
    let mut one = CellAt(i, None);
    rec.put(&mut one)?;
    Ok(one.1)
}

/// The cell of one column.
struct CellAt(usize, Option<Value>);

impl CellOut for CellAt {
    fn scalar<T: Codec>(&mut self, i: usize, col: Col, f: &Option<Field<T>>) {
        if i == self.0 {
            self.1 = cell(f, col);
        }
    }
    fn list<T: Codec>(&mut self, i: usize, f: &Option<Field<Vec<Field<T>>>>) -> Result<(), Walk> {
        if i == self.0 {
            self.1 = list_cell(f)?;
        }
        Ok(())
    }
}

/// The cells as [`Value`]s, in column order.
struct Values(Vec<Option<Value>>);

impl CellOut for Values {
    fn scalar<T: Codec>(&mut self, i: usize, col: Col, f: &Option<Field<T>>) {
        self.0[i] = cell(f, col);
    }
    fn list<T: Codec>(&mut self, i: usize, f: &Option<Field<Vec<Field<T>>>>) -> Result<(), Walk> {
        self.0[i] = list_cell(f)?;
        Ok(())
    }
}

/// A list field's cell: its labels.
fn list_cell<T: Codec>(f: &Option<Field<Vec<Field<T>>>>) -> Result<Option<Value>, Walk> {
    let mut out = Vec::new();
    let present = each_label(f, |t| out.push(t.into()))?;
    Ok(present.then(|| Value::List(std::sync::Arc::new(out))))
}

/// Finds whether a state needs the walk, giving no cell.
pub(crate) struct Probe;

impl CellOut for Probe {
    fn scalar<T: Codec>(&mut self, _: usize, _: Col, _: &Option<Field<T>>) {}
    fn list<T: Codec>(&mut self, _: usize, f: &Option<Field<Vec<Field<T>>>>) -> Result<(), Walk> {
        each_label(f, |_| {}).map(|_| ())
    }
}

/// What a field's one scalar is given to: the scalar events of its JSON events.
pub(crate) trait ScalarOut {
    fn bool(&mut self, value: bool);
    /// A number kept verbatim (its JSON text).
    fn number(&mut self, text: &str);
    fn string(&mut self, value: &str);
    fn integer(&mut self, value: i64);
    fn decimal(&mut self, value: &Decimal);
    fn date(&mut self, value: NaiveDate);
}

/// A field's JSON events, their scalars outside any object or array given to
/// `out`: an object or an array gives no cell of a column without members of
/// that name (the walk's rule, in one place for every output).
pub(crate) struct Outside<S> {
    pub(crate) out: S,
    /// An object or an array began: nothing inside it is the field's scalar.
    complex: bool,
}

impl<S> Outside<S> {
    pub(crate) fn new(out: S) -> Outside<S> {
        Outside {
            out,
            complex: false,
        }
    }
}

impl<S: ScalarOut> Sink for Outside<S> {
    fn begin_object(&mut self) {
        self.complex = true;
    }
    fn key(&mut self, _: &str) {}
    fn end_object(&mut self) {}
    fn begin_array(&mut self) {
        self.complex = true;
    }
    fn end_array(&mut self) {}
    fn null(&mut self) {}
    fn bool(&mut self, value: bool) {
        if !self.complex {
            self.out.bool(value);
        }
    }
    fn number(&mut self, text: &str) {
        if !self.complex {
            self.out.number(text);
        }
    }
    fn string(&mut self, value: &str) {
        if !self.complex {
            self.out.string(value);
        }
    }
    fn integer(&mut self, value: i64) {
        if !self.complex {
            self.out.integer(value);
        }
    }
    fn decimal(&mut self, value: &Decimal) {
        if !self.complex {
            self.out.decimal(value);
        }
    }
    fn date(&mut self, value: NaiveDate) {
        if !self.complex {
            self.out.date(value);
        }
    }
}

/// The one scalar of a field, as a value (the last, for a field that would give
/// several).
#[derive(Default)]
struct Scalar(Option<Value>);

impl ScalarOut for Scalar {
    fn bool(&mut self, value: bool) {
        self.0 = Some(Value::Bool(value));
    }
    fn number(&mut self, text: &str) {
        // A number kept verbatim: only a text column takes it (as the walk).
        self.0 = Some(Value::Text(text.into()));
    }
    fn string(&mut self, value: &str) {
        self.0 = Some(Value::Text(value.into()));
    }
    fn integer(&mut self, value: i64) {
        self.0 = Some(Value::Int(value));
    }
    fn decimal(&mut self, value: &Decimal) {
        self.0 = Some(Value::Dec(*value));
    }
    fn date(&mut self, value: NaiveDate) {
        self.0 = Some(Value::Date(value));
    }
}

/// A scalar field's cell in a column of type `col`.
fn cell<T: Codec>(f: &Option<Field<T>>, col: Col) -> Option<Value> {
    let f = f.as_ref()?;
    if f.json_omit() {
        return None;
    }
    let mut s = Outside::new(Scalar::default());
    f.write_json(&mut s);
    fit(col, s.out.0?)
}

/// Gives `each` the labels of a list field (`techniques: {technique: [...]}`),
/// in order; whether the list is there (a list cell, maybe empty, rather than
/// null), or [`Walk`].
pub(crate) fn each_label<T: Codec>(
    f: &Option<Field<Vec<Field<T>>>>,
    mut each: impl FnMut(&str),
) -> Result<bool, Walk> {
    let items = match f {
        None => return Ok(false),
        Some(Field::Valid(items)) => items,
        Some(Field::Invalid(Raw::Object(_))) => return Err(Walk),
        Some(Field::Invalid(_)) => return Ok(false),
    };
    for it in items {
        match it {
            Field::Valid(v) => {
                let mut label = Outside::new(Label {
                    each: &mut each,
                    text: None,
                });
                v.write_json(&mut label);
                if label.out.text != Some(true) {
                    return Err(Walk);
                }
            }
            Field::Invalid(Raw::String(t)) => each(t),
            // Not a label: the walk leaves it out.
            Field::Invalid(Raw::Number(_) | Raw::Bool(_) | Raw::Null) => {}
            Field::Invalid(_) => return Err(Walk),
        }
    }
    Ok(true)
}

/// A label's text given as its JSON events give it (a label is one string: a
/// [`Scalar`] would keep it only to give it).
struct Label<'a, F: FnMut(&str)> {
    each: &'a mut F,
    /// Whether the label's scalar is a text.
    text: Option<bool>,
}

impl<F: FnMut(&str)> ScalarOut for Label<'_, F> {
    fn bool(&mut self, _: bool) {
        self.text = Some(false);
    }
    fn number(&mut self, text: &str) {
        self.string(text);
    }
    fn string(&mut self, value: &str) {
        self.text = Some(true);
        (self.each)(value);
    }
    fn integer(&mut self, _: i64) {
        self.text = Some(false);
    }
    fn decimal(&mut self, _: &Decimal) {
        self.text = Some(false);
    }
    fn date(&mut self, _: NaiveDate) {
        self.text = Some(false);
    }
}

/// An object field whose members are columns (`acheteur`, `lieuExecution`):
/// the object when it has no member of its own, `None` when absent or not an
/// object.
fn object<T>(f: &Option<Field<T>>, unknown: impl Fn(&T) -> bool) -> Result<Option<&T>, Walk> {
    match f {
        None => Ok(None),
        Some(Field::Valid(o)) if unknown(o) => Err(Walk),
        Some(Field::Valid(o)) => Ok(Some(o)),
        Some(Field::Invalid(Raw::Object(_))) => Err(Walk),
        Some(Field::Invalid(_)) => Ok(None),
    }
}

/// Gives the cell of column `$name` of `$cols` from a scalar field.
macro_rules! scalar {
    ($o:ident, $cols:ident, $name:literal, $f:expr) => {{
        const I: usize = at($cols, $name);
        $o.scalar(I, $cols[I].1, $f);
    }};
}

/// Gives the cells of scalar columns from fields of `$x`: `"column" => field`.
macro_rules! scalars {
    ($o:ident, $cols:ident, $x:ident; $($name:literal => $field:ident),* $(,)?) => {
        $( scalar!($o, $cols, $name, &$x.$field); )*
    };
}

/// Gives the cells of list columns from fields of `$x`: `"column" => field`.
macro_rules! lists {
    ($o:ident, $cols:ident, $x:ident; $($name:literal => $field:ident),* $(,)?) => {
        $( {
            const I: usize = at($cols, $name);
            $o.list(I, &$x.$field)?;
        } )*
    };
}

/// The cells a contract and a concession have alike.
macro_rules! shared {
    ($o:ident, $cols:ident, $x:ident) => {
        scalars!($o, $cols, $x;
            "id" => id,
            "nature" => nature,
            "objet" => objet,
            "procedure" => procedure,
            "dureeMois" => duree_mois,
            "datePublicationDonnees" => date_publication_donnees,
        );
        lists!($o, $cols, $x;
            "considerationsSociales" => considerations_sociales,
            "considerationsEnvironnementales" => considerations_environnementales,
        );
    };
}

fn buyer(a: &Acheteur) -> bool {
    !a.unknown.is_empty()
}

impl Cells for Marche {
    const COLUMNS: &'static [super::schema::Column] = MARCHES;

    fn put<O: CellOut>(&self, o: &mut O) -> Result<(), Walk> {
        let m = self;
        if !m.unknown.is_empty() {
            return Err(Walk);
        }
        let acheteur = object(&m.acheteur, buyer)?;
        let lieu = object(&m.lieu_execution, |l: &LieuExecution| !l.unknown.is_empty())?;
        shared!(o, MARCHES, m);
        lists!(o, MARCHES, m;
            "techniques" => techniques,
            "modalitesExecution" => modalites_execution,
            "typesPrix" => types_prix,
        );
        if let Some(a) = acheteur {
            scalar!(o, MARCHES, "acheteur_id", &a.id);
        }
        if let Some(l) = lieu {
            scalar!(o, MARCHES, "lieuExecution_code", &l.code);
            scalar!(o, MARCHES, "lieuExecution_typeCode", &l.type_code);
        }
        scalars!(o, MARCHES, m;
            "codeCPV" => code_cpv,
            "dateNotification" => date_notification,
            "montant" => montant,
            "formePrix" => forme_prix,
            "idAccordCadre" => id_accord_cadre,
            "marcheInnovant" => marche_innovant,
            "ccag" => ccag,
            "offresRecues" => offres_recues,
            "attributionAvance" => attribution_avance,
            "tauxAvance" => taux_avance,
            "typeGroupementOperateurs" => type_groupement_operateurs,
            "origineUE" => origine_ue,
            "origineFrance" => origine_france,
            "sousTraitanceDeclaree" => sous_traitance_declaree,
        );
        Ok(())
    }
}

impl Cells for ContratConcession {
    const COLUMNS: &'static [super::schema::Column] = CONCESSIONS;

    fn put<O: CellOut>(&self, o: &mut O) -> Result<(), Walk> {
        let c = self;
        if !c.unknown.is_empty() {
            return Err(Walk);
        }
        let autorite = object(&c.autorite_concedante, buyer)?;
        shared!(o, CONCESSIONS, c);
        if let Some(a) = autorite {
            scalar!(o, CONCESSIONS, "autoriteConcedante_id", &a.id);
        }
        scalars!(o, CONCESSIONS, c;
            "dateSignature" => date_signature,
            "dateDebutExecution" => date_debut_execution,
            "valeurGlobale" => valeur_globale,
            "montantSubventionPublique" => montant_subvention_publique,
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Record;
    use crate::table::flat::Flat;
    use crate::table::schema::Table;
    use crate::{Mode, ReaderBuilder};

    /// Compares the fast path with the walk on one contract; `true` when the fast
    /// path took it.
    fn same_as_the_walk(r: &Record) -> bool {
        let (cells, walked) = match r {
            Record::Marche(m) => (m.cells(), Flat::of(Table::Marches, m).values),
            Record::Concession(c) => (c.cells(), Flat::of(Table::Concessions, c).values),
            _ => return false,
        };
        match cells {
            Ok(v) => {
                assert_eq!(v, walked, "{r:?}");
                true
            }
            Err(Walk) => false,
        }
    }

    fn files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                files(&p, out);
            } else if p.extension().is_some_and(|x| x == "json" || x == "xml") {
                out.push(p);
            }
        }
    }

    /// Every record of the test data (official examples, real-world cases, the
    /// normaliser's inputs, fuzz finds), read tolerantly with and without the
    /// normaliser, v1 ones upgraded. (The generated corpora, clean and dirty, go
    /// through the check in `state_rows` in the integration tests.)
    #[test]
    fn the_cells_of_a_contract_are_the_walks() {
        let mut paths = Vec::new();
        files(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data"),
            &mut paths,
        );
        assert!(paths.len() > 20, "the test data is found");
        let (mut fast, mut walked) = (0, 0);
        for p in paths {
            let text = std::fs::read(&p).unwrap();
            for normalize in [false, true] {
                let Ok(mut reader) = ReaderBuilder::new()
                    .mode(Mode::Tolerant)
                    .normalize(normalize)
                    .from_slice(&text)
                else {
                    continue;
                };
                for d in reader.records().flatten() {
                    let mut all = vec![d.record.clone()];
                    if d.record.is_v1() {
                        all.push(crate::upgrade(&d.record).record);
                    }
                    for r in all {
                        if same_as_the_walk(&r) {
                            fast += 1;
                        } else {
                            walked += 1;
                        }
                    }
                }
            }
        }
        // Both paths were compared, the fast one the more common.
        assert!(fast > walked && walked > 0, "{fast} fast, {walked} walked");
    }
}
