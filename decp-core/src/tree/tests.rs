//! Tests of the record parsers, and quick-xml as the XML parser's reference.

use bumpalo::Bump;

use super::json::{leading_spaces, string_special};
use super::xml::{Open, at_name};
use super::*;
use crate::limits::Limits;

fn depth(d: usize) -> Limits {
    Limits::default().max_depth(d)
}

fn open<'a>(
    e: &quick_xml::events::BytesStart<'a>,
    src: &'a str,
    off: u32,
    bump: &'a Bump,
) -> Result<Open<'a>, TreeError> {
    // The name borrows from `e`, which borrows from `src`: take it from `src` by offset.
    let raw_name = e.name();
    let name_len = raw_name.as_ref().len();
    let start = off as usize + 1;
    let name = src.get(start..start + name_len).unwrap_or("");
    let mut el = Open::new(name, off, bump);
    for a in e.attributes() {
        let a = a.map_err(|x| TreeError {
            off: off as usize,
            msg: Message::Other(format!("bad attribute: {x}")),
        })?;
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|x| TreeError {
                off: off as usize,
                msg: Message::Other(format!("bad attribute value: {x}")),
            })?;
        let key: &str = a.key.as_ref();
        let key = at_name(key, bump);
        el.attrs.push((
            key,
            Node {
                off,
                v: V::Text(bump.alloc_str(&value)),
            },
        ));
    }
    Ok(el)
}

/// The same parse with quick-xml, kept as the tests' reference.
pub(crate) fn parse_xml_quick<'a>(
    src: &'a str,
    max_depth: usize,
    bump: &'a Bump,
) -> Result<(&'a str, Node<'a>, usize), TreeError> {
    use quick_xml::events::Event;
    let mut r = quick_xml::Reader::from_str(src);
    r.config_mut().check_end_names = true;
    let mut stack: Vec<Open<'a>> = Vec::new();
    loop {
        let off = r.buffer_position() as u32;
        let ev = r.read_event().map_err(|e| TreeError {
            off: r.error_position() as usize,
            msg: Message::Other(e.to_string()),
        })?;
        match ev {
            Event::Start(e) => {
                if stack.len() >= max_depth {
                    return err(off as usize, Message::TooDeep { max: max_depth });
                }
                stack.push(open(&e, src, off, bump)?);
            }
            Event::Empty(e) => {
                let el = open(&e, src, off, bump)?.close();
                match stack.last_mut() {
                    Some(top) => top.members.push(el),
                    None => return Ok((el.0, el.1, r.buffer_position() as usize)),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else {
                    return err(off as usize, Message::Other("unexpected end tag".into()));
                };
                let el = el.close();
                match stack.last_mut() {
                    Some(top) => top.members.push(el),
                    None => return Ok((el.0, el.1, r.buffer_position() as usize)),
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.push_text(bump.alloc_str(&text), bump),
                    // Before the element, XML's white space only.
                    None if !text.chars().all(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) => {
                        return err(off as usize, Message::TextOutsideElement);
                    }
                    None => {}
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.push_text(bump.alloc_str(&t.into_inner()), bump);
                }
            }
            Event::GeneralRef(r) => {
                let text: String = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&r) {
                        Some(s) => s.to_string(),
                        None => {
                            return err(
                                off as usize,
                                Message::Other(format!("unknown entity `&{};`", &*r)),
                            );
                        }
                    },
                    Err(e) => {
                        return err(
                            off as usize,
                            Message::Other(format!("bad character reference: {e}")),
                        );
                    }
                };
                match stack.last_mut() {
                    Some(top) => top.push_text(bump.alloc_str(&text), bump),
                    // A reference is content: not allowed outside the element.
                    None => return err(off as usize, Message::TextOutsideElement),
                }
            }
            Event::Eof => {
                return match stack.last() {
                    Some(top) => err(
                        src.len(),
                        Message::UnclosedElement {
                            name: top.name.to_string(),
                        },
                    ),
                    None => err(src.len(), Message::NoElement),
                };
            }
            Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => {}
        }
    }
}

/// A fresh arena, kept for the rest of the test.
fn arena() -> &'static Bump {
    Box::leak(Box::new(Bump::new()))
}

#[test]
fn json_numbers_keep_their_text() {
    let n = parse_json(
        r#"{"a": 0.10, "b": -1e3, "c": "x\u00e9\"y"}"#,
        depth(8),
        false,
        arena(),
    )
    .unwrap();
    let V::Obj(m) = n.v else { panic!() };
    assert!(matches!(m[0].1.v, V::Num("0.10")));
    assert!(matches!(m[1].1.v, V::Num("-1e3")));
    assert!(matches!(&m[2].1.v, V::Str(s) if *s == "xé\"y"));
}

