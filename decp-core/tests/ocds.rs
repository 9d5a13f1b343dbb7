//! The OCDS export against the OCDS 1.1.5 release-package schema (draft-04,
//! formats checked; its `$ref` to the release schema resolved to the local copy
//! in `tests/data/ocds-1.1.5`): every official v2 example (JSON and XML), every
//! v1.5 example (through the upgrade) and a generated corpus of 10 000 records
//! with modifications and concessions; then the shape of a contract's states.

use std::path::PathBuf;

use decp_core::ocds::PackageBuilder;
use decp_core::{Checker, DecodeOptions, ErrorKind, IssueCode, Reader, Record};
use decp_testkit::synth::Generator;
use serde_json::Value;

fn data(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data")
        .join(p)
}

const RELEASE_SCHEMA: &str =
    "https://standard.open-contracting.org/schema/1__1__5/release-schema.json";

/// Resolves the one remote reference of the package schema to the local copy.
struct Local(Value);

impl jsonschema::Retrieve for Local {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if uri.as_str() == RELEASE_SCHEMA {
            Ok(self.0.clone())
        } else {
            Err(format!("no network in tests: {uri}").into())
        }
    }
}

fn oracle() -> jsonschema::Validator {
    let read =
        |p: &str| -> Value { serde_json::from_slice(&std::fs::read(data(p)).unwrap()).unwrap() };
    let package = read("ocds-1.1.5/release-package-schema.json");
    let release = read("ocds-1.1.5/release-schema.json");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_retriever(Local(release))
        .build(&package)
        .unwrap()
}

fn assert_valid(oracle: &jsonschema::Validator, package: &Value, what: &str) {
    let errors: Vec<String> = oracle
        .iter_errors(package)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{what}: {errors:#?}");
}

/// A document's package, by the workflow the CLI uses (upgrade on, one job).
fn package_of(bytes: &[u8]) -> (Value, decp_core::Converted) {
    let (p, n, _) = package_text(bytes);
    (p, n)
}

/// The package, the counts and the package's text.
fn package_text(bytes: &[u8]) -> (Value, decp_core::Converted, String) {
    let reader = Reader::from_slice(bytes).unwrap();
    let mut w = PackageBuilder::new("ocds-test01").from_writer(Vec::new());
    let n = Checker::new(DecodeOptions::default())
        .upgrade(true)
        .convert(reader, &mut w, 1, &|_| {}, |_| true)
        .unwrap();
    let out = String::from_utf8(w.finish().unwrap()).unwrap();
    (serde_json::from_str(&out).unwrap(), n, out)
}

fn releases(p: &Value) -> &Vec<Value> {
    p["releases"].as_array().unwrap()
}

#[test]
fn official_examples_give_valid_packages() {
    let oracle = oracle();
    let mut seen = 0;
    for dir in [
        "official/v2/json",
        "official/v2/xml",
        "official/v1.5/json",
        "official/v1.5/xml",
    ] {
        for e in std::fs::read_dir(data(dir)).unwrap() {
            let path = e.unwrap().path();
            let (p, n) = package_of(&std::fs::read(&path).unwrap());
            assert_valid(&oracle, &p, &path.display().to_string());
            assert!(n.written > 0, "{}", path.display());
            // One release per state: the records, plus one per valid modification.
            assert!(releases(&p).len() as u64 >= n.written, "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 8);
}

#[test]
fn a_generated_corpus_of_ten_thousand_records_gives_a_valid_package() {
    let mut g = Generator::new(20261130);
    let mut w = PackageBuilder::new("ocds-gen001")
        .pretty(false)
        .from_writer(Vec::new());
    let (mut mods, mut concessions) = (0, 0);
    for i in 0..10_000 {
        let r = if i % 5 == 4 {
            concessions += 1;
            let k = g.concession();
            mods += k
                .modifications
                .as_ref()
                .and_then(|m| m.valid())
                .map_or(0, Vec::len);
            Record::Concession(k)
        } else {
            let m = g.marche();
            mods += m
                .modifications
                .as_ref()
                .and_then(|m| m.valid())
                .map_or(0, Vec::len);
            Record::Marche(m)
        };
        w.write_record(&r).unwrap();
    }
    assert!(mods > 1000 && concessions == 2000, "{mods} modifications");
    let p: Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
    assert_eq!(releases(&p).len(), 10_000 + mods);
    assert_valid(&oracle(), &p, "generated corpus");
    // Every contract's states share one ocid; release ids are unique.
    let mut ids: Vec<&str> = releases(&p)
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 10_000 + mods);
    let mut ocids: Vec<&str> = releases(&p)
        .iter()
        .map(|r| r["ocid"].as_str().unwrap())
        .collect();
    ocids.dedup();
    assert_eq!(ocids.len(), 10_000);
}

const TWO_MODIFICATIONS: &str = r#"{"marches": {"marche": [{
  "id": "2024 01/a", "acheteur": {"id": "21690123100011"}, "nature": "Marché",
  "objet": "Travaux de voirie", "codeCPV": "45233140-2", "procedure": "Procédure adaptée",
  "lieuExecution": {"code": "69001", "typeCode": "Code postal"}, "dureeMois": 12,
  "dateNotification": "2024-03-01", "datePublicationDonnees": "2024-03-05",
  "montant": 45000.10, "formePrix": "Ferme", "offresRecues": 3,
  "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "44229377500031"}}],
  "modifications": [
    {"modification": {"id": 2, "montant": 60000, "dureeMois": 18,
      "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "73282932000074"}}],
      "dateNotificationModification": "2024-09-01", "datePublicationDonneesModification": "2024-09-03"}},
    {"modification": {"id": 1, "montant": 50000,
      "dateNotificationModification": "2024-06-01", "datePublicationDonneesModification": "2024-06-02"}}
  ]}]}}"#;

