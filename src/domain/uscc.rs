//! China's Unified Social Credit Code (统一社会信用代码), GB 32100-2015.
//!
//! Every legal entity registered in mainland China carries one 18-character
//! code. It is the key we use to tell whether two supplier records are the
//! same company, so a typo must be caught at entry rather than creating a
//! duplicate supplier that escapes its red-line history.
//!
//! Layout (1-based positions):
//! - 1: registration authority (登记管理部门) — 1–9, A, N or Y;
//! - 2: organisation type (机构类别) within that authority;
//! - 3–8: administrative division code (登记管理机关行政区划码), six digits;
//! - 9–17: organisation code (主体标识码);
//! - 18: check digit.

use std::fmt;

/// The 31 characters the standard allows, in value order (the index is the
/// character's value in the check-digit sum). I, O, Z, S and V are left out
/// because they are easily misread as 1, 0, 2, 5 and U.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weight of positions 1..17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Registration authorities of GB 32100-2015 (1 机构编制, 5 民政, 9 工商/市场监管,
/// Y 其他, plus the codes given to other authorities). Suppliers are nearly
/// always `9`, but rejecting the rest would block legitimate public bodies.
const REGISTRATION_AUTHORITIES: &[u8] = b"123456789ANY";

const LENGTH: usize = 18;

/// Why a code is not a valid Unified Social Credit Code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccError {
    /// Not exactly 18 characters.
    Length,
    /// The character at this 1-based position is not allowed there.
    Character { position: usize },
    /// Positions 3–8 (administrative division code) are not all digits.
    Division,
    /// Well-formed, but the check digit does not match the first 17 characters.
    CheckDigit { expected: char },
}

impl fmt::Display for UsccError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsccError::Length => write!(f, "must be {LENGTH} characters"),
            UsccError::Character { position } => {
                write!(f, "character {position} is not allowed")
            }
            UsccError::Division => write!(
                f,
                "characters 3 to 8 must be digits (administrative division code)"
            ),
            UsccError::CheckDigit { expected } => {
                write!(f, "check digit should be {expected}")
            }
        }
    }
}

impl std::error::Error for UsccError {}

/// Cleans up a code as typed or pasted: trims, removes inner whitespace and
/// upper-cases. Full-width forms (`９１３５…`, `Ａ`, the ideographic space) are
/// folded to ASCII first, because Chinese input methods produce them and
/// they look identical on screen to the person typing.
pub fn normalize(input: &str) -> String {
    input
        .chars()
        .map(fold_full_width)
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Maps the full-width ASCII block (U+FF01..=U+FF5E) onto ASCII; anything
/// else is returned unchanged.
fn fold_full_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Validates an already-normalised code (see [`normalize`]). Lower-case
/// letters are rejected here on purpose: storing the normalised form keeps
/// duplicate detection a plain string comparison.
///
/// Problems are reported left to right, so the first error is the one a
/// person reading the code would hit first.
pub fn validate(code: &str) -> Result<(), UsccError> {
    let chars: Vec<char> = code.chars().collect();
    if chars.len() != LENGTH {
        return Err(UsccError::Length);
    }
    for (index, &c) in chars.iter().enumerate() {
        let position = index + 1;
        if value_of(c).is_none() {
            return Err(UsccError::Character { position });
        }
        let allowed_here = match position {
            1 => REGISTRATION_AUTHORITIES.contains(&(c as u8)),
            // Organisation types are numbered from 1; 0 is never assigned.
            2 => c != '0',
            _ => true,
        };
        if !allowed_here {
            return Err(UsccError::Character { position });
        }
        if (3..=8).contains(&position) && !c.is_ascii_digit() {
            return Err(UsccError::Division);
        }
    }
    let first17: String = chars[..LENGTH - 1].iter().collect();
    let expected = check_digit(&first17).ok_or(UsccError::Length)?;
    if chars[LENGTH - 1] != expected {
        return Err(UsccError::CheckDigit { expected });
    }
    Ok(())
}

/// The check digit (position 18) for the first 17 characters, or `None` when
/// the input is not 17 characters of the code's alphabet.
///
/// c18 = 31 − (Σ valueᵢ × weightᵢ mod 31), where 31 itself wraps to 0.
pub fn check_digit(first17: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut count = 0usize;
    for c in first17.chars() {
        let weight = *WEIGHTS.get(count)?;
        sum += value_of(c)? * weight;
        count += 1;
    }
    if count != WEIGHTS.len() {
        return None;
    }
    let value = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[value as usize]))
}

