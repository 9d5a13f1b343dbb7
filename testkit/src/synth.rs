//! A deterministic generator of realistic synthetic DECP v2 records, for benches
//! and large-input tests (nothing generated is ever committed).
//!
//! The same seed always gives the same records. Records vary their optional blocks
//! (modifications, subcontracting, execution data…), use Luhn-valid SIRETs and
//! real CPV codes from the embedded CPV 2008 list.

use std::io::{self, Read};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use decp_core::model::*;
use decp_core::{Field, Format, Record, get, set};

/// SplitMix64: small, fast, deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// `true` with probability `p` percent.
    pub fn chance(&mut self, p: u64) -> bool {
        self.below(100) < p
    }
    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, s: &'a [T]) -> &'a T {
        &s[self.below(s.len() as u64) as usize]
    }
}

/// Appends the Luhn check digit to a string of digits (13 digits give a SIRET,
/// 8 a SIREN).
pub fn luhn_complete(digits: &str) -> String {
    // The one Luhn implementation is the validator's: pick the digit it accepts.
    (b'0'..=b'9')
        .map(|d| format!("{digits}{}", char::from(d)))
        .find(|s| decp_core::luhn(s))
        .unwrap_or_else(|| format!("{digits}0"))
}

/// Metropolitan départements with a numeric code (Corsica's are 2A and 2B).
const DEPARTEMENTS: [u64; 94] = {
    let mut d = [0u64; 94];
    let mut i = 0;
    while i < 94 {
        d[i] = if i < 19 { i as u64 + 1 } else { i as u64 + 2 };
        i += 1;
    }
    d
};

const OBJETS: &[&str] = &[
    "Travaux de réfection de la toiture du gymnase municipal",
    "Fourniture de denrées alimentaires pour la restauration scolaire",
    "Maintenance des installations de chauffage, ventilation et climatisation",
    "Prestations de nettoyage des locaux administratifs",
    "Acquisition de véhicules utilitaires électriques",
    "Mission de maîtrise d'œuvre pour la construction d'une médiathèque",
    "Entretien des espaces verts et élagage",
    "Fourniture et livraison de mobilier scolaire",
    "Assistance à maîtrise d'ouvrage pour le renouvellement du système d'information",
    "Marché de transport scolaire — lot n°3 « secteur nord »",
];

/// Generates records.
#[derive(Debug, Clone)]
pub struct Generator {
    rng: Rng,
    buyers: Vec<String>,
    companies: Vec<String>,
    counter: u64,
}

impl Generator {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Generator {
        let mut rng = Rng::new(seed);
        // A Luhn-valid SIREN, then a Luhn-valid SIRET on top of it.
        let siret = |rng: &mut Rng, prefix: &str| {
            let mut digits = |n: usize| -> String {
                (0..n)
                    .map(|_| char::from(b'0' + rng.below(10) as u8))
                    .collect()
            };
            let siren = luhn_complete(&format!("{prefix}{}", digits(8 - prefix.len())));
            luhn_complete(&format!("{siren}{}", digits(4)))
        };
        let buyers = (0..200).map(|_| siret(&mut rng, "2")).collect();
        let companies = (0..2000).map(|_| siret(&mut rng, "")).collect();
        Generator {
            rng,
            buyers,
            companies,
            counter: 0,
        }
    }

    /// The random source.
    pub fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn date(&mut self, from_year: i32) -> NaiveDate {
        let base = NaiveDate::from_ymd_opt(from_year, 1, 1).unwrap_or_default();
        base + chrono::Days::new(self.rng.below(700))
    }

    fn amount(&mut self, min: u64, max: u64) -> Decimal {
        let cents = (min * 100 + self.rng.below((max - min) * 100)) as i64;
        Decimal::new(cents, 2)
    }

    fn operateur(&mut self) -> Operateur {
        let id = self.rng.pick(&self.companies).clone();
        Operateur {
            type_identifiant: set(TypeIdentifiant::Siret),
            id: set(id),
            unknown: Vec::new(),
        }
    }

    fn labels<T: Copy + PartialEq>(&mut self, all: &[T], none: T) -> Vec<Field<T>> {
        if self.rng.chance(60) {
            vec![Field::Valid(none)]
        } else {
            let a = *self.rng.pick(&all[..all.len() - 1]);
            let b = *self.rng.pick(&all[..all.len() - 1]);
            let mut v = vec![Field::Valid(a)];
            if self.rng.chance(30) && a != b {
                v.push(Field::Valid(b));
            }
            v
        }
    }

