//! Duplicate detection: the key's normalisation, near duplicates, the keep rule,
//! its independence from the input order (property test), and counts that
//! reconcile (records in = kept + dropped).

use decp_core::dedup::{Dedup, Index};
use decp_core::{Format, IssueCode, Reader, Record, Writer};
use decp_testkit::synth::{Generator, Rng};

fn doc(records: &[String]) -> String {
    format!(r#"{{"marches": {{"marche": [{}]}}}}"#, records.join(","))
}

fn marche(
    id: &str,
    buyer: &str,
    date: &str,
    montant: &str,
    holders: &[&str],
    published: &str,
) -> String {
    let t: Vec<String> = holders
        .iter()
        .map(|h| format!(r#"{{"titulaire": {{"typeIdentifiant": "SIRET", "id": "{h}"}}}}"#))
        .collect();
    format!(
        r#"{{"id": "{id}", "acheteur": {{"id": "{buyer}"}}, "dateNotification": "{date}",
            "montant": {montant}, "titulaires": [{}], "datePublicationDonnees": "{published}"}}"#,
        t.join(",")
    )
}

/// Indexes the sources in the order given, then writes each (second pass): the
/// decisions, the written records' JSON, and the findings' (code, source, path).
fn run(
    sources: &[(&str, String)],
    prefer: &[&str],
) -> (Dedup, Vec<String>, Vec<(IssueCode, String, String)>) {
    let mut index = Index::new(prefer.iter().map(|s| s.to_string()).collect());
    for (name, text) in sources {
        index
            .add(
                *name,
                Reader::from_slice(text.as_bytes()).unwrap(),
                1,
                &|_| {},
            )
            .unwrap();
    }
    let mut d = index.finish();
    d.collect_keys(true);
    let mut w = Writer::from_writer(Vec::new(), Format::Json);
    let mut findings = Vec::new();
    let (mut written, mut dropped, mut read) = (0, 0, 0);
    for (k, (name, text)) in sources.iter().enumerate() {
        let n = d
            .convert(
                k as u32,
                Reader::from_slice(text.as_bytes()).unwrap(),
                &mut w,
                1,
                &|_| {},
                |x| {
                    for i in &x.issues {
                        if matches!(i.code, IssueCode::Duplicate | IssueCode::NearDuplicate) {
                            findings.push((i.code, name.to_string(), i.path.clone()));
                        }
                    }
                    true
                },
            )
            .unwrap();
        written += n.written;
        dropped += n.duplicates;
        read += n.records;
    }
    // The counts reconcile: every record read is written or left out as a duplicate.
    assert_eq!(read, written + dropped);
    assert_eq!(read, d.records());
    assert_eq!(dropped, d.dropped());
    let out = w.finish().unwrap();
    let kept = Reader::from_slice(&out)
        .unwrap()
        .records()
        .map(|r| r.unwrap().record.to_json(false))
        .collect();
    (d, kept, findings)
}

#[test]
fn the_same_contract_formatted_differently_is_found_and_the_latest_publication_kept() {
    let a = doc(&[marche(
        "2024-001A",
        "21690123100011",
        "2024-03-01",
        "45000.10",
        &["44229377500031", "73282932000074"],
        "2024-03-02",
    )]);
    let b = doc(&[marche(
        "2024 001a",
        "216 901 231 00011",
        "2024-03-01",
        "45000.1",
        &["732 829 320 00074", "44229377500031"],
        "2024-04-01",
    )]);
    let (d, kept, findings) = run(&[("profil.json", a), ("plateforme.json", b)], &[]);
    assert_eq!((d.groups(), d.dropped()), (1, 1));
    assert_eq!(kept.len(), 1);
    assert!(
        kept[0].contains("216 901 231 00011"),
        "the later publication is kept: {kept:?}"
    );
    assert_eq!(
        findings,
        [(
            IssueCode::Duplicate,
            "profil.json".into(),
            "/marches/marche/0".into()
        )]
    );
    assert_eq!(d.duplicate_of(0, 0), Some((1, 0)));
    let report = d.to_json();
    assert!(report.contains(r#""key":{"acheteur":"21690123100011","id":"2024001A","date":"2024-03-01","titulaires":["44229377500031","73282932000074"],"montant":45000.1}"#), "{report}");
    assert!(
        report.contains(r#""reason":"datePublicationDonnees""#),
        "{report}"
    );
}

#[test]
fn lots_and_near_duplicates_are_never_merged() {
    let records = [
        // Two lots of one procedure: their own ids.
        marche(
            "2024-001-L1",
            "21690123100011",
            "2024-03-01",
            "1000",
            &["44229377500031"],
            "2024-03-02",
        ),
        marche(
            "2024-001-L2",
            "21690123100011",
            "2024-03-01",
            "1000",
            &["44229377500031"],
            "2024-03-02",
        ),
        // Same buyer, id and date; another amount: a near duplicate.
        marche(
            "2024-002",
            "21690123100011",
            "2024-03-01",
            "5000",
            &["44229377500031"],
            "2024-03-02",
        ),
        marche(
            "2024-002",
            "21690123100011",
            "2024-03-01",
            "5500",
            &["44229377500031"],
            "2024-03-02",
        ),
    ];
    let (d, kept, findings) = run(&[("a.json", doc(&records))], &[]);
    assert_eq!((d.groups(), d.dropped(), d.near_groups()), (0, 0, 1));
    assert_eq!(kept.len(), 4);
    assert_eq!(
        findings,
        [
            (
                IssueCode::NearDuplicate,
                "a.json".into(),
                "/marches/marche/2".into()
            ),
            (
                IssueCode::NearDuplicate,
                "a.json".into(),
                "/marches/marche/3".into()
            )
        ]
    );
    assert!(d.to_json().contains(
        r#""near_duplicates":[[{"source":"a.json","record":2},{"source":"a.json","record":3}]]"#
    ));
}

#[test]
fn ties_go_to_the_fewest_findings_then_the_preferred_source() {
    let good = marche(
        "X1",
        "21690123100011",
        "2024-03-01",
        "100",
        &["44229377500031"],
        "2024-03-02",
    );
    // Same key, same publication, one finding more (an invalid holder type is not in the key).
    let worse = good.replace(
        r#""typeIdentifiant": "SIRET""#,
        r#""typeIdentifiant": "SIRETT""#,
    );
    let (d, kept, _) = run(
        &[
            ("a.json", doc(&[worse])),
            ("b.json", doc(std::slice::from_ref(&good))),
        ],
        &[],
    );
    assert_eq!(d.duplicate_of(0, 0), Some((1, 0)));
    assert_eq!(kept.len(), 1);
    // Equal on everything but the source: the preferred one wins, whatever the order.
    for order in [["a.json", "b.json"], ["b.json", "a.json"]] {
        let sources: Vec<(&str, String)> = order
            .iter()
            .map(|n| (*n, doc(std::slice::from_ref(&good))))
            .collect();
        let (d, _, _) = run(&sources, &["b.json"]);
        let dropped = sources.iter().position(|(n, _)| *n == "a.json").unwrap() as u32;
        assert!(d.duplicate_of(dropped, 0).is_some());
        assert!(d.to_json().contains(r#""reason":"prefer""#));
    }
}

/// A corpus with duplicates (reformatted, republished later, from another
/// source), split over three sources in a random order: the kept records are the
/// same whatever the order.
#[test]
fn the_kept_records_do_not_depend_on_the_input_order() {
    let mut g = Generator::new(7);
    let mut records: Vec<String> = Vec::new();
    for i in 0..300 {
        let m = g.marche();
        let json = Record::Marche(m.clone()).to_json(false);
        records.push(json.clone());
        if i % 3 == 0 {
            // Republished later, id in lower case with spaces.
            let mut m2 = m.clone();
            if let Some(decp_core::Field::Valid(id)) = &mut m2.id {
                *id = id.to_lowercase().replace('-', " ");
            }
            if let Some(decp_core::Field::Valid(d)) = &mut m2.date_publication_donnees {
                *d = d.succ_opt().unwrap();
            }
            records.push(Record::Marche(m2).to_json(false));
        }
        if i % 5 == 0 {
            records.push(json); // the very same, from another source
        }
        if i % 7 == 0 {
            // Same key, publication, findings and fields; another object: only
            // the content decides, and must decide the same way in any order.
            let mut m3 = m.clone();
            m3.objet = Some(decp_core::Field::Valid(format!("{} (bis)", i)));
            records.push(Record::Marche(m3).to_json(false));
        }
    }
    let mut reference: Option<Vec<String>> = None;
    let mut rng = Rng::new(11);
    for _ in 0..6 {
        // Shuffle, deal over three sources, shuffle the sources.
        let mut r = records.clone();
        for k in (1..r.len()).rev() {
            r.swap(k, rng.below(k as u64 + 1) as usize);
        }
        let mut parts: Vec<Vec<String>> = vec![Vec::new(); 3];
        for (k, x) in r.into_iter().enumerate() {
            parts[k % 3].push(x);
        }
        let names = ["s1.json", "s2.json", "s3.json"];
        let mut sources: Vec<(&str, String)> = names
            .iter()
            .zip(&parts)
            .map(|(n, p)| (*n, doc(p)))
            .collect();
        // The sources in another order too.
        let first = rng.below(3) as usize;
        sources.rotate_left(first);
        let (d, mut kept, _) = run(&sources, &[]);
        kept.sort();
        assert!(d.dropped() >= 150, "{}", d.dropped());
        match &reference {
            None => reference = Some(kept),
            Some(k) => assert_eq!(k, &kept),
        }
    }
}

#[test]
fn values_that_do_not_fit_keep_records_apart() {
    // Present but invalid amount, date or holder: two different records.
    let a = marche(
        "A1",
        "21690123100011",
        "2024-03-01",
        r#""beaucoup""#,
        &["44229377500031"],
        "2024-03-02",
    );
    let b = marche(
        "A1",
        "21690123100011",
        "2024-03-01",
        r#""peu""#,
        &["44229377500031"],
        "2024-03-02",
    );
    let c = a.replace(r#""id": "44229377500031""#, r#""id": ["x"]"#);
    let (d, kept, _) = run(&[("a.json", doc(&[a.clone(), b, c]))], &[]);
    assert_eq!((d.groups(), d.dropped()), (0, 0));
    assert_eq!(kept.len(), 3);
    // The same invalid value twice is one contract.
    let (d, _, _) = run(&[("a.json", doc(&[a.clone(), a]))], &[]);
    assert_eq!(d.dropped(), 1);
    assert!(
        d.to_json().contains(r#""montant":"?\"beaucoup\"""#),
        "{}",
        d.to_json()
    );
    // No buyer id, or an empty id: no key, never a duplicate.
    let e = marche("", "21690123100011", "2024-03-01", "1", &[], "2024-03-02");
    let (d, kept, _) = run(&[("a.json", doc(&[e.clone(), e]))], &[]);
    assert_eq!((d.dropped(), kept.len()), (0, 2));
}