#[test]
fn string_scan_finds_the_first_special_byte() {
    // Against the plain definition, at every offset of strings with every kind of
    // byte (ASCII, UTF-8, quotes, backslashes, control characters) in every place.
    let plain = |b: &[u8], i: usize| {
        b[i..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            .map(|k| i + k)
    };
    let pieces: [&[u8]; 8] = [
        b"a",
        "é".as_bytes(),
        b"\"",
        b"\\",
        b"\n",
        b"\x01",
        b" ",
        b"\x7f\xff",
    ];
    for s in crate::test_texts::random_texts(&pieces, 3000, 40) {
        for i in 0..=s.len() {
            assert_eq!(string_special(&s, i), plain(&s, i), "{s:?} from {i}");
        }
    }
}

/// The word-at-a-time indentation skip against a byte-by-byte one: runs of
/// spaces of every length up to three words, ended by every kind of byte or by
/// the end of the input, from every start.
#[test]
fn leading_spaces_matches_a_byte_by_byte_skip() {
    let plain = |b: &[u8], mut i: usize| {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        i
    };
    for n in 0..26 {
        for end in [&b""[..], b"\"", b"\n", b"\t", b"\0", b"\xff", b"}  "] {
            let mut s = b"\n".to_vec();
            s.extend(std::iter::repeat_n(b' ', n));
            s.extend_from_slice(end);
            for i in 0..=s.len() {
                assert_eq!(leading_spaces(&s, i), plain(&s, i), "{s:?} from {i}");
            }
        }
    }
}

/// The member and item limits: the value past the limit is reported at its
/// start; a value past the limit that is malformed too is reported as
/// malformed (it is read before it is counted).
#[test]
fn json_member_limit_points_at_the_value_past_it() {
    let limits = Limits::default().max_members(2);
    let e = parse_json(r#"{"a": 1, "b": 2, "c": 3}"#, limits, false, arena()).unwrap_err();
    assert!(matches!(e.msg, Message::TooMany { max: 2 }), "{e:?}");
    assert_eq!(e.off, 22);
    let e = parse_json("[10, 20, 30]", limits, false, arena()).unwrap_err();
    assert!(matches!(e.msg, Message::TooMany { max: 2 }), "{e:?}");
    assert_eq!(e.off, 9);
    let e = parse_json(r#"{"a": 1, "b": 2, "c": tru}"#, limits, false, arena()).unwrap_err();
    assert!(matches!(e.msg, Message::UnexpectedChar { .. }), "{e:?}");
    let e = parse_json("[1, 2, -]", limits, false, arena()).unwrap_err();
    assert!(matches!(e.msg, Message::MalformedNumber), "{e:?}");
    assert!(parse_json("[1, 2]", limits, false, arena()).is_ok());
}

#[test]
fn json_errors_have_offsets() {
    let e = parse_json(r#"{"a": tru}"#, depth(8), false, arena()).unwrap_err();
    assert_eq!(e.off, 6);
    let e = parse_json(r#"{"a": 01}"#, depth(8), false, arena()).unwrap_err();
    assert_eq!(e.off, 7);
    let e = parse_json("[[[[1]]]]", depth(3), false, arena()).unwrap_err();
    assert!(matches!(e.msg, Message::TooDeep { .. }));
    assert!(parse_json(r#""\ud800""#, depth(3), false, arena()).is_err());
}

/// Both parsers' outcome on `doc`: the tree and end, or "error".
fn both(doc: &str) -> (String, String) {
    let bump = Bump::new();
    let ours = match parse_xml_prefix(doc, depth(16), &bump) {
        Ok((name, n, end)) => format!("{name} {n:?} {}", end),
        Err(e) => format!("error {} {}", e.off, e.msg),
    };
    let reference = match parse_xml_quick(doc, 16, &bump) {
        Ok((name, n, end)) => format!("{name} {n:?} {}", end),
        Err(e) => format!("error {} {}", e.off, e.msg),
    };
    (ours, reference)
}

#[test]
fn xml_parser_agrees_with_quick_xml() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let mut docs: Vec<String> = Vec::new();
    for sub in [
        "official/v2/xml",
        "official/v1.5/xml",
        "normalize",
        "legacy-2.0.0",
    ] {
        for e in std::fs::read_dir(dir.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "xml")
                && let Ok(t) = std::fs::read_to_string(&p)
            {
                // From the root element on (the prolog is the splitter's).
                let root = t.find("<marches").unwrap_or(0);
                docs.push(t[root..].to_owned());
            }
        }
    }
    docs.push("<a x=\"1 &amp;\r\n\t2\" y='&#x41;'><b>t&amp;u&#233;&lt;</b><b/>\r\n<!-- c --><c><![CDATA[<z>&amp;]]></c>tail<?pi x?></a> after".into());
    docs.push("<a>\n  <b>1</b>\n  mixed\n  <c/>\n</a>".into());
    assert!(docs.len() > 10);
    // Every document, then mutations of each: a byte cut out, a special
    // character put in, the end cut off.
    let specials = [
        "<", ">", "&", "&amp;", "\"", "'", "/", "=", "]]>", "<!--", " ", "&#0;", "&bad;",
    ];
    let mut seed = 7u64;
    let mut cases = 0;
    let mut disagreements = Vec::new();
    for d in &docs {
        let mut variants = vec![d.clone()];
        for _ in 0..120 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut at = (seed >> 33) as usize % d.len().max(1);
            while !d.is_char_boundary(at) {
                at -= 1;
            }
            let mut v = d.clone();
            match (seed >> 20) % 3 {
                0 => {
                    let mut next = at + 1;
                    while next < v.len() && !v.is_char_boundary(next) {
                        next += 1;
                    }
                    v.replace_range(at..next.min(v.len()), "");
                }
                1 => v.insert_str(at, specials[(seed >> 40) as usize % specials.len()]),
                _ => v.truncate(at),
            }
            variants.push(v);
        }
        for v in variants {
            cases += 1;
            let (ours, reference) = both(&v);
            if ours != reference && !(ours.starts_with("error") && reference.starts_with("error")) {
                disagreements.push((v, ours, reference));
            }
        }
    }
    assert!(cases > 1000);
    // Where the two differ, only ever because we refuse what XML 1.0 makes
    // ill-formed and quick-xml lets through: characters that cannot be in a
    // name, `<` in an attribute value, a `/` in a tag not followed by `>`.
    let deliberate = [
        "is not an XML name",
        "unexpected characters in the start tag",
        "in the value of attribute",
    ];
    for (v, ours, reference) in &disagreements {
        assert!(
            ours.starts_with("error") && deliberate.iter().any(|d| ours.contains(d)),
            "{v}\nours: {ours}\nquick-xml: {reference}"
        );
    }
    assert!(disagreements.len() < cases / 20, "{}", disagreements.len());
}

#[test]
fn xml_refuses_ill_formed_tags() {
    for bad in [
        "<a x=\"<\"/>",
        "<a=b/>",
        "<a x=\"1\" x=\"2\"/>",
        "<a x=1/>",
        "<a/ >",
        "<a>&bad;</a>",
        "<a>&#0;</a>",
        "<a>x & y</a>",
        "<a><b></a>",
        "<a><!DOCTYPE a></a>",
        "<a><!-- x </a>",
        // Nothing but white space, comments and PIs after the element (a record
        // given on its own, `Decoded::from_xml`, accepted trailing text before).
        "<a/> x",
        "<a/><b/>",
        "<a/><!-- c",
        "x <a/>",
    ] {
        assert!(parse_xml(bad, depth(8), arena()).is_err(), "{bad}");
    }
    assert!(parse_xml("<a/> \n<!-- c --> <?p x?>\n", depth(8), arena()).is_ok());
}

#[test]
fn xml_tree() {
    let (name, n) = parse_xml(
        "<a x=\"1\"><b>t&amp;u</b><b/><c><![CDATA[<z>]]></c></a>",
        depth(8),
        arena(),
    )
    .unwrap();
    assert_eq!(name, "a");
    let V::Obj(m) = n.v else { panic!() };
    assert_eq!(m[0].0, "@x");
    assert!(matches!(&m[1].1.v, V::Text(s) if *s == "t&u"));
    assert!(matches!(&m[2].1.v, V::Text(s) if s.is_empty()));
    assert!(matches!(&m[3].1.v, V::Text(s) if *s == "<z>"));
    assert_eq!(m[1].1.off, 9);
    assert!(parse_xml("<a><b></a>", depth(8), arena()).is_err());
    assert!(parse_xml("<a><b>", depth(8), arena()).is_err());
}