    /// A market.
    pub fn marche(&mut self) -> Marche {
        self.counter += 1;
        let notif = self.date(2024);
        let cpv = decp_core::cpv::all();
        let cpv = &cpv[self.rng.below(cpv.len() as u64) as usize];
        let code_cpv = if self.rng.chance(50) {
            cpv.code.to_string()
        } else {
            format!("{}-{}", cpv.code, cpv.check_digit)
        };
        let n_tit = if self.rng.chance(85) {
            1
        } else {
            2 + self.rng.below(3)
        };
        let titulaires = (0..n_tit).map(|_| Field::Valid(self.operateur())).collect();
        let montant = self.amount(40_000, 5_000_000);
        let avance = self.rng.chance(40);
        let mut m = Marche {
            id: set(format!(
                "{}{:08}",
                notif.format("%Y"),
                self.counter % 100_000_000
            )),
            acheteur: set(Acheteur {
                id: set(self.rng.pick(&self.buyers).clone()),
                unknown: Vec::new(),
            }),
            nature: set(*self.rng.pick(NatureMarche::ALL)),
            objet: set(self.rng.pick(OBJETS).to_string()),
            code_cpv: set(code_cpv),
            procedure: set(*self.rng.pick(ProcedureMarche::ALL)),
            lieu_execution: set(LieuExecution {
                code: set(format!(
                    "{:02}{:03}",
                    *self.rng.pick(&DEPARTEMENTS),
                    self.rng.below(1000)
                )),
                type_code: set(if self.rng.chance(70) {
                    TypeCode::CodeCommune
                } else {
                    TypeCode::CodePostal
                }),
                unknown: Vec::new(),
            }),
            duree_mois: set(1 + self.rng.below(60) as i64),
            date_notification: set(notif),
            date_publication_donnees: set(notif + chrono::Days::new(self.rng.below(60))),
            montant: set(montant),
            forme_prix: set(*self.rng.pick(FormePrix::ALL)),
            titulaires: set(titulaires),
            considerations_sociales: set(self.labels(
                ConsiderationSociale::ALL,
                ConsiderationSociale::PasDeConsiderationSociale,
            )),
            considerations_environnementales: set(self.labels(
                ConsiderationEnvironnementale::ALL,
                ConsiderationEnvironnementale::PasDeConsiderationEnvironnementale,
            )),
            techniques: set(self.labels(Technique::ALL, Technique::SansObjet)),
            modalites_execution: set(
                self.labels(ModaliteExecution::ALL, ModaliteExecution::SansObjet)
            ),
            id_accord_cadre: None,
            types_prix: set(vec![Field::Valid(*self.rng.pick(TypePrix::ALL))]),
            marche_innovant: set(self.rng.chance(5)),
            ccag: set(*self.rng.pick(Ccag::ALL)),
            offres_recues: set(1 + self.rng.below(12) as i64),
            attribution_avance: set(avance),
            taux_avance: avance.then(|| Field::Valid(Decimal::new(self.rng.below(31) as i64, 2))),
            type_groupement_operateurs: set(if n_tit == 1 {
                TypeGroupementOperateurs::PasDeGroupement
            } else {
                *self.rng.pick(&TypeGroupementOperateurs::ALL[..2])
            }),
            origine_ue: None,
            origine_france: None,
            sous_traitance_declaree: set(self.rng.chance(20)),
            actes_sous_traitance: None,
            modifications_actes_sous_traitance: None,
            modifications: None,
            unknown: Vec::new(),
        };
        if self.rng.chance(10) {
            let fr = self.rng.below(80) as i64;
            m.origine_ue = set(Some(Decimal::new(fr + self.rng.below(20) as i64, 2)));
            m.origine_france = set(Some(Decimal::new(fr, 2)));
        }
        let subsequent = get(&m.modalites_execution)
            .is_some_and(|l| l.contains(&Field::Valid(ModaliteExecution::MarchesSubsequents)));
        if subsequent || self.rng.chance(5) {
            m.id_accord_cadre = set(format!("AC{:06}", self.rng.below(1_000_000)));
        }
        if self.rng.chance(15) {
            let n = 1 + self.rng.below(3);
            let actes = (1..=n)
                .map(|i| {
                    let d = notif + chrono::Days::new(30 * i);
                    Field::Valid(ActeSousTraitance {
                        id: set(i as i64),
                        sous_traitant: set(self.operateur()),
                        duree_mois: set(1 + self.rng.below(24) as i64),
                        date_notification: set(d),
                        montant: set(self.amount(1_000, 200_000)),
                        variation_prix: set(*self.rng.pick(VariationPrix::ALL)),
                        date_publication_donnees: set(d + chrono::Days::new(5)),
                        unknown: Vec::new(),
                    })
                })
                .collect();
            m.actes_sous_traitance = set(actes);
            m.sous_traitance_declaree = set(true);
            if self.rng.chance(30) {
                let d = notif + chrono::Days::new(200);
                m.modifications_actes_sous_traitance =
                    set(vec![Field::Valid(ModificationActeSousTraitance {
                        id: set(1),
                        duree_mois: set(6),
                        date_notification_modification_sous_traitance: set(d),
                        montant: set(self.amount(1_000, 50_000)),
                        date_publication_donnees: set(d + chrono::Days::new(3)),
                        unknown: Vec::new(),
                    })]);
            }
        }
        if self.rng.chance(25) {
            let n = 1 + self.rng.below(4);
            let mods = (1..=n)
                .map(|i| {
                    let d = notif + chrono::Days::new(60 * i);
                    Field::Valid(ModificationMarche {
                        id: set(i as i64),
                        titulaires: self
                            .rng
                            .chance(20)
                            .then(|| Field::Valid(vec![Field::Valid(self.operateur())])),
                        date_notification_modification: set(d),
                        date_publication_donnees_modification: set(d + chrono::Days::new(7)),
                        duree_mois: self
                            .rng
                            .chance(50)
                            .then(|| Field::Valid(12 + self.rng.below(24) as i64)),
                        montant: self
                            .rng
                            .chance(60)
                            .then(|| Field::Valid(montant + self.amount(100, 20_000))),
                        unknown: Vec::new(),
                    })
                })
                .collect();
            m.modifications = set(mods);
        }
        m
    }