/// Appends the check digit to 17 characters, giving a full code. The
/// demo-data generator uses this so that generated suppliers pass the same
/// validation as real ones.
pub fn complete(first17: &str) -> Option<String> {
    let digit = check_digit(first17)?;
    let mut code = String::with_capacity(LENGTH);
    code.push_str(first17);
    code.push(digit);
    Some(code)
}

fn value_of(c: char) -> Option<u32> {
    if !c.is_ascii() {
        return None;
    }
    ALPHABET
        .iter()
        .position(|&a| a == c as u8)
        .map(|index| index as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published codes whose check digits were verified by hand:
    ///
    /// 91350100M000100Y43 (sample code from a Fuzhou registration):
    ///   values   9 1 3 5 0 1 0 0 M=21 0 0 0 1 0 0 Y=30 4
    ///   products 9+3+27+135+0+26+0+0+420+0+0+0+8+0+0+900+112 = 1640
    ///   1640 mod 31 = 28 (31×52 = 1612), 31 − 28 = 3 → '3' ✓
    ///
    /// 914403001922038216 (Huawei Technologies Co., Ltd.):
    ///   values   9 1 4 4 0 3 0 0 1 9 2 2 0 3 8 2 1
    ///   products 9+3+36+108+0+78+0+0+20+261+50+26+0+72+80+60+28 = 831
    ///   831 mod 31 = 25 (31×26 = 806), 31 − 25 = 6 → '6' ✓
    ///
    /// 91440300708461136T (Shenzhen Tencent Computer Systems Co., Ltd.):
    ///   values   9 1 4 4 0 3 0 0 7 0 8 4 6 1 1 3 6
    ///   products 9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168 = 966
    ///   966 mod 31 = 5 (31×31 = 961), 31 − 5 = 26 → 'T' (value 26) ✓
    ///
    /// 91330100716105852F (Alibaba (China) Co., Ltd.):
    ///   sum 884, 884 mod 31 = 16 (31×28 = 868), 31 − 16 = 15 → 'F' ✓
    ///
    /// 91110108551385082Q (Beijing Xiaomi Technology Co., Ltd.):
    ///   sum 999, 999 mod 31 = 7 (31×32 = 992), 31 − 7 = 24 → 'Q' ✓
    const PUBLISHED: [&str; 5] = [
        "91350100M000100Y43",
        "914403001922038216",
        "91440300708461136T",
        "91330100716105852F",
        "91110108551385082Q",
    ];

    #[test]
    fn published_codes_are_valid() {
        for code in PUBLISHED {
            assert_eq!(validate(code), Ok(()), "{code}");
        }
    }

    #[test]
    fn check_digit_of_published_codes() {
        for code in PUBLISHED {
            let expected = code.chars().last().unwrap();
            assert_eq!(check_digit(&code[..17]), Some(expected), "{code}");
            assert_eq!(complete(&code[..17]).as_deref(), Some(code));
        }
    }

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut power = 1u32;
        for weight in WEIGHTS {
            assert_eq!(weight, power);
            power = power * 3 % 31;
        }
    }

    #[test]
    fn alphabet_has_31_distinct_characters_without_ambiguous_letters() {
        assert_eq!(ALPHABET.len(), 31);
        for (i, a) in ALPHABET.iter().enumerate() {
            assert!(!ALPHABET[i + 1..].contains(a));
        }
        for forbidden in *b"IOZSV" {
            assert!(!ALPHABET.contains(&forbidden));
        }
    }

    #[test]
    fn sum_divisible_by_31_gives_check_digit_zero() {
        // 9×1+1×3+4×9+4×27+0+3×26+0+0+21×20+10×29+5×25+13×13+10×8+1×24
        // +12×10+17×30+27×28 = 2728 = 31×88, so 31 − 0 = 31 wraps to 0.
        assert_eq!(check_digit("91440300MA5DA1CHU"), Some('0'));
        assert_eq!(validate("91440300MA5DA1CHU0"), Ok(()));
    }

    #[test]
    fn wrong_check_digit_reports_the_expected_one() {
        assert_eq!(
            validate("91350100M000100Y44"),
            Err(UsccError::CheckDigit { expected: '3' })
        );
        // Looks like a Shenzhen company code, but its check digit is 'C'.
        assert_eq!(
            validate("91440300MA5DA1CH0X"),
            Err(UsccError::CheckDigit { expected: 'C' })
        );
        assert_eq!(
            validate("914403001922038210"),
            Err(UsccError::CheckDigit { expected: '6' })
        );
    }

    #[test]
    fn transposed_characters_are_caught() {
        // Swapping two adjacent characters is a common typing slip.
        assert!(matches!(
            validate("914403001922038126"),
            Err(UsccError::CheckDigit { .. })
        ));
    }

    #[test]
    fn wrong_length() {
        assert_eq!(validate(""), Err(UsccError::Length));
        assert_eq!(validate("91350100M000100Y4"), Err(UsccError::Length));
        assert_eq!(validate("91350100M000100Y433"), Err(UsccError::Length));
        // The old 15-digit business licence number is not a USCC.
        assert_eq!(validate("440301103097413"), Err(UsccError::Length));
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 17 ASCII characters plus one 3-byte character: 18 characters, so
        // the problem reported is the character, not the length.
        assert_eq!(
            validate("91350100M000100Y4三"),
            Err(UsccError::Character { position: 18 })
        );
    }

    #[test]
    fn forbidden_letters_are_rejected_where_they_appear() {
        for letter in ['I', 'O', 'Z', 'S', 'V'] {
            let code = format!("91350100{letter}000100Y43");
            assert_eq!(
                validate(&code),
                Err(UsccError::Character { position: 9 }),
                "{code}"
            );
            assert_eq!(check_digit(&code[..17]), None);
            assert_eq!(complete(&code[..17]), None);
        }
        assert_eq!(
            validate("91350100M000100O43"),
            Err(UsccError::Character { position: 16 })
        );
    }

    #[test]
    fn lowercase_is_rejected_until_normalised() {
        let typed = "91350100m000100y43";
        assert_eq!(validate(typed), Err(UsccError::Character { position: 9 }));
        assert_eq!(normalize(typed), "91350100M000100Y43");
        assert_eq!(validate(&normalize(typed)), Ok(()));
    }

    #[test]
    fn normalize_trims_removes_spaces_and_uppercases() {
        assert_eq!(
            normalize("  9144 0300 7084 6113 6t \n"),
            "91440300708461136T"
        );
        assert_eq!(normalize("\t91330100716105852f"), "91330100716105852F");
        assert_eq!(normalize(""), "");
    }

    #[test]
    fn normalize_folds_full_width_input() {
        // As typed with a Chinese input method in full-width mode, including
        // an ideographic space (U+3000).
        let typed = "９１１１０１０８\u{3000}５５１３８５０８２ｑ";
        assert_eq!(normalize(typed), "91110108551385082Q");
        assert_eq!(validate(&normalize(typed)), Ok(()));
    }

    #[test]
    fn every_registration_authority_is_accepted() {
        for authority in ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'N', 'Y'] {
            let code = complete(&format!("{authority}1440300MA5DA1CH0")).unwrap();
            assert_eq!(validate(&code), Ok(()), "{code}");
        }
    }

    #[test]
    fn unknown_registration_authority_is_rejected() {
        for authority in ['0', 'B', 'M', 'X'] {
            let code = complete(&format!("{authority}1440300MA5DA1CH0")).unwrap();
            assert_eq!(
                validate(&code),
                Err(UsccError::Character { position: 1 }),
                "{code}"
            );
        }
    }

    #[test]
    fn organisation_type_zero_is_rejected() {
        let code = complete("90440300MA5DA1CH0").unwrap();
        assert_eq!(validate(&code), Err(UsccError::Character { position: 2 }));
        let code = complete("9A440300MA5DA1CH0").unwrap();
        assert_eq!(validate(&code), Ok(()));
    }

    #[test]
    fn division_code_must_be_digits() {
        let code = complete("9144A300MA5DA1CH0").unwrap();
        assert_eq!(validate(&code), Err(UsccError::Division));
        let code = complete("91440300MA5DA1CH0").unwrap();
        assert_eq!(validate(&code), Ok(()));
    }

    #[test]
    fn first_problem_from_the_left_is_reported() {
        // Bad authority and a forbidden letter: the authority comes first.
        assert_eq!(
            validate("01350100I000100Y43"),
            Err(UsccError::Character { position: 1 })
        );
        // Letter in the division code before a forbidden letter.
        assert_eq!(validate("9135A100I000100Y43"), Err(UsccError::Division));
    }

    #[test]
    fn check_digit_rejects_wrong_input_length() {
        assert_eq!(check_digit(""), None);
        assert_eq!(check_digit("91350100M000100Y"), None);
        assert_eq!(check_digit("91350100M000100Y43"), None);
        assert_eq!(complete("91350100M000100Y"), None);
    }

    #[test]
    fn completed_codes_always_validate() {
        // A spread of organisation codes, as the demo-data generator makes.
        for serial in 0..200u32 {
            let first17 = format!("91440300MA5D{serial:05}");
            let code = complete(&first17).unwrap();
            assert_eq!(code.len(), 18);
            assert_eq!(validate(&code), Ok(()), "{code}");
        }
    }

    #[test]
    fn errors_read_as_plain_english() {
        assert_eq!(UsccError::Length.to_string(), "must be 18 characters");
        assert_eq!(
            UsccError::Character { position: 5 }.to_string(),
            "character 5 is not allowed"
        );
        assert_eq!(
            UsccError::Division.to_string(),
            "characters 3 to 8 must be digits (administrative division code)"
        );
        assert_eq!(
            UsccError::CheckDigit { expected: 'X' }.to_string(),
            "check digit should be X"
        );
    }
}

