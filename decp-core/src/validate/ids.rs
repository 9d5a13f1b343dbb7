//! Predicates on identifiers, codes and amounts: SIRET/SIREN checksums,
//! identifier formats by kind, place codes, repeated-digit amounts.

use rust_decimal::Decimal;

use crate::issue::IssueCode;
use crate::model::{TypeCode, TypeIdentifiant};

/// Luhn check of a string of ASCII digits.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return false;
        }
        let mut d = u32::from(c - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

/// Checks a 14-digit SIRET: `Ok`, or the code of what is wrong.
pub fn check_siret(s: &str) -> Result<(), IssueCode> {
    if s.len() != 14 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IssueCode::Pattern);
    }
    // La Poste's establishments share SIREN 356000000 and use another rule.
    if s.starts_with("356000000") {
        let sum: u32 = s.bytes().map(|b| u32::from(b - b'0')).sum();
        return if sum.is_multiple_of(5) {
            Ok(())
        } else {
            Err(IssueCode::SiretChecksum)
        };
    }
    if !luhn(&s[..9]) {
        return Err(IssueCode::SirenChecksum);
    }
    if !luhn(s) {
        return Err(IssueCode::SiretChecksum);
    }
    Ok(())
}

pub(super) fn all(s: &str, f: impl Fn(u8) -> bool) -> bool {
    s.bytes().all(f)
}
pub(super) fn digits(s: &str) -> bool {
    all(s, |b| b.is_ascii_digit())
}
pub(super) fn alnum(s: &str) -> bool {
    all(s, |b| b.is_ascii_alphanumeric())
}

/// The format of an identifier of a non-SIRET type (conservative patterns, those of
/// the official consolidation pipeline; TVA: a country prefix and 2 to 13 characters).
pub(super) fn identifier_ok(t: TypeIdentifiant, id: &str) -> bool {
    let up = |s: &str| all(s, |b| b.is_ascii_uppercase());
    match t {
        TypeIdentifiant::Siret => check_siret(id).is_ok(),
        TypeIdentifiant::Tva => {
            // `get`: the second byte may fall inside a non-ASCII character.
            id.len() >= 4
                && id.len() <= 15
                && id.get(..2).is_some_and(up)
                && id
                    .get(2..)
                    .is_some_and(|r| all(r, |b| b.is_ascii_digit() || b.is_ascii_uppercase()))
        }
        TypeIdentifiant::Tahiti => id.len() == 9 && alnum(id),
        TypeIdentifiant::Ridet => id.len() == 10 && alnum(id),
        TypeIdentifiant::Frwf => id.len() == 18 && id.starts_with("FRWF") && alnum(&id[4..]),
        TypeIdentifiant::Irep => {
            id.len() >= 5 && id.is_char_boundary(5) && digits(&id[..5]) && alnum(&id[5..])
        }
        TypeIdentifiant::HorsUe => {
            id.len() >= 2
                && id.len() <= 18
                && id.is_char_boundary(2)
                && up(&id[..2])
                && alnum(&id[2..])
        }
    }
}

/// A département code: `01`–`95`, `2A`, `2B`, `971`–`976`.
/// A département code of the official geographic code (INSEE): `01`–`95` but
/// `20`, `2A`, `2B`, the overseas départements `971`–`976`, and the codes the same
/// geographic code gives the overseas collectivities, whose communes are numbered
/// under them: `975` Saint-Pierre-et-Miquelon, `977` Saint-Barthélemy, `978`
/// Saint-Martin, `984` French Southern Territories, `986` Wallis-et-Futuna, `987`
/// French Polynesia, `988` New Caledonia, `989` Clipperton.
pub(super) fn departement(s: &str) -> bool {
    match s.len() {
        2 => s == "2A" || s == "2B" || (digits(s) && s != "00" && s != "20" && s < "96"),
        3 => {
            digits(s)
                && (("971".."977").contains(&s)
                    || matches!(s, "977" | "978" | "984" | "986" | "987" | "988" | "989"))
        }
        _ => false,
    }
}

