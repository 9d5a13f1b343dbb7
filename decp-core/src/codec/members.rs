//! An object's members: known ones to their fields, dotted keys nested, unknown
//! ones kept, placeholders repaired.

use super::{Cx, push_escaped};
use crate::issue::IssueCode;
use crate::raw::{Field, Raw};
use crate::tree::{Member, Node, V};

/// The normaliser's last resort for a member that did not decode: a placeholder for
/// "no value" (`NC`, `""`, `null`…) leaves the member out, with a repair finding
/// instead of the decoding findings.
#[inline]
pub(crate) fn placeholder_repair<T>(
    f: Field<T>,
    n: &Node<'_>,
    cx: &mut Cx,
    before: usize,
) -> Option<Field<T>> {
    if !cx.normalize {
        return Some(f);
    }
    // A valid string may be a placeholder too (`"idAccordCadre": "NC"`), but not a
    // blank XML element, which says "empty" in the official XML (`<origineUE/>`).
    let applies = !f.is_valid()
        || match &n.v {
            V::Str(_) => true,
            V::Text(t) => !t.trim().is_empty(),
            _ => false,
        };
    if cx.normalize
        && applies
        && let Some(shown) = crate::normalize::placeholder(n)
    {
        cx.findings.truncate(before);
        cx.repaired(n.off, IssueCode::RepairPlaceholder, shown, "(absent)");
        return None;
    }
    Some(f)
}

fn dotted(k: &str) -> bool {
    k.contains('.') && !k.starts_with(['@', '#', '$', '.']) && !k.ends_with('.')
}

/// Nests flat dotted keys (`"acheteur.id"`) under their first part, merged into a
/// member of that name when there is one.
fn nest_dotted<'a>(
    members: &[Member<'a>],
    cx: &mut Cx,
    bump: &'a bumpalo::Bump,
) -> Vec<Member<'a>> {
    let mut out: Vec<Member<'a>> = Vec::with_capacity(members.len());
    for &(k, v) in members {
        if !dotted(k) {
            out.push((k, v));
            continue;
        }
        let (head, rest) = k.split_once('.').unwrap_or((k, ""));
        let mut path = cx.path();
        push_escaped(&mut path, k);
        cx.report_at(
            path,
            v.off,
            IssueCode::RepairDottedKey,
            Some(k.to_string()),
            Some(format!("{head}/{rest}")),
        );
        let child = (rest, v);
        match out
            .iter_mut()
            .find(|(k2, n)| *k2 == head && matches!(n.v, V::Obj(_)))
        {
            Some((_, n)) => {
                let V::Obj(m) = n.v else { unreachable!() };
                let mut joined = bumpalo::collections::Vec::with_capacity_in(m.len() + 1, bump);
                joined.extend_from_slice(m);
                joined.push(child);
                n.v = V::Obj(joined.into_bump_slice());
            }
            None => out.push((
                head,
                Node {
                    off: v.off,
                    v: V::Obj(bump.alloc_slice_copy(&[child])),
                },
            )),
        }
    }
    out
}

/// Members of v1 records that v2 has no place for (they are known members of the v1
/// structs, so they are unknown only in a v2 record).
const V1_LEFTOVERS: &[&str] = &[
    "nom",
    "denominationSociale",
    "uid",
    "_type",
    "objetModification",
];

/// Decodes the members of an object node into a struct; shared by every
/// `decp_struct!` type. `set` stores a known member and returns `false` for an
/// unknown key; it is called with the member's key, node and the context.
pub(crate) fn decode_members(
    n: &Node<'_>,
    cx: &mut Cx,
    unknown: &mut Vec<(String, Raw)>,
    mut set: impl FnMut(&str, &Node<'_>, &mut Cx) -> Option<bool>,
) -> bool {
    let members = match &n.v {
        V::Obj(members) => members,
        // An XML element with no children (`<acheteur/>`) is an empty object.
        V::Text(s) if s.trim().is_empty() => return true,
        _ => return false,
    };
    let (bump, nested);
    let members = if cx.normalize && members.iter().any(|(k, _)| dotted(k)) {
        bump = bumpalo::Bump::new();
        nested = nest_dotted(members, cx, &bump);
        &nested[..]
    } else {
        members
    };
    for (k, v) in members {
        // Namespace prefixes and `xsi:` hints (`xsi:noNamespaceSchemaLocation`) are
        // XML plumbing the XSD allows on any element, not data.
        if k.starts_with("@xmlns:") || k.starts_with("@xsi:") {
            continue;
        }
        match set(k, v, cx) {
            Some(true) => {}
            Some(false) => {
                cx.report_member(k, v.off, IssueCode::DuplicateField);
                unknown.push((k.to_string(), v.verbatim()));
            }
            // v1 names left in a v2 record (`acheteur.nom`, `denominationSociale`…):
            // the normaliser takes them out, keeping the value in the finding.
            None if cx.normalize && V1_LEFTOVERS.contains(k) => {
                let mut path = cx.path();
                push_escaped(&mut path, k);
                cx.report_at(
                    path,
                    v.off,
                    IssueCode::RepairV1Field,
                    Some(v.verbatim().display_value()),
                    Some(k.to_string()),
                );
            }
            None => {
                // Attributes and stray text of an XML element are kept too.
                cx.report_member(k, v.off, IssueCode::AdditionalProperty);
                let raw = v.verbatim();
                // Kept values are written back: a character XML cannot carry in
                // them is reported as in any text (the writer would refuse it).
                if let Some(c) = forbidden_in(&raw) {
                    let mut path = cx.path();
                    super::push_escaped(&mut path, k);
                    let mut i = crate::issue::Issue::new(IssueCode::XmlCharacter, path);
                    i.value = Some(raw.display_value());
                    i.expected = Some(format!("U+{:04X}", u32::from(c)));
                    cx.findings.push((v.off, i));
                }
                unknown.push((k.to_string(), raw));
            }
        }
    }
    true
}

/// The first character XML 1.0 cannot carry in a kept value (its texts and names).
fn forbidden_in(raw: &Raw) -> Option<char> {
    let text = |s: &str| s.chars().find(|&c| !crate::lexical::xml_char(c));
    match raw {
        Raw::String(s) | Raw::Number(s) => text(s),
        Raw::Array(a) => a.iter().find_map(forbidden_in),
        Raw::Object(m) => m
            .iter()
            .find_map(|(k, v)| text(k).or_else(|| forbidden_in(v))),
        Raw::Null | Raw::Bool(_) => None,
    }
}