    /// A concession contract.
    pub fn concession(&mut self) -> ContratConcession {
        self.counter += 1;
        let sig = self.date(2024);
        let mut c = ContratConcession {
            id: set(format!(
                "C{}{:07}",
                sig.format("%Y"),
                self.counter % 10_000_000
            )),
            autorite_concedante: set(Acheteur {
                id: set(self.rng.pick(&self.buyers).clone()),
                unknown: Vec::new(),
            }),
            nature: set(*self.rng.pick(NatureConcession::ALL)),
            objet: set("Délégation du service public de l'eau potable".to_string()),
            procedure: set(*self.rng.pick(ProcedureConcession::ALL)),
            duree_mois: set(12 * (1 + self.rng.below(15) as i64)),
            date_signature: set(sig),
            date_publication_donnees: set(sig + chrono::Days::new(self.rng.below(30))),
            date_debut_execution: set(sig + chrono::Days::new(self.rng.below(90))),
            valeur_globale: set(self.amount(100_000, 50_000_000)),
            montant_subvention_publique: set(self.amount(0, 100_000)),
            donnees_execution: None,
            concessionnaires: set(vec![Field::Valid(self.operateur())]),
            considerations_sociales: set(self.labels(
                ConsiderationSocialeConcession::ALL,
                ConsiderationSocialeConcession::PasDeConsiderationSociale,
            )),
            considerations_environnementales: set(self.labels(
                ConsiderationEnvironnementale::ALL,
                ConsiderationEnvironnementale::PasDeConsiderationEnvironnementale,
            )),
            modifications: None,
            unknown: Vec::new(),
        };
        if self.rng.chance(40) {
            let d = sig + chrono::Days::new(400);
            c.donnees_execution = set(vec![Field::Valid(DonneesAnnuelles {
                date_publication_donnees_execution: set(d),
                depenses_investissement: set(self.amount(0, 1_000_000)),
                tarifs: set((0..1 + self.rng.below(3))
                    .map(|i| {
                        Field::Valid(Tarif {
                            intitule_tarif: set(format!("Tarif n°{}", i + 1)),
                            tarif: set(self.amount(0, 500)),
                            unknown: Vec::new(),
                        })
                    })
                    .collect()),
                unknown: Vec::new(),
            })]);
        }
        if self.rng.chance(20) {
            let d = sig + chrono::Days::new(300);
            c.modifications = set(vec![Field::Valid(ModificationConcession {
                id: set(1),
                date_signature_modification: set(d),
                date_publication_donnees_modification: set(d + chrono::Days::new(10)),
                duree_mois: None,
                valeur_globale: set(self.amount(100_000, 60_000_000)),
                unknown: Vec::new(),
            })]);
        }
        c
    }

    /// A record: a market nine times out of ten.
    pub fn record(&mut self) -> Record {
        if self.rng.chance(90) {
            Record::Marche(self.marche())
        } else {
            Record::Concession(self.concession())
        }
    }
}

/// An [`io::Read`] that produces a whole DECP v2 document of about `target_bytes`
/// bytes (pretty-printed, as real files are), generated on the fly: markets first,
/// then concessions for the last tenth. Memory does not grow with the size.
pub struct SynthReader {
    generator: Generator,
    format: Format,
    target: u64,
    produced: u64,
    buf: Vec<u8>,
    pos: usize,
    phase: u8,
    in_phase: u64,
    records: u64,
    dirty: bool,
}

