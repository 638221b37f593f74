//! Rows, inserts and queries, one file per table (or per closely-knit group).

pub mod api_token;
pub mod attachment;
pub mod audit;
pub mod audit_log;
pub mod esg;
pub mod esg_request;
pub mod finding;
pub mod finding_counts;
pub mod kpi;
pub mod login_failure;
pub mod mineral_submission;
pub mod onboarding;
pub mod outbox;
pub mod programme;
pub mod replacement_plan;
pub mod risk;
pub mod session;
pub mod setting;
pub mod smelter;
pub mod supplier;
pub mod training;
pub mod user;

use chrono::{NaiveDateTime, Utc};

/// Timestamps are stored as UTC `NaiveDateTime` so both backends agree.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

diesel::define_sql_function! {
    /// SQL `lower()`; both backends have it, and it keeps searches case-insensitive
    /// without `ILIKE` (which SQLite lacks).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Escapes `%`, `_` and `\` so user text is matched literally in `LIKE`.
pub fn like_pattern(term: &str) -> String {
    let mut pattern = String::with_capacity(term.len() + 2);
    pattern.push('%');
    for c in term.trim().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Reads any scalar (text, number, yes/no, null) as text, so an API body may
/// send `"year": 2021` or `"year": "2021"` and the checked input sees the
/// same text a form or a file would give.
pub fn loose_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    struct Loose;
    impl<'de> serde::de::Visitor<'de> for Loose {
        type Value = String;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("text, a number, true/false or null")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
            Ok(v.to_owned())
        }
        fn visit_string<E: serde::de::Error>(self, v: String) -> Result<String, E> {
            Ok(v)
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<String, E> {
            Ok(v.to_string())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<String, E> {
            Ok(String::new())
        }
        fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
            d.deserialize_any(Loose)
        }
    }
    d.deserialize_any(Loose)
}

/// Inserts many rows with one statement per chunk. `MultiConnection` cannot
/// build multi-row inserts (DESIGN §3), so this matches on the backend; the
/// row structs need `treat_none_as_default_value = false` for SQLite.
macro_rules! insert_many {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let mut inserted = 0usize;
        for chunk in $rows.chunks(400) {
            inserted += match &mut *$conn {
                $crate::db::DbConnection::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                $crate::db::DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        inserted
    }};
}
pub(crate) use insert_many;

/// A page of a list and the total count behind it.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Paged<T> {
    /// A page of a list that has nothing to show.
    pub fn empty(page: i64, per_page: i64) -> Self {
        Paged {
            items: Vec::new(),
            total: 0,
            page,
            per_page,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern(" Ab%_c "), "%ab\\%\\_c%");
    }
}
