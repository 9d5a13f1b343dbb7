//! Python objects ↔ the core's values: a [`Sink`] that builds Python objects
//! (`Decimal`, `date`), and Python objects → [`Raw`] (what a vendor builds).

use chrono::{Datelike, NaiveDate};
use decp_core::{Raw, Sink};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDate, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use rust_decimal::Decimal;

/// How numbers of the model come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Numbers {
    /// `decimal.Decimal` for amounts and rates, `int` for integers.
    Decimal,
    /// `float` for amounts and rates.
    Float,
    /// The exact text, as `str`.
    Str,
}

impl Numbers {
    pub fn parse(s: &str) -> PyResult<Numbers> {
        match s {
            "decimal" => Ok(Numbers::Decimal),
            "float" => Ok(Numbers::Float),
            "str" => Ok(Numbers::Str),
            _ => Err(PyValueError::new_err(format!(
                "numbers must be \"decimal\", \"float\" or \"str\", not {s:?}"
            ))),
        }
    }
}

enum Frame<'py> {
    Object(Bound<'py, PyDict>, Option<Bound<'py, PyString>>),
    Array(Bound<'py, PyList>),
}

/// Distinct keys a sink keeps to share (a document's dicts use a few dozen;
/// unknown members could bring any number, made one by one past this).
const MAX_KEYS: usize = 4096;

/// A [`Sink`] that builds Python objects: `dict` (members in the official order),
/// `list`, `str`, `bool`, `None`, `int`, `decimal.Decimal` (or `float`/`str`) and
/// `datetime.date` (or `str`).
pub struct PySink<'py> {
    py: Python<'py>,
    decimal: Bound<'py, PyAny>,
    numbers: Numbers,
    dates: bool,
    stack: Vec<Frame<'py>>,
    done: Option<Bound<'py, PyAny>>,
    error: Option<PyErr>,
    /// Each key made once and shared by every dict, as the `json` module does
    /// (a `str` per key of every dict took a fifth of a loaded document), when
    /// the sink builds many records ([`PySink::sharing_keys`]).
    keys: Option<std::collections::HashMap<String, Bound<'py, PyString>>>,
}

impl<'py> PySink<'py> {
    pub fn new(py: Python<'py>, numbers: Numbers, dates: bool) -> PyResult<PySink<'py>> {
        Ok(PySink {
            py,
            decimal: py.import("decimal")?.getattr("Decimal")?,
            numbers,
            dates,
            stack: Vec::new(),
            done: None,
            error: None,
            keys: None,
        })
    }

    /// The same sink, making each key once for all the dicts it builds: for a
    /// whole document (one record's dicts gain little, and filling the table
    /// costs more than it saves).
    pub fn sharing_keys(mut self) -> PySink<'py> {
        self.keys = Some(std::collections::HashMap::new());
        self
    }

    /// The object built, or the first error met.
    pub fn finish(&mut self) -> PyResult<Bound<'py, PyAny>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        Ok(self
            .done
            .take()
            .unwrap_or_else(|| self.py.None().into_bound(self.py)))
    }

    fn value(&mut self, v: PyResult<Bound<'py, PyAny>>) {
        let v = match v {
            Ok(v) => v,
            Err(e) => {
                self.error.get_or_insert(e);
                return;
            }
        };
        let r = match self.stack.last_mut() {
            Some(Frame::Object(d, key)) => match key.take() {
                Some(k) => d.set_item(k, v),
                None => d.set_item("", v),
            },
            Some(Frame::Array(l)) => l.append(v),
            None => {
                self.done = Some(v);
                Ok(())
            }
        };
        if let Err(e) = r {
            self.error.get_or_insert(e);
        }
    }

    fn number_text(&self, text: &str, exact: bool) -> PyResult<Bound<'py, PyAny>> {
        let integral = !text.contains(['.', 'e', 'E']);
        match self.numbers {
            Numbers::Str => Ok(PyString::new(self.py, text).into_any()),
            _ if integral && !exact => {
                // An integer kept verbatim (outside the model's typed members).
                match text.parse::<i64>() {
                    Ok(i) => Ok(i.into_pyobject(self.py)?.into_any()),
                    Err(_) => self.py.import("builtins")?.getattr("int")?.call1((text,)),
                }
            }
            Numbers::Decimal => self.decimal.call1((text,)),
            Numbers::Float => {
                Ok(PyFloat::new(self.py, text.parse::<f64>().unwrap_or(f64::NAN)).into_any())
            }
        }
    }
}