/// Breaks the check digit of a SIRET (`rule.siret_checksum`).
fn break_luhn(id: &mut Option<Field<String>>) {
    if let Some(Field::Valid(s)) = id
        && let Some(last) = s.pop()
    {
        s.push(if last == '9' {
            '0'
        } else {
            char::from(last as u8 + 1)
        });
    }
}

/// Gives a record several findings spread through it: a buyer's and a holder's
/// SIRET with a wrong check digit, a duration of 0 months, an amount under the
/// publication threshold.
fn dirty(r: &mut Record) {
    match r {
        Record::Marche(m) => {
            if let Some(Field::Valid(a)) = &mut m.acheteur {
                break_luhn(&mut a.id);
            }
            if let Some(Field::Valid(t)) = &mut m.titulaires
                && let Some(Field::Valid(t)) = t.last_mut()
            {
                break_luhn(&mut t.id);
            }
            m.duree_mois = set(0);
            m.montant = set(Decimal::new(1_000, 0));
        }
        Record::Concession(c) => {
            if let Some(Field::Valid(a)) = &mut c.autorite_concedante {
                break_luhn(&mut a.id);
            }
            if let Some(Field::Valid(t)) = &mut c.concessionnaires
                && let Some(Field::Valid(t)) = t.last_mut()
            {
                break_luhn(&mut t.id);
            }
            c.duree_mois = set(0);
        }
        _ => {}
    }
}

impl SynthReader {
    /// Gives every record several findings (see the benches' `findings` group):
    /// the same records otherwise.
    pub fn dirty(mut self, yes: bool) -> SynthReader {
        self.dirty = yes;
        self
    }

    /// A document of about `target_bytes` in `format`.
    pub fn new(format: Format, seed: u64, target_bytes: u64) -> SynthReader {
        SynthReader {
            generator: Generator::new(seed),
            format,
            target: target_bytes,
            produced: 0,
            buf: Vec::new(),
            pos: 0,
            phase: 0,
            in_phase: 0,
            records: 0,
            dirty: false,
        }
    }

    /// How many records have been generated so far.
    pub fn records(&self) -> u64 {
        self.records
    }

    fn refill(&mut self) {
        self.buf.clear();
        self.pos = 0;
        let xml = self.format == Format::Xml;
        match self.phase {
            0 => {
                self.buf.extend_from_slice(if xml {
                    b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<marches>".as_slice()
                } else {
                    b"{\n  \"marches\": {\n    \"marche\": [".as_slice()
                });
                self.phase = 1;
            }
            1 | 2 => {
                let limit = if self.phase == 1 {
                    self.target / 10 * 9
                } else {
                    self.target
                };
                if self.produced >= limit {
                    self.buf.extend_from_slice(match (xml, self.phase) {
                        (true, 1) => b"".as_slice(),
                        (false, 1) => b"\n    ],\n    \"contrat-concession\": [".as_slice(),
                        (true, _) => b"\n</marches>\n".as_slice(),
                        (false, _) => b"\n    ]\n  }\n}\n".as_slice(),
                    });
                    self.phase += 1;
                    self.in_phase = 0;
                    return;
                }
                let mut rec = if self.phase == 1 {
                    Record::Marche(self.generator.marche())
                } else {
                    Record::Concession(self.generator.concession())
                };
                if self.dirty {
                    dirty(&mut rec);
                }
                self.records += 1;
                // Records as the record-level writers give them (indented from
                // column one), in the document's envelope.
                if xml {
                    self.buf.push(b'\n');
                    let r = rec.write_xml(&mut self.buf, true);
                    debug_assert!(r.is_ok(), "generated text is XML-safe");
                } else {
                    self.buf
                        .extend_from_slice(if self.in_phase > 0 { b",\n" } else { b"\n" });
                    let r = rec.write_json(&mut self.buf, true);
                    debug_assert!(r.is_ok(), "writing to memory cannot fail");
                }
                self.in_phase += 1;
            }
            _ => {}
        }
    }
}

impl Read for SynthReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.buf.len() {
            if self.phase > 2 {
                return Ok(0);
            }
            self.refill();
        }
        let n = out.len().min(self.buf.len() - self.pos);
        out[..n].copy_from_slice(&self.buf[self.pos..self.pos + n]);
        self.pos += n;
        self.produced += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn() {
        // 732 829 320 00074 is a known valid SIRET.
        assert_eq!(luhn_complete("7328293200007"), "73282932000074");
    }
}
