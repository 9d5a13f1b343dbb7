//! Our XML record parser against quick-xml: the same verdict on well-formedness for
//! one record (an element on its own, `Decoded::from_xml`), and the same text for
//! its `id` child where both accept. Documented differences, skipped or asserted:
//! we refuse what XML 1.0 makes ill-formed and quick-xml lets through (characters
//! that cannot be in a name, `<` in an attribute value, a `/` in a tag not followed
//! by `>`, an attribute name holding such a character, a tag with an empty name); any `<!DOCTYPE` or other declaration (DECP has none); nesting past our
//! depth limit (64); characters XML 1.0 forbids, which are a finding on a record
//! kept (`schema.xml_character`); processing instructions, which we skip without checking
//! them.
#![no_main]

use decp_core::{DecodeOptions, Decoded, ErrorKind, IssueCode, Raw, RecordKind};
use quick_xml::events::Event;

/// Every attribute of a tag reads, and its value normalises (references known).
fn attributes_ok(e: &quick_xml::events::BytesStart<'_>) -> bool {
    e.attributes().all(|a| {
        a.is_ok_and(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).is_ok())
    })
}

/// quick-xml's verdict, and the text of the root's `id` child when it has exactly
/// one with text only. `None`: a case the two are not compared on.
fn reference(src: &str) -> Option<(bool, Option<String>)> {
    let mut r = quick_xml::Reader::from_str(src);
    r.config_mut().check_end_names = true;
    let (mut depth, mut roots, mut max_depth) = (0usize, 0usize, 0usize);
    let mut id: Option<String> = None;
    let mut ids = 0;
    // The text of the `id` child being read, if any.
    let mut in_id: Option<String> = None;
    loop {
        let ev = match r.read_event() {
            Ok(ev) => ev,
            // Processing instructions are skipped, not checked (their target, their
            // characters): a documented difference, not compared.
            Err(e) if e.to_string().contains("processing instruction") => return None,
            Err(_) => return Some((false, None)),
        };
        match ev {
            Event::Start(e) | Event::Empty(e) if depth == 0 && roots > 0 => {
                let _ = e;
                return Some((false, None));
            }
            Event::Start(e) => {
                if !attributes_ok(&e) {
                    return Some((false, None));
                }
                if depth == 0 {
                    roots += 1;
                }
                if let Some(t) = &mut in_id {
                    // An element inside `id`: not a text-only child.
                    t.push('\u{0}');
                }
                if depth == 1 && e.name().as_ref() == "id" {
                    in_id = Some(String::new());
                    ids += 1;
                }
                depth += 1;
                max_depth = max_depth.max(depth);
            }
            Event::Empty(e) => {
                if !attributes_ok(&e) {
                    return Some((false, None));
                }
                if depth == 0 {
                    roots += 1;
                }
                if depth == 1 && e.name().as_ref() == "id" {
                    ids += 1;
                }
            }
            Event::End(_) => {
                depth = depth.checked_sub(1)?;
                if depth == 1 {
                    if let Some(t) = in_id.take() {
                        id = Some(t);
                    }
                }
            }
            Event::Text(t) => {
                let text = t.xml10_content();
                // XML's white space only (not `\f`, which `str::trim` takes).
                // (quick-xml removes a byte-order mark that starts the document.)
                let blank = text
                    .chars()
                    .all(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
                if depth == 0 && !blank {
                    return Some((false, None));
                }
                if let Some(s) = &mut in_id {
                    s.push_str(&text);
                }
            }
            Event::CData(t) => {
                if depth == 0 {
                    return Some((false, None));
                }
                if let Some(s) = &mut in_id {
                    s.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match quick_xml::escape::resolve_predefined_entity(&g) {
                        Some(s) => s.to_string(),
                        None => return Some((false, None)),
                    },
                    Err(_) => return Some((false, None)),
                };
                if depth == 0 {
                    return Some((false, None));
                }
                if let Some(s) = &mut in_id {
                    s.push_str(&c);
                }
            }
            // A declaration: documented difference, not compared.
            Event::DocType(_) | Event::Decl(_) => return None,
            Event::Comment(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if max_depth > 60 {
        return None;
    }
    let well_formed = roots == 1 && depth == 0;
    let id = id.filter(|t| ids == 1 && !t.contains('\u{0}'));
    Some((well_formed, id))
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let Some((theirs, their_id)) = reference(src) else {
        return;
    };
    let ours = Decoded::from_xml(RecordKind::Marche, data, &DecodeOptions::default());
    let ours_well_formed = match &ours {
        Ok(_) => true,
        Err(e) if matches!(e.kind(), ErrorKind::Syntax { .. } | ErrorKind::Limit { .. }) => false,
        // Not about well-formedness (a root that is no record…): not compared.
        Err(_) => return,
    };
    if theirs && !ours_well_formed {
        let e = ours.as_ref().err().map(ToString::to_string).unwrap_or_default();
        let deliberate = [
            "is not an XML name",
            "unexpected characters in the start tag",
            "in the value of attribute",
            "unexpected `<!`",
            // An attribute name with a character names cannot have (`a/b="1"`):
            // quick-xml's attribute iterator reads it as one name.
            "without a value",
            "is not quoted",
            // `< >…</>`: quick-xml reads a tag with an empty name.
            "not followed by a name",
        ];
        assert!(
            deliberate.iter().any(|d| e.contains(d)),
            "quick-xml accepts, we refuse: {e}"
        );
    }
    // A character XML 1.0 forbids is a finding (`schema.xml_character`) and the
    // record is kept, as tolerant reading does (issue 11): not a syntax error.
    if let Ok(d) = &ours
        && d.findings.iter().any(|f| f.code == IssueCode::XmlCharacter)
    {
        return;
    }
    assert!(
        theirs || !ours_well_formed,
        "quick-xml refuses, we accept: {:?}",
        ours.map(|d| d.record.to_value())
    );
    // Where both accept, the same text for `id` (entities, character references,
    // CDATA, line ends: XML 1.0's rules).
    if let (Ok(d), Some(want)) = (&ours, their_id) {
        if let Raw::Object(m) = d.record.to_value() {
            if let Some((_, Raw::String(got))) = m.iter().find(|(k, _)| k == "id") {
                assert_eq!(got, &want, "the text of <id>");
            }
        }
    }
});