#[test]
fn a_contract_with_two_modifications_gives_three_releases_with_one_ocid() {
    let (p, n, text) = package_text(TWO_MODIFICATIONS.as_bytes());
    assert_valid(&oracle(), &p, "two modifications");
    assert_eq!(n.written, 1);
    let r = releases(&p);
    assert_eq!(r.len(), 3);
    let ocid = "ocds-test01-21690123100011-2024%2001%2Fa";
    assert!(r.iter().all(|x| x["ocid"] == ocid));
    let ids: Vec<&str> = r.iter().map(|x| x["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            format!("{ocid}-initial"),
            format!("{ocid}-modification-1"),
            format!("{ocid}-modification-2")
        ]
    );
    let tags: Vec<&Value> = r.iter().map(|x| &x["tag"]).collect();
    assert_eq!(tags[0], &serde_json::json!(["award", "contract"]));
    assert_eq!(tags[1], &serde_json::json!(["contractAmendment"]));
    assert_eq!(
        tags[2],
        &serde_json::json!(["contractAmendment", "awardUpdate"])
    );
    // Amounts and periods as modified, in the order of the modification ids.
    let amount = |x: &Value| x["contracts"][0]["value"]["amount"].to_string();
    assert_eq!(
        r.iter().map(amount).collect::<Vec<_>>(),
        ["45000.1", "50000", "60000"]
    );
    // The amount is written with the input's decimals (serde_json above drops them).
    assert!(text.contains(r#""amount": 45000.10,"#));
    assert_eq!(
        r[0]["contracts"][0]["period"]["endDate"],
        "2025-03-01T00:00:00Z"
    );
    assert_eq!(
        r[2]["contracts"][0]["period"]["endDate"],
        "2025-09-01T00:00:00Z"
    );
    assert_eq!(r[2]["decp"]["dureeMois"], 18);
    assert_eq!(
        r.iter()
            .map(|x| x["date"].as_str().unwrap())
            .collect::<Vec<_>>(),
        [
            "2024-03-05T00:00:00Z",
            "2024-06-02T00:00:00Z",
            "2024-09-03T00:00:00Z"
        ]
    );
    assert_eq!(p["publishedDate"], "2024-09-03T00:00:00Z");
    // Each amendment is in the release it made (arrays merge by id when releases
    // are compiled), and chains the releases.
    assert!(r[0]["contracts"][0].get("amendments").is_none());
    let am = r[2]["contracts"][0]["amendments"].as_array().unwrap();
    assert_eq!(am.len(), 1);
    assert_eq!(am[0]["id"], "2");
    assert_eq!(am[0]["amendsReleaseID"], ids[1]);
    assert_eq!(am[0]["releaseID"], ids[2]);
    // The award keeps the value awarded; the contract has the state's.
    assert!(
        r.iter()
            .all(|x| x["awards"][0]["value"]["amount"] == 45000.1)
    );
    // The holders changed: the new supplier is a party and the award's supplier.
    assert_eq!(
        r[2]["awards"][0]["suppliers"][0]["id"],
        "SIRET-73282932000074"
    );
    let roles: Vec<_> = r[2]["parties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| (x["id"].as_str().unwrap(), x["roles"][0].as_str().unwrap()))
        .collect();
    assert_eq!(
        roles,
        [
            ("SIRET-21690123100011", "buyer"),
            ("SIRET-73282932000074", "supplier")
        ]
    );
    // "Procédure adaptée" decides no method; its label is kept; CPV 45: works.
    let t = &r[0]["tender"];
    assert!(t.get("procurementMethod").is_none());
    assert_eq!(t["procurementMethodDetails"], "Procédure adaptée");
    assert_eq!(t["mainProcurementCategory"], "works");
    assert_eq!(t["numberOfTenderers"], 3);
    assert_eq!(t["items"][0]["classification"]["id"], "45233140-2");
    // What OCDS has no place for is in the extension, with its DECP name.
    let ext = r[0]["decp"].as_object().unwrap();
    for k in [
        "nature",
        "lieuExecution",
        "dureeMois",
        "formePrix",
        "datePublicationDonnees",
    ] {
        assert!(ext.contains_key(k), "{k} missing from {ext:?}");
    }
    for k in [
        "montant",
        "titulaires",
        "acheteur",
        "id",
        "modifications",
        "codeCPV",
    ] {
        assert!(!ext.contains_key(k), "{k} is mapped, yet in the extension");
    }
}

#[test]
fn concessions_take_their_value_and_authority() {
    let path = data("official/v2/json/concessions_avec_modifications.json");
    let (p, _) = package_of(&std::fs::read(path).unwrap());
    let r = releases(&p);
    let first = &r[0];
    assert_eq!(first["parties"][0]["roles"][0], "buyer");
    assert!(first["decp"].get("autoriteConcedante").is_none());
    // The value is the concession's valeurGlobale, the buyer its authority.
    let doc: Value = serde_json::from_slice(
        &std::fs::read(data("official/v2/json/concessions_avec_modifications.json")).unwrap(),
    )
    .unwrap();
    let k = &doc["marches"]["contrat-concession"][0];
    assert_eq!(first["contracts"][0]["value"]["amount"], k["valeurGlobale"]);
    assert_eq!(
        first["buyer"]["id"],
        format!("SIRET-{}", k["autoriteConcedante"]["id"].as_str().unwrap())
    );
    assert!(r.iter().any(|x| x["tag"][0] == "contractAmendment"));
}

#[test]
fn what_does_not_fit_stays_in_the_extension_and_a_record_without_ids_is_reported() {
    let json = r#"{"marches": {"marche": [
      {"id": "A1", "acheteur": {"id": "21690123100011"}, "montant": "beaucoup",
       "dateNotification": "2024-03-01", "procedure": "Procédure inventée"},
      {"id": "A2", "dateNotification": "2024-03-01"}
    ]}}"#
        .as_bytes();
    let reader = Reader::from_slice(json).unwrap();
    let mut w = PackageBuilder::new("ocds-test01").from_writer(Vec::new());
    let mut findings = Vec::new();
    let n = Checker::new(DecodeOptions::default())
        .convert(reader, &mut w, 1, &|_| {}, |c| {
            findings.extend(c.issues.iter().map(|i| (i.code, i.path.clone())));
            true
        })
        .unwrap();
    assert_eq!((n.written, n.skipped), (1, 1));
    assert!(findings.contains(&(IssueCode::NotWritten, "/marches/marche/1".to_string())));
    let p: Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
    assert_valid(&oracle(), &p, "invalid values");
    let r = &releases(&p)[0];
    assert_eq!(r["decp"]["montant"], "beaucoup");
    assert_eq!(r["decp"]["procedure"], "Procédure inventée");
    assert!(r["contracts"][0].get("value").is_none());
    // The error says what is missing, in the language asked.
    let e = PackageBuilder::new("x")
        .from_writer(Vec::new())
        .write_record(
            &Reader::from_slice(json)
                .unwrap()
                .records()
                .nth(1)
                .unwrap()
                .unwrap()
                .record,
        )
        .unwrap_err();
    let ErrorKind::Write { message } = e.kind() else {
        panic!("{e:?}")
    };
    assert!(message.text(decp_core::Lang::Fr).contains("acheteur/id"));
}

