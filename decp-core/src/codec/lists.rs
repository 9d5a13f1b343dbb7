//! The list shapes of the official formats, JSON and XML, and the normaliser's
//! reshaping of unofficial ones.

use super::{Codec, Cx};
use crate::issue::IssueCode;
use crate::raw::{Field, Raw};
use crate::sink::Sink;
use crate::tree::{Node, V};
use crate::write_out::XmlOut;

/// A list of objects, each wrapped: JSON `[{"titulaire": {…}}, …]`,
/// XML `<titulaires><titulaire>…</titulaire>…</titulaires>`.
pub(crate) mod obj_list {
    use super::*;

    pub fn decode<T: Codec>(
        n: &Node<'_>,
        cx: &mut Cx,
        json_item: &'static str,
        xml_item: &str,
    ) -> Field<Vec<Field<T>>> {
        if cx.normalize
            && let Some(items) = reshape(
                n,
                cx,
                [json_item, xml_item],
                &format!("[{{\"{json_item}\": {{…}}}}]"),
            )
        {
            return Field::Valid(decode_items(&items, cx, json_item));
        }
        match &n.v {
            V::Arr(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, it) in items.iter().enumerate() {
                    cx.push_index(i);
                    out.push(match &it.v {
                        V::Obj(m) if m.len() == 1 && m[0].0 == json_item => {
                            cx.push_key(json_item);
                            let f = T::decode(&m[0].1, cx);
                            cx.pop();
                            f
                        }
                        _ => {
                            cx.invalid(it, IssueCode::Type, &format!("{{\"{json_item}\": {{…}}}}"))
                        }
                    });
                    cx.pop();
                }
                Field::Valid(out)
            }
            // The XML shape; in JSON an object where the schema wants an array is
            // a type error (the normaliser reshapes it, above).
            V::Obj(m) if cx.xml => {
                let mut out = Vec::with_capacity(m.len());
                for (i, (k, v)) in m.iter().enumerate() {
                    cx.push_index(i);
                    if *k == xml_item {
                        cx.push_key(json_item);
                        out.push(T::decode(v, cx));
                        cx.pop();
                    } else {
                        cx.report(
                            v.off,
                            IssueCode::AdditionalProperty,
                            Some(k.to_string()),
                            None,
                        );
                        out.push(Field::Invalid(Raw::Object(vec![(
                            k.to_string(),
                            v.verbatim(),
                        )])));
                    }
                    cx.pop();
                }
                Field::Valid(out)
            }
            V::Text(s) if s.trim().is_empty() => Field::Valid(Vec::new()),
            _ => cx.invalid(n, IssueCode::Type, "array"),
        }
    }

    pub fn write_json<T: Codec, S: Sink + ?Sized>(
        f: &Field<Vec<Field<T>>>,
        out: &mut S,
        json_item: &str,
    ) {
        match f {
            Field::Valid(items) => {
                out.begin_array();
                for it in items {
                    match it {
                        Field::Valid(v) => {
                            out.begin_object();
                            out.key(json_item);
                            v.write_json(out);
                            out.end_object();
                        }
                        Field::Invalid(r) => r.write_json(out),
                    }
                }
                out.end_array();
            }
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub fn write_xml<T: Codec>(
        f: &Field<Vec<Field<T>>>,
        out: &mut XmlOut,
        name: &str,
        xml_item: &str,
    ) {
        match f {
            Field::Valid(items) if items.is_empty() => out.leaf(name, ""),
            Field::Valid(items) => {
                out.start(name, &[]);
                for it in items {
                    match it {
                        Field::Valid(v) => v.write_xml(out, xml_item),
                        Field::Invalid(Raw::Object(m)) if m.len() == 1 => {
                            m[0].1.write_xml(out, &m[0].0)
                        }
                        Field::Invalid(r) => r.write_xml(out, xml_item),
                    }
                }
                out.end(name);
            }
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }
}

/// The items of a list in an unofficial shape, each unwrapped, for the normaliser:
/// a bare array of objects (v1 shape in v2 or the reverse), a list of lists, a single
/// object, a wrapper holding an array (`{"titulaire": […]}`). `None` when the list
/// has the official shape (or no shape the normaliser knows).
fn reshape<'n, 'a>(
    n: &'n Node<'a>,
    cx: &mut Cx,
    [item, xml_item]: [&str; 2],
    official: &str,
) -> Option<Vec<&'n Node<'a>>> {
    // `item` is "json_item|xml_item" when they differ (JSON files that use the XML
    // name `modificationActesSousTraitance` are common).
    fn wrapped<'n, 'a>(it: &'n Node<'a>, item: &str) -> Option<&'n Node<'a>> {
        match &it.v {
            V::Obj(m) if m.len() == 1 && item.split('|').any(|i| m[0].0 == i) => Some(&m[0].1),
            _ => None,
        }
    }
    fn flatten<'n, 'a>(it: &'n Node<'a>, item: &str, out: &mut Vec<&'n Node<'a>>) {
        match &it.v {
            V::Arr(a) => a.iter().for_each(|x| flatten(x, item, out)),
            V::Obj(_) => match wrapped(it, item) {
                Some(inner) if matches!(inner.v, V::Arr(_)) => flatten(inner, item, out),
                Some(inner) => out.push(inner),
                None => out.push(it),
            },
            _ => out.push(it),
        }
    }
    // The unofficial shapes the normaliser reads: an array that is not the official
    // one (a list of lists, items under the XML item name, items without their
    // wrapper), a wrapper holding a list, or a single object.
    let unofficial = match &n.v {
        V::Arr(a) => !a
            .iter()
            .all(|it| wrapped(it, item).is_some_and(|w| !matches!(w.v, V::Arr(_)))),
        // Any object in JSON (an array is wanted); in XML, a wrapper holding a list
        // or an element whose children are not items.
        V::Obj(m) => {
            !cx.xml
                || (m.len() == 1 && m[0].0 == item && matches!(m[0].1.v, V::Arr(_)))
                || (!m.is_empty() && m.iter().all(|(k, _)| *k != item && *k != xml_item))
        }
        _ => false,
    };
    if !unofficial {
        return None;
    }
    let both = format!("{item}|{xml_item}");
    let mut out = Vec::new();
    flatten(n, &both, &mut out);
    if !out.iter().all(|it| matches!(it.v, V::Obj(_))) {
        return None;
    }
    cx.repaired(
        n.off,
        IssueCode::RepairListShape,
        n.verbatim().display_value(),
        official,
    );
    Some(out)
}

/// Decodes unwrapped items; the path says `/i/item` as in the official shape.
fn decode_items<T: Codec>(items: &[&Node<'_>], cx: &mut Cx, item: &'static str) -> Vec<Field<T>> {
    items
        .iter()
        .enumerate()
        .map(|(i, it)| {
            cx.push_index(i);
            cx.push_key(item);
            let f = T::decode(it, cx);
            cx.pop();
            cx.pop();
            f
        })
        .collect()
}

/// A list of labels in a wrapper: JSON `{"technique": ["…", …]}`,
/// XML `<techniques><technique>…</technique>…</techniques>`.
pub(crate) mod str_list {
    use super::*;

    fn items<T: Codec>(
        nodes: &mut dyn Iterator<Item = &Node<'_>>,
        cx: &mut Cx,
        item: &'static str,
    ) -> Vec<Field<T>> {
        cx.push_key(item);
        let out = nodes
            .enumerate()
            .map(|(i, n)| {
                cx.push_index(i);
                let f = T::decode(n, cx);
                cx.pop();
                f
            })
            .collect();
        cx.pop();
        out
    }

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx, item: &'static str) -> Field<Vec<Field<T>>> {
        if cx.normalize {
            let mut labels = Vec::new();
            // The official shapes: JSON `{"item": ["…", …]}`, XML one `<item>` child
            // per label (one child is a list of one), or an empty element.
            let labels_only = |a: &[Node<'_>]| a.iter().all(|x| matches!(x.v, V::Str(_)));
            let official = match &n.v {
                V::Obj(m)
                    if m.len() == 1
                        && m[0].0 == item
                        && matches!(&m[0].1.v, V::Arr(a) if labels_only(a)) =>
                {
                    true
                }
                V::Obj(m) => {
                    !m.is_empty()
                        && m.iter()
                            .all(|(k, v)| *k == item && matches!(v.v, V::Text(_)))
                }
                V::Text(t) => t.trim().is_empty(),
                _ => false,
            };
            let odd = !official;
            if odd {
                gather(n, item, &mut labels);
                if !labels.is_empty()
                    && labels.iter().all(|l| matches!(l.v, V::Str(_) | V::Text(_)))
                {
                    cx.repaired(
                        n.off,
                        IssueCode::RepairListShape,
                        n.verbatim().display_value(),
                        format!("{{\"{item}\": […]}}"),
                    );
                    return Field::Valid(items(&mut labels.into_iter(), cx, item));
                }
            }
        }
        match &n.v {
            V::Obj(m) if m.len() == 1 && m[0].0 == item && matches!(m[0].1.v, V::Arr(_)) => {
                let V::Arr(a) = &m[0].1.v else { unreachable!() };
                Field::Valid(items(&mut a.iter(), cx, item))
            }
            V::Obj(m)
                if !m.is_empty()
                    && m.iter()
                        .all(|(k, v)| *k == item && matches!(v.v, V::Text(_))) =>
            {
                Field::Valid(items(&mut m.iter().map(|(_, v)| v), cx, item))
            }
            V::Text(s) if s.trim().is_empty() => Field::Valid(Vec::new()),
            _ => cx.invalid(n, IssueCode::Type, &format!("{{\"{item}\": […]}}")),
        }
    }

    /// Labels found anywhere in a list of unofficial shape.
    fn gather<'n, 'a>(n: &'n Node<'a>, item: &str, out: &mut Vec<&'n Node<'a>>) {
        match &n.v {
            V::Arr(a) => a.iter().for_each(|x| gather(x, item, out)),
            V::Obj(m) => m
                .iter()
                .filter(|(k, _)| *k == item)
                .for_each(|(_, v)| gather(v, item, out)),
            V::Str(s) | V::Text(s) if !s.trim().is_empty() => out.push(n),
            _ => {}
        }
    }

    pub fn write_json<T: Codec, S: Sink + ?Sized>(
        f: &Field<Vec<Field<T>>>,
        out: &mut S,
        item: &str,
    ) {
        match f {
            Field::Valid(items) => {
                out.begin_object();
                out.key(item);
                out.begin_array();
                for it in items {
                    it.write_json(out);
                }
                out.end_array();
                out.end_object();
            }
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub fn write_xml<T: Codec>(f: &Field<Vec<Field<T>>>, out: &mut XmlOut, name: &str, item: &str) {
        match f {
            Field::Valid(items) if items.is_empty() => out.leaf(name, ""),
            Field::Valid(items) => {
                out.start(name, &[]);
                for it in items {
                    it.write_xml(out, item);
                }
                out.end(name);
            }
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }
}

/// A bare list of objects (v1): JSON `[{…}, …]`, XML
/// `<titulaires><titulaire>…</titulaire>…</titulaires>`.
pub(crate) mod list {
    use super::*;

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx, xml_item: &str) -> Field<Vec<Field<T>>> {
        // An item in a v2-style wrapper is an object whose one member is the item
        // name holding an object; an item of its own may have a member of that name
        // (a v1 `tarif` has a `tarif` amount).
        let wrapped = |it: &Node<'_>| matches!(&it.v, V::Obj(m) if m.len() == 1 && m[0].0 == xml_item && matches!(m[0].1.v, V::Obj(_) | V::Arr(_)));
        let bare_obj = |it: &Node<'_>| matches!(&it.v, V::Obj(_)) && !wrapped(it);
        // The XML shape: a container whose children are all items.
        let container = |it: &Node<'_>| matches!(&it.v, V::Obj(m) if !m.is_empty() && m.iter().all(|(k, _)| *k == xml_item));
        let odd = match &n.v {
            V::Arr(a) => !a.iter().all(bare_obj),
            // In JSON a list is an array; in XML, a container of items.
            V::Obj(m) => !cx.xml || (!m.is_empty() && !container(n)),
            _ => false,
        };
        let decode_all = |items: &mut dyn Iterator<Item = &Node<'_>>, cx: &mut Cx| {
            items
                .enumerate()
                .map(|(i, it)| {
                    cx.push_index(i);
                    let f = T::decode(it, cx);
                    cx.pop();
                    f
                })
                .collect::<Vec<_>>()
        };
        if cx.normalize && odd {
            let mut items = Vec::new();
            unwrap_all(n, xml_item, &mut items);
            if items.iter().all(|it| matches!(it.v, V::Obj(_))) {
                cx.repaired(
                    n.off,
                    IssueCode::RepairListShape,
                    n.verbatim().display_value(),
                    "[{…}]",
                );
                return Field::Valid(decode_all(&mut items.into_iter(), cx));
            }
        }
        match &n.v {
            V::Arr(items) => Field::Valid(decode_all(&mut items.iter(), cx)),
            V::Obj(m) if cx.xml && m.iter().all(|(k, _)| *k == xml_item) => {
                Field::Valid(decode_all(&mut m.iter().map(|(_, v)| v), cx))
            }
            V::Text(s) if s.trim().is_empty() => Field::Valid(Vec::new()),
            _ => cx.invalid(n, IssueCode::Type, "array"),
        }
    }

    pub fn write_json<T: Codec, S: Sink + ?Sized>(f: &Field<Vec<Field<T>>>, out: &mut S) {
        match f {
            Field::Valid(items) => {
                out.begin_array();
                for it in items {
                    it.write_json(out);
                }
                out.end_array();
            }
            Field::Invalid(r) => r.write_json(out),
        }
    }

    pub fn write_xml<T: Codec>(
        f: &Field<Vec<Field<T>>>,
        out: &mut XmlOut,
        name: &str,
        xml_item: &str,
    ) {
        match f {
            Field::Valid(items) if items.is_empty() => out.leaf(name, ""),
            Field::Valid(items) => {
                out.start(name, &[]);
                for it in items {
                    it.write_xml(out, xml_item);
                }
                out.end(name);
            }
            Field::Invalid(r) => r.write_xml(out, name),
        }
    }
}

/// The items of a bare list in any shape: nested lists flattened, `{"item": …}`
/// wrappers removed, a single object taken as a list of one.
fn unwrap_all<'n, 'a>(n: &'n Node<'a>, item: &str, out: &mut Vec<&'n Node<'a>>) {
    match &n.v {
        V::Arr(a) => a.iter().for_each(|x| unwrap_all(x, item, out)),
        V::Obj(m) if m.len() == 1 && m[0].0 == item => unwrap_all(&m[0].1, item, out),
        _ => out.push(n),
    }
}

/// A member that exists only in JSON (v1 `_type`): read like [`one`], left out of XML,
/// where the element name already says what the record is.
pub(crate) mod json_only {
    use super::*;

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx) -> Field<T> {
        T::decode(n, cx)
    }
}

/// One value: a scalar, a label or a nested object.
pub(crate) mod one {
    use super::*;

    pub fn decode<T: Codec>(n: &Node<'_>, cx: &mut Cx) -> Field<T> {
        T::decode(n, cx)
    }
}