/// `code` fits `typeCode` (postal code, INSEE codes, ISO country).
pub(super) fn lieu_code_ok(t: TypeCode, code: &str) -> bool {
    let split = |n: usize| -> bool {
        // A département prefix followed by `n` digits (INSEE codes).
        (code.len() >= n + 2)
            && [2usize, 3].iter().any(|&d| {
                code.len() == d + n
                    && code.is_char_boundary(d)
                    && departement(&code[..d])
                    && digits(&code[d..])
            })
    };
    match t {
        TypeCode::CodePostal => code.len() == 5 && digits(code),
        TypeCode::CodeCommune => code.len() == 5 && split(5 - 2) || code.len() == 5 && split(2),
        TypeCode::CodeArrondissement => split(1),
        TypeCode::CodeCanton => split(2),
        TypeCode::CodeDepartement => departement(code),
        TypeCode::CodeRegion => code.len() == 2 && digits(code),
        TypeCode::CodePays => {
            (code.len() == 2 || code.len() == 3) && all(code, |b| b.is_ascii_uppercase())
        }
    }
}

/// Whether the integer part has at least six digits, all the same (`999999.50`).
pub(super) fn repeated_digits(d: &Decimal) -> bool {
    use rust_decimal::prelude::ToPrimitive;
    // Every Decimal's integer part is below 2^96: it fits a u128.
    let Some(mut n) = d.trunc().abs().to_u128() else {
        return false;
    };
    if n < 100_000 {
        return false;
    }
    let first = n % 10;
    while n > 0 {
        if n % 10 != first {
            return false;
        }
        n /= 10;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_digit_amounts() {
        let yes = ["999999", "111111.50", "-222222", "7777777777"];
        let no = ["99999", "999998", "1000000", "0", "0.999999", "123456"];
        for s in yes {
            assert!(repeated_digits(&s.parse().unwrap()), "{s}");
        }
        for s in no {
            assert!(!repeated_digits(&s.parse().unwrap()), "{s}");
        }
        assert!(!repeated_digits(&Decimal::MAX));
    }

    #[test]
    fn identifiers_with_non_ascii_characters() {
        // Found by fuzzing: slicing at byte 2 inside `ë` panicked.
        assert!(!identifier_ok(TypeIdentifiant::Tva, "Dë8148641 38"));
        assert!(!identifier_ok(TypeIdentifiant::HorsUe, "éé12"));
        assert!(!identifier_ok(TypeIdentifiant::Irep, "1234é5"));
        assert!(identifier_ok(TypeIdentifiant::Tva, "DE814864138"));
    }

    #[test]
    fn siret_checks() {
        assert!(check_siret("73282932000074").is_ok());
        assert_eq!(check_siret("73282932000075"), Err(IssueCode::SiretChecksum));
        assert_eq!(check_siret("12345678901234"), Err(IssueCode::SirenChecksum));
        assert_eq!(check_siret("7328293200007"), Err(IssueCode::Pattern));
        // La Poste: SIREN 356000000, sum of digits divisible by 5.
        assert!(check_siret("35600000000010").is_ok());
        assert_eq!(check_siret("35600000000011"), Err(IssueCode::SiretChecksum));
    }

    #[test]
    fn lieu_codes() {
        assert!(lieu_code_ok(TypeCode::CodeCommune, "2B002"));
        assert!(lieu_code_ok(TypeCode::CodeCommune, "75056"));
        assert!(lieu_code_ok(TypeCode::CodeCommune, "97411"));
        assert!(!lieu_code_ok(TypeCode::CodeCommune, "2C002"));
        assert!(lieu_code_ok(TypeCode::CodeDepartement, "2A"));
        assert!(lieu_code_ok(TypeCode::CodeDepartement, "974"));
        assert!(!lieu_code_ok(TypeCode::CodeDepartement, "99"));
        assert!(lieu_code_ok(TypeCode::CodePostal, "75000"));
        assert!(!lieu_code_ok(TypeCode::CodePostal, "7500"));
        assert!(lieu_code_ok(TypeCode::CodePays, "FR"));
        assert!(!lieu_code_ok(TypeCode::CodePays, "France"));
        assert!(lieu_code_ok(TypeCode::CodeRegion, "84"));
        assert!(lieu_code_ok(TypeCode::CodeCanton, "7501"));
        assert!(lieu_code_ok(TypeCode::CodeArrondissement, "751"));
    }
}
