//! Rows of the tables from one checked record: its states (the contract as
//! published, then after each modification in order), its holders, its link
//! tables and its findings.

use chrono::NaiveDate;
use smol_str::SmolStr;

use super::cells::{Cells, Walk};
use super::direct::{StateBuilders, StateSink, sink_for};
use super::flat::{Flat, Value};
use super::schema::{Table, at, col, find};
use crate::codec::Codec;
use crate::issue::{Issue, IssueCode, Lang};
use crate::model::{ContratConcession, Marche, Operateur};
use crate::raw::{Field, get};
use crate::record::{Record, RecordKind, Version};
use crate::states::{self, Modification, valid_items};
use crate::workflow::Checked;

/// One row of one table: a value (or null) per column, in the columns' order.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub(crate) Vec<Option<Value>>);

/// How rows are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RowOptions {
    /// Only each contract's current state (its last), not every state.
    pub current_only: bool,
    /// Language of the findings' messages.
    pub lang: Lang,
    /// Decimals will be written as `float64` (approximate by the user's choice):
    /// an amount with more than ten decimals is kept, not reported.
    pub float: bool,
    /// Which tables to make rows for, in [`Table::ALL`] order (all by default).
    pub tables: [bool; 6],
}

impl Default for RowOptions {
    fn default() -> RowOptions {
        RowOptions {
            current_only: false,
            lang: Lang::Fr,
            float: false,
            tables: [true; 6],
        }
    }
}

impl RowOptions {
    /// Only each contract's current state.
    pub fn current_only(mut self, yes: bool) -> RowOptions {
        self.current_only = yes;
        self
    }
    /// Language of the findings' messages.
    pub fn lang(mut self, lang: Lang) -> RowOptions {
        self.lang = lang;
        self
    }
    /// Decimals as `float64`.
    pub fn float(mut self, yes: bool) -> RowOptions {
        self.float = yes;
        self
    }
    /// Makes rows for these tables only (the others' work is skipped).
    pub fn only(mut self, tables: &[Table]) -> RowOptions {
        self.tables = [false; 6];
        for t in tables {
            self.tables[slot(*t)] = true;
        }
        self
    }
    pub(super) fn wants(&self, t: Table) -> bool {
        self.tables[slot(t)]
    }
}

/// The rows one record gives, per table (in [`Table::ALL`] order).
#[derive(Debug, Default)]
pub struct RowSet {
    pub(crate) rows: [Vec<Row>; 6],
}

impl RowSet {
    /// The rows of `table`.
    pub fn rows(&self, table: Table) -> &[Row] {
        &self.rows[slot(table)]
    }

    /// Marks the rows of a record that deduplication left out (see
    /// [`crate::dedup`]): `duplicate_of_sourceFile` and `duplicate_of_record` of
    /// the `marches` and `concessions` rows name the record kept.
    pub fn mark_duplicate_of(&mut self, source_file: &str, record: u64) {
        self.mark_duplicate_of_opt(Some((source_file, record)));
    }

    fn mark_duplicate_of_opt(&mut self, duplicate_of: Option<(&str, u64)>) {
        let Some((source_file, record)) = duplicate_of else {
            return;
        };
        let file = SmolStr::from(source_file);
        for cols in [&MARCHE_STATE, &CONCESSION_STATE] {
            let [_, _, f, r, _] = cols.made;
            for row in &mut self.rows[slot(cols.table)] {
                row.0[f] = Some(Value::Text(file.clone()));
                row.0[r] = Some(Value::Index(record));
            }
        }
    }

    pub(super) fn push(&mut self, table: Table, row: Row) {
        self.rows[slot(table)].push(row);
    }
}

pub(crate) fn slot(t: Table) -> usize {
    t as usize
}

/// A row being filled, column by column.
pub(super) struct RowBuf {
    table: Table,
    values: Vec<Option<Value>>,
}