#[test]
fn a_contract_met_twice_is_written_once_and_a_republication_keeps_unique_ids() {
    let one = |montant: &str| {
        format!(
            r#"{{"id": "A1", "acheteur": {{"id": "21690123100011"}}, "montant": {montant},
               "dateNotification": "2024-03-01"}}"#
        )
    };
    let doc = format!(
        r#"{{"marches": {{"marche": [{}, {}, {}]}}}}"#,
        one("100"),
        one("100"),
        one("200")
    );
    let reader = Reader::from_slice(doc.as_bytes()).unwrap();
    let mut w = PackageBuilder::new("ocds-test01").from_writer(Vec::new());
    let mut skipped = Vec::new();
    let n = Checker::new(DecodeOptions::default())
        .convert(reader, &mut w, 1, &|_| {}, |c| {
            skipped.extend(
                c.issues
                    .iter()
                    .filter(|i| i.code == IssueCode::Repeated)
                    .map(|i| i.path.clone()),
            );
            true
        })
        .unwrap();
    assert_eq!((n.written, n.skipped, n.duplicates), (2, 0, 1));
    assert_eq!(skipped, ["/marches/marche/1"]);
    let p: Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
    assert_valid(&oracle(), &p, "republication");
    let ids: Vec<&str> = releases(&p)
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "ocds-test01-21690123100011-A1-initial",
            "ocds-test01-21690123100011-A1-initial-r2"
        ]
    );
}