/// Properties over generated input: no input makes the parser panic, every
/// code built by [`complete`] validates, and the check digit catches every
/// single-character slip.
#[cfg(test)]
mod proptests {
    use super::*;
    use proptest::prelude::*;

    fn alphabet_char() -> impl Strategy<Value = char> {
        prop::sample::select(ALPHABET.to_vec()).prop_map(char::from)
    }

    /// A valid code: an allowed authority, a non-zero organisation type, a
    /// six-digit division, nine characters of the alphabet, its check digit.
    fn valid_code() -> impl Strategy<Value = String> {
        let authority =
            prop::sample::select(REGISTRATION_AUTHORITIES.to_vec()).prop_map(char::from);
        let kind = alphabet_char().prop_filter("type 0 is never assigned", |c| *c != '0');
        let division = prop::collection::vec(prop::char::range('0', '9'), 6);
        let serial = prop::collection::vec(alphabet_char(), 9);
        (authority, kind, division, serial).prop_map(|(a, k, d, s)| {
            let first17: String = [a, k].into_iter().chain(d).chain(s).collect();
            complete(&first17).expect("17 characters of the alphabet")
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_is_answered_without_panic(text in any::<String>()) {
            let normal = normalize(&text);
            prop_assert_eq!(normalize(&normal), normal.clone(), "normalize is idempotent");
            let _ = validate(&text);
            let _ = validate(&normal);
            let _ = check_digit(&text);
            if let Some(code) = complete(&text) {
                prop_assert_eq!(code.chars().count(), LENGTH);
            }
        }

        #[test]
        fn generated_codes_validate(code in valid_code()) {
            prop_assert_eq!(validate(&code), Ok(()));
            prop_assert_eq!(normalize(&code), code);
        }

        #[test]
        fn one_changed_character_is_rejected(
            code in valid_code(),
            position in 0..LENGTH,
            replacement in any::<char>(),
        ) {
            let mut chars: Vec<char> = code.chars().collect();
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert!(validate(&changed).is_err(), "{} accepted (from {})", changed, code);
        }

        #[test]
        fn codes_as_typed_normalise_back(
            code in valid_code(),
            typed in prop::collection::vec((any::<bool>(), any::<bool>(), 0..3usize), LENGTH),
        ) {
            // Each character lower-cased and/or full-width, with spaces around.
            let mut text = String::new();
            for (c, (lower, wide, spaces)) in code.chars().zip(typed) {
                let c = if lower { c.to_ascii_lowercase() } else { c };
                let c = if wide { char::from_u32(c as u32 + 0xFEE0).unwrap() } else { c };
                text.push(c);
                text.push_str(&[" ", "\u{3000}", "\t"][..spaces].concat());
            }
            prop_assert_eq!(normalize(&text), code.clone());
            prop_assert_eq!(validate(&normalize(&text)), Ok(()));
        }
    }
}
