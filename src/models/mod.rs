//! Rows, inserts and queries, one file per table (or per closely-knit group).

pub mod api_token;
pub mod attachment;
pub mod audit;
pub mod audit_log;
pub mod finding;
pub mod finding_counts;
pub mod login_failure;
pub mod onboarding;
pub mod outbox;
pub mod risk;
pub mod session;
pub mod setting;
pub mod supplier;
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

/// A page of a list and the total count behind it.
#[derive(Debug, Clone)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_pattern_escapes_wildcards() {
        assert_eq!(super::like_pattern(" Ab%_c "), "%ab\\%\\_c%");
    }
}