impl RowBuf {
    pub(super) fn new(table: Table) -> RowBuf {
        RowBuf {
            table,
            values: vec![None; table.columns().len()],
        }
    }
    /// Sets column `i` (found with [`col!`] at compile time).
    pub(super) fn set(&mut self, i: usize, v: Option<Value>) {
        self.values[i] = v;
    }
    pub(super) fn text(&mut self, i: usize, v: Option<&str>) {
        self.set(i, v.map(|s| Value::Text(s.into())));
    }
    pub(super) fn done(self) -> Row {
        Row(self.values)
    }
}

fn text_of(v: Option<&Value>) -> Option<String> {
    match v {
        Some(Value::Text(t)) => Some(t.to_string()),
        _ => None,
    }
}

/// The community tables' key: the buyer's (or authority's) identifier then the
/// contract's id.
fn uid(owner: Option<&String>, id: Option<&String>) -> Option<SmolStr> {
    let (owner, id) = (owner?, id?);
    let mut s = String::with_capacity(owner.len() + id.len());
    s.push_str(owner);
    s.push_str(id);
    Some(s.into())
}

/// Common columns of every row of a record. Its texts are made once and shared
/// by its rows (a long path or key would otherwise be copied into each row).
pub(super) struct Ctx {
    pub(super) uid: Option<SmolStr>,
    pub(super) source: SmolStr,
    pub(super) record: Option<u64>,
    pub(super) version: Option<Version>,
}

/// The columns [`Ctx::fill`] sets, per table (in [`Table::ALL`] order): `uid`,
/// `sourceFile`, `record`, `version`, where the table has them.
pub(super) const COMMON: [[Option<usize>; 4]; 6] = {
    let mut out = [[None; 4]; 6];
    let mut t = 0;
    while t < 6 {
        let cols = Table::ALL[t].columns();
        out[t] = [
            find(cols, "uid"),
            find(cols, "sourceFile"),
            find(cols, "record"),
            find(cols, "version"),
        ];
        t += 1;
    }
    out
};

impl Ctx {
    pub(super) fn fill(&self, r: &mut RowBuf) {
        let [uid, source, record, version] = COMMON[slot(r.table)];
        let cells = [
            (uid, self.uid.clone().map(Value::Text)),
            (source, Some(Value::Text(self.source.clone()))),
            (record, self.record.map(Value::Index)),
            (
                version,
                self.version.map(|v| Value::Text(v.as_str().into())),
            ),
        ];
        for (i, v) in cells {
            if let Some(i) = i {
                r.set(i, v);
            }
        }
    }
}