impl Sink for PySink<'_> {
    fn begin_object(&mut self) {
        self.stack.push(Frame::Object(PyDict::new(self.py), None));
    }
    fn key(&mut self, key: &str) {
        let k = match &mut self.keys {
            Some(keys) => match keys.get(key) {
                Some(k) => k.clone(),
                None => {
                    let k = PyString::new(self.py, key);
                    if keys.len() < MAX_KEYS {
                        keys.insert(key.to_owned(), k.clone());
                    }
                    k
                }
            },
            None => PyString::new(self.py, key),
        };
        if let Some(Frame::Object(_, slot)) = self.stack.last_mut() {
            *slot = Some(k);
        }
    }
    fn end_object(&mut self) {
        if let Some(Frame::Object(d, _)) = self.stack.pop() {
            self.value(Ok(d.into_any()));
        }
    }
    fn begin_array(&mut self) {
        self.stack.push(Frame::Array(PyList::empty(self.py)));
    }
    fn end_array(&mut self) {
        if let Some(Frame::Array(l)) = self.stack.pop() {
            self.value(Ok(l.into_any()));
        }
    }
    fn null(&mut self) {
        self.value(Ok(self.py.None().into_bound(self.py)));
    }
    fn bool(&mut self, value: bool) {
        self.value(Ok(PyBool::new(self.py, value).to_owned().into_any()));
    }
    fn number(&mut self, text: &str) {
        let v = self.number_text(text, false);
        self.value(v);
    }
    fn string(&mut self, value: &str) {
        self.value(Ok(PyString::new(self.py, value).into_any()));
    }
    fn integer(&mut self, value: i64) {
        let v = match self.numbers {
            Numbers::Str => PyString::new(self.py, &value.to_string()).into_any(),
            _ => value
                .into_pyobject(self.py)
                .map(Bound::into_any)
                .unwrap_or_else(|e| match e {}),
        };
        self.value(Ok(v));
    }
    fn decimal(&mut self, value: &Decimal) {
        let v = self.number_text(&value.to_string(), true);
        self.value(v);
    }
    fn date(&mut self, value: NaiveDate) {
        let v = if self.dates {
            // Model dates are within years 1..=9999 (four-digit years).
            u8::try_from(value.month())
                .ok()
                .zip(u8::try_from(value.day()).ok())
                .map_or_else(
                    || Err(PyValueError::new_err(format!("date out of range: {value}"))),
                    |(m, d)| PyDate::new(self.py, value.year(), m, d).map(Bound::into_any),
                )
        } else {
            Ok(PyString::new(self.py, &value.format("%Y-%m-%d").to_string()).into_any())
        };
        self.value(v);
    }
}

/// The deepest nesting accepted from Python objects (as the readers' default limit).
const MAX_DEPTH: usize = 128;

/// A Python object as a [`Raw`] value: `dict` (string keys, order kept), `list`
/// and `tuple`, `str`, `bool`, `None`, `int`, `float` (finite), `decimal.Decimal`
/// (finite; its exact text), `datetime.date` (`YYYY-MM-DD`; a `datetime` gives its
/// ISO text, which the date check then refuses).
///
/// # Errors
///
/// `TypeError` for any other type or a non-string key, `ValueError` for a
/// non-finite number or nesting deeper than 128 levels.
pub fn to_raw(obj: &Bound<'_, PyAny>) -> PyResult<Raw> {
    to_raw_at(obj, 0, &mut String::new())
}

fn to_raw_at(obj: &Bound<'_, PyAny>, depth: usize, path: &mut String) -> PyResult<Raw> {
    if depth > MAX_DEPTH {
        return Err(PyValueError::new_err(format!(
            "value nested deeper than {MAX_DEPTH} levels at {path:?}"
        )));
    }
    let py = obj.py();
    if obj.is_none() {
        return Ok(Raw::Null);
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Raw::Bool(b.is_true()));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Raw::String(s.to_str()?.to_owned()));
    }
    if obj.cast::<PyInt>().is_ok() {
        return Ok(Raw::Number(obj.str()?.to_str()?.to_owned()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let v = f.value();
        if !v.is_finite() {
            return Err(PyValueError::new_err(format!(
                "{v} at {path:?} is not a number DECP can hold"
            )));
        }
        // Python's repr: the shortest text that reads back as the same float.
        return Ok(Raw::Number(obj.repr()?.to_str()?.to_owned()));
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        let mut members = Vec::with_capacity(d.len());
        for (k, v) in d.iter() {
            let k: String = k.extract().map_err(|_| {
                PyTypeError::new_err(format!(
                    "keys must be str, found {} at {path:?}",
                    k.get_type()
                ))
            })?;
            let len = path.len();
            path.push('/');
            path.push_str(&k.replace('~', "~0").replace('/', "~1"));
            let v = to_raw_at(&v, depth + 1, path)?;
            path.truncate(len);
            members.push((k, v));
        }
        return Ok(Raw::Object(members));
    }
    if obj.cast::<PyList>().is_ok() || obj.cast::<PyTuple>().is_ok() {
        let mut items = Vec::new();
        for (i, v) in obj.try_iter()?.enumerate() {
            let len = path.len();
            path.push_str(&format!("/{i}"));
            items.push(to_raw_at(&v?, depth + 1, path)?);
            path.truncate(len);
        }
        return Ok(Raw::Array(items));
    }
    let decimal = py.import("decimal")?.getattr("Decimal")?;
    if obj.is_instance(&decimal)? {
        if !obj.call_method0("is_finite")?.is_truthy()? {
            return Err(PyValueError::new_err(format!(
                "{} at {path:?} is not a number DECP can hold",
                obj.str()?
            )));
        }
        // Decimal's str is exact; JSON wants no leading '+' and an 'e' exponent.
        return Ok(Raw::Number(obj.str()?.to_str()?.to_owned()));
    }
    if obj.cast::<PyDate>().is_ok() {
        return Ok(Raw::String(obj.call_method0("isoformat")?.extract()?));
    }
    Err(PyTypeError::new_err(format!(
        "{} at {path:?} is not a DECP value (dict, list, str, int, float, Decimal, date, bool or None)",
        obj.get_type()
    )))
}
