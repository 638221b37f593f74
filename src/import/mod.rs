//! Bulk import of DESIGN §5 files: CSV or XLSX spreadsheets of records users
//! already keep elsewhere. Each kind reads its file with [`table`], checks it
//! whole, and writes nothing unless every row is good.

pub mod esg;
pub mod onboarding;
pub mod suppliers;
pub mod table;
pub mod training;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::models::audit_log::Actor;
use table::Problem;

/// What an import did (or, on a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Values the file may well mean but that look wrong (an ESG value more
    /// than ten times last year's): importing needs an explicit confirmation.
    pub warnings: Vec<Problem>,
}

/// The kinds of DESIGN §5 this release imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Suppliers,
    Onboarding,
    Esg,
    Training,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [
        ImportKind::Suppliers,
        ImportKind::Onboarding,
        ImportKind::Esg,
        ImportKind::Training,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Suppliers => "suppliers",
            ImportKind::Onboarding => "onboarding",
            ImportKind::Esg => "esg",
            ImportKind::Training => "training",
        }
    }

    pub fn parse(value: &str) -> Option<ImportKind> {
        ImportKind::ALL
            .into_iter()
            .find(|k| k.as_str() == value.trim())
    }

    pub fn columns(self) -> &'static [table::Column] {
        match self {
            ImportKind::Suppliers => suppliers::COLUMNS,
            ImportKind::Onboarding => onboarding::COLUMNS,
            ImportKind::Esg => esg::COLUMNS,
            ImportKind::Training => training::COLUMNS,
        }
    }

    /// Checks the file and, unless `dry_run`, writes it, all in one
    /// transaction: any problem leaves the database as it was.
    pub fn run(
        self,
        conn: &mut DbConnection,
        actor: &Actor,
        bytes: &[u8],
        dry_run: bool,
        today: NaiveDate,
    ) -> Result<Result<Outcome, Vec<Problem>>, AppError> {
        use diesel::Connection;
        conn.transaction(|conn| {
            let result = match self {
                ImportKind::Suppliers => suppliers::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Onboarding => onboarding::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Esg => esg::run(conn, actor, bytes, dry_run, today)?,
                ImportKind::Training => training::run(conn, actor, bytes, dry_run, today)?,
            };
            Ok(result)
        })
    }
}

/// A problem's reason in the reader's language (reasons are i18n keys, or
/// plain English from the file reader).
pub fn reason_text(lang: crate::i18n::Lang, reason: &str) -> String {
    if crate::i18n::has_key(reason) {
        lang.t(reason).to_owned()
    } else {
        reason.to_owned()
    }
}