/// The holders of a list (its valid ones): their identifier and its type.
pub(super) fn operators(
    list: &Option<Field<Vec<Field<Operateur>>>>,
) -> Vec<(Option<&str>, Option<&'static str>)> {
    get(list)
        .map(|l| {
            l.iter()
                .filter_map(Field::valid)
                .map(|o| {
                    (
                        get(&o.id).map(String::as_str),
                        get(&o.type_identifiant).map(|t| t.as_str()),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The rows of one checked record in every table. The record is upgraded to v2
/// first when it is v1 (its upgrade findings join the findings table; v1-only
/// names fill `acheteur_nom` / `autoriteConcedante_nom`).
pub fn rows_of(c: &Checked, source: &str, opts: &RowOptions) -> RowSet {
    rows_into(c, source, opts, StateBuilders::default()).0
}

/// [`rows_of`], the rows of the record's states in `out` (when it has their
/// table's builder) rather than in the set; with the number of rows put there.
pub(crate) fn rows_into(
    c: &Checked,
    source: &str,
    opts: &RowOptions,
    out: StateBuilders,
) -> (RowSet, usize) {
    let asked = opts.tables;
    // The findings table reports the values the data tables cannot hold: it needs
    // their rows made, even when they are not asked for.
    let opts = &if opts.wants(Table::Findings) {
        RowOptions {
            tables: [true; 6],
            ..*opts
        }
    } else {
        *opts
    };
    let mut set = RowSet::default();
    let record_index = c.position.and_then(|p| p.record);
    let want_findings = opts.wants(Table::Findings);
    let mut findings: Vec<Issue> = if want_findings {
        c.issues.clone()
    } else {
        Vec::new()
    };
    // The v1-only name of the buyer (or authority), which the upgrade cannot carry.
    let mut nom: Option<String> = None;
    let upgraded;
    let record = match &c.record {
        Some(r) if r.is_v1() => {
            let (table, column) = match r.kind() {
                RecordKind::Marche => (Table::Marches, "acheteur_nom"),
                RecordKind::Concession => (Table::Concessions, "autoriteConcedante_nom"),
            };
            let mut f = Flat::new(table);
            r.emit(&mut f);
            nom = text_of(f.get(column));
            let up = crate::upgrade(r);
            let base = c.path.clone().unwrap_or_default();
            for mut i in up.findings {
                i.path = format!("{base}{}", i.path);
                i.position = c.position;
                findings.push(i);
            }
            upgraded = up.record;
            Some(&upgraded)
        }
        other => other.as_ref(),
    };
    let mut ctx = Ctx {
        uid: None,
        source: source.into(),
        record: record_index,
        version: c.version,
    };
    let (dup, mut sink) = (out.duplicate_of, None);
    let state_table = match record {
        Some(Record::Marche(m)) => {
            ctx.uid = uid(get(&m.acheteur).and_then(|a| get(&a.id)), get(&m.id));
            if opts.wants(Table::Marches) {
                sink = sink_for(out.out, Table::Marches, m, dup);
            }
            marche_rows(m, &ctx, nom.as_deref(), opts, &mut set, &mut sink);
            Table::Marches
        }
        Some(Record::Concession(k)) => {
            ctx.uid = uid(
                get(&k.autorite_concedante).and_then(|a| get(&a.id)),
                get(&k.id),
            );
            if opts.wants(Table::Concessions) {
                sink = sink_for(out.out, Table::Concessions, k, dup);
            }
            concession_rows(k, &ctx, nom.as_deref(), opts, &mut set, &mut sink);
            Table::Concessions
        }
        _ => Table::Marches,
    };
    let (unfit, put) = sink
        .map(|s| (s.unfit, s.builder.len() - s.start))
        .unwrap_or_default();
    if !opts.float {
        // An amount a decimal128(38, 10) column cannot hold exactly: null, reported.
        let base = c.path.clone().unwrap_or_default();
        let mut report = |t: Table, k: usize, value: &str| {
            let name = t.columns()[k].0;
            let path = format!("{base}/{}", name.replace('_', "/"));
            let mut i = not_representable(&path, value, t, name);
            i.position = c.position;
            findings.push(i);
        };
        // The state rows gone to their builder come first, as their table does.
        for (k, value) in unfit {
            report(state_table, k, &value);
        }
        for t in &Table::ALL[..5] {
            for row in &mut set.rows[slot(*t)] {
                for (k, value) in unfit_decimals(row) {
                    report(*t, k, &value);
                }
            }
        }
    }
    for (k, rows) in set.rows.iter_mut().enumerate() {
        if !asked[k] {
            rows.clear();
        }
    }
    if !want_findings {
        return (set, put);
    }
    let id = c.id().map(str::to_owned);
    for i in &findings {
        let mut r = RowBuf::new(Table::Findings);
        ctx.fill(&mut r);
        r.text(col!(Table::Findings, "id"), id.as_deref());
        r.text(col!(Table::Findings, "kind"), c.kind.map(RecordKind::name));
        r.text(col!(Table::Findings, "code"), Some(i.code.as_str()));
        r.text(
            col!(Table::Findings, "severity"),
            Some(i.severity().as_str()),
        );
        r.text(col!(Table::Findings, "family"), Some(i.family().as_str()));
        r.text(col!(Table::Findings, "path"), Some(&i.path));
        r.set(
            col!(Table::Findings, "line"),
            i.position.map(|p| Value::Index(p.line)),
        );
        r.set(
            col!(Table::Findings, "column"),
            i.position.map(|p| Value::Index(p.column)),
        );
        r.text(col!(Table::Findings, "value"), i.value.as_deref());
        r.text(
            col!(Table::Findings, "message"),
            Some(&i.message(opts.lang)),
        );
        set.push(Table::Findings, r.done());
    }
    (set, put)
}

/// Nulls the decimals of `row` that a `decimal128(38, 10)` column cannot hold
/// exactly; their columns and values.
fn unfit_decimals(row: &mut Row) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (k, v) in row.0.iter_mut().enumerate() {
        if let Some(Value::Dec(d)) = v
            && super::decimal_units(d).is_none()
        {
            out.push((k, d.to_string()));
            *v = None;
        }
    }
    out
}

/// The modification that made a state: its id, its notification (or signature)
/// date and its publication date; `None` for the contract as published.
pub(super) type Made = Option<(Option<i64>, Option<NaiveDate>, Option<NaiveDate>)>;

/// The columns a state row fills beyond the record's own: the v1 name, the
/// holder's three, and the modification's date.
pub(super) struct StateCols {
    pub(super) table: Table,
    pub(super) nom: usize,
    pub(super) holder_id: usize,
    pub(super) holder_type: usize,
    pub(super) holder_rang: usize,
    pub(super) date: usize,
    /// `modification_id`, `datePublicationDonneesModification`,
    /// `duplicate_of_sourceFile`, `duplicate_of_record`, `donneesActuelles`.
    pub(super) made: [usize; 5],
}

const fn state_cols(table: Table, names: [&str; 5]) -> StateCols {
    let c = table.columns();
    StateCols {
        table,
        nom: at(c, names[0]),
        holder_id: at(c, names[1]),
        holder_type: at(c, names[2]),
        holder_rang: at(c, names[3]),
        date: at(c, names[4]),
        made: [
            at(c, "modification_id"),
            at(c, "datePublicationDonneesModification"),
            at(c, "duplicate_of_sourceFile"),
            at(c, "duplicate_of_record"),
            at(c, "donneesActuelles"),
        ],
    }
}

const MARCHE_STATE: StateCols = state_cols(
    Table::Marches,
    [
        "acheteur_nom",
        "titulaire_id",
        "titulaire_typeIdentifiant",
        "titulaire_rang",
        "dateNotificationModification",
    ],
);

const CONCESSION_STATE: StateCols = state_cols(
    Table::Concessions,
    [
        "autoriteConcedante_nom",
        "concessionnaire_id",
        "concessionnaire_typeIdentifiant",
        "concessionnaire_rang",
        "dateSignatureModification",
    ],
);

/// The rows of one state of a contract: one per holder (one with no holder when
/// it has none).
#[allow(clippy::too_many_arguments)]
fn state_rows<T: Codec + Cells>(
    cols: &StateCols,
    rec: &T,
    holders: &Option<Field<Vec<Field<Operateur>>>>,
    made: Made,
    current: bool,
    ctx: &Ctx,
    nom: Option<&str>,
    set: &mut RowSet,
    sink: &mut Option<StateSink>,
) {
    let holders = operators(holders);
    let Some(sink) = sink else {
        state_row_values(cols, rec, holders, made, current, ctx, nom, set);
        return;
    };
    let (b, dup, unfit) = (&mut *sink.builder, sink.duplicate_of, &mut sink.unfit);
    let direct =
        super::direct::state_rows(b, cols, rec, &holders, made, current, ctx, nom, dup, unfit);
    if direct.is_ok() {
        return;
    }
    // A shape only the walk handles: its rows, checked, go to the builder in
    // their place.
    let mut rows = RowSet::default();
    state_row_values(cols, rec, holders, made, current, ctx, nom, &mut rows);
    rows.mark_duplicate_of_opt(dup);
    for mut row in std::mem::take(&mut rows.rows[slot(cols.table)]) {
        // The key is a cell of the record, which its states share: a walked
        // state's row has the same (checked in debug builds). One that did not
        // would go to the set, and from there to its partition (after the
        // record's other rows, were it the same partition).
        debug_assert!(sink.key.as_ref().is_none_or(|(i, k)| row.0[*i] == *k));
        if let Some((i, key)) = &sink.key
            && row.0[*i] != *key
        {
            set.push(cols.table, row);
            continue;
        }
        // A float64 column holds every decimal (as the rows' check knows).
        if !b.float {
            unfit.extend(unfit_decimals(&mut row));
        }
        b.push(row);
    }
}

/// [`state_rows`] as rows of values.
#[allow(clippy::too_many_arguments)]
fn state_row_values<T: Codec + Cells>(
    cols: &StateCols,
    rec: &T,
    holders: Vec<(Option<&str>, Option<&'static str>)>,
    made: Made,
    current: bool,
    ctx: &Ctx,
    nom: Option<&str>,
    set: &mut RowSet,
) {
    // The state's cells, common to its holders' rows, are set once: read from
    // its fields, or walked when the record has a shape only the walk handles.
    let values = match rec.cells() {
        Ok(v) => {
            // Checked against the walk in debug builds (the tests) and fuzzing.
            if cfg!(any(debug_assertions, fuzzing)) {
                assert_eq!(
                    v,
                    Flat::of(cols.table, rec).values,
                    "cells other than the walk's"
                );
            }
            v
        }
        Err(Walk) => Flat::of(cols.table, rec).values,
    };
    let mut base = RowBuf {
        table: cols.table,
        values,
    };
    ctx.fill(&mut base);
    base.text(cols.nom, nom);
    // Every column made here is set, null included: an unknown member of the
    // record with a made column's name (`"duplicate": {"of_sourceFile": …}`)
    // never fills it.
    let (id, date, published) = made.unwrap_or_default();
    let [mod_id, mod_published, dup_file, dup_record, actuelles] = cols.made;
    base.set(mod_id, id.map(Value::Int));
    base.set(cols.date, date.map(Value::Date));
    base.set(mod_published, published.map(Value::Date));
    base.set(dup_file, None);
    base.set(dup_record, None);
    base.set(actuelles, Some(Value::Bool(current)));
    let holders: Vec<_> = if holders.is_empty() {
        vec![(None, None)]
    } else {
        holders
    };
    let (hid_col, htype_col, hrang_col) = (cols.holder_id, cols.holder_type, cols.holder_rang);
    let last = holders.len() - 1;
    let mut base = Some(base.values);
    for (rang, (hid, htype)) in holders.into_iter().enumerate() {
        // The last holder's row takes the state's cells instead of a copy.
        let mut values = if rang == last {
            base.take().unwrap_or_default()
        } else {
            base.clone().unwrap_or_default()
        };
        let rank = (hid.is_some() || htype.is_some()).then_some(Value::Int(rang as i64 + 1));
        for (col, v) in [
            (hid_col, hid.map(|h| Value::Text(h.into()))),
            (htype_col, htype.map(|t| Value::Text(t.into()))),
            (hrang_col, rank),
        ] {
            values[col] = v;
        }
        set.push(cols.table, Row(values));
    }
}

fn marche_rows(
    m: &Marche,
    ctx: &Ctx,
    nom: Option<&str>,
    opts: &RowOptions,
    set: &mut RowSet,
    sink: &mut Option<StateSink>,
) {
    let mods = valid_items(&m.modifications);
    if !opts.wants(Table::Marches) {
    } else if mods.is_empty() {
        // One state, the contract as published: no copy of it.
        state_rows(
            &MARCHE_STATE,
            m,
            &m.titulaires,
            None,
            true,
            ctx,
            nom,
            set,
            sink,
        );
    } else {
        // The state's values, changed by each modification in turn: the contract
        // without its lists of events.
        let mut cur = states::marche_base(m);
        let order = states::in_order(&m.modifications);
        if !opts.current_only {
            state_rows(
                &MARCHE_STATE,
                &cur,
                &cur.titulaires,
                None,
                false,
                ctx,
                nom,
                set,
                sink,
            );
        }
        for (k, (_, md)) in order.iter().enumerate() {
            md.apply_to(&mut cur);
            let current = k + 1 == order.len();
            if current || !opts.current_only {
                let made = Some((
                    get(&md.id).copied(),
                    get(&md.date_notification_modification).copied(),
                    get(&md.date_publication_donnees_modification).copied(),
                ));
                state_rows(
                    &MARCHE_STATE,
                    &cur,
                    &cur.titulaires,
                    made,
                    current,
                    ctx,
                    nom,
                    set,
                    sink,
                );
            }
        }
    }
    super::links::marche_links(m, &mods, ctx, opts, set);
}

fn concession_rows(
    k: &ContratConcession,
    ctx: &Ctx,
    nom: Option<&str>,
    opts: &RowOptions,
    set: &mut RowSet,
    sink: &mut Option<StateSink>,
) {
    let mods = valid_items(&k.modifications);
    if !opts.wants(Table::Concessions) {
    } else if mods.is_empty() {
        state_rows(
            &CONCESSION_STATE,
            k,
            &k.concessionnaires,
            None,
            true,
            ctx,
            nom,
            set,
            sink,
        );
    } else {
        let mut cur = states::concession_base(k);
        let order = states::in_order(&k.modifications);
        if !opts.current_only {
            let holders = &cur.concessionnaires;
            state_rows(
                &CONCESSION_STATE,
                &cur,
                holders,
                None,
                false,
                ctx,
                nom,
                set,
                sink,
            );
        }
        for (n, (_, md)) in order.iter().enumerate() {
            md.apply_to(&mut cur);
            let current = n + 1 == order.len();
            if current || !opts.current_only {
                let made = Some((
                    get(&md.id).copied(),
                    get(&md.date_signature_modification).copied(),
                    get(&md.date_publication_donnees_modification).copied(),
                ));
                let holders = &cur.concessionnaires;
                state_rows(
                    &CONCESSION_STATE,
                    &cur,
                    holders,
                    made,
                    current,
                    ctx,
                    nom,
                    set,
                    sink,
                );
            }
        }
    }
    let mods = if opts.wants(Table::Modifications) {
        mods
    } else {
        Vec::new()
    };
    for (i, md) in &mods {
        let mut r = super::links::modification_row(
            ctx,
            RecordKind::Concession,
            *i,
            get(&md.id).copied(),
            (
                col!(Table::Modifications, "dateSignatureModification"),
                get(&md.date_signature_modification).copied(),
            ),
            get(&md.date_publication_donnees_modification).copied(),
            get(&md.duree_mois).copied(),
        );
        r.set(
            col!(Table::Modifications, "valeurGlobale"),
            get(&md.valeur_globale).map(|v| Value::Dec(*v)),
        );
        set.push(Table::Modifications, r.done());
    }
    let donnees = if opts.wants(Table::DonneesExecution) {
        get(&k.donnees_execution)
    } else {
        None
    };
    for (i, d) in donnees.into_iter().flatten().enumerate() {
        let Some(d) = d.valid() else { continue };
        let tarifs: Vec<_> = get(&d.tarifs)
            .map(|l| l.iter().filter_map(Field::valid).collect())
            .unwrap_or_default();
        let n = tarifs.len().max(1);
        for t in 0..n {
            let mut r = RowBuf::new(Table::DonneesExecution);
            ctx.fill(&mut r);
            r.set(
                col!(Table::DonneesExecution, "rang"),
                Some(Value::Int(i as i64 + 1)),
            );
            r.set(
                col!(Table::DonneesExecution, "datePublicationDonneesExecution"),
                get(&d.date_publication_donnees_execution).map(|v| Value::Date(*v)),
            );
            r.set(
                col!(Table::DonneesExecution, "depensesInvestissement"),
                get(&d.depenses_investissement).map(|v| Value::Dec(*v)),
            );
            if let Some(tf) = tarifs.get(t) {
                r.set(
                    col!(Table::DonneesExecution, "tarif_rang"),
                    Some(Value::Int(t as i64 + 1)),
                );
                r.text(
                    col!(Table::DonneesExecution, "intituleTarif"),
                    get(&tf.intitule_tarif).map(String::as_str),
                );
                r.set(
                    col!(Table::DonneesExecution, "tarif"),
                    get(&tf.tarif).map(|v| Value::Dec(*v)),
                );
            }
            set.push(Table::DonneesExecution, r.done());
        }
    }
}

/// The finding of a value that a table's column cannot hold exactly.
pub(crate) fn not_representable(path: &str, value: &str, table: Table, column: &str) -> Issue {
    let mut i = Issue::new(IssueCode::TableValue, path);
    i.value = Some(value.to_owned());
    i.expected = Some(format!("{}.{column}", table.name()));
    i
}