/// Every scalar of a record (a member's name with its value) is somewhere in
/// its releases: mapped to an OCDS field, or in the `decp` object.
fn assert_nothing_dropped(record: &Value, releases: &[Value], what: &str) {
    let text = releases
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let mut leaves = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => m.values().for_each(|x| walk(x, out)),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::String(s) => out.push(
                serde_json::to_string(s)
                    .unwrap()
                    .trim_matches('"')
                    .to_string(),
            ),
            Value::Number(n) => out.push(n.to_string()),
            Value::Bool(b) => out.push(b.to_string()),
            Value::Null => {}
        }
    }
    walk(record, &mut leaves);
    for leaf in leaves {
        assert!(text.contains(&leaf), "{what}: {leaf:?} is in no release");
    }
}

#[test]
fn nothing_is_dropped_unknown_and_invalid_members_included() {
    let extra = r#"{"marches": {"marche": [{
      "id": "Z9", "acheteur": {"id": "21690123100011", "nom": "Ville de Lyon"},
      "dateNotification": "2024-03-01", "montant": 100, "codeCPV": "45000000-7",
      "procedure": "Appel d'offres ouvert", "objet": "Voirie", "offresRecues": 2,
      "titulaires": [{"titulaire": {"typeIdentifiant": "SIREN", "id": "442293775", "denominationSociale": "ACME"}}],
      "noteInterne": "à garder",
      "modifications": [{"modification": {"id": "premier", "montant": 150,
        "dateNotificationModification": "2024-05-01", "motif": "avenant 1"}}]
    }]}}"#;
    let mut inputs: Vec<(String, Vec<u8>)> = vec![("extra".into(), extra.as_bytes().to_vec())];
    for dir in ["official/v2/json", "official/v1.5/json"] {
        for e in std::fs::read_dir(data(dir)).unwrap() {
            let p = e.unwrap().path();
            inputs.push((p.display().to_string(), std::fs::read(&p).unwrap()));
        }
    }
    for (what, bytes) in inputs {
        let mut reader = Reader::from_slice(&bytes).unwrap();
        for item in reader.records() {
            let Ok(d) = item else { continue };
            let record = d.upgrade().record;
            let mut w = PackageBuilder::new("ocds-test01").from_writer(Vec::new());
            if w.write_record(&record).is_err() {
                continue;
            }
            let p: Value = serde_json::from_slice(&w.finish().unwrap()).unwrap();
            let v: Value = serde_json::from_str(&record.to_json(false)).unwrap();
            assert_nothing_dropped(&v, releases(&p), &what);
        }
    }
}

#[test]
fn edge_values_give_valid_packages_or_a_reason() {
    let one = |fields: &str| {
        format!(
            r#"{{"marches": {{"marche": [{{"acheteur": {{"id": "21690123100011"}}, "dateNotification": "2024-03-01", {fields}}}]}}}}"#
        )
    };
    // A duration past year 9999: no endDate (RFC 3339 cannot write it), dureeMois kept.
    let (p, n) = package_of(one(r#""id": "A", "dureeMois": 99999"#).as_bytes());
    assert_eq!(n.written, 1);
    assert_valid(&oracle(), &p, "huge dureeMois");
    let r = &releases(&p)[0];
    assert!(r["contracts"][0]["period"].get("endDate").is_none());
    assert_eq!(r["decp"]["dureeMois"], 99999);
    // An empty id cannot make an ocid.
    let (_, n) = package_of(one(r#""id": """#).as_bytes());
    assert_eq!((n.written, n.skipped), (0, 1));
    // The buyer's part encodes '-': buyer A-B with id C, buyer A with id B-C differ.
    let a = r#"{"marches": {"marche": [{"id": "C", "acheteur": {"id": "A-B"}, "dateNotification": "2024-03-01"},
        {"id": "B-C", "acheteur": {"id": "A"}, "dateNotification": "2024-03-01"}]}}"#;
    let (p, n) = package_of(a.as_bytes());
    assert_eq!(n.written, 2);
    let ocids: Vec<&str> = releases(&p)
        .iter()
        .map(|r| r["ocid"].as_str().unwrap())
        .collect();
    assert_eq!(ocids, ["ocds-test01-A%2DB-C", "ocds-test01-A-B-C"]);
    assert!(decp_core::ocds::check_prefix("").is_err());
}
