//! Parsing of the plain values that forms, files and the API share: dates,
//! yes/no, whole numbers, slugs. Errors are i18n keys naming the reason.

use chrono::NaiveDate;

/// `YYYY-MM-DD` (also `YYYY/MM/DD`, as spreadsheets often write it).
pub fn date(value: &str) -> Result<NaiveDate, &'static str> {
    let value = value.trim();
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(value, "%Y/%m/%d"))
        .map_err(|_| "field.date")
}

/// An optional date: empty is `None`; dates after `today` are refused.
pub fn past_date(value: &str, today: NaiveDate) -> Result<Option<NaiveDate>, &'static str> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    let parsed = date(value)?;
    if parsed > today {
        return Err("field.future_date");
    }
    Ok(Some(parsed))
}

/// Yes/no in English, Chinese or as 1/0; empty gives `default`.
pub fn flag(value: &str, default: bool) -> Result<bool, &'static str> {
    match value.trim().to_lowercase().as_str() {
        "" => Ok(default),
        "true" | "yes" | "y" | "1" | "是" | "on" => Ok(true),
        "false" | "no" | "n" | "0" | "否" | "off" => Ok(false),
        _ => Err("field.flag"),
    }
}

/// A short lower-case identifier such as a business unit (`phones`).
pub fn slug(value: &str) -> Result<String, &'static str> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return Err("field.required");
    }
    if value.len() > 40
        || !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
    {
        return Err("field.slug");
    }
    Ok(value)
}

/// A record code: letters, digits, `-`, `_`, `.`; at most 32 characters.
pub fn code(value: &str) -> Result<String, &'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Err("field.required");
    }
    if value.len() > 32
        || !value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err("field.code");
    }
    Ok(value.to_owned())
}

/// Text with a length limit in characters; `required` refuses empty text.
pub fn text(value: &str, max_chars: usize, required: bool) -> Result<String, &'static str> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err("field.required");
    }
    if value.chars().count() > max_chars {
        return Err("field.too_long");
    }
    Ok(value.to_owned())
}

/// An optional e-mail address, lower-cased.
pub fn email(value: &str) -> Result<String, &'static str> {
    let value = value.trim().to_lowercase();
    if value.is_empty() {
        return Ok(value);
    }
    let valid = value.len() <= 254
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !value.contains(char::is_whitespace)
                && value.matches('@').count() == 1
        });
    if valid {
        Ok(value)
    } else {
        Err("field.email")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_parse_both_spellings_and_refuse_the_future() {
        assert_eq!(date("2021-03-05"), Ok(day(2021, 3, 5)));
        assert_eq!(date(" 2021/3/5 "), Ok(day(2021, 3, 5)));
        assert_eq!(date("2021-02-30"), Err("field.date"));
        assert_eq!(date("05.03.2021"), Err("field.date"));
        let today = day(2026, 11, 26);
        assert_eq!(past_date("", today), Ok(None));
        assert_eq!(past_date("2026-11-26", today), Ok(Some(today)));
        assert_eq!(past_date("2026-11-27", today), Err("field.future_date"));
    }

    #[test]
    fn flags_accept_english_chinese_and_digits() {
        assert_eq!(flag("Yes", false), Ok(true));
        assert_eq!(flag("否", true), Ok(false));
        assert_eq!(flag("", true), Ok(true));
        assert_eq!(flag("maybe", true), Err("field.flag"));
    }

    #[test]
    fn slugs_codes_texts_and_emails() {
        assert_eq!(slug(" Phones "), Ok("phones".into()));
        assert_eq!(slug("tv set"), Err("field.slug"));
        assert_eq!(code("S-0001.a"), Ok("S-0001.a".into()));
        assert_eq!(code("S 1"), Err("field.code"));
        assert_eq!(code(""), Err("field.required"));
        assert_eq!(text("  abc ", 3, true), Ok("abc".into()));
        assert_eq!(text("abcd", 3, false), Err("field.too_long"));
        assert_eq!(text("深圳市", 3, true), Ok("深圳市".into()));
        assert_eq!(email(" A@B.cn "), Ok("a@b.cn".into()));
        assert_eq!(email(""), Ok(String::new()));
        assert_eq!(email("a@b"), Err("field.email"));
        assert_eq!(email("a b@c.cn"), Err("field.email"));
    }
}

/// Properties of the date parser every import and form goes through.
#[cfg(test)]
pub(crate) mod proptests {
    use super::*;
    use proptest::prelude::*;

    /// Any day from `first` to `last`.
    pub(crate) fn dates(first: NaiveDate, last: NaiveDate) -> impl Strategy<Value = NaiveDate> {
        (0..=(last - first).num_days()).prop_map(move |d| first + chrono::Duration::days(d))
    }

    /// Any day of the years people type (chrono's `%Y` wants four digits).
    fn any_date() -> impl Strategy<Value = NaiveDate> {
        dates(
            NaiveDate::from_ymd_opt(1000, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_text_is_a_date_or_a_clear_refusal(text in any::<String>(), today in any_date()) {
            if let Err(reason) = date(&text) {
                prop_assert_eq!(reason, "field.date");
            }
            match past_date(&text, today) {
                Ok(Some(day)) => prop_assert!(day <= today),
                Ok(None) => prop_assert!(text.trim().is_empty()),
                Err(reason) => prop_assert!(reason == "field.date" || reason == "field.future_date"),
            }
        }

        #[test]
        fn dates_read_back_in_every_accepted_spelling(day in any_date(), pad in "[ \t]{0,2}") {
            use chrono::Datelike;
            let (y, m, d) = (day.year(), day.month(), day.day());
            for text in [
                day.format("%Y-%m-%d").to_string(),
                day.format("%Y/%m/%d").to_string(),
                format!("{y}-{m}-{d}"),
                format!("{y}/{m}/{d}"),
            ] {
                prop_assert_eq!(date(&format!("{pad}{text}{pad}")), Ok(day), "{}", text);
            }
            prop_assert_eq!(past_date(&day.to_string(), day), Ok(Some(day)));
            if let Some(yesterday) = day.pred_opt() {
                prop_assert_eq!(past_date(&day.to_string(), yesterday), Err("field.future_date"));
            }
        }
    }
}
